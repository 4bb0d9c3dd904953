"""Set formulas: whole clauses of chatter that neither the phrase table nor the word-by-word
reading can see, because their words are also the words of questions.

Why: the ninth blind set showed attendees writing in set forms the other readings take for
questions: a form of address alone ("Dear Sir", "Respected Sir"), festive and patriotic
wishes ("Ramzan Mubarak", "Pakistan Zindabad"), praise of the event ("great event guys",
"MashaAllah bohat acha intezam hai", "the session on deepfakes was excellent"), "found the
prayer room" after thanks, a message sent by mistake ("oops wrong chat", "ghalti se send ho
gaya"), a phone number left for a callback ("mera number 0333-7654321 hai please call
karein"), a rhetorical complaint ("ye kya intezam hai", "یہ کیا جواب ہے؟"), "I asked
something else", and a bare "start". Each formula is narrow on purpose: every word of the
clause must belong to it or ask nothing (pronouns, copulas, forms of address), there is no
wh-word (except in the rhetorical complaint, whose wh-word is part of it), and a negation
or a contrast ("but") leaves the clause to the other readings, so the safe side stays the
default: **when in doubt, a question**.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.matching.chatter import ChatterKind

# "Dear Sir", "Respected Sir/Madam", "محترم جناب": who the message is to, said first.
_ADDRESS = "dear respected respectable honourable honorable mohtaram محترم عزیز"
_ADDRESSEES = (
    "sir sirs madam maam mam all team organisers organiser concerned ncsc janab sahab sahib "
    "members committee جناب صاحب عالی ٹیم منتظمین"
)
# "Eid Mubarak", "Ramzan Kareem", "happy independence day", "jashn e azadi mubarak".
_OCCASIONS = (
    "eid eidul ramzan ramazan ramadan ramzaan jumma jummah juma jumah azadi independence "
    "day new year saal naya nya august pakistan jashn e mubarak kareem karim happy "
    "عید رمضان جمعہ آزادی سال نیا پاکستان جشن مبارک کریم"
)
_WISHES = "mubarak mubarik mubaarak mubarakbad kareem karim happy مبارک کریم"  # need an occasion
_CHEERS = "zindabad paindabad زندہ زندہباد باد پائندہ"  # "Pakistan Zindabad"
_CHEERED = "pakistan ncsc quaid army cyber team پاکستان"
# Praise of the event: a praising word and what is praised ("great event", "acha intezam").
_PRAISE = (
    "great amazing wonderful excellent awesome fantastic brilliant superb outstanding "
    "fabulous marvellous marvelous nice good best informative insightful impressive "
    "loved enjoyed organise organize organised organized managed arranged acha zabardast "
    "kamal shandar "
    "shaandar behtareen behtreen umda mashalah mashaalah maza mazay "
    "شاندار بہترین اچھا اچھی اچھے عمدہ زبردست کمال ماشاءاللہ ماشااللہ مزہ"
)
_PRAISED = (
    "event events conference program programme prugram session sessions talk talks keynote "
    "keynotes speaker speakers speech workshop workshops arrangements arrangement intezam "
    "intezamat intizam intizamat management organisation organization organising organizing "
    "job work effort efforts experience panel panels initiative show "
    "پروگرام تقریب کانفرنس سیشن انتظام انتظامات انتظامیہ ورکشاپ تقریر"
)
# What a session was on: "the session on deepfakes was excellent" (its topic may be any word).
_TOPIC = "on about by of regarding"
_LOOKING = "looking forward"
_LOOKED_TO = "next year saal edition event conference more seeing you all again agle it"
# Found what they looked for: "found the prayer room", "finally found it".
_FOUND_WHAT = "the it my our that this"
# Sent by mistake: "oops wrong chat", "ghalti se send ho gaya", "غلطی سے بھیج دیا", "please
# ignore".
_MISTAKE = "ghalti galti ghalati galati mistake mistakenly accidentally accident oops ignore غلطی"
_WRONG_PLACE = "chat group window conversation person bot"
_SENT = (
    "se by send sent ho gaya gya hogaya hogya bhej bheja bhejdia diya di chala chali kar kr "
    "msg message sorry this it ignore please was wrong hua tha typed pressed kuch nahi "
    "سے بھیج بھیجا دیا ہو گیا چلا میسج معذرت سوری ہوا"
)
# A phone number left to be called back on: "my number is 0300-1234567, please call".
_NUMBER_WORDS = (
    "number no num nmbr mobile cell phone contact whatsapp call karein karo kardein rabta "
    "on at pe par is hai me mujhe nmbr ring back نمبر فون کال رابطہ کریں"
)
_MIN_PHONE_DIGITS = 10  # "0300-1234567", "+92 300 1234567"; a room or a year is shorter
# A callback: "call me", "contact me", "mujhe call karein", "mujh se rabta karein".
_CALLS = "call contact rabta ring whatsapp callback کال رابطہ"
_ME = "me mujhe mujh mujhse مجھے مجھ"
_CALLERS = (
    "someone somebody anyone koi kisi organisers organiser team admin staff you aap ap "
    "please kindly can could will would sir ask tell get have"
)
# "ye kya intezam hai", "what kind of answer is this", "یہ کیا جواب ہے": a complaint.
_RHETORIC_WHAT = "kya kia what kaisa kaisi کیا کیسا کیسی"
_RHETORIC_THIS = "ye yeh yah this یہ"
_RHETORIC_OF = (
    "intezam intezamat intizam intizamat arrangement arrangements management jawab answer "
    "reply response tareeqa tarika mazaq mazak tamasha bakwas "
    "جواب انتظام انتظامات طریقہ مذاق تماشا بکواس"
)
_RHETORIC_REST = "is hai tha was kind of sort type ka ki ke ہے تھا کا کی کے"
# Without "this" ("kya intezam hai"), only arrangements: the matcher's "what is the
# arrangement" may be a real question ("parking ka kya intezam hai"), so the reader takes it
# for a complaint only after a stated problem and with nothing asked (see `bare_rhetoric`).
_RHETORIC_ARRANGED = (
    "intezam intezamat intizam intizamat arrangement arrangements management tareeqa tarika "
    "mazaq mazak tamasha انتظام انتظامات طریقہ مذاق تماشا"
)
_RHETORIC_BARE = "kya kia what کیا hai tha is was ہے تھا sir bhai yaar yar"
# "I asked something else", "maine kuch aur poocha tha", "میں نے کچھ اور پوچھا تھا".
_ASKED = "asked pocha poocha pucha puchha poochha پوچہا پوچھا"
_ELSE = "else aur different dusra doosra اور دوسرا"
_ASKED_REST = (
    "i something maine mene main kuch tha was had question sawal me about ne میں نے کچھ تھا سوال"
)
# A newcomer saying so: "first time using this", "pehli dafa use kar raha hun", "پہلی بار
# استعمال کر رہا ہوں": who they are (like "I'm Ahmed from NUST"), nothing asked.
_FIRST = "first pehli pehla pehle pehlay پہلی پہلا پہلے"
_TIMES = "time dafa dafaa dfa bar baar martaba bari دفعہ بار مرتبہ"
_NEWCOMER = (
    "using use used istemal istamal isteamal here yahan bot app chatbot service it this "
    "kar raha rahi rha rhi hun hoon hu ho ki kiya kr استعمال یہاں بوٹ ایپ کر رہا رہی ہوں ہو"
)
_START = "start begin shuru شروع"
_STARTS = "start begin shuru get started lets let us karo karein kardo شروع کریں"


class Formulas:
    """The set formulas over one clause's keys (folded and squashed, as the readings'),
    with `plain` telling the words that ask nothing (bot/matching/chatter_words.py)."""

    def __init__(
        self,
        keys: Callable[[str], tuple[str, ...]],
        plain: Callable[[str], bool],
        wh: Callable[[str], bool],
        negation: Callable[[str], bool],
    ) -> None:
        def folded(block: str) -> frozenset[str]:
            return frozenset(k for word in block.split() for k in keys(word))

        self._plain, self._wh, self._negation = plain, wh, negation
        self._address, self._addressees = folded(_ADDRESS), folded(_ADDRESSEES)
        self._occasions, self._wishes = folded(_OCCASIONS), folded(_WISHES)
        self._cheers, self._cheered = folded(_CHEERS), folded(_CHEERED)
        self._praise, self._praised = folded(_PRAISE), folded(_PRAISED)
        self._topic = folded(_TOPIC)
        self._looking, self._looked_to = folded(_LOOKING), folded(_LOOKED_TO)
        self._found_what = folded(_FOUND_WHAT)
        self._mistake, self._wrong_place = folded(_MISTAKE), folded(_WRONG_PLACE)
        self._sent = folded(_SENT)
        self._number_words = folded(_NUMBER_WORDS)
        self._calls, self._me, self._callers = folded(_CALLS), folded(_ME), folded(_CALLERS)
        self._about = folded("about regarding concerning baare bare mutaliq متعلق بارے")
        self._what, self._this = folded(_RHETORIC_WHAT), folded(_RHETORIC_THIS)
        self._rhetoric_of, self._rhetoric_rest = folded(_RHETORIC_OF), folded(_RHETORIC_REST)
        self._arranged, self._bare = folded(_RHETORIC_ARRANGED), folded(_RHETORIC_BARE)
        self._asked, self._else = folded(_ASKED), folded(_ELSE)
        self._asked_rest = folded(_ASKED_REST)
        self._start, self._starts = folded(_START), folded(_STARTS)
        self._first, self._times = folded(_FIRST), folded(_TIMES)
        self._newcomer = folded(_NEWCOMER)
        self._copula = folded("is are was were hai hain tha thi thay ہے ہیں تھا تھی تھے")
        self._contrast = folded("but lekin magar however though لیکن مگر")
        self._found = folded("found")
        self._wrong = folded("wrong")

    def kind(self, keys: Sequence[str], words: Sequence[str], asks: bool) -> ChatterKind | None:
        """The clause's kind when it is one of the formulas, else None."""
        if not keys or any(self._negation(k) for k in keys) or set(keys) & self._contrast:
            return None
        if self._rhetorical(keys):
            return "rudeness"  # a question mark belongs to it: "یہ کیا جواب ہے؟"
        if any(self._wh(k) for k in keys):
            return None
        if self._calls_me(keys):
            return "ask_for_person"  # "can someone call me about my registration?"
        if asks:
            return None
        if self._callback(keys, words):
            return "ask_for_person"
        checks: tuple[tuple[Callable[[Sequence[str]], bool], ChatterKind], ...] = (
            (self._addressed, "greeting"),
            (self._first_time, "greeting"),
            (self._festive, "greeting"),
            (self._praising, "thanks"),
            (self._looking_forward, "thanks"),
            (self._found_it, "acknowledgement"),
            (self._by_mistake, "nonsense"),
            (self._asked_else, "rudeness"),
            (self._starting, "help"),
        )
        return next((kind for check, kind in checks if check(keys)), None)

    def _all(self, keys: Sequence[str], *allowed: frozenset[str]) -> bool:
        return all(self._plain(k) or any(k in a for a in allowed) for k in keys)

    def _addressed(self, keys: Sequence[str]) -> bool:
        """ "Dear Sir", "Respected Sir/Madam", "Dear all": a letter's opening, no more."""
        return bool(set(keys) & self._address) and all(
            k in self._address or k in self._addressees for k in keys
        )

    def _festive(self, keys: Sequence[str]) -> bool:
        """ "Ramzan Mubarak", "Eid Mubarak to all", "Pakistan Zindabad"."""
        found = set(keys)
        wish = bool(found & self._wishes) and bool(found & (self._occasions - self._wishes))
        cheer = bool(found & self._cheers)
        rest = all(k.isdigit() or self._plain(k) for k in keys if k not in self._occasions)
        cheered = all(
            k in self._cheers or k in self._cheered or self._plain(k)
            for k in keys
            if k not in self._occasions
        )
        return (wish and rest) or (cheer and cheered)

    def _praising(self, keys: Sequence[str]) -> bool:
        """ "great event guys", "MashaAllah bohat acha intezam hai", "the session on
        deepfakes was excellent": a praising word and what is praised; up to three words
        of a topic ("on deepfakes") only when the praise is said of it (a copula)."""
        found = set(keys)
        if not (found & self._praise and found & self._praised):
            return False
        if keys[0] in self._copula:
            return False  # "is the keynote good"
        unknown = [
            i
            for i, k in enumerate(keys)
            if not (self._plain(k) or k in self._praise or k in self._praised)
        ]
        if not unknown:
            return True
        marks = [i for i, k in enumerate(keys) if k in self._topic]
        return (
            len(unknown) <= 3
            and bool(found & self._copula)
            and bool(marks)
            and all(i > marks[0] for i in unknown)
        )

    def _first_time(self, keys: Sequence[str]) -> bool:
        """ "first time using this", "pehli dafa use kar raha hun": a newcomer's hello. Only
        with a word of using or being here: "first time" alone may name a session."""
        found = set(keys)
        return (
            bool(found & self._first)
            and bool(found & self._times)
            and bool(found & (self._newcomer - self._this))
            and self._all(keys, self._first, self._times, self._newcomer)
        )

    def _looking_forward(self, keys: Sequence[str]) -> bool:
        """ "Looking forward to next year", "looking forward to the next edition"."""
        return self._looking <= set(keys) and self._all(keys, self._looking, self._looked_to)

    def _found_it(self, keys: Sequence[str]) -> bool:
        """ "found the prayer room", "finally found it": what they looked for, named."""
        for i, key in enumerate(keys[:-1]):
            if key in self._found and keys[i + 1] in self._found_what:
                unknown = [k for k in keys[i + 2 :] if not self._plain(k)]
                return len(unknown) <= 3 and self._all(keys[:i], self._found)
        return False

    def _by_mistake(self, keys: Sequence[str]) -> bool:
        """ "oops wrong chat", "sorry galti se", "ghalti se send ho gaya"."""
        marked = bool(set(keys) & self._mistake) or any(
            k in self._wrong and nxt in self._wrong_place for k, nxt in pairwise(keys)
        )
        return marked and self._all(keys, self._mistake, self._sent, self._wrong_place)

    def _callback(self, keys: Sequence[str], words: Sequence[str]) -> bool:
        """ "mera number 0333-7654321 hai please call karein", "my number is 0300-1234567":
        a number to be called on, with nothing else but words about calling."""
        digits = "".join(w for w in words if w.isdigit())
        if len(digits) < _MIN_PHONE_DIGITS:
            return False
        return all(
            k.isdigit() or self._plain(k) or k in self._number_words or k in self._me for k in keys
        )

    def _calls_me(self, keys: Sequence[str]) -> bool:
        """ "please call me", "can someone contact me", "mujhe call karein", "mujh se rabta
        karein": a callback the organisers give, whatever it is about ("... about my
        registration"), unlike "can I talk to someone about volunteering", which the FAQ
        may answer. "what number do I call" asks (a wh-word), "call for papers" names."""
        calls = [
            i
            for i, k in enumerate(keys)
            if k in self._calls
            and (
                (i + 1 < len(keys) and keys[i + 1] in self._me)
                or any(m in self._me for m in keys[max(0, i - 3) : i])
            )
        ]
        if not calls:
            return False
        marks = [i for i, k in enumerate(keys) if k in self._about]
        head = keys[: marks[0]] if marks else keys
        return len(keys) - len(head) <= 6 and all(
            k.isdigit()
            or self._plain(k)
            or k in self._callers
            or k in self._calls
            or k in self._me
            or k in self._number_words
            for k in head
        )

    def _rhetorical(self, keys: Sequence[str]) -> bool:
        """ "ye kya intezam hai", "what kind of answer is this", "یہ کیا جواب ہے"."""
        found = set(keys)
        if not (found & self._what and found & self._this and found & self._rhetoric_of):
            return False
        allowed = self._what | self._this | self._rhetoric_of | self._rhetoric_rest
        return all(k in allowed or k in {"sir", "bhai", "yaar", "yar"} for k in keys)

    def bare_rhetoric(self, keys: Sequence[str]) -> bool:
        """ "kya intezam hai", "ye kya tareeqa" without a "this": "what (kind of) arrangement
        is this", said of a problem stated before it; no topic ("parking ka") may follow."""
        found = set(keys)
        return (
            bool(found & self._what)
            and bool(found & self._arranged)
            and all(k in self._bare or k in self._arranged for k in keys)
        )

    def _asked_else(self, keys: Sequence[str]) -> bool:
        """ "I asked something else", "maine kuch aur poocha tha"."""
        found = set(keys)
        return (
            bool(found & self._asked)
            and bool(found & self._else)
            and all(
                k in self._asked or k in self._else or k in self._asked_rest or self._plain(k)
                for k in keys
            )
        )

    def _starting(self, keys: Sequence[str]) -> bool:
        """A bare "start" (the bot's first command, typed as a word), "shuru karo"."""
        return bool(set(keys) & self._start) and self._all(keys, self._starts)
