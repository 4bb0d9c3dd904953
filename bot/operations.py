"""Operating the bot during and after the event: backup, retention, FAQ candidates.

`python -m bot backup FILE`, `purge --older-than 90d` and `export-faq-candidates` work on
the database file while the bot runs (WAL lets a second connection read and write
alongside it), so organisers need no downtime and no developer.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TextIO

import yaml

from bot.config import Settings
from bot.content import Content, ContentError, load_content
from bot.learning import contained_in_files, learned_entries, learned_variants_yaml
from bot.slugs import slug
from bot.storage import LearnedRow, Question, Store

EXIT_OK, EXIT_USAGE = 0, 2
MAX_VARIANTS = 6
LEARNING_SCHEMA = 5  # the migration that added the learned tables
_AGE = re.compile(r"^\s*(\d+)\s*(d|days?|w|weeks?|h|hours?)\s*$", re.IGNORECASE)


def parse_age(raw: str) -> timedelta:
    """'90d', '12w', '48h' → a timedelta; ValueError with a usable message otherwise."""
    match = _AGE.match(raw)
    if not match or int(match[1]) <= 0:
        raise ValueError(f"'{raw}' is not an age like 90d, 12w or 48h")
    amount, unit = int(match[1]), match[2][0].lower()
    return {
        "d": timedelta(days=amount),
        "w": timedelta(weeks=amount),
        "h": timedelta(hours=amount),
    }[unit]


def _database_exists(settings: Settings, err: TextIO) -> bool:
    if settings.database_path.is_file():
        return True
    print(
        f"No database at {settings.database_path} (set DATABASE_PATH to the bot's database).",
        file=err,
    )
    return False


def backup(settings: Settings, target: str, out: TextIO, err: TextIO) -> int:
    if not _database_exists(settings, err):
        return EXIT_USAGE

    async def run() -> None:
        async with await Store.open(settings.database_path) as store:
            await store.backup_to(target)

    asyncio.run(run())
    print(f"Backed up {settings.database_path} to {target}.", file=out)
    return EXIT_OK


def purge(
    settings: Settings, older_than: str, out: TextIO, err: TextIO, now: datetime | None = None
) -> int:
    try:
        age = parse_age(older_than)
    except ValueError as exc:
        print(f"--older-than: {exc}", file=err)
        return EXIT_USAGE
    if not _database_exists(settings, err):
        return EXIT_USAGE
    cutoff = (now or datetime.now(UTC)) - age

    async def run() -> tuple[int, int]:
        async with await Store.open(settings.database_path) as store:
            return await store.purge_before(cutoff)

    questions, votes = asyncio.run(run())
    print(
        f"Deleted {questions} questions and {votes} votes asked before "
        f"{cutoff:%Y-%m-%d %H:%M} UTC.",
        file=out,
    )
    return EXIT_OK


def faq_candidates(questions: Sequence[Question]) -> list[dict[str, object]]:
    """Organiser-answered questions as FAQ entries: one per group of near-identical ones.

    The most asked wording becomes the question, the other wordings its variants (exactly
    the phrasings next year's attendees will use), the latest organiser answer the answer.
    """
    groups: dict[str, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.normalized, []).append(question)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0].asked_at))
    entries: list[dict[str, object]] = []
    used: set[str] = set()
    for group in ordered:
        wordings = Counter(" ".join(q.text.split()) for q in group)
        wording, _ = wordings.most_common(1)[0]
        latest = max(group, key=lambda q: (q.answered_at or q.asked_at, q.id))
        base = slug(wording, "question")[:40].strip("-") or "question"
        entry_id, n = base, 2
        while entry_id in used:
            entry_id, n = f"{base}-{n}", n + 1
        used.add(entry_id)
        entry: dict[str, object] = {"id": entry_id, "question": wording}
        variants = [w for w, _ in wordings.most_common() if w != wording][:MAX_VARIANTS]
        if variants:
            entry["variants"] = variants
        entry["answer"] = latest.answer_text or ""
        entries.append(entry)
    return entries


def export_faq_candidates(settings: Settings, out: TextIO, err: TextIO) -> int:
    if not _database_exists(settings, err):
        return EXIT_USAGE

    async def run() -> tuple[list[Question], list[LearnedRow]]:
        store = await Store.open_readonly(settings.database_path)
        try:
            answered = await store.answered_by_organisers()
            return answered, await _active_learned(store)
        finally:
            await store.close()

    answered, learned = asyncio.run(run())
    taught = {row.question_id for row in learned}
    # A question taught as an entry or phrasing is in the learned part, not twice.
    entries = faq_candidates([q for q in answered if q.id not in taught])
    entries += learned_entries(learned)
    out.write(
        "# FAQ candidates: questions the bot could not answer and organisers did, and what\n"
        "# the bot learned during the event (see /learned).\n"
        f"# {len(entries)} entries, most asked first. Review the wording, then paste them\n"
        "# into a faq/*.yaml file (and run `python -m bot check`).\n"
    )
    if entries:
        out.write(
            yaml.safe_dump({"entries": entries}, sort_keys=False, allow_unicode=True, width=100)
        )
    else:
        out.write("entries: []\n")
    if learned:
        try:
            content: Content | None = load_content(
                settings.agenda_path, settings.faq_dir, settings.content_limits
            )
        except ContentError:
            content = None  # the entries' files are not named; the phrasings still are
        out.write(learned_variants_yaml(learned, content))
    return EXIT_OK


async def _active_learned(store: Store) -> list[LearnedRow]:
    """What was learned; nothing from a database older than learning (not migrated yet)."""
    if await store.schema_version() < LEARNING_SCHEMA:
        return []
    return await store.learned("active")


def learned_in_files(settings: Settings, content: Content, out: TextIO) -> None:
    """For `check`: learned phrasings the FAQ files now hold (so /learned can clear them)."""
    if not settings.database_path.is_file():
        return

    async def run() -> list[LearnedRow]:
        store = await Store.open_readonly(settings.database_path)
        try:
            return await _active_learned(store)
        finally:
            await store.close()

    try:
        rows = asyncio.run(run())
    except Exception as exc:  # an old or busy database: check is about the files
        print(f"note: learned phrasings not checked ({exc})", file=out)
        return
    for row in contained_in_files(rows, content):
        print(
            f"note: learned phrasing '{row.text}' ({row.entry_id}) is now in the FAQ files; "
            "/learned offers to clear it",
            file=out,
        )
