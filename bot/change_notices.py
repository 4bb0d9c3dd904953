"""Change notices: from a programme change to one message per affected attendee.

`review` runs after every content swap (sync, /reload, SIGHUP) and at start-up. It
compares the running programme with the one attendees were last told about (the stored
baseline, bot.storage.change_notices), and when sessions moved, were cancelled or changed
speakers, stores a draft notice: one delivery per attendee who starred any of them, with
that attendee's own text in their language. The organisers get a preview (built by
`preview_text`) with a Send button; Send hands the notice to the broadcast engine, which
delivers it paced and exactly once across crashes.

Texts are composed here, from the catalogue; nothing here imports telegram.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot import messages
from bot.content.models import Content
from bot.messages import Safe, html_text
from bot.programme_changes import (
    KINDS,
    Change,
    Changes,
    SessionFacts,
    compare,
    dump_snapshot,
    load_snapshot,
    snapshot,
)
from bot.storage import Store

PREVIEW_ITEMS = 25  # changes listed in the organisers' preview; the rest are counted
SOURCES = ("reload", "sync", "start")


def facts_line(facts: SessionFacts, language: str) -> str:
    """'Tue 16 Feb 10:00–10:45 · Hall B': when and where, for people."""
    start, end = facts.starts, facts.ends
    line = f"{messages.short_date(start.date(), language)} {start:%H:%M}–{end:%H:%M}"
    return f"{line} · {facts.room}" if facts.room else line


def _speakers(names: Sequence[str], language: str) -> str:
    return ", ".join(names) if names else html_text("chg.no_speakers", language)


def _item(change: Change, language: str) -> str:
    """One changed session in an attendee's notice."""
    before, after = change.before, change.after
    assert before is not None
    if after is None:
        return html_text(
            "chg.item_cancelled", language, title=before.title, was=facts_line(before, language)
        )
    now, was = facts_line(after, language), facts_line(before, language)
    speakers = _speakers(after.speakers, language)
    speakers_was = _speakers(before.speakers, language)
    if "moved" in change.kinds and "speakers" in change.kinds:
        return html_text(
            "chg.item_moved_speakers",
            language,
            title=after.title,
            now=now,
            was=was,
            speakers=speakers,
            speakers_was=speakers_was,
        )
    if "moved" in change.kinds:
        return html_text("chg.item_moved", language, title=after.title, now=now, was=was)
    return html_text(
        "chg.item_speakers", language, title=after.title, now=speakers, was=speakers_was
    )


def attendee_notice(changes: Changes, session_ids: Sequence[str], language: str) -> Safe:
    """The one message an attendee gets: every changed session they starred, in order."""
    wanted = set(session_ids)
    items = [_item(c, language) for c in changes.items if c.session_id in wanted]
    return html_text("chg.notice", language, items=Safe("\n\n".join(items)))


def _line(change: Change, language: str) -> str:
    """One changed session in the organisers' preview (additions included)."""
    before, after = change.before, change.after
    if before is None:
        assert after is not None
        return html_text(
            "chg.line_added", language, title=after.title, now=facts_line(after, language)
        )
    if after is None:
        return html_text(
            "chg.line_cancelled", language, title=before.title, was=facts_line(before, language)
        )
    lines = []
    if "moved" in change.kinds:
        lines.append(
            html_text(
                "chg.line_moved",
                language,
                title=after.title,
                was=facts_line(before, language),
                now=facts_line(after, language),
            )
        )
    if "speakers" in change.kinds:
        lines.append(
            html_text(
                "chg.line_speakers",
                language,
                title=after.title,
                was=_speakers(before.speakers, language),
                now=_speakers(after.speakers, language),
            )
        )
    return "\n".join(lines)


def summary(changes: Changes, language: str = messages.DEFAULT_LANGUAGE) -> Safe:
    """'Programme change notice: 2 moved, 1 cancelled': the notice in /announcements."""
    counts = [
        html_text(f"chg.count_{kind}", language, count=len(changes.of(kind)))
        for kind in KINDS
        if changes.of(kind)
    ]
    return html_text("chg.summary", language, counts=Safe(", ".join(counts)))


def preview_text(
    changes: Changes, notice_id: int | None, attendees: int, source: str, language: str
) -> Safe:
    """The organisers' preview: every change (up to PREVIEW_ITEMS), and who would be told."""
    lines = [_line(c, language) for c in changes.items[:PREVIEW_ITEMS]]
    if len(changes.items) > PREVIEW_ITEMS:
        lines.append(html_text("chg.more", language, count=len(changes.items) - PREVIEW_ITEMS))
    audience = (
        html_text("chg.audience", language, count=f"{attendees:,}")
        if attendees
        else html_text("chg.audience_none", language)
    )
    values: dict[str, object] = {
        "source": html_text(f"chg.source_{source}", language),
        "items": Safe("\n".join(lines)),
        "audience": audience,
    }
    if notice_id is None:
        return html_text("chg.preview", language, **values)
    return html_text("chg.preview_id", language, id=notice_id, **values)


@dataclass(frozen=True, slots=True)
class Review:
    """What `review` found: the changes, the stored notice (None: nobody to tell) and how
    many attendees it reaches, and the unsent notices it replaced."""

    changes: Changes
    notice_id: int | None
    attendees: int
    withdrawn: tuple[int, ...] = ()


@dataclass(slots=True)
class ChangeReviewer:
    """Reviews one programme change at a time (sync and /reload may finish together)."""

    store: Store
    language_of: Callable[[int], str]
    now: Callable[[], datetime]
    created_by: int = 0  # the broadcasts table needs an author; organisers' ids are > 0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def review(self, content: Content) -> Review | None:
        """Compare `content` with the baseline; store a notice if anyone is affected.

        None when there is nothing to show: the first start (the baseline is set), or a
        programme that did not change in a way attendees act on.
        """
        async with self._lock:
            current = snapshot(content)
            dumped = dump_snapshot(current)
            stored = await self.store.programme_baseline()
            if stored is None:
                await self.store.set_programme_baseline(dumped)
                return None
            if stored == dumped:
                return None
            changes = compare(load_snapshot(stored), current)
            starrers = await self.store.starrers(changes.affecting_stars)
            texts = {
                user_id: attendee_notice(changes, sessions, self.language_of(user_id))
                for user_id, sessions in starrers.items()
            }
            notice_id, withdrawn = await self.store.replace_change_notice(
                created_by=self.created_by,
                summary=summary(changes),
                programme=dumped,
                cancelled=changes.cancelled_ids,
                texts=texts,
                now=self.now(),
            )
            if not changes and not withdrawn:
                return None
            return Review(changes, notice_id, len(texts), tuple(withdrawn))
