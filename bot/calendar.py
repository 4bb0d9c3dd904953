""".ics export of sessions: an attendee's starred sessions or the whole agenda.

Why local time with a VTIMEZONE rather than UTC: a calendar app shows an event at the time
it was written for in the zone it names, so an attendee whose phone is still set to their
home zone sees 10:00 Asia/Karachi converted correctly, and the file says which zone the
programme is in. Each event's UID is stable (session id + conference), so importing an
updated file replaces events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

from bot.content.models import Content, Session
from bot.slugs import slug

PRODID = "-//conference-qa-bot//Agenda export//EN"


def session_location(content: Content, session: Session) -> str | None:
    """Room (with floor) and venue name, as a calendar's location line."""
    parts = []
    if session.room is not None:
        parts.append(session.room.label)
    venue = content.conference.venue
    if venue is not None and venue.name:
        parts.append(venue.name)
    return ", ".join(parts) or None


def session_description(session: Session) -> str | None:
    lines = []
    if session.speakers:
        lines.append("Speakers: " + "; ".join(s.label for s in session.speakers))
    details = [d for d in (session.kind, session.track) if d]
    if details:
        lines.append(" · ".join(details))
    if session.description:
        lines.append(session.description)
    return "\n".join(lines) or None


def calendar_ics(
    content: Content,
    sessions: Iterable[Session],
    *,
    name: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """An iCalendar file (RFC 5545) for these sessions, in the conference timezone."""
    conference = content.conference
    tz = conference.timezone
    uid_domain = slug(conference.short_name or conference.name, "conference")
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or conference.display_name)
    calendar.add("x-wr-timezone", tz.key)
    for session in sorted(sessions, key=lambda s: (s.start, s.title)):
        event = Event()
        event.add("uid", f"{session.id}@{uid_domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.start.astimezone(tz))
        event.add("dtend", session.end.astimezone(tz))
        event.add("summary", session.title)
        location = session_location(content, session)
        if location:
            event.add("location", location)
        description = session_description(session)
        if description:
            event.add("description", description)
        if session.track:
            event.add("categories", [session.track])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()
    return ical
