"""Warnings about a programme that loads but will let attendees down.

These do not stop the bot (a programme without a venue still answers "when is the
keynote"), so `check` prints them after OK rather than failing.
"""

from __future__ import annotations

from bot.content.models import Content


def agenda_warnings(content: Content) -> list[str]:
    warnings: list[str] = []
    venue = content.conference.venue
    if venue is None or not (venue.name or venue.address):
        warnings.append(
            "the conference has no venue: 'where is the conference' gets no answer "
            "(add conference: venue: name / address / map_url to agenda.yaml)"
        )
    # A break without a room is the whole venue's: only talks need one.
    roomless = [s for s in content.sessions if s.room is None and s.kind != "break"]
    if roomless:
        listed = ", ".join(s.id for s in roomless[:5]) + (", …" if len(roomless) > 5 else "")
        warnings.append(
            f"{len(roomless)} session{'s have' if len(roomless) != 1 else ' has'} no room, "
            f"so attendees are not told where to go: {listed}"
        )
    speaking = {speaker.id for session in content.sessions for speaker in session.speakers}
    idle = [s for s in content.speakers if s.id not in speaking]
    if idle:
        listed = ", ".join(s.id for s in idle[:5]) + (", …" if len(idle) > 5 else "")
        warnings.append(
            f"{len(idle)} speaker{'s have' if len(idle) != 1 else ' has'} no session: {listed}"
        )
    return warnings
