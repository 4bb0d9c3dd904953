"""Turn the organisers' content into index documents.

This is where the weights of the content fields are decided: an FAQ entry is asked
through its question and variants; a session is found by its title and subtitle first,
then by room, speakers, track and tags, and only weakly by its description (which may
suggest a session but answers only when strong: see Field.supporting); a speaker by name
and role. Everyday words in people's names ("Rain", "York") are marked, so "will it
rain" never reaches a speaker (see Matcher._blocked).
Speakers and their sessions, and the days of a repeating session (lunch on day 1 and day
2), are "related", so a question matching both is not treated as a close call between two
different answers: the answer shows them together.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from bot import agenda
from bot.content.models import Content, Session, Speaker
from bot.matching.everyday import everyday_words
from bot.matching.index import Document, Field, Target

TITLE, FACET, PERSON, ROLE, DAY, DESCRIPTION = 1.0, 0.7, 0.8, 0.6, 0.4, 0.5
SUBTITLE = 0.9
ANSWER = 0.5
_WORD = re.compile(r"[^\W\d_]+")


def _everyday_name_words(content: Content) -> frozenset[str]:
    """Words of speakers' names that are also everyday words, in English or in this event.

    "Field" is an everyday word for an event whose FAQ mentions a field trip, whatever a
    dictionary says; so are the words of titles and room names.
    """
    name_words = {w.casefold() for s in content.speakers for w in _WORD.findall(s.name)}
    if not name_words:
        return frozenset()
    own: set[str] = set()
    for entry in content.faq:
        for text in (*entry.phrasings, entry.answer):
            own.update(w.casefold() for w in _WORD.findall(text))
    for session in content.sessions:
        for field in (session.title, session.subtitle, session.kind, session.track):
            if field:
                own.update(w.casefold() for w in _WORD.findall(field))
    for room in content.rooms:
        own.update(w.casefold() for w in _WORD.findall(room.name))
    return frozenset((name_words & own) | everyday_words(name_words))


def _personal_name(name: str) -> bool:
    """ "Lea Rain", "Dr. Jillian C. York"; not a role such as "Chairperson, PTA" or
    "Federal Minister for IT": "the minister" is how attendees ask for that speaker."""
    words = name.split()
    return (
        len(words) >= 2
        and not any(mark in name for mark in ",()&/")
        and all(w[:1].isupper() for w in words)
    )


def _guarded(names: list[str], everyday: frozenset[str]) -> frozenset[str]:
    return frozenset(
        w
        for name in names
        if _personal_name(name)
        for w in _WORD.findall(name)
        if w.casefold() in everyday
    )


def _day_words(content: Content, session: Session) -> str:
    days = content.days
    number = days.index(session.day) + 1 if session.day in days else 0
    ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth"}.get(number, "")
    return f"day {number} {ordinal} day {session.start:%A %d %B}"


def _session_document(
    content: Content,
    session: Session,
    everyday: frozenset[str],
    description_weight: float = DESCRIPTION,
) -> Document:
    fields = [Field(session.title, TITLE, phrasing=True)]
    if session.subtitle:
        fields.append(Field(session.subtitle, SUBTITLE, phrasing=True))
    if session.description and description_weight > 0:
        fields.append(Field(session.description, description_weight, supporting=True))
    # Room, kind, track and tags help find a session but are not ways of asking for it:
    # "workshops" alone must not look like a perfect match for every workshop.
    fields.extend(
        Field(text, FACET) for text in (session.track, session.kind, *session.tags) if text
    )
    if session.room:
        fields.append(Field(session.room.name, PERSON))
    for speaker in session.speakers:
        fields.append(Field(speaker.name, PERSON, phrasing=True))
        if speaker.title:
            fields.append(Field(speaker.title, ROLE))
    fields.append(Field(_day_words(content, session), DAY))
    # Attendees ask about sessions with these words; an FAQ entry carries its own.
    fields.append(Field("when where what time", DAY))
    related = frozenset(f"speaker:{s.id}" for s in session.speakers) | frozenset(
        f"session:{s.id}" for s in agenda.series(content, session)
    )
    names = [speaker.name for speaker in session.speakers]
    return Document(
        Target("session", session.id, session.title),
        fields,
        related,
        rephrasings=False,
        names=tuple(names),
        guarded=_guarded(names, everyday),
        meanings=_session_meanings(session),
    )


def _session_meanings(session: Session) -> tuple[str, ...]:
    """What the meaning layer reads of a session: its title, alone and with what it is about.

    The title (with its subtitle) alone keeps a short question ("the threat hunting
    workshop") close to it; with the description, a question by topic ("a talk about
    ransomware?") finds it too.
    """
    title = f"{session.title}: {session.subtitle}" if session.subtitle else session.title
    texts = [title]
    if session.description:
        texts.append(f"{title}. {session.description}")
    return tuple(texts)


def _speaker_label(content: Content, speaker: Speaker, namesakes: Counter[str]) -> str:
    """The name, and for one of two people of the same name, their first session."""
    if namesakes[speaker.name.casefold()] < 2:
        return speaker.name
    sessions = content.sessions_of(speaker)
    if sessions:
        return f"{speaker.name} ({sessions[0].title})"
    return f"{speaker.name} ({speaker.title})" if speaker.title else speaker.name


def _speaker_document(
    content: Content,
    speaker: Speaker,
    everyday: frozenset[str],
    namesakes: Counter[str],
    description_weight: float = DESCRIPTION,
) -> Document:
    fields = [Field(speaker.name, TITLE, phrasing=True)]
    if speaker.title:
        fields.append(Field(speaker.title, PERSON, phrasing=True))
    if speaker.bio and description_weight > 0:
        fields.append(Field(speaker.bio, description_weight * 0.6, supporting=True))
    fields.append(Field("who speak when", DAY))
    related = frozenset(f"session:{s.id}" for s in content.sessions_of(speaker))
    meanings = [speaker.name]
    if speaker.title:
        meanings.append(f"{speaker.name}, {speaker.title}")
    if speaker.bio:
        meanings.append(speaker.bio)
    return Document(
        Target("speaker", speaker.id, _speaker_label(content, speaker, namesakes)),
        fields,
        related,
        rephrasings=False,
        names=(speaker.name,),
        guarded=_guarded([speaker.name], everyday),
        meanings=tuple(meanings),
    )


def _same_answer(content: Content) -> dict[str, frozenset[str]]:
    """FAQ entries with the very same answer, as related target keys (entry id → keys).

    A learned entry made from an organiser's answer may repeat an entry's answer word for
    word; a question matching both is no close call, since either way the attendee gets
    the same answer.
    """
    by_answer: dict[str, list[str]] = {}
    for entry in content.faq:
        by_answer.setdefault(" ".join(entry.answer.split()), []).append(entry.id)
    related: dict[str, frozenset[str]] = {}
    for ids in by_answer.values():
        if len(ids) > 1:
            for entry_id in ids:
                related[entry_id] = frozenset(f"faq:{i}" for i in ids if i != entry_id)
    return related


def documents_for(content: Content, description_weight: float = DESCRIPTION) -> Iterator[Document]:
    """Every FAQ entry, session and speaker as a document.

    `description_weight` 0 leaves descriptions and biographies out of the index (the
    programme benchmark's title-only comparison).
    """
    same_answer = _same_answer(content)
    for entry in content.faq:
        learned = set(entry.learned)
        fields = [
            Field(text, 1.0, phrasing=True, learned=text in learned) for text in entry.phrasings
        ]
        fields.extend(Field(tag, 0.3) for tag in entry.tags)
        # Attendees often ask with words only the answer uses ("can I pay with JazzCash"):
        # the answer counts, faintly, so it can tip a match but never make one alone.
        fields.append(Field(entry.answer, ANSWER))
        related = same_answer.get(entry.id, frozenset())
        yield Document(Target("faq", entry.id, entry.question), fields, related)
    everyday = _everyday_name_words(content)
    namesakes = Counter(speaker.name.casefold() for speaker in content.speakers)
    for session in content.sessions:
        yield _session_document(content, session, everyday, description_weight)
    for speaker in content.speakers:
        yield _speaker_document(content, speaker, everyday, namesakes, description_weight)
