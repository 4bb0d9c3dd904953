"""The organisers' command line: `python -m bot <command>`.

`check` and `ask` let organisers validate their files and try their FAQ before the event
without a Telegram token; `run` (the default) starts the bot. Exit codes: 0 success,
1 content problems, 2 configuration or usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import yaml

from bot.answering import Answerer, Reply
from bot.clock import Clock
from bot.config import ConfigError, Settings, load_settings
from bot.content import Content, ContentError, load_content
from bot.content.advice import agenda_warnings
from bot.matching.analyzer import Analyzer
from bot.matching.choice import (
    MatcherChoice,
    MeaningLayerError,
    choose_matcher,
    vector_store_path,
)

EXIT_OK, EXIT_CONTENT, EXIT_CONFIG = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Conference Q&A bot for Telegram: FAQ and agenda answers.",
    )
    commands = parser.add_subparsers(dest="command", metavar="command")
    commands.add_parser("run", help="start the bot (the default; needs BOT_TOKEN)")
    commands.add_parser("check", help="validate agenda.yaml and faq/*.yaml")
    commands.add_parser(
        "preview",
        help="the programme, the desk and a chat with the bot in your browser, without "
        "Telegram (http://127.0.0.1:8080, or WEB_PORT)",
    )
    commands.add_parser(
        "doctor",
        help="check configuration, content, database and the token; say how to fix",
    )
    sync = commands.add_parser(
        "sync",
        help="fetch SCHEDULE_URL once, print what changed and write agenda.yaml",
    )
    sync.add_argument(
        "--dry-run", action="store_true", help="print the changes but leave agenda.yaml alone"
    )
    ask = commands.add_parser("ask", help="ask the bundled FAQ and agenda a question")
    ask.add_argument("question", nargs="*", help="the question, as an attendee would type it")
    ask.add_argument(
        "--json",
        action="store_true",
        help="read questions from standard input, one per line; write one JSON object per line",
    )
    importer = commands.add_parser(
        "import",
        help="convert a programme export (pretalx/frab JSON or XML, Sessionize, CSV) into "
        "agenda.yaml",
    )
    importer.add_argument("source", help="the exported file (see docs/importing.md)")
    importer.add_argument(
        "--format",
        choices=("frab-json", "frab-xml", "sessionize", "csv"),
        default=None,
        help="the export's format (default: detected from the file)",
    )
    pretalx = commands.add_parser(
        "import-pretalx",
        help="the same as `import --format frab-json` (a pretalx/frab schedule.json)",
    )
    pretalx.add_argument("source", help="the schedule.json file exported from pretalx")
    for command in (importer, pretalx):
        command.add_argument(
            "-o",
            "--output",
            default=None,
            help="agenda file to write, or a folder to write agenda.yaml into "
            "(default: AGENDA_PATH)",
        )
        command.add_argument(
            "--timezone",
            default=None,
            metavar="ZONE",
            help="the event's IANA time zone, e.g. Asia/Karachi, when the export does not "
            "say it or says it wrongly",
        )
        command.add_argument(
            "--name",
            default=None,
            help="the conference's name, when the export has none and there is no agenda yet",
        )
    backup = commands.add_parser(
        "backup",
        help="a consistent copy of the database, safe while the bot runs",
    )
    backup.add_argument("file", help="where to write the copy")
    purge = commands.add_parser(
        "purge",
        help="delete attendees' questions and votes older than an age",
    )
    purge.add_argument("--older-than", required=True, metavar="AGE", help="e.g. 90d, 12w or 48h")
    commands.add_parser(
        "export-faq-candidates",
        help="organiser-answered questions as ready-to-paste faq/*.yaml entries",
    )
    unanswered = commands.add_parser(
        "unanswered",
        help="export the unanswered-question log (works while the bot runs)",
    )
    unanswered.add_argument("--format", choices=("csv", "json"), default="csv")
    unanswered.add_argument("--status", choices=("open", "all"), default="open")
    live = commands.add_parser(
        "questions",
        help="export a session's questions to the speaker, ranked, with votes",
    )
    live.add_argument("session", help="the session id in agenda.yaml")
    live.add_argument("--format", choices=("csv", "json"), default="csv")
    feedback = commands.add_parser(
        "feedback",
        help="export the feedback after the sessions: ratings, distribution, comments",
    )
    feedback.add_argument("--format", choices=("csv", "json"), default="csv")
    return parser


def _load(settings: Settings, err: TextIO) -> Content | None:
    try:
        return load_content(settings.agenda_path, settings.faq_dir, settings.content_limits)
    except ContentError as exc:
        print(exc.report(), file=err)
        return None


def _answerer(settings: Settings, content: Content, choice: MatcherChoice) -> Answerer:
    clock = Clock(content.conference.timezone, settings.bot_now)
    return Answerer(content, clock, settings.match, vectors=choice.vectors)


def reply_json(answerer: Answerer, reply: Reply) -> dict[str, object]:
    return {
        "question": reply.question,
        "decision": reply.decision,
        "answer": answerer.answer_text(reply),
        "suggestions": [c.target.label for c in reply.suggestions],
        "candidates": [c.as_dict() for c in reply.candidates],
    }


def _ask_json(answerer: Answerer, stdin: TextIO, out: TextIO) -> int:
    for line in stdin:
        question = line.rstrip("\r\n")
        reply = answerer.ask(question)
        out.write(json.dumps(reply_json(answerer, reply), ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_OK


def _ask_text(answerer: Answerer, question: str, out: TextIO) -> int:
    reply = answerer.ask(question)
    best = reply.best
    score = f" (best score {best.score:.2f})" if best else ""
    print(f"Question: {question}", file=out)
    print(f"Decision: {reply.decision}{score}", file=out)
    print("", file=out)
    if reply.decision == "answer":
        print("Answer the attendee gets:", file=out)
        print(_indent(answerer.answer_text(reply) or ""), file=out)
    elif reply.decision == "suggest":
        print("Did you mean… (buttons):", file=out)
        for candidate in reply.suggestions:
            print(f"  [{candidate.target.label}]", file=out)
    else:
        print(
            "No confident match: the attendee is told the organisers will get back to them,",
            file=out,
        )
        print("and the question goes to the unanswered log.", file=out)
    if reply.candidates:
        print("\nTop candidates:", file=out)
        for c in reply.candidates:
            print(
                f"  {c.score:.2f}  {c.target.kind:<8} {c.target.id:<28} {c.target.label}", file=out
            )
    return EXIT_OK


def agenda_target(target: str | Path) -> Path:
    """Where an import writes: `-o DIR` (an existing folder, or a name ending in /) means
    DIR/agenda.yaml, since that is what an organiser pointing at their content folder
    means."""
    path = Path(target)
    if path.is_dir() or str(target).endswith(("/", os.sep)):
        return path / "agenda.yaml"
    return path


def _existing_agenda(target: Path) -> object:
    """The agenda an import replaces, if it can be read safely (a FIFO or a device there
    must not hang or fill memory, deep nesting must not raise); else None: it is replaced
    whole, and check still guards the new file."""
    from bot.content.limits import LoadBudget
    from bot.content.safe_read import UnreadableFile, read_content_file

    if not target.exists():
        return None
    try:
        return yaml.safe_load(read_content_file(target, LoadBudget()).decode("utf-8"))
    except (UnreadableFile, yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return None


def _import(args: argparse.Namespace, output: str | Path, out: TextIO, err: TextIO) -> int:
    from bot.content.imports import ProgrammeImportError, import_programme, write_agenda

    source = Path(args.source)
    target = agenda_target(output)
    if target.is_dir():
        print(
            f"Import failed, nothing was written: {target} is a folder; "
            "give the agenda file to write with -o",
            file=err,
        )
        return EXIT_CONFIG
    fmt = "frab-json" if args.command == "import-pretalx" else args.format
    existing = _existing_agenda(target)
    try:
        data = source.read_bytes()
    except OSError as exc:
        print(f"Import failed, nothing was written: {source}: {exc.strerror or exc}", file=err)
        return EXIT_CONTENT
    try:
        agenda = import_programme(
            data,
            fmt,
            args.timezone,
            existing if isinstance(existing, dict) else None,
            args.name,
        )
        command = f"python -m bot {args.command} {source.name}"
        write_agenda(agenda, target, f"# Generated by `{command}`; edit freely.\n")
    except OSError as exc:
        where = exc.filename or target
        reason = exc.strerror or type(exc).__name__
        print(f"Import failed, nothing was written: cannot write {where}: {reason}", file=err)
        return EXIT_CONFIG
    except ProgrammeImportError as exc:
        print(f"Import failed, nothing was written: {exc}", file=err)
        return EXIT_CONTENT
    for note in agenda.notes:
        print(f"note: {note}", file=out)
    print(
        f"Wrote {target}: {agenda.session_count} sessions. Run `python -m bot check` to "
        "validate it together with the FAQ.",
        file=out,
    )
    from bot.content.loader import load_agenda

    for warning in agenda_warnings(load_agenda(target)):  # it passed check when written
        print(f"warning: {warning}", file=out)
    return EXIT_OK


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command == "doctor":
        from bot.doctor import doctor

        return doctor(out)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Configuration problem: {exc}", file=err)
        return EXIT_CONFIG
    if command == "unanswered":
        from bot.export import export_unanswered

        return export_unanswered(settings, args.format, args.status, out, err)
    if command in {"backup", "purge", "export-faq-candidates"}:
        from bot import operations

        if command == "backup":
            return operations.backup(settings, args.file, out, err)
        if command == "purge":
            return operations.purge(settings, args.older_than, out, err)
        return operations.export_faq_candidates(settings, out, err)
    if command == "sync":
        from bot.schedule_sync import sync_once

        return sync_once(settings, out, err, dry_run=args.dry_run)
    if command in {"import", "import-pretalx"}:
        return _import(args, args.output or settings.agenda_path, out, err)
    content = _load(settings, err)
    if content is None:
        return EXIT_CONTENT
    if command == "feedback":
        from bot.feedback_export import export_feedback

        return export_feedback(settings, content, args.format, out, err)
    if command == "questions":
        from bot.live_qa_export import export_session_questions

        return export_session_questions(settings, content, args.session, args.format, out, err)
    if command == "check":
        print(f"OK: {content.summary()}", file=out)
        for word, kept, lost in Analyzer(content.synonyms).synonym_conflicts:
            print(
                f"warning: synonym '{word}' means the same to the matcher in two groups; "
                f"it stays with [{kept}] and is ignored in [{lost}]",
                file=out,
            )
        for warning in agenda_warnings(content):
            print(f"warning: {warning}", file=out)
        from bot.operations import learned_in_files

        learned_in_files(settings, content, out)
        return EXIT_OK
    try:
        choice = choose_matcher(settings.semantic_model, vector_store_path(settings.database_path))
    except MeaningLayerError as exc:
        print(f"Configuration problem: {exc}", file=err)
        return EXIT_CONFIG
    if command == "ask":
        answerer = _answerer(settings, content, choice)
        if args.json:
            return _ask_json(answerer, stdin, out)
        question = " ".join(args.question).strip()
        if not question:
            print(
                'Usage: python -m bot ask "when does registration close?"  '
                "(or --json with questions on standard input)",
                file=err,
            )
            return EXIT_CONFIG
        return _ask_text(answerer, question, out)
    if command == "preview":
        from bot.run import run_preview

        return run_preview(settings, content, out)
    from bot.run import run_bot

    return run_bot(settings, content, err, choice, interactive=stdin.isatty())
