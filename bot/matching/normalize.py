"""Text folding for English, Roman Urdu and Urdu script.

Attendees type on whatever keyboard they have: Arabic-layout phones produce ي ك ه where
Urdu uses ی ک ہ, diacritics come and go, Urdu digits mix with Latin ones. Folding maps all
of these onto one spelling before any matching, so the index never sees the difference.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic-keyboard letters and positional variants onto the Urdu letters they stand for.
_URDU_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ې": "ی",
        "ے": "ی",
        "ۓ": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ڪ": "ک",
        "ه": "ہ",
        "ھ": "ہ",
        "ة": "ہ",
        "ۃ": "ہ",
        "ۂ": "ہ",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ـ": None,  # tatweel, a purely visual stretch
        "\u200c": None,
        "\u200d": None,
        "\u200e": None,
        "\u200f": None,  # joiners, marks
        "’": "",
        "'": "",
        "‘": "",
        "`": "",
    }
)
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_NON_WORD = re.compile(r"[^\w]+|_+")
_REPEATS = re.compile(r"(.)\1+")


def fold(text: str) -> str:
    """Case-, accent- and script-variant-free text with punctuation turned into spaces."""
    text = text.casefold()
    if not text.isascii():  # most questions are plain ASCII: skip the Unicode work
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.translate(_URDU_LETTERS).translate(_DIGITS)
    else:
        text = text.replace("'", "").replace("`", "")
    return _NON_WORD.sub(" ", text).strip()


def words(text: str) -> list[str]:
    return fold(text).split()


def squash(word: str) -> str:
    """Collapse doubled letters: Roman Urdu has no fixed spelling (kahaan/kahan, khaana)."""
    return _REPEATS.sub(r"\1", word)


def is_urdu_script(word: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in word)


# Urdu letters onto the Latin consonant they sound like, for English loanwords written in
# Urdu script (چارجنگ = charging, کارنر = corner). Vowel letters map to nothing.
_URDU_SOUNDS = str.maketrans(
    {
        "ا": "",
        "ب": "b",
        "پ": "p",
        "ت": "t",
        "ٹ": "t",
        "ث": "s",
        "ج": "j",
        "چ": "c",
        "ح": "",
        "خ": "k",
        "د": "d",
        "ڈ": "d",
        "ذ": "z",
        "ر": "r",
        "ڑ": "r",
        "ز": "z",
        "ژ": "z",
        "س": "s",
        "ش": "s",
        "ص": "s",
        "ض": "z",
        "ط": "t",
        "ظ": "z",
        "ع": "",
        "غ": "g",
        "ف": "f",
        "ق": "k",
        "ک": "k",
        "گ": "g",
        "ل": "l",
        "م": "m",
        "ن": "n",
        "ں": "n",
        "و": "",
        "ہ": "",
        "ی": "",
        "ء": "",
    }
)
_DIGRAPHS = (("ch", "c"), ("sh", "s"), ("kh", "k"), ("gh", "g"), ("ph", "f"), ("th", "t"))
_SOUND_CLASSES = str.maketrans({"q": "k", "c": "k", "j": "g", "z": "s", "v": "w", "x": "k"})
_VOWELS = re.compile(r"[aeiouyhw]")


def consonant_skeleton(word: str) -> str:
    """The consonants of a word, by sound class, in either script.

    English loanwords typed in Urdu script drop most vowels; comparing consonants only
    ("krgng" for both چارجنگ and "charging") lets them meet their English spelling.
    """
    if is_urdu_script(word):
        word = word.translate(_URDU_SOUNDS)
    for digraph, single in _DIGRAPHS:
        word = word.replace(digraph, single)
    word = _VOWELS.sub("", word.translate(_SOUND_CLASSES))
    return squash(word)
