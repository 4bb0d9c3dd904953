"""`python -m bot feedback --format csv|json`: every session's feedback, for the organisers
and the speakers.

Read-only, like the other exports (`read_database`): it runs while the bot keeps writing.
JSON gives one object per session (the numbers `/feedback` shows, with every comment
whole); CSV one row per rating, for a spreadsheet. No attendee ids: ratings are anonymous
to whoever reads the export.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from bot.config import Settings
from bot.content.models import Content
from bot.export import EXIT_OK, EXIT_USAGE, defuse, read_for_export
from bot.feedback import SessionFeedback, summarise
from bot.storage import Asked, Rating, Store

COLUMNS = ("session_id", "session", "starts", "stars", "comment", "rated_at")


def session_object(summary: SessionFeedback) -> dict[str, object]:
    """One session in the JSON export."""
    average = summary.average
    return {
        "session_id": summary.session_id,
        "session": summary.title,
        "starts": summary.start.isoformat() if summary.start else None,
        "prompted": summary.prompted,
        "waiting": summary.waiting,
        "ratings": summary.ratings,
        "average": None if average is None else round(average, 2),
        "distribution": {str(n): summary.distribution[n - 1] for n in range(1, 6)},
        "comments": [
            {"stars": c.stars, "comment": c.text, "at": c.at.isoformat()} for c in summary.comments
        ],
    }


def rating_row(content: Content, rating: Rating) -> dict[str, object]:
    """One rating in the CSV export (attendee text defused for spreadsheets)."""
    session = content.session(rating.session_id)
    return {
        "session_id": rating.session_id,
        "session": defuse(session.title if session else rating.session_id),
        "starts": session.start.isoformat() if session else "",
        "stars": rating.stars,
        "comment": defuse(rating.comment or ""),
        "rated_at": rating.rated_at.isoformat(),
    }


async def _both(store: Store) -> tuple[list[Rating], dict[str, Asked]]:
    return await store.feedback_ratings(), await store.feedback_asked()


def export_feedback(
    settings: Settings, content: Content, format: str, out: TextIO, err: TextIO
) -> int:
    """Write every session's feedback to out; 2 with a clear message if that cannot be."""
    read = read_for_export(settings, _both, err)
    if read is None:
        return EXIT_USAGE
    ratings, asked = read
    if format == "json":
        sessions = [session_object(s) for s in summarise(content, ratings, asked)]
        json.dump(sessions, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rating_row(content, r) for r in ratings)
    out.flush()
    return EXIT_OK
