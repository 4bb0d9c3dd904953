"""The organisers' desk: the grouped question log, stats as SVG charts, the CSV export.

Answering goes through a `Relay` the host provides (the bot's own relay in production,
the preview's in the preview), so an answer from the desk does exactly what a reply in the
organisers' chat does: every attendee in the group gets it, once.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal, Protocol

from bot import messages
from bot.answering.text import rejected_label
from bot.content.models import Content
from bot.export import COLUMNS, defuse
from bot.storage import DeskStatus, Store
from bot.web import charts

DESK_STATUSES: tuple[DeskStatus, ...] = ("open", "answered", "dismissed")
GROUPS_SHOWN = 200
BROADCASTS_SHOWN = 5
VOTES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class RelayResult:
    """What an answer or a dismissal did: `sent` of `total` attendees reached."""

    outcome: Literal["sent", "dismissed", "missing", "closed"]
    sent: int = 0
    total: int = 0


class Relay(Protocol):
    """Answers and dismissals, done the way the organisers' chat does them."""

    async def answer(self, question_id: int, text: str, organiser_id: int) -> RelayResult: ...

    async def dismiss(self, question_id: int, organiser_id: int) -> RelayResult: ...


async def groups(store: Store, status: DeskStatus, content: Content) -> list[dict[str, object]]:
    """The log for one status, near-duplicates grouped with counts, newest first.

    `rejected` lists the answers a group's members were passed on after a 👎 with (by the
    entry's label, as the chat post names them); the page shows them as text, never HTML.
    """
    tz = content.conference.timezone
    found = await store.desk_groups(status, GROUPS_SHOWN)
    return [
        {
            "id": g.question_id,
            "text": g.text,
            "count": g.count,
            "askers": g.askers,
            "asked_at": g.newest_asked_at.astimezone(tz).strftime("%d %b %H:%M"),
            "answer": g.answer_text,
            "rejected": [rejected_label(content, r.key, r.stored_label) for r in g.rejected],
        }
        for g in found
    ]


def _entry_label(content: Content, key: str) -> str:
    kind, _, ident = key.partition(":")
    if kind == "faq":
        entry = content.faq_entry(ident)
        return entry.question if entry else key
    if kind == "session":
        session = content.session(ident)
        return session.title if session else key
    if kind == "speaker":
        speaker = content.speaker(ident)
        return speaker.name if speaker else key
    return key


async def stats(store: Store, content: Content, tz: tzinfo, language: str) -> dict[str, object]:
    """Numbers and the four charts; every label is escaped in bot.web.charts."""

    def t(key: str, **values: object) -> str:
        return messages.plain(f"web.{key}", language, **values)

    numbers = await store.stats()
    hourly: dict[datetime, dict[str, int]] = defaultdict(dict)
    for hour, decision, count in await store.questions_per_hour():
        hourly[hour][decision] = count
    hours = sorted(hourly)[-24:]
    decisions = ("answer", "suggest", "none")
    hourly_chart = charts.stacked_bars(
        t("chart_hourly"),
        [h.astimezone(tz).strftime("%d %b %H:00") for h in hours],
        [
            charts.Series(t(f"decision_{d}"), colour)
            for d, colour in zip(decisions, charts.COLOURS, strict=False)
        ],
        [[hourly[h].get(d, 0) for d in decisions] for h in hours],
        t("no_data"),
    )
    top_chart = charts.bars(
        t("chart_top"),
        [_entry_label(content, target.key) for target in numbers.top_targets],
        [target.count for target in numbers.top_targets],
        t("no_data"),
    )
    worst = sorted(numbers.votes, key=lambda v: (v.up - v.down, -v.down, v.key))[:VOTES_SHOWN]
    votes_chart = charts.stacked_bars(
        t("chart_votes"),
        [_entry_label(content, v.key) for v in worst],
        [charts.Series("👍", charts.COLOURS[0]), charts.Series("👎", charts.COLOURS[2])],
        [[v.up, v.down] for v in worst],
        t("no_data"),
    )
    rows: list[tuple[str, int, int, int]] = []
    for broadcast in (await store.recent_broadcasts(BROADCASTS_SHOWN))[:BROADCASTS_SHOWN]:
        counts = await store.delivery_counts(broadcast.id)
        label = f"#{broadcast.id} {broadcast.text}"
        rows.append((label, counts.sent, counts.blocked + counts.failed, counts.pending))
    broadcast_chart = charts.stacked_bars(
        t("chart_broadcasts"),
        [r[0] for r in rows],
        [
            charts.Series(t("delivered"), charts.COLOURS[0]),
            charts.Series(t("undelivered"), charts.COLOURS[2]),
            charts.Series(t("pending"), "#9e9e9e"),
        ],
        [[r[1], r[2], r[3]] for r in rows],
        t("no_data"),
    )
    return {
        "attendees": numbers.attendees,
        "subscribers": numbers.subscribers,
        "questions": numbers.questions,
        "open": numbers.open,
        "charts": [hourly_chart, top_chart, votes_chart, broadcast_chart],
        "sending": any(r[3] > 0 for r in rows),
    }


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """The log with the columns of `python -m bot unanswered` (formula cells defused).

    UTF-8 with a byte-order mark, so spreadsheet programs read Urdu questions correctly.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([defuse(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode()
