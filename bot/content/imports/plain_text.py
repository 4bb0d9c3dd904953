"""HTML and Markdown from programme exports, as readable plain text.

Abstracts arrive as Markdown (pretalx), HTML (frab, Sessionize rich text) or both mixed.
The bot escapes everything it sends, so markup left in would reach attendees as `<p>` and
`**`. Markdown is rendered to HTML by markdown-it-py (raw HTML passes through), and the
HTML is walked with BeautifulSoup: paragraphs stay paragraphs, list items become "- item"
lines, and a link keeps its address as "text (link)" since Telegram text cannot click it.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "blockquote", "pre", "table", "tr", "h1", "h2", "h3"}
    | {"h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "figure", "header", "footer"}
)
_SKIPPED = frozenset({"script", "style", "head", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def to_plain_text(markup: str | None) -> str | None:
    """Readable plain text, or None when nothing readable is left."""
    if markup is None or not markup.strip():
        return None
    html = _MARKDOWN.render(markup)
    soup = BeautifulSoup(html, "html.parser")
    blocks: list[str] = []
    line = [""]
    _walk(soup, blocks, line)
    _flush(blocks, line)
    text = "\n\n".join(block for block in blocks if block)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text or None


def one_line(markup: str | None) -> str | None:
    """Plain text on one line: for titles and names that may carry markup or line breaks."""
    text = to_plain_text(markup) if markup and ("<" in markup or "&" in markup) else markup
    if text is None:
        return None
    flat = " ".join(text.split())
    return flat or None


def _flush(blocks: list[str], line: list[str]) -> None:
    text = "\n".join(_SPACES.sub(" ", part).strip() for part in line[0].split("\n")).strip()
    if text:
        blocks.append(text)
    line[0] = ""


def _walk(node: Tag, blocks: list[str], line: list[str]) -> None:
    """Append finished blocks to `blocks`; `line` holds the block being written."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a comment, doctype or CDATA
                line[0] += str(child).replace("\n", " ")
            continue
        if not isinstance(child, Tag) or child.name in _SKIPPED:
            continue
        name = child.name
        if name == "br":
            line[0] += "\n"
        elif name in {"ul", "ol"}:
            _flush(blocks, line)
            items = child.find_all("li", recursive=False)
            numbered = name == "ol"
            lines = []
            for number, item in enumerate(items, start=1):
                inner: list[str] = []
                item_line = [""]
                _walk(item, inner, item_line)
                _flush(inner, item_line)
                text = " ".join(" ".join(inner).split())
                if text:
                    lines.append(f"{number}. {text}" if numbered else f"- {text}")
            if lines:
                blocks.append("\n".join(lines))
        elif name == "a":
            inner_line = [""]
            inner_blocks: list[str] = []
            _walk(child, inner_blocks, inner_line)
            label = " ".join((" ".join(inner_blocks) + " " + inner_line[0]).split())
            href = str(child.get("href") or "").strip()
            if href.startswith("mailto:"):
                href = href[len("mailto:") :]
            shown = href.split("://", 1)[-1].rstrip("/")
            if href and label and shown not in label:
                line[0] += f"{label} ({href})"
            else:
                line[0] += label or href
        elif name == "img":
            alt = str(child.get("alt") or "").strip()
            if alt:
                line[0] += alt
        elif name in _BLOCKS or name == "li":
            _flush(blocks, line)
            _walk(child, blocks, line)
            _flush(blocks, line)
        else:
            _walk(child, blocks, line)
    return None
