"""The desk's view of session feedback: every session's ratings, one session's distribution
and comments, and the ratings as CSV.

The numbers come from `bot.feedback.feedback_summaries` (and `session_summary`), the one
read that /feedback and `python -m bot feedback` use too, so the desk can never disagree
with the chat or the export. Organisers only, checked on every call; ratings are anonymous
here as everywhere (no attendee ids leave the server); comments are attendee text, set on
the page as text, and the distribution chart is SVG escaped on the server.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, tzinfo

from aiohttp import web

from bot import messages
from bot.feedback import MAX_STARS, SessionFeedback, feedback_summaries, session_summary
from bot.feedback_export import COLUMNS, rating_row, session_object
from bot.web import charts
from bot.web.api import (
    PREFIX,
    SESSION_ID,
    error,
    host_of,
    link_user,
    organisers_only,
    signed_link,
    user_language,
)
from bot.web.initdata import WebUser

LINK_PURPOSE = "feedback-csv"


def _when(moment: datetime | None, tz: tzinfo) -> str | None:
    return moment.astimezone(tz).strftime("%d %b %H:%M") if moment is not None else None


def _row(summary: SessionFeedback, tz: tzinfo) -> dict[str, object]:
    """One line of the desk's table (what /feedback lists)."""
    average = summary.average
    return {
        "id": summary.session_id,
        "title": summary.title,
        "starts": _when(summary.start, tz),
        "prompted": summary.prompted,
        "waiting": summary.waiting,
        "ratings": summary.ratings,
        "average": None if average is None else round(average, 1),
        "comments": len(summary.comments),
    }


@organisers_only
async def table(request: web.Request, user: WebUser) -> web.Response:
    """Every session closed for feedback or rated, in programme order, with the totals."""
    host = host_of(request)
    content = host.content()
    tz = content.conference.timezone
    summaries = await feedback_summaries(host.store(), content)
    return web.json_response(
        {
            "sessions": [_row(s, tz) for s in summaries],
            "ended": len(summaries),
            "ratings": sum(s.ratings for s in summaries),
            "comments": sum(len(s.comments) for s in summaries),
        }
    )


@organisers_only
async def one_session(request: web.Request, user: WebUser) -> web.Response:
    """One session: the export's numbers, its distribution as a chart, comments newest first."""
    host = host_of(request)
    session_id = request.match_info["session"]
    if not SESSION_ID.fullmatch(session_id):
        return error(404, "no_feedback")
    content = host.content()
    summary = await session_summary(host.store(), content, session_id)
    if summary is None:
        return error(404, "no_feedback")
    language = user_language(request, user)
    tz = content.conference.timezone
    stars = range(MAX_STARS, 0, -1)  # 5 ⭐ on top, as in /feedback SESSION
    chart = charts.bars(
        messages.plain("web.fb_chart", language),
        [f"{n} ⭐" for n in stars],
        [summary.distribution[n - 1] for n in stars],
        messages.plain("web.no_data", language),
    )
    found = session_object(summary)
    found["comments"] = [
        {"stars": c.stars, "text": c.text, "at": _when(c.at, tz)} for c in summary.comments
    ]
    return web.json_response({**_row(summary, tz), "detail": found, "chart": chart})


@organisers_only
async def csv_link(request: web.Request, user: WebUser) -> web.Response:
    """A short-lived signed link to the ratings CSV (downloads inside Telegram go by URL)."""
    link = signed_link(host_of(request), LINK_PURPOSE, user.id)
    return web.json_response({"path": f"desk/feedback/{link}.csv"})


async def csv_download(request: web.Request) -> web.Response:
    """Every rating, the columns of `python -m bot feedback --format csv`; the link's
    organiser is checked against ORGANISER_IDS again at download time."""
    host = host_of(request)
    user_id = link_user(request, LINK_PURPOSE)
    if user_id is None:
        return error(401, "auth")
    if user_id not in host.organiser_ids:
        return error(403, "organisers_only")
    content = host.content()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rating_row(content, r) for r in await host.store().feedback_ratings())
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode(),  # a BOM: spreadsheets then read Urdu right
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="feedback.csv"'},
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get(f"{PREFIX}/api/desk/feedback", table)
    app.router.add_get(f"{PREFIX}/api/desk/feedback/{{session}}", one_session)
    app.router.add_get(f"{PREFIX}/api/desk/feedback-csv-link", csv_link)
    app.router.add_get(f"{PREFIX}/desk/feedback/{{link}}.csv", csv_download)
