"""Telling chatter ("hi", "shukriya", "ok", "koi hai?") from questions, before matching.

Why: at an event a large share of messages are greetings, thanks and acknowledgements.
Sent to the matcher they get a false "I've passed your question to the organisers" (and
bury the real questions in the organisers' chat) or, worse, buttons for the fee. Every
FAQ bot handles this ("chit-chat" in Azure's question answering, greet/goodbye intents in
Rasa); here it is done in English, Roman Urdu and Urdu script with a phrase list rather
than a model, because the kinds are few, the phrases are short, and a wrong guess must
fall on the safe side: **when in doubt, a message is a question**.

How: the message is cut into clauses at punctuation (", . ! ? ؟ ۔ ،", "❓" and new lines).
A clause is chatter when every word in it is part of a known chatter phrase or a filler
word ("sir", "bhai", "ji", "so much"), when it is "thanks for <something>" with no
question in it, when it is keyboard mash, when the word-by-word reading finds chatter
words and nothing that may carry a question (bot/matching/chatter_words.py: phrase lists
alone missed almost half of the chatter written blind for the benchmark), or when it
holds a chatter phrase and nothing but words the matcher ignores anyway. Every other
clause is a question clause, and the
message's question is the text from the first question clause to the last one, as
typed. Words are folded and squashed with the matcher's own normaliser, so "Shukriyaa",
"shukria" and "شکریہ" meet their phrases the same way they meet FAQ phrasings.

Last, a learned model (bot/matching/chatter_model.py) gives a second opinion on the
readings' verdict, within limits that keep the safe side: see `second_opinion`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, cast, get_args

from bot.matching.analyzer import Analyzer
from bot.matching.chatter_formulas import Formulas
from bot.matching.chatter_model import (
    QUESTION,
    QUESTION_MARKS,
    ChatterModel,
    features,
    shipped_model,
)
from bot.matching.chatter_words import ALONE, WordReader
from bot.matching.normalize import fold, squash

ChatterKind = Literal[
    "greeting",
    "thanks",
    "acknowledgement",
    "goodbye",
    "help",
    "anyone_there",
    "ask_for_person",
    "rudeness",
    "nonsense",
]
CHATTER_KINDS: tuple[ChatterKind, ...] = get_args(ChatterKind)
# When one message holds several kinds, the one that asks the most of the bot wins:
# "ok thanks" is thanks, "thanks bye" a goodbye, "hello? anyone?" is anyone-there.
_PRIORITY: tuple[ChatterKind, ...] = (
    "ask_for_person",
    "rudeness",
    "help",
    "anyone_there",
    "goodbye",
    "thanks",
    "greeting",
    "acknowledgement",
    "nonsense",
)

# Phrases per kind, written as attendees type them; folded and squashed when the table is
# built. Spelling variants that squashing does not join are listed in _VARIANTS below.
_PHRASES: dict[ChatterKind, tuple[str, ...]] = {
    "greeting": (
        "hi",
        "hello",
        "hey",
        "hiya",
        "heya",
        "yo",
        "sup",
        "whats up",
        "wassup",
        "good morning",
        "good afternoon",
        "good evening",
        "good day",
        "morning",
        "gm",
        "greetings",
        "how are you",
        "how are you doing",
        "how is it going",
        "hows it going",
        "how do you do",
        "salam",
        "salam alaikum",
        "salam o alaikum",
        "salam u alaikum",
        "assalam o alaikum",
        "assalam u alaikum",
        "assalam alaikum",
        "assalamualaikum",
        "assalamoalaikum",
        "assalam",
        "aoa",
        "slm",
        "adab",
        "kya haal hai",
        "kya hal hai",
        "kaise ho",
        "kaise hain",
        "kaise hain aap",
        "aap kaise hain",
        "kya haal chaal",
        "السلام علیکم",
        "السلام و علیکم",
        "السلام وعلیکم",
        "اسلام علیکم",
        "سلام",
        "سلام علیکم",
        "آداب",
        "کیا حال ہے",
        "آپ کیسے ہیں",
        "کیسے ہیں",
        "صبح بخیر",
        "ہیلو",
        "wa alaikum assalam",
        "walaikum assalam",
        "walaikum salam",
        "wa alaikum salam",
        "وعلیکم السلام",
        "و علیکم السلام",
    ),
    "thanks": (
        "thanks",
        "thank you",
        "thank u",
        "thanku",
        "thankyou",
        "tysm",
        "ty",
        "many thanks",
        "much appreciated",
        "appreciate it",
        "appreciated",
        "shukriya",
        "shukran",
        "jazakallah",
        "jazak allah",
        "jazakallah khair",
        "jazak allah khair",
        "jzk",
        "jzkallah",
        "meherbani",
        "bari meherbani",
        "شکریہ",
        "جزاک اللہ",
        "جزاک اللہ خیر",
        "جزاکم اللہ",
        "مہربانی",
        "بڑی مہربانی",
        "آپ کا شکریہ",
        # praise gets the same "glad to help"
        "thanks a ton",
        "great job",
        "good job",
        "well done",
        "nice work",
        "great work",
        "love it",
        "love this",
        "love this bot",
        "you are great",
        "you are awesome",
        "you are the best",
        "you rock",
        "great bot",
        "good bot",
        "awesome bot",
        "nice bot",
        "bot is awesome",
        "bot is great",
        "very helpful",
        "so helpful",
        "helpful",
        "zabardast",
        "kamal",
        "kamaal hai",
        "bohat acha",
        "زبردست",
        "کمال",
        "شاباش",
        "بہت اچھا",
    ),
    "acknowledgement": (
        "او کے",
        "اوکے",
        "ok",
        "okay",
        "k",
        "kk",
        "oki",
        "okie",
        "okey",
        "got it",
        "gotcha",
        "alright",
        "all right",
        "sure",
        "cool",
        "noted",
        "fine",
        "great",
        "nice",
        "good",
        "perfect",
        "awesome",
        "understood",
        "i see",
        "oh",
        "ah",
        "yes",
        "yeah",
        "yep",
        "yup",
        "hmm",
        "hm",
        "acha",
        "theek hai",
        "theek",
        "sahi",
        "sahi hai",
        "chalo",
        "ji",
        "haan",
        "han",
        "ٹھیک ہے",
        "اچھا",
        "جی",
        "ہاں",
        "اوکے",
        "صحیح",
        "درست",
        # Taking back what they were about to ask: "never mind", "koi baat nahi", "رہنے دیں".
        "never mind",
        "nevermind",
        "nvm",
        "never mind then",
        "no worries",
        "koi baat nahi",
        "rehne do",
        "rehne dein",
        "chalo rehne do",
        "کوئی بات نہیں",
        "رہنے دیں",
        "رہنے دو",
    ),
    "goodbye": (
        "bye",
        "have a good day",
        "have a nice day",
        "have a great day",
        "have a good one",
        "phir baat hogi",
        "phir baat hoti hai",
        "baad mein baat karte hain",
        "پھر بات ہوگی",
        "chalta hun",
        "chalta hoon",
        "chalti hun",
        "chalti hoon",
        "chalte hain",
        "bye bye",
        "goodbye",
        "good bye",
        "see you",
        "see ya",
        "cya",
        "see you tomorrow",
        "see you later",
        "see you there",
        "see you next year",
        "see you next time",
        "see you next year inshallah",
        "agle saal milenge",
        "agle saal milenge inshallah",
        "اگلے سال ملیں گے",
        "see you at the event",
        "see you at the conference",
        "take care",
        "good night",
        "gn",
        "allah hafiz",
        "khuda hafiz",
        "fi amanillah",
        "phir milenge",
        "اللہ حافظ",
        "خدا حافظ",
        "پھر ملیں گے",
        "شب بخیر",
        "فی امان اللہ",
    ),
    "help": (
        "help",
        "help me",
        "help please",
        "i need help",
        "need help",
        "what can you do",
        "what do you do",
        "what can i ask",
        "what can i ask you",
        "what should i ask",
        "how does this work",
        "how does it work",
        "how do i use this",
        "how do i use this bot",
        "how to use this",
        "how to use this bot",
        "what is this",
        "what is this bot",
        "menu",
        "commands",
        "options",
        "madad",
        "madad chahiye",
        "meri madad karo",
        "meri madad karein",
        "madad karein",
        "madad karo",
        "help chahiye",
        "ye bot kya karta hai",
        "ye kya hai",
        "aap kya kar sakte ho",
        "aap kya kar sakte hain",
        "tum kya kar sakte ho",
        "kya pooch sakta hoon",
        "kya pooch sakti hoon",
        "kya pooch sakte hain",
        "is bot ko kaise use karun",
        "ye kaise kaam karta hai",
        "مدد",
        "مدد چاہیے",
        "میری مدد کریں",
        "میری مدد کرو",
        "یہ بوٹ کیا کرتا ہے",
        "آپ کیا کر سکتے ہیں",
        "میں کیا پوچھ سکتا ہوں",
        "میں کیا پوچھ سکتی ہوں",
        "یہ کیسے کام کرتا ہے",
    ),
    "anyone_there": (
        "anyone there",
        "anybody there",
        "anyone here",
        "anybody here",
        "is anyone there",
        "is anybody there",
        "is someone there",
        "is somebody there",
        "anyone",
        "anybody",
        "anyone reading this",
        "is anyone reading this",
        "anyone reading",
        "anyone available",
        "are you there",
        "you there",
        "are you a bot",
        "are you human",
        "are you a human",
        "are you a human or a bot",
        "are you a human or a robot",
        "are you a robot",
        "are you real",
        "is this a bot",
        "is this a real person",
        "is this automated",
        "who are you",
        "who is this",
        "koi hai",
        "kya koi hai",
        "koi sun raha hai",
        "koi jawab dega",
        "koi hai jo jawab de",
        "aap insaan ho ya bot",
        "aap insaan ho",
        "aap bot ho",
        "ye bot hai kya",
        "kya ye bot hai",
        "aap kaun ho",
        "aap kaun hain",
        "tum kaun ho",
        "کوئی ہے",
        "کیا کوئی ہے",
        "کوئی سن رہا ہے",
        "آپ کون ہیں",
        "کیا یہ بوٹ ہے",
        "یہ بوٹ ہے",
        "آپ انسان ہیں",
        # Checking the line, as on a call: "hello hello can you hear me", "jawab do".
        "can you hear me",
        "do you hear me",
        "can anyone hear me",
        "can anybody hear me",
        "are you listening",
        "is anyone listening",
        "sun rahe ho",
        "sun rahe hain",
        "aap sun rahe hain",
        "kya aap sun rahe hain",
        "کیا آپ سن رہے ہیں",
        "reply",
        "reply me",
        "reply do",
        "reply karo",
        "reply karein",
        "reply kardo",
        "reply kar do",
        "respond",
        "answer me",
        "jawab do",
        "jawab dein",
        "jawab dijiye",
        "jawab do na",
        "jawab to do",
        "koi jawab do",
        "جواب دو",
        "جواب دیں",
        "جواب دیجیے",
    ),
    "ask_for_person": (
        "talk to a human",
        "talk to human",
        "speak to a human",
        "talk to a person",
        "talk to a real person",
        "speak to a real person",
        "speak to a person",
        "talk to someone",
        "speak to someone",
        "let me talk to someone",
        "i want to talk to a human",
        "i want to talk to someone",
        "i want to speak to someone",
        "i need to speak to someone",
        "i need to talk to someone",
        "can i speak to a real person",
        "can i talk to a human",
        "can i talk to someone",
        "contact the organisers",
        "contact organisers",
        "contact the organiser",
        "connect me to an organiser",
        "connect me to a human",
        "connect me with an organiser",
        "talk to organiser",
        "talk to an organiser",
        "talk to the organisers",
        "pass this to the organisers",
        "forward this to the organisers",
        "human please",
        "real person please",
        "agent please",
        "get me a person",
        "get me a human",
        "kisi insaan se baat karao",
        "kisi insaan se baat karwao",
        "kisi insaan se baat karwa do",
        "kisi insaan se baat",
        "kisi banday se baat karao",
        "kisi banday se baat karwa do",
        "kisi banday se baat karwao",
        "organiser se baat karni hai",
        "organiser se baat karao",
        "organisers se rabta karwa dein",
        "organisers se baat karwa dein",
        "mujhe kisi insaan se baat karni hai",
        "kisi admin se baat karwao",
        "team se baat karwao",
        "کسی انسان سے بات کروائیں",
        "کسی انسان سے بات",
        "منتظمین سے بات کروائیں",
        "کسی بندے سے بات کرنی ہے",
        "مجھے کسی انسان سے بات کرنی ہے",
        "منتظمین سے رابطہ کروا دیں",
        "منتظمین سے رابطہ کروائیں",
    ),
    # "Just like that": no reason, nothing to ask ("bas aise hi" after "what do you need?").
    "nonsense": (
        "aise hi",
        "waise hi",
        "wese hi",
        "vaise hi",
        "vese hi",
        "bas aise hi",
        "bas waise hi",
        "bas wese hi",
        "just like that",
        "ایسے ہی",
        "ویسے ہی",
        "بس ایسے ہی",
        # "Nothing" in answer to "what do you need?", or before "sent it by mistake".
        "kuch nahi",
        "kuch bhi",
        "nothing",
        "کچھ نہیں",
        "کچھ بھی نہیں",
    ),
    "rudeness": (
        "not helpful",
        "not helpful at all",
        "no help",
        "wrong answer",
        "you didnt answer my question",
        "you did not answer my question",
        "this doesnt work",
        "this does not work",
        "doesnt work",
        "waste of time",
        "what rubbish",
        "what nonsense",
        "ghalat jawab",
        "galat jawab",
        "kya bakwas hai",
        "kisi kaam ke nahi",
        "kisi kaam ka nahi",
        "bohat bura",
        "bura bot",
        "غلط جواب",
        "کسی کام کا نہیں",
        "کسی کام کے نہیں",
        # Nobody cares: "line bohat lambi hai, koi poochne wala nahi".
        "koi poochne wala nahi",
        "koi puchne wala nahi",
        "koi pochne wala nahi",
        "koi sunne wala nahi",
        "koi dekhne wala nahi",
        "nobody cares",
        "no one cares",
        "کوئی پوچھنے والا نہیں",
        "کوئی سننے والا نہیں",
        "کوئی دیکھنے والا نہیں",
    ),
}

# Words that make a message rude or a complaint whatever surrounds them ("you are so
# useless", "ye bot bilkul bekaar hai"); the rest of such a clause must be filler.
_RUDE_WORDS = frozenset(
    {
        "useless",
        "stupid",
        "dumb",
        "idiot",
        "idiotic",
        "rubbish",
        "worst",
        "terrible",
        "pathetic",
        "horrible",
        "trash",
        "garbage",
        "crap",
        "nonsense",
        "bakwas",
        "bekar",
        "faltu",
        "fazool",
        "fazul",
        "bewakoof",
        "bewaqoof",
        "ghatiya",
        "بکواس",
        "بیکار",
        "فضول",
        "بیوقوف",
        "گھٹیا",
    }
)
# Words a rude clause may carry besides its rude word.
_RUDE_FILLER = frozenset(
    {
        "this",
        "it",
        "that",
        "was",
        "your",
        "answer",
        "answers",
        "reply",
        "you",
        "u",
        "are",
        "r",
        "is",
        "youre",
        "ur",
        "so",
        "very",
        "totally",
        "completely",
        "such",
        "a",
        "an",
        "the",
        "ever",
        "at",
        "all",
        "really",
        "bot",
        "hai",
        "ho",
        "tum",
        "ye",
        "yeh",
        "bilkul",
        "bohat",
        "kya",
        "what",
        "ka",
        "ki",
        "ke",
        "یہ",
        "ہے",
        "ہو",
        "بوٹ",
        "تم",
        "بالکل",
        "کیا",
        "بہت",
    }
)
# Words the matcher keeps that nod on their own: "g" (ji), "ho gya" / "hogaya" (done).
_NODS = frozenset({"g", "gya", "gaya", "gyi", "gayi", "hogya", "hogaya", "hogyi", "hogayi"})
_NOT = frozenset({"not", "no", "nahi", "nhi", "nai", "nahin", "na", "نہیں", "نہ"})
# Words any chatter may carry: forms of address, intensifiers, politeness.
_FILLER = frozenset(
    {
        "sir",
        "madam",
        "maam",
        "mam",
        "ji",
        "jee",
        "g",
        "bhai",
        "bhaijan",
        "bro",
        "brother",
        "sis",
        "dear",
        "team",
        "everyone",
        "everybody",
        "all",
        "guys",
        "folks",
        "there",
        "bot",
        "yaar",
        "friend",
        "buddy",
        "please",
        "so",
        "much",
        "very",
        "lot",
        "a",
        "again",
        "too",
        "bohat",
        "bahut",
        "buhat",
        "bht",
        "boht",
        "bhot",
        "ncsc",
        "janab",
        "sahab",
        "sahib",
        "saab",
        "haha",
        "hahaha",
        "lol",
        "hehe",
        "well",
        "wow",
        "then",
        "aap",
        "ap",
        "ka",
        "jnab",
        "جناب",
        "بھائی",
        "صاحب",
        "سر",
        "بہت",
        "آپ",
        "کا",
        "جی",
    }
)
# Spellings squashing does not join, onto the one the phrase table uses.
_VARIANTS = {
    "thx": "thanks",
    "thnx": "thanks",
    "thnks": "thanks",
    "thanx": "thanks",
    "thanz": "thanks",
    "tnx": "thanks",
    "tx": "thanks",
    "thank": "thank",
    "thnk": "thank",
    "shukria": "shukriya",
    "shukrya": "shukriya",
    "shukriyah": "shukriya",
    "shukiya": "shukriya",
    "shkria": "shukriya",
    "shukr": "shukriya",
    "jazakalah": "jazakallah",
    "jazakallahu": "jazakallah",
    "jazakalahu": "jazakallah",
    "khayr": "khair",
    "khar": "khair",
    "mehrbani": "meherbani",
    "meharbani": "meherbani",
    "achha": "acha",
    "accha": "acha",
    "acchha": "acha",
    "achaa": "acha",
    "sai": "sahi",  # "sai hai"
    "agayi": "aa gayi",  # "samajh agayi"
    "agaya": "aa gaya",
    "agya": "aa gaya",
    "agyi": "aa gayi",
    "thik": "theek",
    "thek": "theek",
    "thk": "theek",
    "tik": "theek",
    "he": "hai",
    "hy": "hai",
    "hay": "hai",
    "h": "hai",
    "hain": "hai",
    "hein": "hai",
    "haal": "haal",
    "hal": "haal",
    "u": "you",
    "r": "are",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "plss": "please",
    "plzz": "please",
    "kesy": "kaise",
    "kese": "kaise",
    "kaisy": "kaise",
    "kaisay": "kaise",
    "kesay": "kaise",
    "kaise": "kaise",
    "insan": "insaan",
    "bande": "banday",
    "banda": "banday",
    "bandy": "banday",
    "bndy": "banday",
    "karwa": "karwa",
    "krwa": "karwa",
    "krao": "karao",
    "krwao": "karwao",
    "krwado": "karwa do",
    "karwado": "karwa do",
    "krni": "karni",
    "kro": "karo",
    "krein": "karein",
    "karen": "karein",
    "organizer": "organiser",
    "organizers": "organisers",
    "organisors": "organisers",
    "organiser": "organiser",
    "organisers": "organisers",
    "alaykum": "alaikum",
    "alykum": "alaikum",
    "alikum": "alaikum",
    "aleikum": "alaikum",
    "elaikum": "alaikum",
    "alaikom": "alaikum",
    "alekum": "alaikum",
    "aslam": "assalam",
    "asalaam": "assalam",
    "assalamu": "assalam",
    "salamu": "salam",
    "asalamualaikum": "assalamualaikum",
    "aslamualaikum": "assalamualaikum",
    "aslamualikum": "assalamualaikum",
    "asalamualikum": "assalamualaikum",
    "assalamualikum": "assalamualaikum",
    "salamualaikum": "assalamualaikum",
    "salamualikum": "assalamualaikum",
    "aslamoalaikum": "assalamoalaikum",
    "aslamoalikum": "assalamoalaikum",
    "asalamoalikum": "assalamoalaikum",
    "asalamoalaikum": "assalamoalaikum",
    "asalamualykum": "assalamualaikum",
    "salamalaikum": "salam alaikum",
    "asalamalaikum": "assalam alaikum",
    "khudahafiz": "khuda hafiz",
    "allahafiz": "allah hafiz",
    "allahhafiz": "allah hafiz",
    "khudahafz": "khuda hafiz",
    "hafz": "hafiz",
    "byee": "bye",
    "bbye": "bye bye",
    "byebye": "bye bye",
    "goodnight": "good night",
    "helo": "hello",
    "hlo": "hello",
    "hllo": "hello",
    "hie": "hi",
    "heyy": "hey",
    "howdy": "hello",
    "okie": "ok",
    "oky": "ok",
    "okiee": "ok",
    "okk": "ok",
    "okey": "ok",
    "okays": "okay",
    "kk": "ok",
    "gotit": "got it",
    "didnt": "didnt",
    "doesnt": "doesnt",
    "youre": "youre",
    "whats": "whats",
    "wats": "whats",
    "watsup": "whats up",
    "whatsup": "whats up",
    "sup": "sup",
    "pooch": "pooch",
    "puch": "pooch",
    "poch": "pooch",
    "hoon": "hoon",
    "hun": "hoon",
    "hu": "hoon",
    "sakta": "sakta",
    "skta": "sakta",
    "bekaar": "bekar",
    "bakwaas": "bakwas",
    "faltoo": "faltu",
    "bewakuf": "bewakoof",
    "fuzool": "fazool",
    "ghalat": "ghalat",
    "galat": "ghalat",
    "jawab": "jawab",
    "jwab": "jawab",
    "jawaab": "jawab",
}

# Emoji on their own: the kind each one says. Other symbols are filler.
_EMOJI_KINDS: dict[str, ChatterKind] = {
    "👋": "greeting",
    "🙋": "greeting",
    "🙌": "thanks",
    "🖐": "greeting",
    "🤲": "thanks",
    "☑": "acknowledgement",
    "🫡": "acknowledgement",
    "🤙": "acknowledgement",
    "🤦": "rudeness",
    "🤝": "greeting",
    "🙏": "thanks",
    "❤": "thanks",
    "♥": "thanks",
    "💙": "thanks",
    "💚": "thanks",
    "💖": "thanks",
    "😍": "thanks",
    "🥰": "thanks",
    "😘": "thanks",
    "💐": "thanks",
    "🌹": "thanks",
    "🌸": "thanks",
    "🤗": "thanks",
    "👍": "acknowledgement",
    "👌": "acknowledgement",
    "✅": "acknowledgement",
    "✔": "acknowledgement",
    "👏": "acknowledgement",
    "🆗": "acknowledgement",
    "💯": "acknowledgement",
    "😊": "acknowledgement",
    "🙂": "acknowledgement",
    "😀": "acknowledgement",
    "😃": "acknowledgement",
    "😄": "acknowledgement",
    "😁": "acknowledgement",
    "😂": "acknowledgement",
    "🤣": "acknowledgement",
    "🔥": "acknowledgement",
    "👎": "rudeness",
    "😡": "rudeness",
    "😠": "rudeness",
    "🤬": "rudeness",
    "🤡": "rudeness",
    "🙄": "rudeness",
    "😒": "rudeness",
    "🆘": "help",
    "✌": "goodbye",  # peace, leaving
    "🌙": "goodbye",  # good night
    "😴": "goodbye",
    "💤": "goodbye",
    "🤖": "anyone_there",  # "🤖?": are you a bot?
    "👀": "anyone_there",  # "👀?": anyone looking?
    "💩": "rudeness",
    "🖕": "rudeness",
    "😤": "rudeness",
}
# A phone and a person, as pictures ("📞👤", "☎️👨‍💼"): put me through to someone.
_PHONES = frozenset("📞☎📱")
_PERSONS = frozenset("👤👥🧑👨👩🧍💁")
# Typed smileys, read as the emoji they stand for: ":)", ":-)", ":D", "=)".
_SMILEYS = re.compile(r"(?<!\S)[:;=]-?[)\]DPp](?!\S)")
# Emoji modifiers that say nothing on their own: variation selectors, skin tones, joiner.
_EMOJI_MODIFIERS = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")


def _names_a_thing(symbol: str) -> bool:
    """An emoji that may show what the attendee looks for ("🕌", "🅿", "🍽"): one without
    a chatter meaning that is not a face or a hand ("🤔", "😅" ask nothing by themselves)."""
    if symbol in _EMOJI_KINDS or len(symbol) != 1 or unicodedata.category(symbol) != "So":
        return False
    point = ord(symbol)
    return not any(low <= point <= high for low, high in _FACES_AND_HANDS)


# Smileys, gestures and hands (Unicode's emoticons and the faces of the supplemental
# symbols): they show a mood, never a place or a thing.
_FACES_AND_HANDS = ((0x1F600, 0x1F64F), (0x1F90C, 0x1F92F), (0x1F970, 0x1F97F), (0x1F44A, 0x1F450))


def _split_words(block: str) -> list[str]:
    return block.split()


# Question words: a clause with one is never chatter by the "only filler words" rule.
_QUESTION_WORDS = frozenset(
    squash(fold(word))
    for word in _split_words(
        "what where when who whom whose which why how is are can could do does will would "
        "should may kya kia kab kahan kahaan kidhar kaise kesay kaisay kese kitna kitne "
        "kitni kaun kon konsa konsi kyun kyon kyu کیا کب کہاں کدھر کیسے کتنا کتنے کتنی "
        "کون کونسا کونسی کیوں"
    )
)

# Clause boundaries, in both scripts; a colon or point between digits is part of a time or
# a number ("lunch 1:30 pe khatam", "2.5 ghante"), not a boundary.
_CLAUSE_BREAK = re.compile(r"(?:[,!?;\n\r،۔؟؛…？❓❔]|(?<!\d)[.:]|[.:](?!\d))+")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]", re.UNICODE)
_KEYBOARD_ROWS = (
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1234567890",
    "ضصثقفغعهخحجد",  # the Arabic-script rows phones offer for Urdu
    "شسیبلاتنمکگ",
    "ظطزرذدپو",
    # The Urdu phonetic layout, folded as the words are (ے is ی): "سدفگ" is "sdfg".
    fold("قوعرتےءیہپ"),
    fold("اسدفگحجکل"),
    fold("زشچطبنم"),
)
# Hamza and its seats, alone ("ؤءئ" folds to "وءی"): never a word.
_HAMZA_MASH = frozenset("ءویا")
_VOWELS = frozenset("aeiouy")
_INITIALS = re.compile(r"(?<![\w.])(?:[A-Za-z]\.){2,}[A-Za-z]?(?![\w.])")
_HELLOS = "hi hey hello helo hellow hii yo salam ہیلو ہائے"
_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lo", "Nd", "Nl", "No", "Lm"})
_MAX_PHRASE = 8
# A question word alone, asked: "kya??", "hain??", "what??", "کیا؟" (folded spellings).
_BARE_ASKS = frozenset(
    {"kya", "kia", "kiya", "kyaa", "what", "wat", "wut", "hain", "huh", "کیا", "ہیں"}
)
# How attendees introduce themselves, and whether the name after it must be capitalised.
_INTRODUCTIONS = (
    ("my name is", False),
    ("mera naam", False),
    ("mera name", False),
    ("میرا نام", False),
    ("I'm", True),
    ("i am", True),
    ("myself", True),
    ("main", True),
)

# Who the attendee wants, said after a request for a person: "talk to someone from the
# team", "kisi organiser se baat karni hai". Only allowed right after an ask_for_person
# phrase, so "from the team" never turns a question into chatter on its own.
_PERSON_QUALIFIERS = frozenset(
    [
        "from",
        "of",
        "the",
        "your",
        "this",
        "at",
        "on",
        "in",
        "team",
        "teams",
        "organising",
        "organizing",
        "organiser",
        "organisers",
        "organizer",
        "organizers",
        "organisation",
        "organization",
        "committee",
        "staff",
        "management",
        "support",
        "helpdesk",
        "desk",
        "event",
        "conference",
        "ncsc",
        "volunteer",
        "volunteers",
        "admin",
        "admins",
        "se",
        "ke",
        "ki",
        "ka",
        "wale",
        "wala",
        "walon",
    ]
)


@dataclass(frozen=True, slots=True)
class Reading:
    """What one message is: its chatter kind (None for a plain question) and its question.

    `question` is the part of the message to answer, as typed (None for pure chatter).
    `kinds` are every chatter kind seen, most demanding first. `salam` is set when the
    greeting was the Islamic one, which is returned in kind ("Wa alaikum assalam").
    """

    kind: ChatterKind | None
    question: str | None
    kinds: tuple[ChatterKind, ...] = ()
    salam: bool = False

    @property
    def is_chatter(self) -> bool:
        """Chatter only: nothing in it for the matcher."""
        return self.kind is not None and self.question is None


def _key(word: str) -> str:
    """The phrase-table spelling of one folded word (a variant may stand for two words)."""
    folded = squash(word)
    variant = _VARIANTS.get(folded, _VARIANTS.get(word))
    return folded if variant is None else " ".join(squash(part) for part in variant.split())


def _keys(text: str) -> tuple[str, ...]:
    return tuple(part for word in fold(text).split() for part in _key(word).split())


def _key_set(words: Iterable[str]) -> frozenset[str]:
    """Every reading key of a word list, for the readings' set lookups (built once each)."""
    return frozenset(k for word in words for k in _keys(word))


def reading_keys(text: str) -> tuple[str, ...]:
    """The words of a text as the readings see them: folded, squashed, variants joined
    ("Shukriyaa", "shukria" and "shukriya" are one word). The learned model uses them too."""
    return _keys(text)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[tuple[str, ...], ChatterKind], frozenset[str], frozenset[str]]:
    """Phrase table, filler words and rude words, folded like the attendees' words are."""
    phrases: dict[tuple[str, ...], ChatterKind] = {}
    for kind, texts in _PHRASES.items():
        for text in texts:
            phrases.setdefault(_keys(text), kind)
    filler = _key_set(_FILLER)
    rude = _key_set(_RUDE_WORDS)
    return phrases, filler, rude


@lru_cache(maxsize=1)
def _introductions() -> tuple[tuple[tuple[str, ...], bool], ...]:
    return tuple((_keys(text), capitalised) for text, capitalised in _INTRODUCTIONS)


@lru_cache(maxsize=1)
def _person_qualifier_keys() -> frozenset[str]:
    return _key_set(_PERSON_QUALIFIERS)


@lru_cache(maxsize=1)
def _rude_filler() -> frozenset[str]:
    return _key_set(_RUDE_FILLER)


@lru_cache(maxsize=1)
def _salam_keys() -> frozenset[str]:
    words = "salam assalam assalamualaikum assalamoalaikum aoa slm alaikum السلام اسلام سلام علیکم"
    return _key_set(words.split())


@lru_cache(maxsize=1)
def _family_keys() -> frozenset[str]:
    words = (
        "ammi ami amma ammu ammy abbu abu abba abbi papa mama mom mum mommy dad daddy baji "
        "apa api امی امی‌جان اماں ابو ابا باجی آپی"
    )
    return _key_set(words.split())


@lru_cache(maxsize=1)
def _first_person_keys() -> frozenset[str]:
    words = "main mein i im ive hum ham میں ہم"
    return _key_set(words.split())


@lru_cache(maxsize=1)
def _runs_out() -> frozenset[str]:
    """Words for a thing run out or over: "khatam", "finished", "ختم"."""
    words = "khatam khtm khatm finished ended over ختم"
    return _key_set(words.split())


_PLAIN_REPORT_WORDS = 6  # "lunch khatam ho gaya hai kya": the thing and its running out


def _reports_run_out(words: Sequence[str]) -> bool:
    """A short report that a thing ran out: "khana khatam ho gaya", "chai khatam"."""
    return len(words) <= _PLAIN_REPORT_WORDS and bool(set(words) & _runs_out())


def _joined(clause: _Clause) -> _Clause:
    """The clause with its one-letter words run together: "a.o.a" is "aoa"."""
    word = "".join(clause.words)
    return _Clause(clause.start, clause.end, word, [_key(word)], [word], [], False, clause.stop)


def _is_mash(word: str) -> bool:
    """Keyboard mash: "asdfgh", "jjjjj", "sdfsdf", "ااااا", "ضصثق" (never a real word here)."""
    if (len(word) >= 3 and len(set(word)) == 1) or word in ("xx", "xxx", "zz"):
        return True
    if len(word) >= 2 and "ء" in word and set(word) <= _HAMZA_MASH:
        return True  # "ؤءئ"
    if len(word) >= 6 and len(set(word)) == 2 and not word.isascii():
        return True  # "ااااااببب": two letters held down
    if len(word) >= 7 and word.isascii() and any(set(word) <= set(r) for r in _KEYBOARD_ROWS):
        return True  # "ahsjdhf", "asdkjasd": one row of the keyboard, vowels and all
    if len(word) >= 5 and word.isascii() and word.isalpha() and not _VOWELS & set(word):
        return True  # "wdqwd": no vowel at all
    if len(word) < 4:
        return False
    # "dsfsdfsdf", "ghjfghj": no vowel, every letter from one row of the keyboard.
    if (
        len(word) >= 5
        and word.isascii()
        and not _VOWELS & set(word)
        and any(set(word) <= set(row) for row in _KEYBOARD_ROWS)
    ):
        return True
    for size in (2, 3):  # "kjkjkj", "asdasd", "xzxzx"
        unit = word[:size]
        if len(set(unit)) == size and (unit * (len(word) // size + 1)).startswith(word):
            return len(word) >= 2 * size
    for row in _KEYBOARD_ROWS:
        for text in (row, row[::-1]):
            for size in range(len(word), 3, -1):
                if any(word[i : i + size] in text for i in range(len(word) - size + 1)):
                    if size >= max(4, len(word) - 1):
                        return True
                    break
    return False


def _is_row_run(word: str) -> bool:
    """ "kjh", "sdf", "vbn": three neighbouring keys of one row, no vowel."""
    return (
        len(word) == 3
        and word.isascii()
        and not _VOWELS & set(word)
        and any(word in row or word in row[::-1] for row in _KEYBOARD_ROWS[:3])
    )


@dataclass(slots=True)
class _Clause:
    start: int
    end: int
    text: str
    keys: list[str]
    words: list[str]  # folded, not squashed: "ااااا" squashes to one letter
    emoji: list[str]
    asks: bool  # ends with a question mark
    stop: int  # end of the clause with its question mark, for the question's text

    @property
    def empty(self) -> bool:
        return not self.keys and not self.emoji


class ChatterReader:
    """Reads messages; one per process is enough (it holds only word tables)."""

    def __init__(
        self,
        analyzer: Analyzer | None = None,
        model: ChatterModel | None = None,
        *,
        learned: bool = True,
    ) -> None:
        """`model`: the learned second opinion (default: the shipped one, when `learned`)."""
        self._analyzer = analyzer or Analyzer()
        self._model = model if model is not None or not learned else shipped_model()
        self._phrases, self._filler, self._rude = _tables()
        self._rude_filler = _rude_filler()
        self._salam = _salam_keys()
        self._person_qualifiers = _person_qualifier_keys()
        self._words = WordReader(_keys, self._filler)
        words = self._words
        self._formulas = Formulas(_keys, words.plain, words.wh, words.negation)
        self._hellos = _key_set(_HELLOS.split())

    def read(self, text: str) -> Reading:
        reading = self.read_by_rules(text)
        return reading if self._model is None else self._second_opinion(text, reading)

    def _second_opinion(self, text: str, reading: Reading) -> Reading:
        model = self._model
        assert model is not None
        chances = model.probabilities(features(text, _keys))
        unknown = model.unknown_words(_keys(text))
        return second_opinion(text, reading, chances, unknown, model)

    def read_by_rules(self, text: str) -> Reading:
        """The phrase and word readings alone (without the learned second opinion)."""
        text = _INITIALS.sub(lambda m: m.group().replace(".", ""), text)  # "A.O.A" is "AOA"
        text = _SMILEYS.sub("🙂", text)  # ":)" is "🙂": a nod
        if not text.isascii():
            # Vowel marks ("السَّلَامُ", "شُکریہ") would cut words in two; the matcher's
            # folding drops them too.
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
        clauses = self._clauses(text)
        if self._to_family(clauses):
            return Reading("nonsense", None, ("nonsense",))
        kinds: list[ChatterKind] = []
        salam = introduced = False
        complaints: list[_Clause] = []
        requests: list[_Clause] = []
        question_clauses: list[_Clause] = []
        for clause in clauses:
            if clause.empty:
                continue
            found = self._clause_kinds(clause)
            if found is None and self._introduces(clause):
                found, introduced = ["greeting"], True  # "I'm Daniel", "mera naam Ali hai"
            if found is None:
                question_clauses.append(clause)
                # Leading chatter words are still greetings: "hi where is lunch", "👋 🕌❓".
                found = self._leading_kinds(clause) or self._emoji_kinds(clause)
            elif "rudeness" in found:
                complaints.append(clause)
            elif not found and self._words.acts(clause.keys):
                requests.append(clause)  # "please fix it"
            kinds.extend(found)
            salam = salam or any(key in self._salam for key in clause.keys)
        if introduced:
            # "Hi, I'm Daniel, one of the speakers from Madrid": who they are, not a question.
            question_clauses = [c for c in question_clauses if not self._says_role(c)]
        if requests and complaints and not any(self._words.about_bot(c.keys) for c in complaints):
            # "wifi is pathetic, please fix it" asks the organisers to act ("this bot is
            # trash, fix it" is a complaint about the bot); the complaint says what to fix,
            # so the organisers get all of it.
            question_clauses = sorted(
                [*question_clauses, *requests, *complaints], key=lambda c: c.start
            )
        elif complaints and all(self._words.states(c.keys, c.asks) for c in question_clauses):
            # "wifi bilkul nahi chal raha, bakwas intezam", "line bohat lambi hai, koi intezam
            # nahi": what went wrong, then the complaint; nothing asked or requested.
            question_clauses = []
        elif self._stated_then_exclaimed(clauses, question_clauses):
            # "itni lambi line hai registration pe, kya intezam hai": the same, the complaint
            # said as "what arrangement (is this)", with no question mark anywhere.
            question_clauses = []
            kinds.append("rudeness")
        ordered = tuple(k for k in _PRIORITY if k in kinds)
        if question_clauses:
            question = text[question_clauses[0].start : question_clauses[-1].stop].strip()
            return Reading(ordered[0] if ordered else None, question, ordered, salam)
        if not ordered:
            # An emoji we have no meaning for is a nod; bare punctuation ("?", "...") or
            # nothing at all asks for a hint.
            return Reading("nonsense", None, ("nonsense",))
        return Reading(ordered[0], None, ordered, salam)

    # -- clauses ------------------------------------------------------------------------

    def _clauses(self, text: str) -> list[_Clause]:
        clauses: list[_Clause] = []
        position = 0
        for match in [*_CLAUSE_BREAK.finditer(text), None]:
            end = match.start() if match else len(text)
            piece = text[position:end]
            keys: list[str] = []
            words: list[str] = []
            emoji: list[str] = []
            for token in _TOKEN.finditer(piece):
                raw = token.group()
                if any(unicodedata.category(ch) in _WORD_CATEGORIES for ch in raw):
                    words.extend(fold(raw).split())
                    keys.extend(k for word in fold(raw).split() for k in _key(word).split())
                else:
                    symbol = _EMOJI_MODIFIERS.sub("", raw)
                    if symbol:
                        emoji.append(symbol)
            asks = match is not None and any(q in match.group() for q in QUESTION_MARKS)
            stop = match.end() if match is not None and asks else end
            clauses.append(_Clause(position, end, piece, keys, words, emoji, asks, stop))
            if match is None:
                break
            position = match.end()
        return clauses

    def _clause_kinds(self, clause: _Clause) -> list[ChatterKind] | None:
        """The chatter kinds a clause consists of, or None for a question clause."""
        if len(clause.words) == 1 and clause.asks and clause.words[0] in _BARE_ASKS:
            # "kya??", "hain??", "what??": a question word and nothing it asks about. The
            # matcher has nothing to match and the organisers nothing to answer; a hint
            # does more. "what time??", "kya time??" name something, so stay questions.
            return ["nonsense"]
        if len(clause.words) == 1 and clause.words[0] in ALONE and not clause.emoji:
            return [cast(ChatterKind, ALONE[clause.words[0]])]  # "hy", "g"
        kinds: list[ChatterKind] = [_EMOJI_KINDS[e] for e in clause.emoji if e in _EMOJI_KINDS]
        if set(clause.emoji) & _PHONES and set(clause.emoji) & _PERSONS:
            kinds.append("ask_for_person")  # "📞👤"
        keys = clause.keys
        if clause.asks and any(_names_a_thing(e) for e in clause.emoji):
            # "🕌?", "🅿️❓", "👋 🕌❓", "hi 🕌❓": a place or thing shown by its picture,
            # asked about, after a greeting or not
            return None
        if not keys:
            return kinds or ["nonsense"]  # an emoji we have no meaning for: "🐸", "🍕🍕"
        covered = self._cover(keys)
        if covered is not None:
            if clause.asks and set(covered) == {"greeting"} and set(keys) <= self._hellos:
                return [*kinds, "anyone_there"]  # "hello??", "hi?": is anyone there?
            return kinds + covered
        formula = self._formulas.kind(keys, clause.words, clause.asks)
        if formula is not None:
            return [*kinds, formula]  # "Dear Sir", "Ramzan Mubarak", "great event guys"
        if self._words.nobody_answering(keys):
            return [*kinds, "anyone_there"]  # "no one is answering": is anyone there?
        if self._rude_clause(keys):
            return [*kinds, "rudeness"]
        if all(_is_mash(word) for word in clause.words):
            return [*kinds, "nonsense"]
        if not clause.asks and self._mash_among_nods(clause.words):
            return [*kinds, "nonsense"]  # "sdfg yar", "okkkkkkkkkkkkk kjh"
        if len(keys) > 1 and all(len(key) == 1 for key in keys):
            joined = self._clause_kinds(_joined(clause))  # "A.O.A", "t y"
            if joined:
                return kinds + joined
        if all(len(word) == 1 or word.isdigit() for word in clause.words) and not clause.asks:
            return [*kinds, "nonsense"]  # "a", "123", "x y"
        thanks_for = self._thanks_for(keys, clause.asks)
        if thanks_for is not None:
            return kinds + thanks_for
        by_word = self._words.kinds(keys, clause.asks)
        if by_word:
            return kinds + by_word
        if by_word is not None and kinds:
            return kinds  # known words around an emoji with a meaning: "🤡🤡 bot"
        if "rudeness" in kinds and self._words.states(keys, clause.asks):
            return kinds  # "wifi nahi chal raha 😡": a complaint, like "..., bakwas"
        if clause.asks or any(key in _QUESTION_WORDS for key in keys):
            return None
        terms = set(self._analyzer.terms(clause.text))
        if not terms or (terms <= _NODS and not set(keys) & _NOT):
            # Only words the matcher ignores anyway ("ok bhai sure", "jee sir"), or a bare
            # "g" (ji) or "ho gya" (done) it keeps: nothing to answer, so a nod unless a
            # chatter phrase in it says more ("nahi hua" is no nod).
            return kinds + (self._leading_kinds(clause) or ["acknowledgement"])
        # Words that ask nothing, like a form of address ("Respected Sir,"): no kind of
        # chatter of its own, and no question either.
        return None if by_word is None else []

    def _mash_among_nods(self, words: Sequence[str]) -> bool:
        """Keyboard mash with nothing else but words that ask nothing or nod: "sdfg yar",
        "ok asdfgh", "okkkkkkkkkkkkk kjh" (a three-letter run of one keyboard row without a
        vowel counts as mash here, beside such words)."""
        mashed = [w for w in words if _is_mash(w) or _is_row_run(w)]
        if not mashed or len(mashed) == len(words):
            return False
        return all(
            word in mashed
            or all(
                self._words.plain(k) or self._phrases.get((k,)) == "acknowledgement"
                for k in _key(word).split()
            )
            for word in words
        )

    def _cover(self, keys: Sequence[str]) -> list[ChatterKind] | None:
        """Kinds of the phrases that, with filler words, make up all of `keys`; else None."""
        kinds: list[ChatterKind] = []
        i = 0
        while i < len(keys):
            for size in range(min(_MAX_PHRASE, len(keys) - i), 0, -1):
                kind = self._phrases.get(tuple(keys[i : i + size]))
                if kind is not None:
                    kinds.append(kind)
                    i += size
                    if kind == "ask_for_person":
                        i = self._after_whom(keys, i)
                    break
            else:
                if keys[i] not in self._filler:
                    return None
                i += 1
        return kinds or None

    def _after_whom(self, keys: Sequence[str], i: int) -> int:
        """Skip who the person should be ("from the team") after a request for a person.

        The words count only when they name the organisers' side: "talk to someone from
        the team" is a request for a person, "talk to someone from the cloud panel" is not
        covered, so it stays a question.
        """
        j = i
        while j < len(keys) and keys[j] in self._person_qualifiers:
            j += 1
        return j if j > i and keys[j - 1] not in {"from", "of", "the", "your", "this"} else i

    def _leading_kinds(self, clause: _Clause) -> list[ChatterKind]:
        """Greeting, thanks or acknowledgement phrases at the start of a question clause."""
        kinds: list[ChatterKind] = []
        keys, i = clause.keys, 0
        while i < len(keys):
            for size in range(min(_MAX_PHRASE, len(keys) - i - 1), 0, -1):
                kind = self._phrases.get(tuple(keys[i : i + size]))
                if kind in ("greeting", "thanks", "acknowledgement"):
                    kinds.append(kind)
                    i += size
                    break
            else:
                if keys[i] not in self._filler or i == len(keys) - 1:
                    break
                i += 1
        return kinds

    def _stated_then_exclaimed(
        self, clauses: Sequence[_Clause], question_clauses: Sequence[_Clause]
    ) -> bool:
        """A problem stated, then "kya intezam hai" (see Formulas.bare_rhetoric); nothing
        asked anywhere ("line lambi hai, kya intezam hai?" may ask what is arranged)."""
        if any(c.asks for c in clauses):
            return False
        bare = [c for c in question_clauses if self._formulas.bare_rhetoric(c.keys)]
        stated = [c for c in question_clauses if c not in bare]
        return (
            bool(bare) and bool(stated) and all(self._words.states(c.keys, c.asks) for c in stated)
        )

    def _to_family(self, clauses: Sequence[_Clause]) -> bool:
        """A message meant for someone at home: "ammi main pohanch gaya hun, 6 baje tak
        aunga", "امی میں پہنچ گیا ہوں", "mom I'm here". Said to a mother, father or sister
        first (then "I" or a break), asking nothing: sent to the wrong chat. "ammi ke liye
        wheelchair chahiye" names her; "abbu kahan hain?" asks."""
        spoken = [c for c in clauses if not c.empty]
        if not spoken or any(c.asks for c in clauses):
            return False
        first = spoken[0].keys
        if not first or first[0] not in _family_keys():
            return False
        if len(first) > 1 and first[1] not in _first_person_keys():
            return False
        return not any(self._words.wh(k) for c in spoken for k in c.keys)

    def _emoji_kinds(self, clause: _Clause) -> list[ChatterKind]:
        """The kinds of the emoji of a question clause without words ("👋" in "👋 🕌❓")."""
        return [] if clause.keys else [_EMOJI_KINDS[e] for e in clause.emoji if e in _EMOJI_KINDS]

    def _introduces(self, clause: _Clause) -> bool:
        """ "I'm Daniel", "hi I am Sara from Lahore", "my name is Ali", "mera naam Ali hai",
        "میرا نام علی ہے": who is writing, after any greeting words. After "I'm", "I am",
        "myself" and "main" the name must be written as one (capitalised): "I am stuck" and
        "main late hun" are no introductions."""
        raw = [t.group() for t in _TOKEN.finditer(clause.text) if t.group()[0].isalnum()]
        keys = [_keys(word) for word in raw]
        i = 0
        while i < len(raw) and all(self._words.greets(k) or k in self._filler for k in keys[i]):
            i += 1
        flat = [" ".join(k) for k in keys[i:]]
        marker, capitalised = next(
            ((m, c) for m, c in _introductions() if tuple(flat[: len(m)]) == m), ((), False)
        )
        if not marker:
            return False
        rest, names = raw[i + len(marker) :], flat[len(marker) :]
        if (
            clause.asks
            or not rest
            or any(self._words.asks_something(k) for key in names for k in key.split())
        ):
            return False
        if capitalised and not (rest[0][:1].isupper() and rest[0][1:].islower()):
            return False
        # The name, then at most where they come from and what they are at the event.
        unknown = [
            key
            for key in names[1:]
            if not all(self._words.plain(k) or self._words.role(k) for k in key.split())
        ]
        return len(unknown) <= 3 and (not unknown or bool({"from", "se", "سے"} & set(names)))

    def _says_role(self, clause: _Clause) -> bool:
        """ "one of the speakers from Madrid", "a delegate from NUST": said after an
        introduction. At most three other words, after "from" or "at"."""
        keys = clause.keys
        if clause.asks or not any(self._words.role(k) for k in keys):
            return False
        if any(self._words.asks_something(k) for k in keys):
            return False
        marks = [i for i, k in enumerate(keys) if k in ("from", "at", "se")]
        after = keys[marks[0] :] if marks else []
        others = [k for k in keys if not (self._words.plain(k) or self._words.role(k))]
        return len(others) <= 3 and all(k in after for k in others)

    def _rude_clause(self, keys: Sequence[str]) -> bool:
        """A rude word or complaint phrase, with nothing around it but filler words."""
        rude, i = False, 0
        while i < len(keys):
            for size in range(min(_MAX_PHRASE, len(keys) - i), 1, -1):
                if self._phrases.get(tuple(keys[i : i + size])) == "rudeness":
                    rude, i = True, i + size
                    break
            else:
                key = keys[i]
                if key in self._rude:
                    rude = True
                elif key not in self._rude_filler and key not in self._filler:
                    return False
                i += 1
        return rude

    def _thanks_for(self, keys: Sequence[str], asks: bool) -> list[ChatterKind] | None:
        """ "thanks for the wifi info": thanks, unless what follows "for" asks something."""
        i = 0
        kinds: list[ChatterKind] = []
        while i < len(keys):
            for size in range(min(_MAX_PHRASE, len(keys) - i), 0, -1):
                kind = self._phrases.get(tuple(keys[i : i + size]))
                if kind is not None:
                    kinds.append(kind)
                    i += size
                    break
            else:
                if keys[i] in self._filler:
                    i += 1
                    continue
                break
        if "thanks" not in kinds or i >= len(keys) or keys[i] != "for" or asks:
            return None
        if any(key in _QUESTION_WORDS for key in keys[i + 1 :]):
            return None
        return kinds


def second_opinion(
    text: str,
    reading: Reading,
    chances: dict[str, float],
    unknown_words: Sequence[str],
    model: ChatterModel,
) -> Reading:
    """The learned model's say on the readings' verdict, within its limits.

    See bot/matching/chatter_model.py: it may send "chatter" to the matcher when it is
    very sure that it is a question, give chatter another kind when it is sure, and make
    a "question" chatter only when it is sure and every word in it is one the training
    chatter used (`unknown_words` is empty). A question with chatter around it ("hi,
    where is lunch") keeps its question: the model reads whole messages, the readings
    their clauses.
    """
    limits = model.thresholds
    kind, sure = max(((k, p) for k, p in chances.items() if k != QUESTION), key=lambda kp: kp[1])
    if reading.is_chatter:
        if chances[QUESTION] >= limits.to_question:
            return Reading(reading.kind, text.strip(), reading.kinds, reading.salam)
        if kind != reading.kind and sure >= limits.change_kind:
            return _as_kind(reading, cast(ChatterKind, kind))
        return reading
    words = _keys(text)
    if not words:
        return reading  # no words for it to read: "🕌?" asks about the prayer room
    if any(q in text for q in QUESTION_MARKS) and any(_names_a_thing(ch) for ch in text):
        return reading  # "السلام علیکم 🕌؟": the words greet, the picture is asked about
    if len(words) == 1 and text.rstrip().endswith(tuple(QUESTION_MARKS)):
        # One word asked about ("lunch?", "لنچ؟", "wifi?") names what the attendee wants:
        # the readings know the chatter words that can stand so ("hello?", "ok?"); the
        # model, reading letters, once took the Urdu "لنچ؟" for keyboard mash.
        return reading
    if kind == "rudeness" and "rudeness" not in reading.kinds and _reports_run_out(words):
        # "khana khatam ho gaya": a thing run out, reported plainly, is for the organisers
        # to act on (the readings keep plain reports as questions); the model, having read
        # "chai khatam ho gayi 11 baje hi, bohat bura intezam" as a complaint, may not make
        # one of it. Judged by the readings ("..., bohat bura intezam") it is one already.
        return reading
    needed = limits.to_person if kind == "ask_for_person" else limits.to_chatter
    if sure >= needed and not unknown_words:
        return _as_kind(reading, cast(ChatterKind, kind))
    return reading


def _as_kind(reading: Reading, kind: ChatterKind) -> Reading:
    """Pure chatter of this kind, keeping what else the readings saw."""
    return Reading(kind, None, (kind, *(k for k in reading.kinds if k != kind)), reading.salam)


def kinds_of(messages: Iterable[str], reader: ChatterReader | None = None) -> list[Reading]:
    """Read several messages with one reader (benchmarks and tests)."""
    reader = reader or ChatterReader()
    return [reader.read(message) for message in messages]
