"""Turn the organisers' content into index documents.

This is where the weights of the content fields are decided: an FAQ entry is asked
through its question and variants; a session is found by its title first, then by room,
speakers, track and tags, and only weakly by its description; a speaker by name and role.
Speakers and their sessions, and the days of a repeating session (lunch on day 1 and day
2), are "related", so a question matching both is not treated as a close call between two
different answers: the answer shows them together.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot import agenda
from bot.content.models import Content, Session, Speaker
from bot.matching.index import Document, Field, Target

TITLE, FACET, PERSON, ROLE, DAY, DESCRIPTION = 1.0, 0.7, 0.8, 0.6, 0.4, 0.5
ANSWER = 0.5


def _day_words(content: Content, session: Session) -> str:
    days = content.days
    number = days.index(session.day) + 1 if session.day in days else 0
    ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth"}.get(number, "")
    return f"day {number} {ordinal} day {session.start:%A %d %B}"


def _session_document(content: Content, session: Session) -> Document:
    fields = [Field(session.title, TITLE, phrasing=True)]
    if session.description:
        fields.append(Field(session.description, DESCRIPTION))
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
    return Document(
        Target("session", session.id, session.title),
        fields,
        related,
        rephrasings=False,
    )


def _speaker_document(content: Content, speaker: Speaker) -> Document:
    fields = [Field(speaker.name, TITLE, phrasing=True)]
    if speaker.title:
        fields.append(Field(speaker.title, PERSON, phrasing=True))
    if speaker.bio:
        fields.append(Field(speaker.bio, DESCRIPTION * 0.6))
    fields.append(Field("who speak when", DAY))
    related = frozenset(f"session:{s.id}" for s in content.sessions_of(speaker))
    return Document(Target("speaker", speaker.id, speaker.name), fields, related, rephrasings=False)


def documents_for(content: Content) -> Iterator[Document]:
    for entry in content.faq:
        fields = [Field(text, 1.0, phrasing=True) for text in entry.phrasings]
        fields.extend(Field(tag, 0.3) for tag in entry.tags)
        # Attendees often ask with words only the answer uses ("can I pay with JazzCash"):
        # the answer counts, faintly, so it can tip a match but never make one alone.
        fields.append(Field(entry.answer, ANSWER))
        yield Document(Target("faq", entry.id, entry.question), fields)
    for session in content.sessions:
        yield _session_document(content, session)
    for speaker in content.speakers:
        yield _speaker_document(content, speaker)
