"""The bot learning during the event: organisers' answers and attendees' picks as phrasings.

Plain Python (no Telegram): the handlers call `Learner`, the command line uses the
functions at the end. What it does, and why this way:

- Teaching stores the phrasing (or a new entry) first and only then says so; the stored
  rows are the truth, `snapshot` their in-memory copy, rebuilt from the store at start.
- A change never blocks a reply: the index is rebuilt from the current content plus the
  snapshot in a daemon thread, and the new Answerer is swapped in with one assignment
  (questions in flight finish on the one they started with). Changes that arrive during a
  rebuild are picked up by one more rebuild right after it, never by waiting.
- Picks become a proposal only from distinct attendees (LEARN_MIN_PICKS) who did not
  object ("none of these", 👎) for that wording; an objection or /forget takes back a
  proposal no organiser approved.
- Every phrasing passes `bot.matching.learned.check_phrasing`: validated like a YAML
  variant, and refused when it nearly duplicates another entry's phrasing with a
  different answer (the conflict is named to the organiser).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from bot.answering import Answerer
from bot.content.loader import MAX_ANSWER_CHARS
from bot.content.models import Content
from bot.content.reloader import _in_daemon_thread
from bot.matching.learned import (
    Learned,
    LearnedEntry,
    Refusal,
    check_phrasing,
    tidy,
    with_learned,
    without_learned,
)
from bot.matching.normalize import fold
from bot.slugs import slug
from bot.storage import LearnedRow, NewLearned, Question, Store

logger = logging.getLogger(__name__)

NEW_ENTRY_PREFIX = "learned-"
GUESSES = 2  # entries on the offer itself
MORE_GUESSES = 8  # entries behind "other…"

Build = Callable[[Content, Learned], Answerer]


@dataclass(frozen=True, slots=True)
class Taught:
    """The outcome of teaching or approving: the stored row, or why nothing was stored."""

    row: LearnedRow | None = None
    refusal: Refusal | None = None


def rejected_entry(question: Question) -> str | None:
    """The FAQ entry whose answer the attendee rejected for this question, if any."""
    key = question.rejected_key
    return key.removeprefix("faq:") if key is not None and key.startswith("faq:") else None


def snapshot_of(rows: Iterable[LearnedRow]) -> Learned:
    """The active rows as the matcher takes them (oldest first, so the order is stable)."""
    phrasings: list[tuple[str, str]] = []
    entries: list[LearnedEntry] = []
    for row in sorted(rows, key=lambda r: r.id):
        if row.status != "active":
            continue
        if row.answer is not None:
            entries.append(LearnedEntry(row.entry_id, row.text, row.answer))
        else:
            phrasings.append((row.entry_id, row.text))
    return Learned(tuple(phrasings), tuple(entries))


class Learner:
    """What was learned, kept in the store and in effect in the running index."""

    def __init__(
        self,
        store: Store,
        current: Callable[[], Answerer],
        swap: Callable[[Answerer], None],
        build: Build,
        *,
        min_picks: int = 2,
        auto: bool = False,
    ) -> None:
        self.store = store
        self.current = current
        self.swap = swap
        self.build = build
        self.min_picks = min_picks
        self.auto = auto
        self.snapshot = Learned()
        self._ids: dict[tuple[str, str], int] = {}
        self.version = 0  # bumped by every change of what is in effect
        self.applied = 0  # the version the running index has
        self.rebuilds_started = 0
        self.rebuilds_finished = 0
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    # -- start, rebuilds, shutdown ------------------------------------------------------

    async def start(self) -> None:
        """Load what was learned before a restart and put it into effect before serving."""
        await self._refresh_snapshot()
        if self.snapshot:
            current = self.current()
            built = await _in_daemon_thread(
                lambda content: self.build(content, self.snapshot), current.content
            )
            if self.current() is current:
                self.swap(built)
        self.applied = self.version

    async def _refresh_snapshot(self) -> None:
        rows = await self.store.learned("active")
        self.snapshot = snapshot_of(rows)
        self._ids = {(row.entry_id, fold(row.text)): row.id for row in rows}
        self.version += 1

    def learned_id(self, entry_id: str, phrasing: str) -> int | None:
        """The stored id of an active learned phrasing (for counting what it answered)."""
        return self._ids.get((entry_id, fold(phrasing)))

    async def _changed(self) -> None:
        """Re-read the snapshot and rebuild the index in the background (never waited on)."""
        await self._refresh_snapshot()
        if self._closed:
            return
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._rebuild(), name="learning-index"
            )

    async def _rebuild(self) -> None:
        """Rebuild until the running index has the latest snapshot; swap each result in.

        A /reload that swapped in a new Answerer meanwhile already applied the snapshot
        of its time; the loop then rebuilds from the reloaded content, never over it.
        """
        while self.applied < self.version and not self._closed:
            version, learned, start = self.version, self.snapshot, self.current()
            self.rebuilds_started += 1
            try:
                built = await _in_daemon_thread(
                    functools.partial(self._build_with, learned), start.content
                )
            except Exception:
                logger.exception("the index with learned phrasings could not be built")
                return
            self.rebuilds_finished += 1
            if self.current() is start:
                self.swap(built)
                self.applied = version

    def _build_with(self, learned: Learned, content: Content) -> Answerer:
        return self.build(content, learned)

    async def settled(self) -> None:
        """Wait until the running index has everything learned so far (tests, bench)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def close(self) -> None:
        """Drop a rebuild in progress: shutdown never waits on an index."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    # -- teaching -----------------------------------------------------------------------

    def content_now(self, answerer: Answerer) -> Content:
        """The content with everything learned so far, even what the index has not yet."""
        if self.applied == self.version:
            return answerer.content
        return with_learned(answerer.content, self.snapshot)

    def guesses(
        self, text: str, limit: int = GUESSES, exclude: str | None = None
    ) -> list[tuple[str, str]]:
        """The FAQ entries (id, label) a question most resembles, best first."""
        found: list[tuple[str, str]] = []
        for candidate in self.current().matcher.score(text):
            if candidate.target.kind == "faq" and candidate.target.id != exclude:
                found.append((candidate.target.id, candidate.target.label))
                if len(found) == limit:
                    break
        return found

    def offer(self, question: Question, limit: int = GUESSES) -> list[tuple[str, str]]:
        """The entries to offer for teaching a question, best guess first.

        The entry the attendee rejected (👎, then "Ask the organisers") is left out: it is
        usually the best guess, and one tap on it would teach the bot the very answer the
        attendee said was wrong.
        """
        return self.guesses(question.text, limit, exclude=rejected_entry(question))

    def _new_entry_id(self, content: Content, text: str) -> str:
        base = NEW_ENTRY_PREFIX + (slug(text, "question")[:40].strip("-") or "question")
        taken = {entry.id for entry in content.faq}
        entry_id, n = base, 2
        while entry_id in taken:
            entry_id, n = f"{base}-{n}", n + 1
        return entry_id

    async def teach(
        self,
        question: Question,
        entry_id: str | None,
        organiser: int,
        name: str | None,
        now: datetime,
    ) -> Taught:
        """The attendee's wording becomes a phrasing of `entry_id`, or (None) a new entry
        answered with the organiser's answer. Stored before this returns."""
        answerer = self.current()
        content, text = self.content_now(answerer), tidy(question.text)
        if entry_id is not None and entry_id == rejected_entry(question):
            entry = content.faq_entry(entry_id)
            label = entry.question if entry is not None else entry_id
            return Taught(refusal=Refusal("rejected", entry_id, label, text))
        answer: str | None = None
        if entry_id is None:
            answer = (question.answer_text or "").strip()
            if not answer or len(answer) > MAX_ANSWER_CHARS:
                return Taught(refusal=Refusal("empty" if not answer else "too_long"))
            existing = await self.store.learned_for_question(question.id)
            entry_id = existing.entry_id if existing else self._new_entry_id(content, text)
        refusal = check_phrasing(answerer.matcher, content, entry_id, text, answer)
        if refusal is not None:
            return Taught(refusal=refusal)
        learned_id = await self.store.add_learned(
            NewLearned(
                entry_id=entry_id,
                text=text,
                normalized=question.normalized,
                source="organiser",
                status="active",
                now=now,
                answer=answer,
                taught_by=organiser,
                taught_by_name=name,
                question_id=question.id,
            )
        )
        await self._changed()
        return Taught(await self.store.get_learned(learned_id))

    # -- picks --------------------------------------------------------------------------

    async def picked(self, question: Question, now: datetime) -> LearnedRow | None:
        """An attendee pressed a "did you mean" button: a proposal (or, with LEARN_AUTO, a
        learned phrasing) once enough distinct attendees agree; the new row, else None."""
        key = question.chosen_key
        if key is None or not key.startswith("faq:"):
            return None
        entry_id = key.removeprefix("faq:")
        if await self._reassess(entry_id, question.normalized):
            return None
        if await self.store.learned_for(entry_id, question.normalized) is not None:
            return None  # already proposed, learned or rejected: one row per wording
        tally = await self.store.pick_tally(key, question.normalized)
        if tally.blocked or len(tally.pickers) < self.min_picks:
            return None
        answerer = self.current()
        wording = tidy(tally.wording)
        content = self.content_now(answerer)
        if check_phrasing(answerer.matcher, content, entry_id, wording) is not None:
            return None  # a phrasing never joins an entry when another entry has it
        learned_id = await self.store.add_learned(
            NewLearned(
                entry_id=entry_id,
                text=wording,
                normalized=question.normalized,
                source="picks",
                status="active" if self.auto else "proposed",
                now=now,
                pickers=tally.pickers,
            )
        )
        if self.auto:
            await self._changed()
        return await self.store.get_learned(learned_id)

    async def objected(self, question: Question) -> None:
        """ "None of these" or 👎: proposals for that wording lose this attendee's support."""
        for row in await self.store.learned("proposed", "active"):
            if row.normalized == question.normalized and row.source == "picks":
                await self._reassess(row.entry_id, row.normalized)

    async def _reassess(self, entry_id: str, normalized: str) -> bool:
        """Withdraw an unapproved picks phrasing whose support is gone; True if withdrawn."""
        row = await self.store.learned_for(entry_id, normalized)
        if row is None or row.source != "picks" or row.taught_by is not None:
            return False
        tally = await self.store.pick_tally(f"faq:{entry_id}", normalized)
        if not tally.blocked and len(tally.pickers) >= self.min_picks:
            return False
        removed = await self.store.withdraw_unapproved(entry_id, normalized)
        if removed and row.status == "active":
            await self._changed()
        return bool(removed)

    # -- organisers' review -------------------------------------------------------------

    async def approve(
        self, learned_id: int, organiser: int, name: str | None, now: datetime
    ) -> Taught:
        """A proposal becomes a learned phrasing (checked again: the content may have moved)."""
        row = await self.store.get_learned(learned_id)
        if row is None or row.status != "proposed":
            return Taught()
        answerer = self.current()
        content = self.content_now(answerer)
        refusal = check_phrasing(answerer.matcher, content, row.entry_id, row.text)
        if refusal is not None:
            return Taught(refusal=refusal)
        if not await self.store.decide_learned(learned_id, "active", organiser, name, now):
            return Taught()
        await self._changed()
        return Taught(await self.store.get_learned(learned_id))

    async def reject(
        self, learned_id: int, organiser: int, name: str | None, now: datetime
    ) -> bool:
        """A proposal is refused for good (the same picks will not propose it again)."""
        return await self.store.decide_learned(learned_id, "rejected", organiser, name, now)

    async def remove(self, *learned_ids: int) -> int:
        """Forget learned phrasings (a learned entry takes its own phrasings with it)."""
        ids = set(learned_ids)
        rows = await self.store.learned()
        entries = {r.entry_id for r in rows if r.id in ids and r.is_entry}
        ids |= {r.id for r in rows if r.entry_id in entries}
        removed = await self.store.remove_learned(*sorted(ids))
        if removed:
            await self._changed()
        return removed

    async def forgot(self) -> None:
        """After /forget: what their picks proposed may be gone; bring the index along."""
        rows = await self.store.learned("active")
        if snapshot_of(rows) != self.snapshot:
            await self._changed()

    async def now_in_files(self) -> list[LearnedRow]:
        """Learned phrasings the FAQ files now contain (pasted from the export)."""
        return contained_in_files(await self.store.learned("active"), self.current().content)


def contained_in_files(rows: Iterable[LearnedRow], content: Content) -> list[LearnedRow]:
    """The rows whose phrasing the files hold: for its entry, or for a learned entry, any."""
    files = without_learned(content)
    by_entry = {e.id: {fold(p) for p in e.file_phrasings} for e in files.faq}
    anywhere = set().union(*by_entry.values()) if by_entry else set()
    found: list[LearnedRow] = []
    for row in rows:
        if row.status != "active":
            continue
        wording = fold(row.text)
        if wording in (anywhere if row.is_entry else by_entry.get(row.entry_id, set())):
            found.append(row)
    return found


def learned_entries(rows: Iterable[LearnedRow]) -> list[dict[str, object]]:
    """Learned entries as faq/*.yaml entries (their learned phrasings as variants)."""
    active = [r for r in sorted(rows, key=lambda r: r.id) if r.status == "active"]
    entries: dict[str, dict[str, object]] = {}
    for row in active:
        if row.is_entry:
            entries[row.entry_id] = {"id": row.entry_id, "question": row.text}
    variants: dict[str, list[str]] = {}
    for row in active:
        if not row.is_entry and row.entry_id in entries:
            variants.setdefault(row.entry_id, []).append(row.text)
    for row in active:
        if row.is_entry:
            entry = entries[row.entry_id]
            if row.entry_id in variants:
                entry["variants"] = variants[row.entry_id]
            entry["answer"] = row.answer or ""
    return list(entries.values())


def learned_variants_yaml(rows: Iterable[LearnedRow], content: Content | None) -> str:
    """Learned phrasings of the files' entries, as `variants` lines to paste, per entry.

    Commented out so the whole export stays one valid YAML file: remove the "# " of the
    lines under an entry's heading and paste them under that entry's `variants:`.
    """
    learned_ids = {r.entry_id for r in rows if r.is_entry}
    by_entry: dict[str, list[str]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        if row.status == "active" and not row.is_entry and row.entry_id not in learned_ids:
            by_entry.setdefault(row.entry_id, []).append(row.text)
    files = without_learned(content) if content is not None else None
    parts: list[str] = []
    for entry_id, texts in by_entry.items():
        known = files.faq_entry(entry_id) if files is not None else None
        where = f" in {Path(known.source_file).name}" if known and known.source_file else ""
        listed = yaml.safe_dump({"variants": texts}, allow_unicode=True, width=100)
        lines = "".join(f"#   {line}\n" for line in listed.splitlines()[1:])
        parts.append(f"# Learned phrasings of '{entry_id}'{where}: add under its `variants:`\n")
        parts.append(lines)
    return "".join(parts)
