"""What organisers read about announcements: previews, progress, status lines, the list.

Texts only (HTML, from the catalogue); their keyboards are in bot.render like every other
keyboard, and the handlers in bot.handlers.announcements decide when each is shown.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import datetime

from bot import render
from bot.broadcast import Progress, max_paid_stars_tenths
from bot.content.models import Content
from bot.messages import Safe, html_text
from bot.storage import AUDIENCE_CHANGES, AUDIENCE_SESSION_PREFIX, Broadcast, DeliveryCounts

PREVIEW_CHARS = 200  # of the announcement, quoted under progress reports and lists


def number(value: int) -> str:
    return f"{value:,}"


def duration(seconds: float) -> str:
    """'45 s', '6 min 2 s', '1 h 3 min': how long, for people."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def time_until(seconds: float) -> str:
    """How long until a scheduled send, to the minute ('in 30 min', not 'in 29 min 59 s').

    Sends are scheduled to the minute, and the seconds that pass while an organiser reads the
    preview are noise; under a minute the seconds do matter, so they stay.
    """
    if seconds < 60:
        return duration(seconds)
    return duration(60 * math.ceil(seconds / 60))


def paid_cost_line(recipients: int, lang: str) -> Safe:
    """What a paid broadcast to `recipients` costs at most, in Stars, for the preview."""
    tenths = max_paid_stars_tenths(recipients)
    stars = f"{tenths // 10:,}" if tenths % 10 == 0 else f"{tenths // 10:,}.{tenths % 10}"
    return html_text("ann.paid_cost", lang, stars=stars, count=number(recipients))


def when(moment: datetime, content: Content) -> str:
    return f"{moment.astimezone(content.conference.timezone):%a %d %b %H:%M}"


def excerpt(text: str) -> Safe:
    """The announcement as one escaped line, short: for progress reports and lists."""
    return render.quote(render.visible(text), PREVIEW_CHARS)


def audience_label(content: Content, audience: str, count: int | None, language: str) -> str:
    if audience.startswith(AUDIENCE_SESSION_PREFIX):
        session_id = audience[len(AUDIENCE_SESSION_PREFIX) :]
        session = content.session(session_id)
        title = session.title if session else session_id
        key = "ann.audience_session"
    elif audience == AUDIENCE_CHANGES:
        title, key = "", "ann.audience_changes"
    else:
        title, key = "", "ann.audience_all"
    label = html_text(key, language, title=title)
    return label if count is None else Safe(f"{label} ({number(count)})")


def preview_body(header: str, text: str) -> str:
    """The announcement under the preview header; shortened (as plain text) if too long."""
    room = render.MAX_MESSAGE - render.visible_length(header) - 1
    if render.visible_length(text) <= room:
        return text
    return html.escape(render.truncate(render.visible(text), room), quote=False)


def scheduled_text(content: Content, broadcast: Broadcast, language: str) -> Safe:
    assert broadcast.scheduled_for is not None
    return Safe(
        html_text(
            "ann.scheduled",
            language,
            id=broadcast.id,
            time=when(broadcast.scheduled_for, content),
            tz=content.conference.timezone.key,
            audience=audience_label(content, broadcast.audience, None, language),
        )
        + f"\n{excerpt(broadcast.text)}"
    )


def progress_text(content: Content, progress: Progress, language: str) -> tuple[Safe, Safe | None]:
    """(the progress message's text, a final report to send as a new message or None)."""
    broadcast, counts = progress.broadcast, progress.counts
    values: dict[str, object] = {
        "id": broadcast.id,
        "sent": number(counts.sent),
        "blocked": number(counts.blocked),
        "failed": number(counts.failed),
        "remaining": number(counts.pending),
        "audience": audience_label(content, broadcast.audience, counts.total, language),
    }
    late = ""
    if broadcast.late and broadcast.scheduled_for is not None:
        late = html_text("ann.late_note", language, time=when(broadcast.scheduled_for, content))
    shown = excerpt(broadcast.text)
    if progress.cancelled:
        body = html_text("ann.stopped", language, **values)
        report = html_text("ann.report_stopped", language, **values)
    elif progress.finished:
        elapsed = duration(progress.elapsed_seconds)
        body = html_text("ann.done", language, elapsed=elapsed, **values)
        report = html_text("ann.report", language, **values)
    else:
        eta = duration(progress.eta_seconds or 0)
        body = html_text("ann.progress", language, eta=eta, **values)
        report = None
    return Safe(f"{body}{late}\n{shown}"), report


def status_line(
    content: Content, broadcast: Broadcast, counts: DeliveryCounts, language: str
) -> str:
    values: dict[str, object] = {
        "sent": number(counts.sent),
        "blocked": number(counts.blocked),
        "failed": number(counts.failed),
        "remaining": number(counts.pending),
    }
    if broadcast.status == "scheduled" and broadcast.scheduled_for is not None:
        time = when(broadcast.scheduled_for, content)
        return html_text("ann.status_scheduled", language, time=time)
    if broadcast.status == "sending":
        return html_text("ann.status_sending", language, **values)
    moment = broadcast.finished_at or broadcast.started_at or broadcast.created_at
    if broadcast.status == "cancelled":
        time = when(moment, content)
        return html_text("ann.status_cancelled", language, time=time, **values)
    return html_text("ann.status_done", language, time=when(moment, content), **values)


def announcements_list(
    content: Content, listed: Sequence[tuple[Broadcast, DeliveryCounts]], language: str
) -> render.Rendered:
    """/announcements: scheduled and recent broadcasts, with Stop buttons where they apply."""
    if not listed:
        return render.message("ann.list_empty", language)
    lines = [html_text("ann.list_header", language)]
    stoppable = []
    for broadcast, counts in listed:
        lines.append(
            html_text(
                "ann.list_item",
                language,
                id=broadcast.id,
                status=Safe(status_line(content, broadcast, counts, language)),
                audience=audience_label(
                    content, broadcast.audience, counts.total if counts.total else None, language
                ),
                preview=excerpt(broadcast.text),
            )
        )
        if broadcast.status in ("scheduled", "sending"):
            stoppable.append(broadcast.id)
    return render.rendered("\n\n".join(lines), render.announcements_keyboard(stoppable, language))


def is_announcements_list(text: str | None, language: str) -> bool:
    """Whether a message the bot sent is an /announcements list (to refresh it in place)."""
    return (text or "").startswith(render.visible(html_text("ann.list_header", language)))
