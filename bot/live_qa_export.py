"""`python -m bot questions SESSION --format csv|json`: a session's questions to the
speaker, ranked, with their votes, for the speaker (or the organisers) after the talk.

Read-only, like the unanswered export: it runs while the bot keeps writing. Hidden
questions are left out (they were hidden as abuse); names only where the asker chose to
show them.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from bot.config import Settings
from bot.content.models import Content
from bot.export import EXIT_OK, EXIT_USAGE, formula_like, read_for_export
from bot.live_qa import ranked
from bot.storage import LiveQuestion

COLUMNS = ("rank", "id", "votes", "status", "pinned", "asked_at", "asker", "question")


def export_row(rank: int, question: LiveQuestion) -> dict[str, object]:
    return {
        "rank": rank,
        "id": question.id,
        "votes": question.votes,
        "status": question.status,
        "pinned": question.pinned,
        "asked_at": question.asked_at.isoformat(),
        "asker": question.asker_name if question.show_name else "",
        "question": question.text,
    }


def export_session_questions(
    settings: Settings, content: Content, session_id: str, format: str, out: TextIO, err: TextIO
) -> int:
    """Write the session's questions to out; 2 with a clear message if that cannot be."""
    if content.session(session_id) is None:
        print(f"No session {session_id!r} in {settings.agenda_path}", file=err)
        return EXIT_USAGE
    stored = read_for_export(settings, lambda store: store.live_questions(session_id), err)
    if stored is None:
        return EXIT_USAGE
    questions = ranked(stored)
    rows = [export_row(rank, q) for rank, q in enumerate(questions, start=1)]
    if format == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for item in rows:
            writer.writerow(
                {
                    k: "'" + v if isinstance(v, str) and formula_like(v) else v
                    for k, v in item.items()
                }
            )
    out.flush()
    return EXIT_OK
