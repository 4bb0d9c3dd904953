"""Log output: one line per event, as text or as JSON, with the update and user it concerns.

Why: on a platform log drain or `journalctl`, an organiser debugging "the bot didn't answer
me" needs to find the lines for one update among thousands, and a collector (Loki, ELK,
Heroku add-ons) needs one JSON object per line. The update and user ids are kept in a
context variable set when an update starts being handled, so every logger call made while
handling it (ours, PTB's, the store's) is tagged without passing ids around.

Privacy rule for callers: attendees' message text is logged only at DEBUG; INFO and above
carry ids, counts and outcomes. Secrets are removed before a record reaches any formatter
(bot.app installs the token redactor in the record factory); the JSON formatter redacts its
final line once more, so a secret cannot slip out through a field it adds itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# (update_id, user_id) of the update being handled in this task, if any.
_CURRENT: ContextVar[tuple[int | None, int | None]] = ContextVar(
    "current_update", default=(None, None)
)


def bind_update(update_id: int | None, user_id: int | None) -> None:
    """Tag every log record made from here on in this task (one update's handling)."""
    _CURRENT.set((update_id, user_id))


def current_update() -> tuple[int | None, int | None]:
    return _CURRENT.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, update_id/user_id if known."""

    def __init__(self, redact: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self._redact = redact or (lambda text: text)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        update_id, user_id = current_update()
        update_id = getattr(record, "update_id", update_id)
        user_id = getattr(record, "user_id", user_id)
        if update_id is not None:
            entry["update_id"] = update_id
        if user_id is not None:
            entry["user_id"] = user_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return self._redact(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """The classic line, plus `[update N user M]` while an update is being handled."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        update_id, user_id = current_update()
        if update_id is None and user_id is None:
            return line
        first, newline, rest = line.partition("\n")
        return f"{first} [update {update_id} user {user_id}]{newline}{rest}"


def formatter_for(log_format: str, redact: Callable[[str], str] | None = None) -> logging.Formatter:
    return JsonFormatter(redact) if log_format == "json" else TextFormatter()
