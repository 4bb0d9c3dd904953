"""From a question to the bot's decision, top-down, in one place.

`Answerer.decide` is the whole path, read in order:

1. read the question once (`Reading`: its terms, and the room, day and time it names);
2. the special questions, each from that one reading, first match wins:
   a room or time ("what's in hall b at 3pm"), an order ("the first keynote on day 2"),
   the clock ("what's on now", "day 2");
3. otherwise the matcher (FAQ and agenda entries by score: answer, suggest or none);
4. last, what can be shown: a suggestion without buttons or an answer without text
   becomes an honest hand-off ("none").

Recently decided questions are remembered by `bot.answering.recent`, which calls
`decide`; the answer texts themselves come from `bot.answering.text`.

`Answerer` is what both the command line and the Telegram handlers call. It owns one
content snapshot and its index; a reload builds a new Answerer and swaps it in whole, so a
question is always answered from one consistent version of the FAQ and agenda.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence, Set
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from bot import agenda
from bot.answering.text import HTML, PLAIN, Markup, session_list, target_text
from bot.clock import Clock
from bot.content.models import Content
from bot.matching import slots
from bot.matching.analyzer import Analyzer
from bot.matching.decision import Decision
from bot.matching.documents import documents_for
from bot.matching.index import Target
from bot.matching.learned import learned_phrasing_used
from bot.matching.matcher import Candidate, Matcher, MatchResult, MatchSettings
from bot.matching.normalize import fold
from bot.messages import DEFAULT_LANGUAGE, long_date, plain

if TYPE_CHECKING:  # the optional meaning layer (the `.[semantic]` extra)
    from bot.matching.semantic import VectorCache

# Terms (after analysis) that only say "a programme question"; with "now", "next" or a
# day and nothing else, the question is about time, not about a particular entry.
_AGENDA_WORDS = frozenset(
    {
        "session",
        "talk",
        "happen",
        "go",
        "agenda",
        "schedul",
        "programm",
        "program",
        "event",
        "when",
        "where",
        "what",
        "which",
        "current",
        "upcom",
        "come",
        "chal",
        "conferenc",
        "time",
        "plan",
        "list",
        "show",
        "full",
        "whole",
        "on",
        "start",
        "hall",
        "room",
        "right",
        "run",
    }
)
# With "now", "next" or a day, going and coming (one term with arriving) still only say
# "the programme": "what comes next", "day 2 kab aana hai". Not with a time of day:
# "subah kitne baje pohanchna hai" asks when to arrive, not what is on in the morning.
_CLOCK_WORDS = _AGENDA_WORDS | {"arriv"}
_NOW, _NEXT = "now", "next"
_FIRST, _LAST = "first", "last"
_OPENING_CLOSING = {"opening": _FIRST, "closing": _LAST}
# "who gives / presents / moderates the first keynote"
_WHO_WORDS = frozenset({"who", "speak", "give", "deliv", "present", "host", "lead", "moder"})
_DAY_TERMS = {"today", "tomorrow", "day1", "day2", "day3"}
# "talks about ransomware", "any sessions on fraud": asked in the plural, or with "any" or
# "which", a topic question gets every session that fits, not a guess at one of them.
_PLURAL_PROGRAMME = frozenset(
    {"talks", "sessions", "workshops", "panels", "lectures", "presentations", "keynotes"}
)
_PROGRAMME = _PLURAL_PROGRAMME | {"talk", "session", "workshop", "panel", "lecture"}
_WHICH_ANY = frozenset({"any", "anything", "which", "all", "kaunse", "konse", "konsi"})
TOPIC_LIST_WINDOW = 0.12  # sessions this close to the best one fit as well as it does
TOPIC_LIST_FLOOR = 0.35
TOPIC_LIST_MAX = 6


@dataclass(frozen=True, slots=True)
class Reading:
    """One analysis of a question, shared by every sub-question asked of it."""

    question: str
    moment: datetime  # the conference clock when it was read
    terms: frozenset[str]  # the whole question's content terms
    found: slots.Slots  # the room, day and time it names, and the words left over
    leftover_terms: frozenset[str]  # content terms of those leftover words
    leftover_words: tuple[str, ...]  # the leftover words, folded, filler included


@dataclass(frozen=True, slots=True)
class Reply:
    question: str
    decision: Decision
    candidates: tuple[Candidate, ...]
    suggestions: tuple[Candidate, ...] = ()
    agenda_view: agenda.AgendaView | None = None
    # "matcher" for FAQ/agenda matching; "clock" for now/next/day questions and "slots"
    # for room/time questions, whose answers depend on the conference clock; "topics" for
    # the sessions that fit a topic ("talks about ransomware").
    source: Literal["matcher", "clock", "slots", "topics"] = "matcher"
    language: str = DEFAULT_LANGUAGE  # of the agenda view's heading and note

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True, slots=True)
class Answered:
    """What the bot does with one question; `answer_html` is set for an answer."""

    reply: Reply
    decision: Decision
    answer_html: str | None
    grouping_key: str
    # The learned phrasing (or learned entry's question) the answer came through, if any:
    # counted in the stats as a question what the bot learned answered.
    learned_phrasing: str | None = None


class Answerer:
    def __init__(
        self,
        content: Content,
        clock: Clock,
        settings: MatchSettings | None = None,
        vectors: VectorCache | None = None,
    ) -> None:
        """`vectors`: the meaning layer's encoder and cache, kept across reloads (or None)."""
        self.content = content
        self.clock = clock
        self.analyzer = Analyzer(content.synonyms)
        # Attendees leave the event's name implied: "how do I register" asks the entry
        # "How do I register for NCSC 2027?" in full.
        implied = f"{content.conference.short_name or ''} conference event"
        self.matcher = Matcher(
            documents_for(content), self.analyzer, settings, implied, vectors=vectors
        )
        self._slots = slots.SlotReader(content)
        # The agenda's own kinds ("keynote", "workshop") as terms, for "the first keynote".
        self._kind_terms: dict[str, str] = {}
        for session in content.sessions:
            if session.kind:
                for term in self.analyzer.terms(session.kind):
                    self._kind_terms.setdefault(term, session.kind)

    @property
    def vectors(self) -> VectorCache | None:
        """The meaning layer's encoder and vector cache, for the next reload to reuse."""
        meaning = self.matcher.meaning
        return meaning.cache if meaning is not None else None

    def read(self, question: str) -> Reading:
        """Analyse the question once; every sub-question below works from this."""
        moment = self.clock.now()
        found = self._slots.read(question, moment.date())
        return Reading(
            question=question,
            moment=moment,
            terms=frozenset(self.analyzer.terms(question)),
            found=found,
            leftover_terms=frozenset(self.analyzer.terms(found.leftover)),
            leftover_words=tuple(fold(found.leftover).split()),
        )

    def decide(self, question: str, language: str) -> Answered:
        """The bot's decision on one question, with the answer (HTML) it would send."""
        reading = self.read(question)
        reply = self._reply(reading, language)
        decision: Decision = reply.decision
        if decision == "suggest" and not reply.suggestions:
            decision = "none"
        answer_html = self.answer_text(reply, HTML, language) if decision == "answer" else None
        if decision == "answer" and not answer_html:
            decision, answer_html = "none", None
        learned = self._learned_phrasing(reply) if decision == "answer" else None
        return Answered(reply, decision, answer_html, self._grouping_key(reading), learned)

    def _learned_phrasing(self, reply: Reply) -> str | None:
        best = reply.best
        if reply.source != "matcher" or best is None or best.target.kind != "faq":
            return None
        entry = self.content.faq_entry(best.target.id)
        if entry is None:
            return None
        return learned_phrasing_used(self.matcher, entry, reply.question)

    def ask(self, question: str, language: str = DEFAULT_LANGUAGE) -> Reply:
        """What the question asks, before deciding what can be shown (see `decide`)."""
        return self._reply(self.read(question), language)

    def _reply(self, reading: Reading, language: str) -> Reply:
        special = (
            self._slot_question(reading, language)
            or self._ordinal_question(reading, language)
            or self._time_question(reading, language)
        )
        if special is not None:
            return replace(special, language=language)
        topic_list = self._topic_list(reading.question, language)
        if topic_list is not None:
            return topic_list
        result: MatchResult = self.matcher.match(reading.question)
        return Reply(
            reading.question,
            result.decision,
            result.candidates,
            result.suggestions,
            language=language,
        )

    def _topic_list(self, question: str, language: str) -> Reply | None:
        """ "talks about ransomware": the sessions that fit, when more than one does.

        The programme word only says "sessions"; the topic is the rest, so the rest is
        scored again on its own ("any sessions on fraud" is not the FAQ entry "What
        language are the sessions in?").
        """
        words = fold(question).split()
        said = set(words)
        if not (said & _PLURAL_PROGRAMME or (said & _WHICH_ANY and said & _PROGRAMME)):
            return None
        topic = " ".join(w for w in words if w not in _PROGRAMME)
        rescored = self.matcher.score(topic) if topic else []
        sessions = [c for c in rescored if c.target.kind == "session"]
        if len(sessions) < 2 or rescored[0] is not sessions[0]:
            return None  # an FAQ entry or a speaker fits the topic better
        best = sessions[0].score
        floor = max(TOPIC_LIST_FLOOR, best - TOPIC_LIST_WINDOW)
        fitting = [c for c in sessions if c.score >= floor][:TOPIC_LIST_MAX]
        if len(fitting) < 2:
            return None
        found = [self.content.session(c.target.id) for c in fitting]
        listed = tuple(sorted((s for s in found if s is not None), key=lambda s: s.start))
        view = agenda.AgendaView(plain("text.topic_sessions", language), listed)
        return Reply(
            question, "answer", tuple(fitting), (), view, source="topics", language=language
        )

    def _slot_question(self, reading: Reading, language: str) -> Reply | None:
        """ "what's in hall b at 3pm on day 2": filter the agenda by room, day and time."""
        question, found, moment = reading.question, reading.found, reading.moment
        leftover = set(reading.leftover_terms)
        at = found.at
        if "now" in leftover and found.room is not None and at is None:
            leftover.discard("now")
            at = moment.time()
            found = slots.Slots(found.room, found.day or moment.date(), at, None, found.leftover)
        said = set(reading.leftover_words) | leftover
        if "lunch" in leftover and said & {"after", "baad", "بعد"} and at is None:
            lunch = next(
                (
                    s
                    for s in self.content.sessions
                    if "lunch" in s.title.lower() and (found.day is None or s.day == found.day)
                ),
                None,
            )
            if lunch is not None:
                leftover -= {"after", "lunch"}
                found = slots.Slots(found.room, lunch.day, lunch.end.time(), None, "")
        if found.at is None and found.span is None and (found.room is None or found.day is None):
            return None  # a room alone ("where's the forensics lab") is for the matcher
        if not leftover <= _AGENDA_WORDS | {"who", "speak"}:
            return None
        sessions = slots.sessions_for(self.content, found)
        candidates = tuple(Candidate(Target("session", s.id, s.title), 1.0) for s in sessions[:5])
        if len(sessions) == 1:
            return Reply(question, "answer", candidates, source="slots")
        heading = slots.moment_label(found, language)
        note = None if sessions else plain("text.nothing_there", language)
        view = agenda.AgendaView(heading, tuple(sessions), note)
        return Reply(question, "answer", candidates, (), view, source="slots")

    def _ordinal_question(self, reading: Reading, language: str) -> Reply | None:
        """ "pehle din ka aakhri talk", "first keynote on day 2": a session by its order.

        Without an order, "keynotes on day 1" lists the sessions of that kind there.
        """
        question, found = reading.question, reading.found
        if found.at is not None or found.span is not None:
            return None
        terms = set(reading.leftover_terms)
        if "who" in terms and found.day is not None:
            # "who opens day 2" / "who closes day one": the first / last programme item.
            terms = {_FIRST if t == "open" else _LAST if t == "close" else t for t in terms}
        named = self._opening_or_closing(reading.leftover_words)
        if named:
            terms = (terms - {"open", "close"}) | named
        ordinals = terms & {_FIRST, _LAST}
        kinds = {term for term in terms if term in self._kind_terms}
        if len(ordinals) > 1 or len(kinds) > 1 or not (ordinals or kinds):
            return None
        if found.day is None and found.room is None and not (kinds and ordinals):
            return None  # "first" alone, or "keynote" alone, says nothing about the agenda
        if not terms - ordinals - kinds <= _AGENDA_WORDS | _WHO_WORDS:
            return None  # "first aid", "last day to register": not an agenda order
        kind = self._kind_terms[next(iter(kinds))] if kinds else None
        if kind is not None and not ordinals:
            # Only with a day: "the forensics lab workshop" names a session, not a room.
            return self._sessions_of_kind(question, found, kind, language) if found.day else None
        session = slots.ordinal_session(
            self.content,
            found,
            _LAST in ordinals,
            kind,
            with_speakers="who" in terms,
        )
        if session is None:
            return None
        target = Target("session", session.id, session.title)
        return Reply(question, "answer", (Candidate(target, 1.0),), source="slots")

    def _sessions_of_kind(
        self,
        question: str,
        found: slots.Slots,
        kind: str,
        language: str,
    ) -> Reply | None:
        """ "the keynote on day 2", "panels in hall a on day 1": the sessions of that kind."""
        sessions = slots.sessions_of_kind(self.content, found, kind)
        if not sessions:
            return None
        candidates = tuple(Candidate(Target("session", s.id, s.title), 1.0) for s in sessions)
        if len(sessions) == 1:
            return Reply(question, "answer", candidates, source="slots")
        view = agenda.AgendaView(slots.moment_label(found, language), tuple(sessions))
        return Reply(question, "answer", candidates[:5], (), view, source="slots")

    def _opening_or_closing(self, words: Sequence[str]) -> set[str]:
        """ "the opening keynote", "closing panel": first / last of the kind named next.

        Only right before a kind: "registration band kab hogi" and "when does the CTF
        open" ask about an FAQ answer, not the order of the agenda.
        """
        found: set[str] = set()
        for word, following in itertools.pairwise(words):
            ordinal = _OPENING_CLOSING.get(word)
            if ordinal and any(t in self._kind_terms for t in self.analyzer.terms(following)):
                found.add(ordinal)
        return found

    def _time_question(self, reading: Reading, language: str) -> Reply | None:
        """ "what's on now", "what's next", "day 2": the agenda by the conference clock."""
        view = self._time_view(reading, language)
        if view is None:
            return None
        candidates = tuple(
            Candidate(Target("session", s.id, s.title), 1.0) for s in view.sessions[:5]
        )
        return Reply(reading.question, "answer", candidates, (), view, source="clock")

    def _time_view(self, reading: Reading, language: str) -> agenda.AgendaView | None:
        terms = reading.terms
        asked = terms & ({_NOW, _NEXT} | _DAY_TERMS)
        if not asked or not terms - asked <= _CLOCK_WORDS:
            return None
        moment = reading.moment
        if _NOW in asked:
            return agenda.now_view(self.content, moment, language)
        if _NEXT in asked:
            return agenda.next_view(self.content, moment, language)
        day = self._day_asked(asked, moment.date())
        if day is None:
            return None
        sessions = agenda.on_day(self.content, day)
        if not sessions:
            return agenda.AgendaView(
                plain("text.nothing_on", language, date=long_date(day, language)), ()
            )
        number = agenda.day_number(self.content, day)
        heading = plain("text.day_prefix", language, number=number, date=long_date(day, language))
        return agenda.AgendaView(heading, tuple(sessions))

    def _day_asked(self, asked: Set[str], today: date) -> date | None:
        days = self.content.days
        for term in asked:
            if term.startswith("day") and term[3:].isdigit():
                index = int(term[3:]) - 1
                return days[index] if 0 <= index < len(days) else None
        if "today" in asked:
            return today
        if "tomorrow" in asked:
            return date.fromordinal(today.toordinal() + 1)
        return None

    def answer_text(
        self, reply: Reply, m: Markup = PLAIN, language: str = DEFAULT_LANGUAGE
    ) -> str | None:
        """The full text an attendee gets for an `answer` decision."""
        if reply.agenda_view is not None:
            view = reply.agenda_view
            if language != reply.language:  # the heading and note in the reader's language
                view = self.ask(reply.question, language).agenda_view or view
            return session_list(self.content, view.heading, view.sessions, m, view.note)
        if reply.decision != "answer" or reply.best is None:
            return None
        return target_text(self.content, reply.best.target.key, m, language)

    def text_for(self, key: str, m: Markup = PLAIN, language: str = DEFAULT_LANGUAGE) -> str | None:
        return target_text(self.content, key, m, language)

    def grouping_key(self, question: str) -> str:
        """Near-identical questions share this key, so organisers answer them once."""
        return self._grouping_key(self.read(question))

    @staticmethod
    def _grouping_key(reading: Reading) -> str:
        return " ".join(sorted(reading.terms)) or reading.question.strip().lower()
