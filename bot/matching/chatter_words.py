"""Word-level chatter: the second reading, for clauses no known chatter phrase covers.

Why: the phrase table (bot/matching/chatter.py) only knows the sentences it lists, and
attendees say the same things in endless ways ("this thing is garbage", "kia haal hy",
"koi online hai?", "put me through to support"). Measured on messages written blind, the
phrase table alone recognised little more than half of them. This reading works word by
word instead: a clause is chatter when it has at least one word that signals a kind and
every other word is a function word, a form of address or another signal word. One word
that could carry a question ("wifi", "ctf", "lunch", any word not listed here) makes the
clause a question, so the safe side stays the default: **when in doubt, a question**.

Some kinds need two words to be sure: asking for a person needs a person ("human",
"admin", "team") and a way to reach them ("talk", "baat", "contact"); the softer help
words ("use", "work", "pooch") count only when the clause is about the bot ("this",
"bot", "you") or asks something. A wh-word ("where", "kab", "کہاں") keeps a clause a
question unless its signals are of a kind that is itself a question to the bot (help,
is anyone there, asking for a person, rudeness, "how are you").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rapidfuzz.distance import Levenshtein

if TYPE_CHECKING:
    from bot.matching.chatter import ChatterKind

# Words that signal one kind on their own (folded and squashed before use).
_SIGNALS: dict[str, str] = {
    "greeting": (
        "hi hii hello hellow helo hey heya hiya howdy yo sup namaste greetings morning "
        "evening afternoon gm salam salaam slm aoa asalam assalam asalaam assalaam "
        "assalamualaikum asalamualaikum assalamoalaikum walaikum alaikum alaykum alikum "
        "adab aadab adaab mizaj rahmat rahmatullah barakatuh wabarakatuh "
        "السلام اسلام سلام علیکم عليكم آداب صبح مزاج حال ورحمۃ رحمۃ وبرکاتہ برکاتہ"
    ),
    "thanks": (
        "thanks thank thanx thanq thnq thnx thnks thx tx ty tysm tyvm cheers grateful "
        "appreciate appreciated appreciation helped helpful shukriya shukria shukriyah "
        "shukr meherbani mehrbani meharbani nawazish jazakallah jazakallahu jazak khair "
        "khairan mamnoon شکریہ شكريہ مہربانی نوازش جزاک جزاکم خیر خیرا ممنون"
    ),
    "acknowledgement": (
        "ok okay okey okk oki okie k kk alright alrite right sure fine cool noted "
        "understood understand roger copy gotcha fair enough sense acha accha achha theek "
        "thik tik bilkul behtar bahtar sahi samajh samjh samjha samjhi samajhgaya "
        "chalen chalo chaliye yes yep yup yeah haan han hmm hm dokie done perfect great "
        "nice wonderful awesome excellent اچھا ٹھیک جی ہاں بالکل بہتر سمجھ صحیح زبردست"
    ),
    "goodbye": (
        "bye byee goodbye gtg ttyl cya later night goodnight tc signing hafiz hafeez khudahafiz "
        "allahhafiz milte milenge shab حافظ ملتے ملیں شب الوداع"
    ),
    "help": "help madad guide menu options instructions commands features tutorial مدد رہنمائی",
    "anyone_there": (
        "anyone anybody someone somebody koi reading online alive awake working respond "
        "responding reply jawab کوئی"
    ),
    "rudeness": (
        "useless garbage trash rubbish annoying annoyed irritating terrible horrible awful "
        "worst pathetic stupid dumb idiot idiotic nonsense waste wtf ffs crap sucks "
        "bakwas bakwaas bekar bekaar faltu ghatiya wahiyat nikamma nikammi bewakoof "
        "bewaqoof pagal kachra ullu بکواس بیکار فضول گھٹیا واہیات نکما نکمی بےوقوف پاگل کچرا"
    ),
    "nonsense": "test testing tst",
}

# Words that make a clause help only when it is about the bot or asks something.
_SOFT_HELP = (
    "use using work works kaam chalta chalti istemal istamal isteamal pooch poochun "
    "poochh puch puchun ask questions question sawal sawaal استعمال کام پوچھ سوال"
)
# Who the attendee may want, and how they reach them.
_PEOPLE = (
    "human humans insaan insan person people banda bande bandy admin admins organiser "
    "organisers organizer organizers organising organizing team staff support agent operator "
    "representative volunteer volunteers management committee manager real asal asli "
    "انسان بندہ بندے ایڈمن آرگنائزر آرگنائزرز ٹیم اصل"
)
_REACH = (
    "talk speak chat contact rabta connect transfer put through forward bhej bhejo "
    "baat baaat milao milwao karao karwao karwa chahiye want need get reach "
    "بات رابطہ ملائیں ملاؤ کرائیں کروائیں چاہیے"
)
# The bot itself: "this", "you", "bot".
_ABOUT_BOT = (
    "bot chatbot robot you u ur your yours youre this app system ye yeh isko isay tum tu "
    "aap ap یہ اس اسے آپ تم بوٹ"
)
# Words with no question in them: pronouns, articles, copulas, particles, intensifiers,
# forms of address. They may stand around any signal.
_FUNCTION = (
    "i im i'm me my mine we us our is are am was were be been being it's its the a an to "
    "of for from about into via in on at with by and or but so very really too just totally "
    "quite all at "
    "ever even still now here there then again any much many lot lots bunch big such "
    "do does did doing done have has had having will would can could should shall may "
    "might must not no dont don't didnt isnt aren't cant can't wont won't never nothing "
    "anything thing things stuff one good gud great nice well please pls plz plzz "
    "sir madam maam mam bro bhai bhaijan jan jaan yaar yar dost friend mate buddy dear "
    "guys everyone all ji jee g sb sab sabko sabhi "
    "ye yeh yah wo woh vo is isko isay iss us usko mai main mein mera meri mere mujhe "
    "hum hamara hai hain hy he h ho hun hoon hu tha thi the thay ka ki ke ko se ne par pe "
    "bhi to toh hi na nahi nhi nahin kuch bohat bahut bht boht bohot kafi zyada sach "
    "kar karo kardo karein kardein karna karni karne kiya raha rahi rahe gaya gayi gaye "
    "gya gyi diya de do dein dena aa aata aati aaya aayi raha ab abhi phir fir kal "
    "ya aur lekin magar bas sirf wala wali wale karega karegi karenge karta karti karte "
    "karun karoon karu karen hoga hogi hoge sakta sakti sakte sakein lo lein le dijiye "
    "dijye kijiye kijye chahta chahti chahte guzar guzaar r id ive like kind kinds type "
    "types sort show tell give batao bataen bataein btao dikhao that those these see "
    "tomorrow today off msg message kisi yahan yahaan wahan home total used cheez "
    "service experience response makes bakhair o wa talking chatting speaking arz "
    "کسی یہاں وہاں سکتا سکتی سکتے اللہ بخیر و عرض کرتا کرتی کرتے "
    "میں مجھے میرا میری میرے ہم ہمارا ہے ہیں ہو ہوں تھا تھی تھے کا کی کے کو سے نے پر "
    "بھی تو ہی نہ نہیں کچھ بہت کافی سب سبھی کر کرو کریں کرنا کرنی رہا رہی گیا گئی گئے "
    "دیا دیں آ آتا آتی ابھی پھر کل اور لیکن بس جی بھائی دوست صاحب پلیز براہ کرم"
)
# Wh-words: a clause with one asks something.
_WH = (
    "what whats wat wht where whr when wen who whom whose which why how hw kab kahan "
    "kahaan kidhar kaise kia kya kis کیا "
    "kesay kaisay kese kitna kitne kitni kaun kon konsa konsi kyun kyon kyu کب کہاں کدھر "
    "کیسے کتنا کتنے کتنی کون کونسا کونسی کیوں"
)
# Kinds that may come with a wh-word: they are questions to the bot, not about the event.
# Asking for a person with a wh-word ("how do I contact the organisers") asks for contact
# details, which the FAQ answers: a question.
_ASKING_KINDS = frozenset({"help", "anyone_there", "rudeness", "greeting"})
_NEGATIONS = ("not", "no", "nahi", "nhi", "nahin", "na", "نہیں", "نہ")
_FUZZY_MIN_LENGTH = 5  # a one-letter slip is only safe to forgive in a longer word


@dataclass(frozen=True, slots=True)
class _Tables:
    signals: dict[str, ChatterKind]
    soft_help: frozenset[str]
    people: frozenset[str]
    reach: frozenset[str]
    about_bot: frozenset[str]
    function: frozenset[str]
    wh: frozenset[str]
    negations: frozenset[str]
    helpful: frozenset[str]
    lone_people: frozenset[str]
    bots: frozenset[str]
    talking: frozenset[str]
    understand: frozenset[str]
    soon: frozenset[str]
    see: frozenset[str]
    time: frozenset[str]
    waste: frozenset[str]
    how_is: frozenset[str]
    me: frozenset[str]
    fuzzy: tuple[str, ...]


class WordReader:
    """Reads one clause's keys word by word; see the module docstring for the rules."""

    def __init__(self, keys: Callable[[str], tuple[str, ...]], filler: frozenset[str]) -> None:
        def folded(block: str) -> frozenset[str]:
            return frozenset(k for word in block.split() for k in keys(word))

        signals: dict[str, ChatterKind] = {}
        for kind, block in _SIGNALS.items():
            for key in folded(block):
                signals.setdefault(key, cast("ChatterKind", kind))
        self._t = _Tables(
            signals=signals,
            soft_help=folded(_SOFT_HELP),
            people=folded(_PEOPLE),
            reach=folded(_REACH),
            about_bot=folded(_ABOUT_BOT),
            function=folded(_FUNCTION) | filler,
            wh=folded(_WH),
            negations=folded(" ".join(_NEGATIONS)),
            helpful=folded("help helpful helping helped useful kaam"),
            lone_people=folded("human humans operator insaan insan انسان"),
            bots=folded("bot chatbot robot machine ai بوٹ"),
            talking=folded("talking chatting speaking baat بات"),
            understand=folded("samajh samjh understand سمجھ"),
            soon=folded("ya you u tomorrow soon later kal"),
            see=folded("see"),
            how_is=folded("kya kia kiya kaisa kesa کیا کیسا"),
            me=folded("i me my mujhe mujh main mein hum humein مجھے میں ہم ہمیں"),
            time=folded("time"),
            waste=folded("waste"),
            fuzzy=tuple(k for k in signals if len(k) >= _FUZZY_MIN_LENGTH and k.isascii()),
        )

    def kinds(self, keys: Sequence[str], asks: bool) -> list[ChatterKind] | None:
        """The clause's chatter kinds, or None when it may be a question."""
        t = self._t
        found: list[ChatterKind] = []
        people = reach = about_bot = soft_help = wh = False
        negated = any(key in t.negations for key in keys)
        for key in keys:
            if key.isdigit() or (key in t.time and t.waste & set(keys)):
                continue  # "test 123", "waste of my time"
            if key == "hal" and t.how_is & set(keys):
                continue  # "kia haal hy": see below
            # "k", "ty", "tc" are chatter alone, and mere letters inside a sentence.
            demoted = len(key) <= 2 and key.isascii() and len(keys) > 2 and key in t.signals
            kind = None if demoted else t.signals.get(key)
            if key in t.helpful and negated:
                found.append("rudeness")  # "not helping", "kisi kaam ka nahi"
            elif kind is not None:
                found.append(kind)
            elif key in t.people:
                people = True
            elif key in t.reach:
                reach = True
            elif key in t.soft_help:
                soft_help = True
            elif key in t.wh:
                wh = True
            elif key in t.about_bot or key in t.function or demoted:
                pass
            elif (near := self._near(key)) is not None:
                found.append(near)
            else:
                return None  # a word that may carry a question
            about_bot = about_bot or key in t.about_bot
        if people and reach:
            found.append("ask_for_person")
            found = [k for k in found if k != "anyone_there"]  # "connect me to someone"
        elif people and t.lone_people & set(keys) and not t.bots & set(keys):
            found.append("ask_for_person")  # "operator", "human?"
        if t.bots & set(keys) and (people or t.talking & set(keys)):
            found.append("anyone_there")  # "am i talking to a bot", "bot hai ya insaan"
        if t.how_is & set(keys) and "hal" in keys and not found:
            found.append("greeting")  # "kia haal hy" (alone, "hal" is also a squashed "hall")
        if t.see & set(keys) and t.soon & set(keys):
            found.append("goodbye")  # "see ya tomorrow", "see u soon"
        if negated and t.understand & set(keys):
            # "mujhe samajh nahi aa raha" asks for help; "kuch samajh nahi aata isko" (it
            # understands nothing) is a complaint about the bot.
            about_me = bool(t.me & set(keys))
            kind = "rudeness" if about_bot and not about_me else "help"
            found = [*(k for k in found if k != "acknowledgement"), kind]
        if soft_help and (about_bot or wh or asks) and not found:
            found.append("help")
        if wh and about_bot and not found and not people and len(keys) <= 4:
            found.append("help")  # "what are you", "ye kya hai", "what r u for"
        if not found:
            return None
        if (wh or asks) and not set(found) <= _ASKING_KINDS:
            return None
        if wh and "greeting" in found and not {"haal", "hal", "mizaj", "حال", "مزاج"} & set(keys):
            return None  # "hello, where is lunch" is not "how are you"
        return found

    def _near(self, key: str) -> ChatterKind | None:
        """A signal word misspelt by one letter ("hellow", "thankss"), in longer words."""
        if len(key) < _FUZZY_MIN_LENGTH or not key.isascii():
            return None
        for signal in self._t.fuzzy:
            if key.rstrip("s") == signal.rstrip("s"):
                continue  # a plural is another word: "rights" is not "right"
            if (
                abs(len(signal) - len(key)) <= 1
                and max(len(signal), len(key)) > _FUZZY_MIN_LENGTH
                and Levenshtein.distance(key, signal) <= 1
            ):
                return self._t.signals[signal]
        return None
