"""YAML reading that remembers where every value came from, and cannot be turned against us.

Organisers fix problems by line number, so the loader keeps each mapping's line and the
line of each key. All scalars stay strings: YAML 1.1 would otherwise turn an answer of
`no` into False or `09:00` into 540, and an organiser should never have to know that.

The values are built from the parser's events with an explicit stack, not by recursion,
so nesting cannot exhaust Python's stack; the depth is capped, and aliases (`*name`) are
allowed but counted as if copied out, so a "billion laughs" file stops at the value
budget instead of filling memory, and an alias inside its own anchor is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)

from bot.content.limits import BudgetExceeded, LoadBudget, TooManyValues
from bot.content.safe_read import UnreadableFile, read_content_file

_NULLS = {"", "~", "null", "Null", "NULL"}
# libyaml's parser when the wheel has it (ten times faster, so large files fit the time
# budget); the pure-Python one otherwise. Both report errors with the same marks.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIME_CHECK_EVERY = 512  # events between deadline checks


class Located(dict):  # type: ignore[type-arg]
    """A YAML mapping with the 1-based line of the mapping and of each key."""

    line: int
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int]]


class LocatedList(list):  # type: ignore[type-arg]
    """A YAML sequence with the 1-based line of each item."""

    line: int
    item_lines: list[int]


@dataclass(frozen=True, slots=True)
class YamlSyntaxError(Exception):
    """Why a file could not be read as YAML: `line` is 1-based, None if not known."""

    line: int | None
    message: str


def _line(event: Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 1


@dataclass(slots=True)
class _Open:
    """A list or mapping being built: its value, where its items go, what it counts."""

    value: Located | LocatedList
    anchor: str | None
    first_value: int  # the budget's value count when it opened, for its anchor's size
    pending_key: tuple[str, int] | None = None

    def add(self, item: Any, line: int) -> None:
        if isinstance(self.value, LocatedList):
            self.value.append(item)
            self.value.item_lines.append(line)
        elif self.pending_key is None:
            if isinstance(item, (Located, LocatedList)):
                raise YamlSyntaxError(line, "a key must be plain text, not a list or mapping")
            self.pending_key = (str(item), line)
        else:
            key, key_line = self.pending_key
            self.pending_key = None
            if key in self.value:
                self.value.duplicate_keys.append((key, key_line))
            self.value[key] = item
            self.value.key_lines[key] = key_line


class _Builder:
    """Turns one document's events into Located/LocatedList/str/None within the budget."""

    def __init__(self, budget: LoadBudget) -> None:
        self.budget = budget
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, expanded size)
        self.result: Any = None
        self.done = False

    def feed(self, event: Event) -> None:
        if isinstance(event, ScalarEvent):
            self.budget.take_values(1)
            value = None if event.style is None and event.value in _NULLS else str(event.value)
            self._anchor(event.anchor, value, 1)
            self._place(value, _line(event))
        elif isinstance(event, AliasEvent):
            self._alias(event)
        elif isinstance(event, CollectionStartEvent):
            self._open(event)
        elif isinstance(event, (SequenceEndEvent, MappingEndEvent)):
            closed = self.stack.pop()
            size = self.budget.values - closed.first_value + 1
            self._anchor(closed.anchor, closed.value, size)
            self._place(closed.value, closed.value.line)

    def _open(self, event: CollectionStartEvent) -> None:
        if len(self.stack) >= self.budget.limits.max_depth:
            raise YamlSyntaxError(
                _line(event),
                f"nested more than {self.budget.limits.max_depth} levels deep; content files "
                "need five at most",
            )
        self.budget.take_values(1)
        value: Located | LocatedList
        if isinstance(event, MappingStartEvent):
            value = Located()
            value.key_lines, value.duplicate_keys = {}, []
        else:
            value = LocatedList()
            value.item_lines = []
        value.line = _line(event)
        self.stack.append(_Open(value, event.anchor, self.budget.values))
        if event.anchor is not None:
            self.anchors.pop(event.anchor, None)  # a redefined anchor is not usable inside

    def _alias(self, event: AliasEvent) -> None:
        name = event.anchor
        if name not in self.anchors:
            if any(item.anchor == name for item in self.stack):
                raise YamlSyntaxError(
                    _line(event),
                    f"alias *{name} is used inside the value it names (a recursive alias)",
                )
            raise YamlSyntaxError(_line(event), f"alias *{name} is used before &{name} is set")
        value, size = self.anchors[name]
        self.budget.take_values(size)
        self._place(value, _line(event))

    def _anchor(self, name: str | None, value: Any, size: int) -> None:
        if name is not None:
            self.anchors[name] = (value, size)

    def _place(self, value: Any, line: int) -> None:
        if self.stack:
            self.stack[-1].add(value, line)
        else:
            self.result, self.done = value, True


def _parse(text: str, budget: LoadBudget) -> Any:
    builder = _Builder(budget)
    documents = 0
    for count, event in enumerate(yaml.parse(text, Loader=_LOADER)):
        if count % _TIME_CHECK_EVERY == 0:
            budget.check_time()
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlSyntaxError(
                    _line(event),
                    "a second YAML document ('---') in one file; put everything in one",
                )
            continue
        builder.feed(event)
    return builder.result


def read_yaml(path: Path, budget: LoadBudget | None = None) -> Any:
    """Parse one file into Located/LocatedList/str/None, or raise YamlSyntaxError.

    Every failure is a YamlSyntaxError whose message needs no traceback to be understood,
    except BudgetExceeded (time or total size), which stops the whole load. A file that
    fails gives back the values it had taken: its half-built data is dropped.
    """
    budget = budget or LoadBudget()
    values_before = budget.values
    try:
        return _read(path, budget)
    except TooManyValues as exc:
        budget.values = values_before
        raise YamlSyntaxError(None, str(exc)) from None
    except YamlSyntaxError:
        budget.values = values_before
        raise


def _read(path: Path, budget: LoadBudget) -> Any:
    try:
        raw = read_content_file(path, budget)
    except UnreadableFile as exc:
        raise YamlSyntaxError(None, str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(None, f"not UTF-8 text ({exc.reason})") from None
    try:
        return _parse(text, budget)
    except BudgetExceeded:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"YAML syntax error: {exc}") from None
    except (RecursionError, MemoryError, ValueError) as exc:  # defence in depth
        raise YamlSyntaxError(None, f"cannot be read as YAML ({type(exc).__name__})") from None
