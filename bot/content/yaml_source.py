"""YAML reading that remembers where every value came from.

Organisers fix problems by line number, so the loader keeps each mapping's line and the
line of each key. All scalars stay strings: YAML 1.1 would otherwise turn an answer of
`no` into False or `09:00` into 540, and an organiser should never have to know that.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_NULLS = {"", "~", "null", "Null", "NULL"}


class Located(dict):
    """A YAML mapping with the 1-based line of the mapping and of each key."""

    line: int
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int]]


class LocatedList(list):
    """A YAML sequence with the 1-based line of each item."""

    line: int
    item_lines: list[int]


@dataclass(frozen=True, slots=True)
class YamlSyntaxError(Exception):
    line: int | None
    message: str


def _build(node: Node) -> Any:
    if isinstance(node, ScalarNode):
        if node.style is None and node.value in _NULLS:
            return None
        return str(node.value)
    if isinstance(node, SequenceNode):
        items = LocatedList(_build(child) for child in node.value)
        items.line = node.start_mark.line + 1
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        return items
    if isinstance(node, MappingNode):
        mapping = Located()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        mapping.duplicate_keys = []
        for key_node, value_node in node.value:
            key = str(_build(key_node))
            line = key_node.start_mark.line + 1
            if key in mapping:
                mapping.duplicate_keys.append((key, line))
            mapping[key] = _build(value_node)
            mapping.key_lines[key] = line
        return mapping
    raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover - aliases resolve


def read_yaml(path: Path) -> Any:
    """Parse one file into Located/LocatedList/str/None, or raise YamlSyntaxError."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(None, f"not UTF-8 text ({exc.reason})") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(line, f"YAML syntax error: {problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"YAML syntax error: {exc}") from exc
    return None if node is None else _build(node)
