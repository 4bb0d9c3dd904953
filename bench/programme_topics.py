"""Topic questions about an imported programme, with and without its descriptions indexed.

    python bench/programme_topics.py            # the held-out test half (and dev, tuned on)
    python bench/programme_topics.py --dev      # the dev half only, for tuning

The programme (tests/data/programme/schedule.json: 64 talks over three days, written for
this benchmark in pretalx's export format, with subtitles and abstracts whose subject is
often not in the catchy title) is imported with the real importer and answered together
with the bundled FAQ. The labelled questions (tests/data/programme/questions.yaml) are
split into dev and test halves; the matcher's programme weights were tuned on dev only.

"title-only" is the same programme with subtitles, descriptions and biographies left out
of the index: what the bot knew before imports kept them.

A question is answered right when everything the answer shows fits: the session, the
sessions of a list ("talks about ransomware"), or a speaker whose sessions fit. Everyday
questions ("will it rain") are out of scope; they count as failures when they reach a
speaker or a speaker's session at all, even as a button.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Answerer, Reply  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.content import Content, load_content  # noqa: E402
from bot.content.imports import import_programme, write_agenda  # noqa: E402
from bot.matching.normalize import fold  # noqa: E402

DATA = ROOT / "tests" / "data" / "programme"
SCHEDULE = DATA / "schedule.json"
QUESTIONS = DATA / "questions.yaml"
BENCH_NOW = "2027-03-08T12:00"  # the day before: no "now" in the questions
TOPIC_KINDS = ("topic", "several")


@dataclass(frozen=True)
class Question:
    text: str
    kind: str
    split: str
    expected: frozenset[str]


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    suggested: int = 0  # the right entry among the buttons, not answered
    reached_speaker: int = 0  # everyday questions that reached a speaker or their session
    total: int = 0

    def row(self, name: str) -> str:
        n = max(self.total, 1)
        return (
            f"  {name:<34} {self.total:>4} {self.right / n:>7.1%} {self.wrong / n:>7.1%}"
            f" {(self.right + self.suggested) / n:>10.1%}"
        )


HEADER = f"  {'':<34} {'n':>4} {'right':>7} {'wrong':>7} {'right/sugg':>10}"


def load_questions(split: str | None = None) -> list[Question]:
    raw = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    return [
        Question(str(q["question"]), q["kind"], q["split"], frozenset(q["expected"] or ()))
        for q in raw
        if split is None or q["split"] == split
    ]


def imported_content(folder: Path) -> Content:
    agenda = import_programme(SCHEDULE.read_bytes())
    target = folder / "agenda.yaml"
    write_agenda(agenda, target)
    return load_content(target, ROOT / "faq")


def title_only(content: Content) -> Content:
    """The same programme with subtitles, descriptions and biographies not indexed."""
    speakers = {s.id: replace(s, bio=None) for s in content.speakers}
    sessions = tuple(
        replace(
            s,
            subtitle=None,
            description=None,
            speakers=tuple(speakers[p.id] for p in s.speakers),
        )
        for s in content.sessions
    )
    return Content(
        conference=content.conference,
        rooms=content.rooms,
        speakers=tuple(speakers.values()),
        sessions=sessions,
        faq=content.faq,
        synonyms=content.synonyms,
    )


def _shown(answerer: Answerer, reply: Reply) -> set[str]:
    """Keys of what the attendee is shown as the answer."""
    if reply.agenda_view is not None:
        return {f"session:{s.id}" for s in reply.agenda_view.sessions}
    return {reply.best.target.key} if reply.best else set()


def _fits(answerer: Answerer, key: str, expected: frozenset[str]) -> bool:
    if key in expected:
        return True
    # A speaker's answer lists their sessions: it fits when one of them is what was asked.
    if key.startswith("speaker:"):
        related = answerer.matcher.index.related.get(key, frozenset())
        return bool(related & expected)
    return False


def _reaches_person(answerer: Answerer, question: str, reply: Reply) -> bool:
    """Whether the reply offers a speaker (or their session) whose name shares a word
    with the question: Lea Rain for "will it rain"."""
    asked = set(fold(question).split())
    keys = _shown(answerer, reply) if reply.decision == "answer" else set()
    keys |= {c.target.key for c in reply.suggestions}
    content = answerer.content
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind == "speaker":
            people = [p for p in content.speakers if p.id == ident]
        else:
            session = content.session(ident) if kind == "session" else None
            people = list(session.speakers) if session else []
        if any(asked & set(fold(p.name).split()) for p in people):
            return True
    return False


def evaluate(answerer: Answerer, questions: Sequence[Question]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for question in questions:
        reply = answerer.ask(question.text)
        for group in (question.kind, "topic+several" if question.kind in TOPIC_KINDS else ""):
            if not group:
                continue
            tally = tallies.setdefault(group, Tally())
            tally.total += 1
            if not question.expected:
                tally.wrong += reply.decision == "answer"
                tally.right += reply.decision == "none"
                tally.reached_speaker += _reaches_person(answerer, question.text, reply)
                continue
            if reply.decision == "answer":
                shown = _shown(answerer, reply)
                if shown and all(_fits(answerer, k, question.expected) for k in shown):
                    tally.right += 1
                else:
                    tally.wrong += 1
            elif reply.decision == "suggest" and any(
                _fits(answerer, c.target.key, question.expected) for c in reply.suggestions
            ):
                tally.suggested += 1
    return tallies


def report(split: str, questions: Sequence[Question], systems: dict[str, Answerer]) -> None:
    print(f" {split}: {len(questions)} questions")
    print(HEADER)
    results = {name: evaluate(answerer, questions) for name, answerer in systems.items()}
    for kind in ("topic+several", "topic", "several", "title", "speaker"):
        for name, tallies in results.items():
            if kind in tallies:
                print(tallies[kind].row(f"{kind}, {name}"))
    for name, tallies in results.items():
        everyday = tallies.get("everyday")
        if everyday:
            print(
                f"  everyday words, {name}: {everyday.total} questions, "
                f"{everyday.wrong} answered, {everyday.reached_speaker} reached a speaker"
            )


def run(show_test: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        content = imported_content(Path(folder))
    talks = sum(1 for s in content.sessions if s.kind != "break")
    with_subtitles = sum(1 for s in content.sessions if s.subtitle)
    print(
        f"\n4. Programme topics: {talks} imported talks ({with_subtitles} with subtitles), "
        f"{len(content.faq)} FAQ entries; clock at {BENCH_NOW}"
    )
    print("  right = answered with only fitting sessions; everyday = out of scope")
    now = datetime.fromisoformat(BENCH_NOW)
    systems = {
        "full index": Answerer(content, Clock(content.conference.timezone, now)),
        "title-only": Answerer(title_only(content), Clock(content.conference.timezone, now)),
    }
    if show_test:
        report("test half (held out)", load_questions("test"), systems)
    report("dev half (tuned on)", load_questions("dev"), systems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", action="store_true", help="the dev half only (for tuning)")
    args = parser.parse_args()
    run(show_test=not args.dev)


if __name__ == "__main__":
    main()
