"""A strict, in-process fake of the Telegram Bot API for end-to-end tests.

Why this exists: the bot is built on python-telegram-bot (PTB). Mocking PTB objects tests our
assumptions about Telegram, not Telegram. This module instead runs a real HTTP server on
127.0.0.1 that speaks the Bot API wire protocol, so a real ``telegram.Bot`` / ``Application``
(pointed at it with ``base_url``) is exercised end to end: request encoding, JSON de-serialisation
of every returned ``Message``, error mapping (400 -> BadRequest, 403 -> Forbidden, 429 ->
RetryAfter, 5xx -> NetworkError) and long polling.

It is deliberately *strict*: it rejects what Telegram rejects (bad HTML, over-long texts counted
in UTF-16 after entity parsing, callback data over 64 bytes, identical edits, answering a
callback query twice, flooding) with Telegram's own wording, so a bug that would only show up in
production shows up in CI. Where it is stricter than Telegram this is said in the docstring
(for example a bare ``&`` in HTML text is rejected, because it means user text was not escaped).

The fake also plays the users: ``user_sends``, ``user_presses`` and friends queue realistic
updates for ``getUpdates``. Tests observe what the bot did through ``sent``, ``requests``,
``errors`` and the async ``wait_for_*`` helpers, which wake up on the event instead of sleeping.

There is no global state: every ``FakeTelegram`` owns its server, port, counters and stores, so
several can run in one process (and one event loop) at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import pytest_asyncio
from aiohttp import web

JSON = dict[str, Any]
SentMessage = dict[str, Any]
"""A record in ``FakeTelegram.sent``; see ``FakeTelegram._record_sent`` for its keys."""

DEFAULT_TOKEN = "123456:TEST-TOKEN"
BOT_FIRST_NAME = "NCSC Bot"
BOT_USERNAME = "ncsc_test_bot"

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_RESULTS = 50
MAX_INLINE_RESULT_ID_BYTES = 64
MAX_BOT_COMMANDS = 100
MAX_INLINE_KEYBOARD_BUTTONS = 100

MESSAGE_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

# Methods whose accepted calls count against flood control. Telegram limits outgoing messages
# (and edits, which it also delivers); answering callback/inline queries is not rate limited.
SENDING_METHODS = frozenset(
    {"sendMessage", "copyMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument"}
)
# Methods that take ``allow_paid_broadcast`` (of those the fake implements).
PAID_BROADCAST_METHODS = frozenset({"sendMessage", "copyMessage", "sendDocument"})
PAID_BROADCASTS_OFF = "Bad Request: paid broadcasts are not enabled for the bot"

# Parameters that are always plain strings on the wire. Everything else that arrives as a form
# field is JSON-decoded when possible, because PTB JSON-encodes non-string values (ints, bools,
# lists, reply_markup) in x-www-form-urlencoded and multipart bodies. Without this list a message
# text of "123" or "true" would wrongly become a number or a bool.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "url",
        "next_offset",
        "language_code",
        "action",
        "query",
        "secret_token",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "title",
        "description",
        "short_description",
        "name",
        "emoji",
        "document",
        "photo",
        "sticker",
        "voice",
        "thumbnail",
        "file_id",
        "switch_pm_text",
        "switch_pm_parameter",
    }
)

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

# Update types Telegram does not deliver unless explicitly listed in allowed_updates.
_OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_])")
_URL_RE = re.compile(r"https?://[^\s<>\"']+")
_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_HOST_RE = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?$")
_IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_HTML_SPACES = " \t\r\n\x0b\x0c\x00"
_TRIM_SPACES = " \t\r\n\x0b\x0c"


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """A Bot API error response; raised inside method handlers, turned into JSON by the server.

    Handlers raise instead of returning error tuples so validation code can stay linear.
    """

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        """Shape the error exactly like Telegram, because PTB reads description/parameters."""
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str) -> ApiError:
    """Build a 400 with Telegram's "Bad Request: " prefix so tests can match real messages."""
    return ApiError(400, f"Bad Request: {description}")


class EntityParseError(Exception):
    """Raised by the formatting parsers; becomes 400 "can't parse entities: ..."."""


# --------------------------------------------------------------------------------------------
# Text helpers (UTF-16 offsets, entity parsing)
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: Telegram's unit for offsets, lengths and length limits."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of ``text[index]``; Telegram reports HTML/Markdown errors in bytes."""
    return len(text[:index].encode("utf-8", "surrogatepass"))


class _TextBuilder:
    """Accumulates parsed plain text while tracking its length in UTF-16 units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.utf16 = 0

    def add(self, chunk: str) -> None:
        """Append text; the running UTF-16 length gives entity offsets for free."""
        self.parts.append(chunk)
        self.utf16 += utf16_len(chunk)

    def text(self) -> str:
        """Return the plain text built so far."""
        return "".join(self.parts)


@dataclass
class _OpenEntity:
    """An entity whose closing tag/marker has not been seen yet."""

    kind: str
    offset: int
    begin: int
    argument: str = ""
    text_start: int = 0


def check_link(url: str) -> bool:
    """Approximate Telegram's URL check (used for text_link entities and button URLs).

    Accepts http(s) URLs with a real-looking host (or bare domains, which Telegram prefixes
    with http://), and tg:// / ton:// links. Rejects localhost, spaces and other schemes,
    because Telegram does and a bot linking to them would fail in production.
    """
    if not url or any(ch.isspace() for ch in url):
        return False
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", url)
    if match:
        scheme, rest = match.group(1).lower(), match.group(2)
        if scheme in ("tg", "ton"):
            return bool(rest)
        if scheme not in ("http", "https"):
            return False
    else:
        rest = url
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    host = re.sub(r":\d{1,5}$", "", host)
    return bool(_HOST_RE.match(host) or _IPV4_RE.match(host))


def _link_entity(url: str, offset: int, length: int) -> JSON | None:
    """Turn an href into text_link / text_mention, or drop it like Telegram does if invalid."""
    mention = re.match(r"^tg://user\?id=(\d+)$", url)
    if mention:
        user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
        return {"type": "text_mention", "offset": offset, "length": length, "user": user}
    if not check_link(url):
        return None
    return {"type": "text_link", "offset": offset, "length": length, "url": url}


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&lt;``-style and numeric references at ``pos``; None if not a valid one.

    Only the four named entities Telegram documents are accepted, and (stricter than Telegram,
    which also tolerates a missing ``;``) the terminating semicolon is required.
    """
    named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
    match = re.compile(r"&(?:#(\d{1,8})|#x([0-9A-Fa-f]{1,6})|([A-Za-z]+));").match(text, pos)
    if not match:
        return None
    if match.group(3) is not None:
        char = named.get(match.group(3))
        return (char, match.end()) if char else None
    code = int(match.group(1)) if match.group(1) is not None else int(match.group(2), 16)
    if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into plain text and entities (UTF-16 offsets).

    Follows TDLib's ``parse_html`` closely, including its error messages and byte offsets, so
    the fake fails exactly where Telegram fails. With ``strict_ampersand`` (default) an ``&``
    that does not start ``&lt; &gt; &amp; &quot;`` or a numeric reference is an error, because
    that almost always means user-supplied text was interpolated without ``html.escape``.
    """
    out = _TextBuilder()
    stack: list[_OpenEntity] = []
    entities: list[JSON] = []
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                out.add(decoded[0])
                i = decoded[1]
                continue
            if strict_ampersand:
                raise EntityParseError(
                    f'Character "&" must be escaped as "&amp;" at byte offset '
                    f"{_byte_offset(text, i)} (only &lt; &gt; &amp; &quot; and numeric "
                    "references are supported)"
                )
        if char != "<":
            out.add(char)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i = _html_end_tag(text, begin, stack, entities, out)
        else:
            i = _html_start_tag(text, begin, stack, out)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].kind}"')
    return out.text(), _finish_entities(entities)


def _html_start_tag(text: str, begin: int, stack: list[_OpenEntity], out: _TextBuilder) -> int:
    """Parse ``<tag attr="v">`` starting at ``begin``; push it and return the next index."""
    n = len(text)
    i = begin + 1
    while i < n and text[i] not in _HTML_SPACES and text[i] != ">":
        i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
    tag = text[begin + 1 : i].lower()
    if tag not in _HTML_TAGS:
        raise EntityParseError(
            f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
        )
    argument = ""
    while True:
        while i < n and text[i] in _HTML_SPACES:
            i += 1
        if i >= n:
            raise EntityParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        if text[i] == ">":
            break
        attr_begin = i
        while i < n and text[i] not in _HTML_SPACES and text[i] not in "=>":
            i += 1
        attr_name = text[attr_begin:i]
        while i < n and text[i] in _HTML_SPACES:
            i += 1
        if not attr_name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        if i < n and text[i] != "=" and (text[i] == ">" or text[i - 1] in _HTML_SPACES):
            # A value-less attribute such as <blockquote expandable>.
            if tag == "blockquote" and attr_name == "expandable":
                argument = "1"
            continue
        if i >= n or text[i] != "=":
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" at '
                f"byte offset {_byte_offset(text, begin)}"
            )
        i += 1
        while i < n and text[i] in _HTML_SPACES:
            i += 1
        if i >= n:
            raise EntityParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            value_chars: list[str] = []
            while i < n and text[i] != quote:
                decoded = _decode_html_entity(text, i) if text[i] == "&" else None
                if decoded is not None:
                    value_chars.append(decoded[0])
                    i = decoded[1]
                else:
                    value_chars.append(text[i])
                    i += 1
            if i >= n:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                )
            i += 1
            value = "".join(value_chars)
        else:
            token_begin = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            value = text[token_begin:i].lower()
            if i < n and text[i] not in _HTML_SPACES and text[i] != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, token_begin)}"
                )
        if tag == "a" and attr_name == "href":
            argument = value
        elif tag == "code" and attr_name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and attr_name == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and attr_name == "emoji-id":
            argument = value
        elif tag == "blockquote" and attr_name == "expandable":
            argument = "1"
    if tag == "span" and argument != "spoiler":
        raise EntityParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
        )
    stack.append(_OpenEntity(tag, out.utf16, begin, argument, len(out.parts)))
    return i + 1


def _html_end_tag(
    text: str,
    begin: int,
    stack: list[_OpenEntity],
    entities: list[JSON],
    out: _TextBuilder,
) -> int:
    """Parse ``</tag>`` at ``begin``, close the innermost open tag and emit its entity."""
    n = len(text)
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
    i = begin + 2
    while i < n and text[i] not in _HTML_SPACES and text[i] != ">":
        i += 1
    end_name = text[begin + 2 : i]
    while i < n and text[i] in _HTML_SPACES:
        i += 1
    if i >= n or text[i] != ">":
        raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
    opened = stack.pop()
    if end_name and end_name != opened.kind:
        raise EntityParseError(
            f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, expected "
            f'"</{opened.kind}>", found "</{end_name}>"'
        )
    length = out.utf16 - opened.offset
    if length > 0:
        entity = _html_entity(opened, length, entities, out)
        if entity is not None:
            entities.append(entity)
    return i + 1


def _html_entity(
    opened: _OpenEntity, length: int, entities: list[JSON], out: _TextBuilder
) -> JSON | None:
    """Build the entity for a closed HTML tag (merging ``<pre><code class=..>`` like TDLib)."""
    offset = opened.offset
    if opened.kind in _HTML_SIMPLE:
        return {"type": _HTML_SIMPLE[opened.kind], "offset": offset, "length": length}
    if opened.kind == "a":
        url = opened.argument or "".join(out.parts[opened.text_start :])
        return _link_entity(url, offset, length)
    if opened.kind == "code":
        return {"type": "code", "offset": offset, "length": length, "_language": opened.argument}
    if opened.kind == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
        ):
            entities.pop()
            entity: JSON = {"type": "pre", "offset": offset, "length": length}
            if last.get("_language"):
                entity["language"] = last["_language"]
            return entity
        return {"type": "pre", "offset": offset, "length": length}
    if opened.kind == "blockquote":
        kind = "expandable_blockquote" if opened.argument else "blockquote"
        return {"type": kind, "offset": offset, "length": length}
    if opened.kind == "tg-emoji":
        if not opened.argument.isdigit():
            raise EntityParseError("Invalid custom emoji identifier specified")
        return {
            "type": "custom_emoji",
            "offset": offset,
            "length": length,
            "custom_emoji_id": opened.argument,
        }
    return None  # pragma: no cover - every allowed tag is handled above


def _finish_entities(entities: list[JSON]) -> list[JSON]:
    """Drop entities nested in code/pre (Telegram does) and sort them as Telegram returns."""
    for entity in entities:
        entity.pop("_language", None)
    code_ranges = [
        (e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in ("code", "pre")
    ]
    kept = [
        e
        for e in entities
        if e["type"] in ("code", "pre")
        or not any(
            start <= e["offset"] and e["offset"] + e["length"] <= end for start, end in code_ranges
        )
    ]
    return sorted(kept, key=lambda e: (e["offset"], -e["length"]))


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "code": "Code",
    "pre": "Pre",
}


def parse_markdown_v2(text: str) -> tuple[str, list[JSON]]:
    """Parse MarkdownV2 into plain text and entities, enforcing Telegram's escaping rules.

    Supported: ``*bold*``, ``_italic_``, ``__underline__``, ``~strike~``, ``||spoiler||``,
    ``[text](url)``, ``![e](tg://emoji?id=N)``, inline code, fenced pre (with language), and
    ``>``/``**>...||`` block quotes. The part that matters most for catching bugs is exact:
    any of ``_*[]()~`>#+-=|{}.!`` outside an entity and not escaped with ``\\`` is an error.
    """
    out = _TextBuilder()
    stack: list[_OpenEntity] = []
    entities: list[JSON] = []
    quote: _OpenEntity | None = None
    quote_end = 0
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        in_code = bool(stack) and stack[-1].kind in ("code", "pre")
        if (i == 0 or text[i - 1] == "\n") and not in_code:
            if quote is not None and char != ">":
                _close_quote(quote, quote_end, entities)
                quote = None
            if char == ">" or text.startswith("**>", i):
                if quote is None:
                    expandable = char != ">"
                    quote = _OpenEntity(
                        "expandable_blockquote" if expandable else "blockquote", out.utf16, i
                    )
                i += 1 if char == ">" else 3
                continue
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if in_code and char != "`":
            out.add(char)
            i += 1
            continue
        if char == "\n":
            quote_end = out.utf16
        if char not in _MDV2_RESERVED:
            out.add(char)
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < n else ""
        if (
            quote is not None
            and quote.kind == "expandable_blockquote"
            and text.startswith("||", i)
            and (i + 2 == n or text[i + 2] == "\n")
            and not (stack and stack[-1].kind == "spoiler")
        ):
            _close_quote(quote, out.utf16, entities)
            quote = None
            i += 2
            continue
        if stack and _mdv2_is_end(stack[-1].kind, text, i):
            i = _mdv2_close(text, i, stack.pop(), entities, out)
            continue
        begin = i
        argument = ""
        if char == "_":
            kind = "underline" if nxt == "_" else "italic"
            i += 2 if nxt == "_" else 1
        elif char == "*":
            kind, i = "bold", i + 1
        elif char == "~":
            kind, i = "strikethrough", i + 1
        elif char == "|" and nxt == "|":
            kind, i = "spoiler", i + 2
        elif char == "[":
            kind, i = "text_link", i + 1
        elif char == "!" and nxt == "[":
            kind, i = "custom_emoji", i + 2
        elif char == "`" and text.startswith("```", i):
            kind, i = "pre", i + 3
            lang_end = i
            while lang_end < n and text[lang_end] not in _HTML_SPACES and text[lang_end] != "`":
                lang_end += 1
            if lang_end > i and lang_end < n and text[lang_end] != "`":
                argument, i = text[i:lang_end], lang_end
            if i < n and text[i] == "\n":
                i += 1
        elif char == "`":
            kind, i = "code", i + 1
        else:
            raise EntityParseError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        stack.append(_OpenEntity(kind, out.utf16, begin, argument, len(out.parts)))
    if stack:
        opened = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MDV2_NAMES[opened.kind]} entity at byte offset "
            f"{_byte_offset(text, opened.begin)}"
        )
    if quote is not None:
        _close_quote(quote, out.utf16, entities)
    return out.text(), _finish_entities(entities)


def _close_quote(quote: _OpenEntity, end: int, entities: list[JSON]) -> None:
    """Emit a block quote entity ending at UTF-16 offset ``end`` if it is non-empty."""
    if end > quote.offset:
        entities.append({"type": quote.kind, "offset": quote.offset, "length": end - quote.offset})


def _mdv2_is_end(kind: str, text: str, i: int) -> bool:
    """Whether the reserved character at ``i`` closes the innermost open MarkdownV2 entity."""
    char = text[i]
    nxt = text[i + 1] if i + 1 < len(text) else ""
    return {
        "bold": char == "*",
        "italic": char == "_" and nxt != "_",
        "underline": char == "_" and nxt == "_",
        "strikethrough": char == "~",
        "spoiler": char == "|" and nxt == "|",
        "text_link": char == "]",
        "custom_emoji": char == "]",
        "code": char == "`",
        "pre": text.startswith("```", i),
    }.get(kind, False)


def _mdv2_close(
    text: str, i: int, opened: _OpenEntity, entities: list[JSON], out: _TextBuilder
) -> int:
    """Close ``opened`` at ``i`` (reading a ``(url)`` for links); return the next index."""
    length = out.utf16 - opened.offset
    kind = opened.kind
    i += {"underline": 2, "spoiler": 2, "pre": 3}.get(kind, 1)
    entity: JSON | None = {"type": kind, "offset": opened.offset, "length": length}
    if kind in ("text_link", "custom_emoji"):
        url = ""
        if i < len(text) and text[i] == "(":
            j = i + 1
            chars: list[str] = []
            while j < len(text) and text[j] != ")":
                if text[j] == "\\" and j + 1 < len(text):
                    j += 1
                chars.append(text[j])
                j += 1
            if j >= len(text):
                raise EntityParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, i)}"
                )
            url, i = "".join(chars), j + 1
        elif kind == "text_link":
            url = "".join(out.parts[opened.text_start :])
        if kind == "custom_emoji":
            match = re.match(r"^tg://emoji\?id=(\d+)$", url)
            if not match:
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            entity = {**(entity or {}), "custom_emoji_id": match.group(1)}
        else:
            entity = _link_entity(url, opened.offset, length)
    elif kind == "pre" and opened.argument and entity is not None:
        entity["language"] = opened.argument
    if entity is not None and length > 0:
        entities.append(entity)
    return i


def parse_markdown_legacy(text: str) -> tuple[str, list[JSON]]:
    """Parse legacy ``Markdown``: ``*bold*``, ``_italic_``, code, pre and ``[text](url)``.

    Legacy Markdown has no nesting; an opening marker without its closing one is an error
    (Telegram: "Can't find end of the entity starting at byte offset N").
    """
    out = _TextBuilder()
    entities: list[JSON] = []
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        begin = i
        offset = out.utf16
        if char == "[":
            close = text.find("](", i + 1)
            end = text.find(")", close + 2) if close != -1 else -1
            if close == -1 or end == -1:
                raise EntityParseError(
                    "Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            out.add(text[i + 1 : close])
            entity = _link_entity(text[close + 2 : end], offset, out.utf16 - offset)
            if entity is not None and entity["length"] > 0:
                entities.append(entity)
            i = end + 1
            continue
        marker = "```" if text.startswith("```", i) else char
        end = text.find(marker, i + len(marker))
        if end == -1:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        inner = text[i + len(marker) : end]
        language = ""
        if marker == "```" and "\n" in inner:
            first, rest = inner.split("\n", 1)
            if first and not any(ch.isspace() for ch in first):
                language, inner = first, rest
        out.add(inner)
        kind = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}[marker]
        if out.utf16 > offset:
            entity = {"type": kind, "offset": offset, "length": out.utf16 - offset}
            if language:
                entity["language"] = language
            entities.append(entity)
        i = end + len(marker)
    return out.text(), _finish_entities(entities)


_ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
    }
)


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Strip leading/trailing whitespace and shift entities, as Telegram does on every text."""
    stripped = text.strip(_TRIM_SPACES)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_TRIM_SPACES))])
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def format_text(
    raw: str,
    parse_mode: str | None,
    explicit_entities: Any = None,
    *,
    strict_ampersand: bool = True,
) -> tuple[str, list[JSON]]:
    """Apply ``parse_mode`` (or explicit entities) and Telegram's trimming to a text/caption.

    Returns the plain text and entities Telegram would store. Raises ``ApiError`` 400 with
    Telegram's wording on parse errors so callers can let it propagate to the HTTP layer.
    """
    mode = (parse_mode or "").strip().lower()
    try:
        if mode == "html":
            text, entities = parse_html(raw, strict_ampersand=strict_ampersand)
        elif mode == "markdownv2":
            text, entities = parse_markdown_v2(raw)
        elif mode == "markdown":
            text, entities = parse_markdown_legacy(raw)
        elif mode == "":
            text, entities = raw, _validate_explicit_entities(raw, explicit_entities)
        else:
            raise bad_request("unsupported parse_mode")
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None
    return _trim(text, entities)


def _validate_explicit_entities(text: str, entities: Any) -> list[JSON]:
    """Check a client-supplied ``entities`` array (used when no parse_mode is given)."""
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    result = []
    for entity in entities:
        if not isinstance(entity, dict) or entity.get("type") not in _ENTITY_TYPES:
            raise bad_request("can't parse MessageEntity: unsupported entity type")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            raise bad_request("can't parse MessageEntity: wrong offset or length")
        if offset + length > total:
            raise bad_request("entity beyond the end of the text")
        if length > 0:
            result.append(dict(entity))
    return sorted(result, key=lambda e: (e["offset"], -e["length"]))


def auto_entities(text: str, bot_username: str = BOT_USERNAME) -> list[JSON]:
    """Entities Telegram's clients attach to a user's text: bot commands, @mentions and URLs.

    PTB's ``CommandHandler`` only fires on a ``bot_command`` entity at offset 0, so injected
    "/start" messages must carry it exactly like real ones.
    """
    del bot_username  # every @username is a mention; kept for API symmetry
    found: list[JSON] = []
    for kind, pattern in (("bot_command", _COMMAND_RE), ("mention", _MENTION_RE), ("url", _URL_RE)):
        for match in pattern.finditer(text):
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group(0)),
                }
            )
    return sorted(found, key=lambda e: (e["offset"], -e["length"]))


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """A file part of a multipart request, kept so tests can assert on what was uploaded."""

    field_name: str
    filename: str
    content_type: str
    content: bytes


@dataclass
class RequestRecord:
    """One API call as the fake saw it, in arrival order (see ``FakeTelegram.requests``).

    ``delivered`` is False when the client had already disconnected (e.g. PTB cancelled a long
    poll on shutdown); such responses never reached the bot and are kept out of ``errors``.
    """

    method: str
    params: JSON
    status: int
    response: Any
    time: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    delivered: bool = True

    @property
    def description(self) -> str | None:
        """The error description, if this call failed with a JSON error body."""
        if isinstance(self.response, dict):
            return self.response.get("description")
        return None


@dataclass
class _Failure:
    """A pending ``fail_next`` injection."""

    method: str
    status: int
    times: int
    chat_id: int | None
    description: str | None
    retry_after: int | None
    json_body: bool


OutageKind = Literal["500", "502", "garbled", "close", "stall"]


@dataclass
class _Outage:
    """A ``start_outage`` in force: how every covered call fails until ``end_outage``."""

    kind: OutageKind
    methods: frozenset[str] | None  # lower-case names; None for every method
    stall: float
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    def covers(self, method: str) -> bool:
        return self.methods is None or method.lower() in self.methods


@dataclass
class _Call:
    """A decoded request handed to a method handler."""

    method: str
    params: JSON
    files: dict[str, UploadedFile]
    request: web.Request


class _Signal:
    """Broadcast "something changed" to coroutines waiting on it, without polling or sleeps.

    Waiters take ``current`` *before* checking their condition and then wait on that event, so
    a change between the check and the wait cannot be missed.
    """

    def __init__(self) -> None:
        self.current = asyncio.Event()

    def fire(self) -> None:
        """Wake everybody waiting on the current event and start a new generation."""
        self.current.set()
        self.current = asyncio.Event()


async def _wait_event(event: asyncio.Event, timeout: float) -> None:
    """Wait for ``event`` for at most ``timeout`` seconds, treating the timeout as normal."""
    if timeout <= 0:
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout)


async def _first_of(*events: asyncio.Event) -> None:
    """Return as soon as any of the events is set."""
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


def _client_gone(request: web.Request) -> bool:
    """True if the HTTP client already disconnected (so a response cannot reach it)."""
    transport = request.transport
    return transport is None or transport.is_closing()


# --------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------


class FakeTelegram:
    """A strict fake Bot API server on 127.0.0.1; see the module docstring for the why.

    Use as ``async with FakeTelegram() as fake:`` or ``await fake.start()`` / ``await
    fake.stop()``, then point PTB at it with ``base_url=fake.base_url`` and
    ``base_file_url=fake.base_file_url``.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_first_name: str = BOT_FIRST_NAME,
        bot_username: str = BOT_USERNAME,
        flood_limit: int | None = 30,
        flood_window: float = 1.0,
        per_chat_limit_per_second: int | None = None,
        group_limit_per_minute: int | None = None,
        retry_after: int | None = None,
        count_every_request: bool = False,
        paid_limit: int | None = None,
        require_start: bool = False,
        strict_ampersand: bool = True,
        callback_query_ttl: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Configure the fake; nothing listens until ``start``.

        ``flood_limit`` sends per ``flood_window`` seconds across all chats (None disables),
        ``per_chat_limit_per_second`` per chat and ``group_limit_per_minute`` per group chat
        (both off by default) mirror Telegram's documented limits. ``retry_after`` forces the
        value reported on 429s instead of the computed time until the window frees up.

        By default a send counts against those limits only once it is accepted. With
        ``count_every_request`` every request to a sending method counts the moment it
        arrives, whatever its answer (a 400, a 403 from a blocked user, a 429 itself): the
        most conservative reading of Telegram's undocumented rule, for proving a bot stays
        under it. ``paid_limit`` enables paid broadcasts: a send with
        ``allow_paid_broadcast`` counts against ``paid_limit`` a second instead of
        ``flood_limit`` (every send counts against ``paid_limit``); without it such a send
        is refused with 400, as for a bot that has not enabled them.
        ``require_start`` makes sends to private chats that never wrote to the bot fail with
        403 like Telegram. ``callback_query_ttl`` expires unanswered callback queries.
        """
        self.token = token
        bot_id_part = token.split(":", 1)[0]
        self.bot_user: JSON = {
            "id": int(bot_id_part) if bot_id_part.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.flood_limit = flood_limit
        self.flood_window = flood_window
        self.per_chat_limit_per_second = per_chat_limit_per_second
        self.group_limit_per_minute = group_limit_per_minute
        self.retry_after = retry_after
        self.count_every_request = count_every_request
        self.paid_limit = paid_limit
        self.require_start = require_start
        self.strict_ampersand = strict_ampersand
        self.callback_query_ttl = callback_query_ttl
        self.host = host
        self._port = port

        # Observation (public, append-only lists are safe to index with mark()).
        self.sent: list[SentMessage] = []
        self.requests: list[RequestRecord] = []
        self.errors: list[RequestRecord] = []
        self.callback_answers: list[JSON] = []
        self.inline_answers: list[JSON] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.documents: list[JSON] = []
        self.chat_actions: list[JSON] = []
        self.deleted: list[tuple[int, int]] = []
        self.menu_buttons: dict[int | None, JSON] = {}
        self.send_times: list[float] = []
        # Arrival times of every request counted against the limits, and of the paid ones.
        self.counted_times: list[float] = []
        self.paid_times: list[float] = []
        self.updates: list[JSON] = []
        self.count_429 = 0
        self.webhook_url = ""

        # Behaviour switches.
        self._blocked: set[int] = set()
        self._deactivated: set[int] = set()
        self._not_found: set[int] = set()
        self._kicked: set[int] = set()
        self._failures: list[_Failure] = []
        self._garbled: dict[str, tuple[Any, int | None]] = {}
        self._outage: _Outage | None = None
        self.outage_calls = 0  # calls that met an outage (whatever it did to them)
        self._delays: dict[str, tuple[float, int | None]] = {}

        # World state.
        self._messages: dict[tuple[int, int], JSON] = {}
        self._next_message_id: dict[int, int] = {}
        self._chats: dict[int, JSON] = {}
        self._users: dict[int, JSON] = {}
        self._started: set[int] = set()
        self._callback_queries: dict[str, JSON] = {}
        self._inline_queries: dict[str, JSON] = {}
        self._files: dict[str, JSON] = {}
        self._pending: list[JSON] = []
        self._allowed_updates: list[str] | None = None
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._poll_generation = 0

        # Flood control windows.
        self._global_window: deque[float] = deque()
        self._paid_window: deque[float] = deque()  # every send, against paid_limit
        self._chat_windows: dict[int, deque[float]] = {}
        self._group_windows: dict[int, deque[float]] = {}

        # Waiting and lifecycle.
        self._consumed_sent: set[int] = set()
        self._consumed_requests: set[int] = set()
        self._sent_signal = _Signal()
        self._request_signal = _Signal()
        self._update_signal = _Signal()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None

        handlers: dict[str, Callable[[_Call], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "logOut": self._ok,
            "close": self._ok,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "copyMessage": self._copy_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getFile": self._get_file,
        }
        # Telegram method names are case-insensitive.
        self._handlers = {name.lower(): (name, fn) for name, fn in handlers.items()}

    # ---------------------------------------------------------------- lifecycle

    @property
    def port(self) -> int:
        """The bound TCP port (ephemeral unless one was requested)."""
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the server root."""
        return f"http://{self.host}:{self._port}"

    @property
    def base_url(self) -> str:
        """Value for PTB's ``base_url`` (PTB appends the token and ``/method``)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url``; files uploaded or injected are served there."""
        return f"{self.url}/file/bot"

    async def start(self) -> Self:
        """Bind an ephemeral port and start serving; returns self for chaining."""
        if self._runner is not None:
            return self
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        await site.start()
        self._port = runner.addresses[0][1]
        self._runner = runner
        return self

    async def stop(self) -> None:
        """Release pending long polls and delays, then shut the server down."""
        if self._runner is None:
            return
        self._closing.set()
        for signal in (self._update_signal, self._sent_signal, self._request_signal):
            signal.fire()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        """Start on entering ``async with``."""
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop on leaving ``async with``, even on test failure."""
        await self.stop()

    # ---------------------------------------------------------------- configuration

    def block(self, user_id: int) -> None:
        """Make sends to this private chat fail with 403 "bot was blocked by the user"."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """Undo ``block`` (the user restarted the bot)."""
        self._blocked.discard(user_id)

    def deactivate(self, user_id: int) -> None:
        """Make sends to this user fail with 403 "user is deactivated" (deleted account)."""
        self._deactivated.add(user_id)

    def chat_not_found(self, chat_id: int) -> None:
        """Make any call targeting this chat fail with 400 "chat not found"."""
        self._not_found.add(chat_id)

    def kick_bot(self, chat_id: int) -> None:
        """Make sends to this group fail with 403 "bot was kicked from the group chat"."""
        self._kicked.add(chat_id)

    def fail_next(
        self,
        method: str,
        status: int = 502,
        times: int = 1,
        chat_id: int | None = None,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        json_body: bool | None = None,
    ) -> None:
        """Make the next ``times`` matching calls fail with HTTP ``status`` before any effect.

        A 502 defaults to an nginx-style HTML body like Telegram's real gateway errors (PTB
        then raises NetworkError); other statuses get a JSON error body. ``retry_after`` adds
        ``parameters.retry_after`` (use with 429). ``chat_id`` restricts matching to that chat.
        """
        self._failures.append(
            _Failure(
                method=method.lower(),
                status=status,
                times=times,
                chat_id=chat_id,
                description=description,
                retry_after=retry_after,
                json_body=status != 502 if json_body is None else json_body,
            )
        )

    def garble(self, method: str, result: Any, times: int | None = None) -> None:
        """Answer ``method`` with HTTP 200 and ``{"ok": true, "result": result}``, whatever
        was asked, for the next ``times`` calls (all calls with None) until ``ungarble``.

        Telegram has been seen to send results that do not fit the method; nothing is
        consumed (updates stay queued for when the fake behaves again).
        """
        self._garbled[method.lower()] = (result, times)

    def queue_raw_update(self, kind: str, payload: Any) -> JSON:
        """Queue an update whose ``kind`` field is ``payload`` as given, however malformed
        (Telegram's own bugs, a proxy rewriting bodies): the bot must move past it."""
        return self._queue(kind, payload)

    def ungarble(self, method: str) -> None:
        self._garbled.pop(method.lower(), None)

    def _take_garbled(self, method: str) -> tuple[bool, Any]:
        entry = self._garbled.get(method.lower())
        if entry is None:
            return False, None
        result, times = entry
        if times is not None:
            if times <= 1:
                del self._garbled[method.lower()]
            else:
                self._garbled[method.lower()] = (result, times - 1)
        return True, copy.deepcopy(result)

    def start_outage(
        self,
        kind: OutageKind,
        *,
        methods: Iterable[str] | None = None,
        stall: float = 30.0,
    ) -> None:
        """From now until ``end_outage``, every call (or every call to ``methods``) fails,
        before any effect, the way the Bot API or the road to it fails:

        - ``"500"``: HTTP 500 with Telegram's JSON error body;
        - ``"502"``: HTTP 502 with an nginx HTML page, as Telegram's gateway sends;
        - ``"garbled"``: HTTP 200 whose body is cut-off JSON (a broken proxy);
        - ``"close"``: the connection is closed without an answer;
        - ``"stall"``: no answer for ``stall`` seconds (Telegram has stalled for 30), then the
          connection is closed; a call still stalled when the outage ends is closed then.

        A new ``start_outage`` replaces the one in force (e.g. to widen ``methods``).
        """
        if self._outage is not None:
            self._outage.ended.set()
        names = None if methods is None else frozenset(m.lower() for m in methods)
        self._outage = _Outage(kind, names, stall)

    def end_outage(self) -> None:
        """The API answers normally again."""
        if self._outage is not None:
            self._outage.ended.set()
            self._outage = None

    def delay(self, method: str, seconds: float, times: int | None = None) -> None:
        """Delay handling of ``method`` by ``seconds`` (all calls, or the next ``times``).

        The call still takes effect after the delay even if the client gave up, as it can on
        Telegram; that is what makes retry-after-timeout duplicates observable in tests.
        """
        self._delays[method.lower()] = (seconds, times)

    def reset_flood(self) -> None:
        """Forget all flood-control history (e.g. between phases of one test)."""
        self._global_window.clear()
        self._paid_window.clear()
        self._chat_windows.clear()
        self._group_windows.clear()

    # ---------------------------------------------------------------- observation

    def mark(self) -> int:
        """Index into ``sent`` to pass as ``after=`` so waits only see later messages."""
        return len(self.sent)

    def request_mark(self) -> int:
        """Index into ``requests`` to pass as ``after=`` to ``wait_for_request``."""
        return len(self.requests)

    def messages_to(self, chat_id: int, *, include_edits: bool = True) -> list[SentMessage]:
        """All ``sent`` records for a chat, in order (edits are records too unless excluded)."""
        return [
            record
            for record in self.sent
            if record["chat_id"] == chat_id
            and (include_edits or not record["method"].startswith("edit"))
        ]

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """The current stored Message dict (after edits), or None if unknown or deleted."""
        stored = self._messages.get((chat_id, message_id))
        return copy.deepcopy(stored) if stored is not None else None

    def requests_for(self, method: str) -> list[RequestRecord]:
        """All recorded calls of one method (case-insensitive)."""
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def commands_for(self, scope: str = "default", language_code: str = "") -> list[JSON]:
        """Commands set for a scope key (see ``_scope_key``) and language."""
        return self.commands.get((scope, language_code), [])

    async def wait_for_message(
        self,
        chat_id: int | None = None,
        *,
        contains: str | None = None,
        predicate: Callable[[SentMessage], bool] | None = None,
        method: str | None = None,
        timeout: float = 5.0,
        after: int | None = None,
    ) -> SentMessage:
        """Wait until the bot sends (or edits) a matching message and return its record.

        With ``after=None`` each record is returned at most once by default-mode waits, so
        consecutive waits walk through the conversation; with ``after=fake.mark()`` the search
        starts at that index regardless. Raises AssertionError with recent traffic on timeout.
        """

        def matches(record: SentMessage) -> bool:
            return (
                (chat_id is None or record["chat_id"] == chat_id)
                and (method is None or record["method"] == method)
                and (contains is None or contains in record["text"])
                and (predicate is None or predicate(record))
            )

        index = await self._wait_in(
            self.sent, self._consumed_sent, self._sent_signal, matches, timeout, after
        )
        if index is None:
            raise AssertionError(
                f"no message matching chat_id={chat_id!r} contains={contains!r} "
                f"method={method!r} predicate={predicate!r} within {timeout}s "
                f"(after={after!r}).\n{self.describe()}"
            )
        return self.sent[index]

    async def wait_for_request(
        self,
        method: str,
        predicate: Callable[[RequestRecord], bool] | None = None,
        *,
        timeout: float = 5.0,
        after: int | None = None,
        status: int | None = None,
    ) -> RequestRecord:
        """Wait for a call of ``method`` (optionally with ``status``/``predicate``) to finish.

        Same ``after`` semantics as ``wait_for_message``; the record is appended once the
        response is ready, so its ``status`` and ``response`` are final.
        """

        def matches(record: RequestRecord) -> bool:
            return (
                record.method.lower() == method.lower()
                and (status is None or record.status == status)
                and (predicate is None or predicate(record))
            )

        index = await self._wait_in(
            self.requests, self._consumed_requests, self._request_signal, matches, timeout, after
        )
        if index is None:
            raise AssertionError(
                f"no {method} request (status={status!r}) within {timeout}s.\n{self.describe()}"
            )
        return self.requests[index]

    async def assert_no_message(
        self, chat_id: int | None = None, *, after: int, within: float = 0.3
    ) -> None:
        """Assert nothing is sent to ``chat_id`` (any chat if None) after index ``after``.

        Negative assertions need a bounded wait; keep ``within`` small and prefer waiting for
        a positive signal (e.g. ``wait_for_request("answerCallbackQuery")``) first.
        """
        try:
            record = await self.wait_for_message(chat_id, timeout=within, after=after)
        except AssertionError:
            return
        raise AssertionError(f"unexpected message: {record['text']!r}\n{self.describe()}")

    def describe(self, last: int = 10) -> str:
        """Human-readable dump of recent traffic for assertion messages."""
        lines = [f"last {last} of {len(self.sent)} sent message(s):"]
        for index, record in list(enumerate(self.sent))[-last:]:
            lines.append(
                f"  #{index} {record['method']} chat={record['chat_id']} "
                f"id={record['message_id']} text={record['text'][:200]!r}"
            )
        lines.append(f"last errors of {len(self.errors)}:")
        for record in self.errors[-5:]:
            lines.append(f"  {record.method} {record.status} {record.description!r}")
        calls = [r.method for r in self.requests[-last:]]
        lines.append(f"last {last} of {len(self.requests)} requests: {calls}")
        return "\n".join(lines)

    async def _wait_in(
        self,
        items: list[Any],
        consumed: set[int],
        signal: _Signal,
        matches: Callable[[Any], bool],
        timeout: float,
        after: int | None,
    ) -> int | None:
        """Shared event-driven search used by the ``wait_for_*`` helpers."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        # Items are final once appended, so each wake-up looks only at what is new: with
        # hundreds of waiters (bench/live_qa.py) rescanning everything on every new item
        # cost more CPU than the bot under test.
        start = after if after is not None else 0
        while True:
            event = signal.current
            for index in range(start, len(items)):
                if (after is not None or index not in consumed) and matches(items[index]):
                    consumed.add(index)
                    return index
            start = max(start, len(items))
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing.is_set():
                return None
            await _wait_event(event, remaining)

    # ---------------------------------------------------------------- users (update injection)

    def _user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """Create or update the User object for ``user_id`` (remembered for later updates)."""
        user = self._users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or "Ali"}
            self._users[user_id] = user
        if first_name is not None:
            user["first_name"] = first_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        return dict(user)

    def _chat(self, chat_id: int, chat_type: str, title: str | None, user: JSON) -> JSON:
        """Create or refresh the Chat object; private chats mirror the user's names."""
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
        else:
            chat = dict(self._chats.get(chat_id, {}))
            chat.update({"id": chat_id, "type": chat_type})
            chat["title"] = title or chat.get("title") or "Test Group"
        self._chats[chat_id] = chat
        return dict(chat)

    def _chat_obj(self, chat_id: int) -> JSON:
        """The Chat object for a bot message; unknown chats are synthesised from the id sign."""
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}

    def _new_message_id(self, chat_id: int) -> int:
        """Message ids are a per-chat sequence shared by user and bot messages."""
        next_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = next_id + 1
        return next_id

    def _queue(self, kind: str, payload: Any) -> JSON:
        """Wrap a payload into an Update with the next update_id and wake pollers."""
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self._pending.append(update)
        self._update_signal.fire()
        return copy.deepcopy(update)

    def _user_message(
        self,
        user_id: int,
        content: JSON,
        *,
        first_name: str | None,
        username: str | None,
        language_code: str | None,
        chat_id: int | None,
        chat_type: str,
        title: str | None,
        reply_to: JSON | None,
    ) -> JSON:
        """Common part of all ``user_sends*`` helpers: ids, chat, sender, reply, storage."""
        user = self._user(user_id, first_name, username, language_code)
        target = user_id if chat_id is None else chat_id
        if chat_type == "private" and target < 0:
            chat_type = "supergroup" if str(target).startswith("-100") else "group"
        chat = self._chat(target, chat_type, title, user)
        if chat_type == "private":
            self._started.add(user_id)
        message: JSON = {
            "message_id": self._new_message_id(target),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = self._resolve_message(reply_to, default_chat=target)
        self._messages[(target, message["message_id"])] = message
        return self._queue("message", copy.deepcopy(message))

    def user_sends(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        chat_id: int | None = None,
        chat_type: str = "private",
        title: str | None = None,
        reply_to: JSON | None = None,
        entities: list[JSON] | None = None,
    ) -> JSON:
        """Queue a text message from a user and return the Update dict.

        Entities are computed like Telegram clients do (bot_command, mention, url) unless
        ``entities`` is given. ``chat_id`` defaults to the user's private chat; pass a negative
        id with ``chat_type="group"``/``"supergroup"`` and ``title`` for groups. ``reply_to``
        accepts a ``sent`` record, a Message dict or an Update dict.
        """
        content: JSON = {"text": text}
        found = auto_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        return self._user_message(
            user_id,
            content,
            first_name=first_name,
            username=username,
            language_code=language_code,
            chat_id=chat_id,
            chat_type=chat_type,
            title=title,
            reply_to=reply_to,
        )

    def _register_file(self, prefix: str, content: bytes, path: str, **extra: Any) -> JSON:
        """Create a downloadable file (served under ``base_file_url``) and its File fields."""
        number = next(self._ids)
        file_id = f"{prefix}{number:06d}-{self.bot_user['id']}"
        info = {
            "file_id": file_id,
            "file_unique_id": f"U{prefix}{number:06d}",
            "file_size": len(content),
            **extra,
        }
        self._files[file_id] = {"info": info, "path": path, "content": content}
        return dict(info)

    def user_sends_sticker(
        self,
        user_id: int,
        emoji: str = "👍",
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """Queue a sticker message (bots often must politely ignore or refuse these)."""
        number = next(self._ids)
        sticker = self._register_file(
            "CAACAgIAAxk",
            b"RIFF-fake-webp",
            f"stickers/file_{number}.webp",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            emoji=emoji,
        )
        return self._user_message(
            user_id,
            {"sticker": sticker},
            first_name=first_name,
            username=username,
            language_code=language_code,
            chat_id=chat_id,
            chat_type=chat_type,
            title=title,
            reply_to=None,
        )

    def user_sends_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        chat_id: int | None = None,
        chat_type: str = "private",
        title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """Queue a photo (two PhotoSize variants, like Telegram) with an optional caption."""
        number = next(self._ids)
        sizes = [
            self._register_file(
                "AgACAgIAAxk", content, f"photos/file_{number}_{w}.jpg", width=w, height=w * 3 // 4
            )
            for w in (90, 800)
        ]
        body: JSON = {"photo": sizes}
        if caption:
            body["caption"] = caption
            found = auto_entities(caption)
            if found:
                body["caption_entities"] = found
        return self._user_message(
            user_id,
            body,
            first_name=first_name,
            username=username,
            language_code=language_code,
            chat_id=chat_id,
            chat_type=chat_type,
            title=title,
            reply_to=None,
        )

    def user_sends_voice(
        self,
        user_id: int,
        duration: int = 3,
        *,
        content: bytes = b"OggS-fake-opus",
        chat_id: int | None = None,
        chat_type: str = "private",
        title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """Queue a voice note (an input a text-only Q&A bot must handle gracefully)."""
        number = next(self._ids)
        voice = self._register_file(
            "AwACAgIAAxk",
            content,
            f"voice/file_{number}.oga",
            duration=duration,
            mime_type="audio/ogg",
        )
        return self._user_message(
            user_id,
            {"voice": voice},
            first_name=first_name,
            username=username,
            language_code=language_code,
            chat_id=chat_id,
            chat_type=chat_type,
            title=title,
            reply_to=None,
        )

    def user_sends_document(
        self,
        user_id: int,
        filename: str = "notes.txt",
        content: bytes = b"hello",
        *,
        mime_type: str = "text/plain",
        caption: str | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        title: str | None = None,
    ) -> JSON:
        """Queue a document sent by a user; its bytes are downloadable via getFile."""
        number = next(self._ids)
        document = self._register_file(
            "BQACAgIAAxk",
            content,
            f"documents/file_{number}_{filename}",
            file_name=filename,
            mime_type=mime_type,
        )
        body: JSON = {"document": document}
        if caption:
            body["caption"] = caption
        return self._user_message(
            user_id,
            body,
            first_name=None,
            username=None,
            language_code="en",
            chat_id=chat_id,
            chat_type=chat_type,
            title=title,
            reply_to=None,
        )

    def _locate(self, obj: JSON, default_chat: int | None = None) -> tuple[int, int]:
        """Find (chat_id, message_id) in a sent record, Message dict or Update dict."""
        if "update_id" in obj:
            for key in ("message", "edited_message", "channel_post", "callback_query"):
                if key in obj:
                    inner = obj[key]
                    return self._locate(
                        inner.get("message", inner) if key == "callback_query" else inner
                    )
            raise ValueError("update does not contain a message")
        if "chat" in obj and isinstance(obj["chat"], dict):
            return obj["chat"]["id"], obj["message_id"]
        if "chat_id" in obj and "message_id" in obj:
            return obj["chat_id"], obj["message_id"]
        if "message_id" in obj and default_chat is not None:
            return default_chat, obj["message_id"]
        raise ValueError(f"cannot locate a message in {obj!r}")

    def _resolve_message(self, obj: JSON, default_chat: int | None = None) -> JSON:
        """The current stored version of a message, without nested replies (one level only)."""
        key = self._locate(obj, default_chat)
        stored = self._messages.get(key)
        if stored is None:
            raise LookupError(f"message {key} does not exist (never sent, or deleted)")
        result = copy.deepcopy(stored)
        result.pop("reply_to_message", None)
        return result

    def user_edits(self, user_id: int, message: JSON, new_text: str) -> JSON:
        """Edit a message the user sent earlier; queues an ``edited_message`` update."""
        key = self._locate(message)
        stored = self._messages.get(key)
        if stored is None or stored["from"]["id"] != user_id:
            raise LookupError(f"user {user_id} has no message {key} to edit")
        stored["text"] = new_text
        stored["edit_date"] = int(time.time())
        found = auto_entities(new_text)
        if found:
            stored["entities"] = found
        else:
            stored.pop("entities", None)
        return self._queue("edited_message", copy.deepcopy(stored))

    def user_presses(
        self,
        user_id: int,
        message: JSON,
        callback_data: str | None = None,
        *,
        button_text: str | None = None,
        forged: bool = False,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """Press an inline button on a bot message; queues and returns a callback_query update.

        Choose the button by ``callback_data`` or by ``button_text``. Unless ``forged=True``
        the data must be on the message's *current* keyboard (a real client cannot press a
        button that is not there); forged presses let tests check the bot rejects bad data.
        """
        stored = self._resolve_message(message)
        buttons = [
            button
            for row in (stored.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in row
        ]
        if button_text is not None:
            chosen = next((b for b in buttons if b.get("text") == button_text), None)
            if chosen is None:
                raise LookupError(f"no button {button_text!r} on message; buttons: {buttons}")
            callback_data = chosen.get("callback_data")
        if callback_data is None:
            raise ValueError("give callback_data or button_text")
        if not forged and callback_data not in {b.get("callback_data") for b in buttons}:
            raise LookupError(
                f"callback_data {callback_data!r} is not on the keyboard {buttons}; "
                "pass forged=True to simulate a crafted request"
            )
        user = self._user(user_id, first_name, username, language_code)
        query_id = f"{next(self._ids)}{user_id % 100000:05d}"
        self._callback_queries[query_id] = {"answered": False, "created": time.monotonic()}
        query = {
            "id": query_id,
            "from": user,
            "message": stored,
            "chat_instance": f"{abs(stored['chat']['id'])}{self.bot_user['id']}",
            "data": callback_data,
        }
        return self._queue("callback_query", query)

    def user_inline_query(
        self,
        user_id: int,
        query: str,
        *,
        offset: str = "",
        chat_type: str | None = "sender",
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """Queue an inline query (``@bot query`` typed in any chat) and return the update."""
        user = self._user(user_id, first_name, username, language_code)
        query_id = f"{next(self._ids)}{user_id % 100000:05d}"
        self._inline_queries[query_id] = {"answered": False, "created": time.monotonic()}
        payload: JSON = {"id": query_id, "from": user, "query": query, "offset": offset}
        if chat_type is not None:
            payload["chat_type"] = chat_type
        return self._queue("inline_query", payload)

    def user_blocks_bot(self, user_id: int) -> JSON:
        """Block the bot and deliver the ``my_chat_member`` update Telegram sends for it."""
        self.block(user_id)
        user = self._user(user_id)
        chat = self._chat(user_id, "private", None, user)
        payload = {
            "chat": chat,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": dict(self.bot_user)},
            "new_chat_member": {
                "status": "kicked",
                "user": dict(self.bot_user),
                "until_date": 0,
            },
        }
        return self._queue("my_chat_member", payload)

    # ---------------------------------------------------------------- HTTP layer

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Entry point for ``/bot<token>/<method>``: decode, authenticate, inject, dispatch."""
        raw_method = request.match_info["method"]
        name, handler = self._handlers.get(raw_method.lower(), (raw_method, None))
        try:
            params, files = await self._read_params(request)
        except ApiError as exc:
            call = _Call(name, {}, {}, request)
            return self._respond(call, exc.status, exc.payload())
        call = _Call(name, params, files, request)
        if request.match_info["token"] != self.token:
            return self._respond(
                call, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        outage = self._outage
        if outage is not None and outage.covers(name):
            return await self._respond_outage(call, outage)
        await self._apply_delay(name)
        failure = self._take_failure(name, params)
        if failure is not None:
            return self._respond_failure(call, failure)
        garbled, result = self._take_garbled(name)
        if garbled:
            return self._respond(call, 200, {"ok": True, "result": result})
        if handler is None:
            return self._respond(
                call, 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            )
        try:
            if self.count_every_request and name in SENDING_METHODS:
                self._count_request(name, params)
            result = await handler(call)
        except ApiError as exc:
            if exc.status == 429:
                self.count_429 += 1
            return self._respond(call, exc.status, exc.payload())
        return self._respond(call, 200, {"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        """Serve file downloads at ``/file/bot<token>/<file_path>`` (for ``File.download``)."""
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["path"]
        for stored in self._files.values():
            if stored["path"] == path:
                return web.Response(body=stored["content"])
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    def _respond(self, call: _Call, status: int, payload: Any) -> web.Response:
        """Record the call and build the HTTP response."""
        record = RequestRecord(
            method=call.method,
            params=call.params,
            status=status,
            response=payload,
            time=time.monotonic(),
            files=call.files,
            delivered=not _client_gone(call.request),
        )
        self.requests.append(record)
        if 400 <= status < 500 and record.delivered:
            self.errors.append(record)
        self._request_signal.fire()
        if isinstance(payload, str):
            return web.Response(text=payload, status=status, content_type="text/html")
        return web.json_response(payload, status=status)

    def _respond_failure(self, call: _Call, failure: _Failure) -> web.Response:
        """Build the response for an injected failure (HTML for gateway errors, else JSON)."""
        if failure.status == 429:
            self.count_429 += 1
        if not failure.json_body:
            phrase = "Bad Gateway" if failure.status == 502 else "Error"
            html = (
                f"<html>\r\n<head><title>{failure.status} {phrase}</title></head>\r\n<body>\r\n"
                f"<center><h1>{failure.status} {phrase}</h1></center>\r\n"
                "<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
            )
            return self._respond(call, failure.status, html)
        description = failure.description or {
            400: "Bad Request: injected failure",
            403: "Forbidden: injected failure",
            429: f"Too Many Requests: retry after {failure.retry_after or 1}",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }.get(failure.status, "Injected failure")
        error = ApiError(failure.status, description)
        if failure.retry_after is not None or failure.status == 429:
            error.parameters = {"retry_after": failure.retry_after or 1}
        return self._respond(call, failure.status, error.payload())

    async def _respond_outage(self, call: _Call, outage: _Outage) -> web.StreamResponse:
        """Fail one call as the outage in force says (see ``start_outage``)."""
        self.outage_calls += 1
        if outage.kind in ("500", "502"):
            status = int(outage.kind)
            failure = _Failure(call.method, status, 1, None, None, None, json_body=status != 502)
            return self._respond_failure(call, failure)
        if outage.kind == "garbled":
            self._record_outage(call, 200, '{"ok":true,"result":{"message_id":')
            return web.Response(
                text='{"ok":true,"result":{"message_id":', content_type="application/json"
            )
        if outage.kind == "stall":
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(outage.stall):
                    await _first_of(outage.ended, self._closing)
        self._record_outage(call, 0, "connection closed without an answer")
        transport = call.request.transport
        if transport is not None:
            transport.abort()
        # The client is gone; aiohttp drops whatever is returned for a closed transport.
        return web.Response(status=204)

    def _record_outage(self, call: _Call, status: int, response: str) -> None:
        self.requests.append(
            RequestRecord(call.method, call.params, status, response, time.monotonic(), call.files)
        )
        self._request_signal.fire()

    async def _apply_delay(self, method: str) -> None:
        """Sleep for a configured delay, but wake immediately when the server stops."""
        entry = self._delays.get(method.lower())
        if entry is None:
            return
        seconds, times = entry
        if times is not None:
            if times <= 1:
                del self._delays[method.lower()]
            else:
                self._delays[method.lower()] = (seconds, times - 1)
        await _wait_event(self._closing, seconds)

    def _take_failure(self, method: str, params: JSON) -> _Failure | None:
        """Pop one matching ``fail_next`` injection, if any."""
        for failure in self._failures:
            if failure.method != method.lower():
                continue
            if failure.chat_id is not None and _as_int(params.get("chat_id")) != failure.chat_id:
                continue
            failure.times -= 1
            if failure.times <= 0:
                self._failures.remove(failure)
            return failure
        return None

    async def _read_params(self, request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
        """Decode query string plus a JSON, urlencoded or multipart body into typed params."""
        params: JSON = {key: _decode_field(key, value) for key, value in request.query.items()}
        files: dict[str, UploadedFile] = {}
        if request.method == "GET" or not request.can_read_body:
            return params, files
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            for key, value in body.items():
                params[key] = _decode_field(key, value) if isinstance(value, str) else value
            return params, files
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        field_name=key,
                        filename=value.filename,
                        content_type=value.content_type,
                        content=value.file.read(),
                    )
                else:
                    text = value.decode() if isinstance(value, bytes | bytearray) else value
                    params[key] = _decode_field(key, text)
        return params, files

    # ---------------------------------------------------------------- validation helpers

    def _chat_id(self, params: JSON, *, required: bool = True) -> int | None:
        """Resolve ``chat_id`` (int, numeric string or known @username) or fail like Telegram."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            if required:
                raise bad_request("chat_id is empty")
            return None
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == raw[1:].lower():
                    return chat["id"]
            raise bad_request("chat not found")
        chat_id = _as_int(raw)
        if chat_id is None or chat_id == 0 or chat_id in self._not_found:
            raise bad_request("chat not found")
        return chat_id

    def _check_reachable(self, chat_id: int) -> None:
        """Apply block/deactivate/kick/require_start, which Telegram reports as 403s."""
        if chat_id in self._deactivated:
            raise ApiError(403, "Forbidden: user is deactivated")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self._kicked:
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        if self.require_start and chat_id > 0 and chat_id not in self._started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")

    def _target_chat(self, params: JSON) -> int:
        """``chat_id`` resolved and reachable: the common prologue of chat methods."""
        chat_id = self._chat_id(params)
        assert chat_id is not None
        self._check_reachable(chat_id)
        return chat_id

    def _count_request(self, method: str, params: JSON) -> None:
        """``count_every_request``: count this request now, before anything can refuse it."""
        chat_id = _as_int(params.get("chat_id"))
        try:
            paid = self._paid_param(method, params)
        except ApiError:
            self._flood(chat_id, paid=False)  # refused, but it reached us: it counts
            raise
        self._flood(chat_id, paid=paid)

    def _paid_param(self, method: str, params: JSON) -> bool:
        """``allow_paid_broadcast``: a Boolean where Telegram takes it, allowed if enabled."""
        raw = params.get("allow_paid_broadcast")
        if raw is None or method not in PAID_BROADCAST_METHODS:
            return False
        if not isinstance(raw, bool):
            raise bad_request("can't parse allow_paid_broadcast: Boolean expected")
        if raw and self.paid_limit is None:
            raise ApiError(400, PAID_BROADCASTS_OFF)
        return raw

    def _check_flood(self, chat_id: int, *, paid: bool = False) -> None:
        """Flood control for an accepted send (unless every request is counted on arrival)."""
        if not self.count_every_request:
            self._flood(chat_id, paid=paid)

    def _flood(self, chat_id: int | None, *, paid: bool) -> None:
        """Sliding-window flood control; raises 429 with ``retry_after`` when over a limit.

        With ``count_every_request`` the request is counted even when it is refused.
        """
        now = time.monotonic()
        checks: list[tuple[deque[float], int, float]] = []
        if self.flood_limit is not None and not paid:
            checks.append((self._global_window, self.flood_limit, self.flood_window))
        if self.paid_limit is not None:
            checks.append((self._paid_window, self.paid_limit, 1.0))
        if self.per_chat_limit_per_second is not None and chat_id is not None:
            window = self._chat_windows.setdefault(chat_id, deque())
            checks.append((window, self.per_chat_limit_per_second, 1.0))
        if self.group_limit_per_minute is not None and chat_id is not None and chat_id < 0:
            window = self._group_windows.setdefault(chat_id, deque())
            checks.append((window, self.group_limit_per_minute, 60.0))
        refusal: ApiError | None = None
        for window, limit, span in checks:
            while window and window[0] <= now - span:
                window.popleft()
            if refusal is None and len(window) >= limit:
                wait = window[len(window) - limit] + span - now
                retry = self.retry_after or max(1, math.ceil(wait))
                refusal = ApiError(
                    429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                )
        if refusal is None or self.count_every_request:
            for window, _limit, _span in checks:
                window.append(now)
            self.counted_times.append(now)
            if paid:
                self.paid_times.append(now)
        if refusal is not None:
            raise refusal
        self.send_times.append(now)

    def _text_param(self, params: JSON, name: str = "text") -> tuple[str, list[JSON]]:
        """Validate and format a message text exactly like sendMessage does."""
        raw = params.get(name)
        if raw is not None and not isinstance(raw, str):
            raw = str(raw)
        if raw is None or not raw.strip():
            raise bad_request("message text is empty")
        text, entities = format_text(
            raw,
            params.get("parse_mode"),
            params.get("entities"),
            strict_ampersand=self.strict_ampersand,
        )
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_MESSAGE_LENGTH:
            raise bad_request("message is too long")
        return text, entities

    def _caption_param(self, params: JSON) -> tuple[str, list[JSON]]:
        """Validate an optional caption (≤1024 UTF-16 units after parsing)."""
        raw = params.get("caption")
        if raw is None or raw == "":
            return "", []
        text, entities = format_text(
            str(raw),
            params.get("parse_mode"),
            params.get("caption_entities"),
            strict_ampersand=self.strict_ampersand,
        )
        if utf16_len(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return text, entities

    def _reply_markup(self, params: JSON, *, inline_only: bool = False) -> JSON | None:
        """Validate ``reply_markup``; returns the parsed dict (None if absent)."""
        markup = params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            _validate_inline_keyboard(markup["inline_keyboard"])
        elif inline_only:
            raise bad_request("inline keyboard expected")
        elif "keyboard" in markup:
            _validate_reply_keyboard(markup["keyboard"])
        elif "remove_keyboard" in markup:
            if markup["remove_keyboard"] is not True:
                raise bad_request("can't parse reply keyboard markup JSON object")
        elif "force_reply" in markup:
            if markup["force_reply"] is not True:
                raise bad_request("can't parse reply keyboard markup JSON object")
        else:
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup

    def _reply_to(self, params: JSON, chat_id: int) -> JSON | None:
        """Resolve ``reply_parameters``/``reply_to_message_id`` against stored messages."""
        reply = params.get("reply_parameters")
        allow_missing = _as_bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = _as_int(reply.get("message_id"))
            reply_chat = _as_int(reply.get("chat_id")) or chat_id
            allow_missing = allow_missing or _as_bool(reply.get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id") is not None:
            message_id, reply_chat = _as_int(params.get("reply_to_message_id")), chat_id
        else:
            return None
        stored = self._messages.get((reply_chat, message_id or 0))
        if stored is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        result = copy.deepcopy(stored)
        result.pop("reply_to_message", None)
        return result

    def _new_bot_message(
        self, chat_id: int, params: JSON, markup: JSON | None, content: JSON
    ) -> JSON:
        """Build and store a full Message sent by the bot (de-jsonable by PTB)."""
        reply = self._reply_to(params, chat_id)
        message: JSON = {
            "message_id": self._new_message_id(chat_id),
            "from": dict(self.bot_user),
            "chat": self._chat_obj(chat_id),
            "date": int(time.time()),
        }
        thread = _as_int(params.get("message_thread_id"))
        if thread:
            message["message_thread_id"] = thread
        if reply is not None:
            message["reply_to_message"] = reply
        message.update(content)
        inline = _inline_markup(markup)
        if inline is not None:
            message["reply_markup"] = inline
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _record_sent(
        self,
        method: str,
        message: JSON,
        params: JSON,
        markup: JSON | None,
        *,
        text_key: str = "text",
        raw_key: str = "text",
    ) -> SentMessage:
        """Append to ``sent``: the flat, assertion-friendly view of a stored bot message."""
        entities_key = "entities" if text_key == "text" else "caption_entities"
        reply = message.get("reply_to_message")
        record: SentMessage = {
            "method": method,
            "chat_id": message["chat"]["id"],
            "message_id": message["message_id"],
            "text": message.get(text_key, ""),
            "raw_text": params.get(raw_key),
            "parse_mode": params.get("parse_mode"),
            "entities": copy.deepcopy(message.get(entities_key, [])),
            "reply_markup": copy.deepcopy(markup),
            "reply_to_message_id": reply["message_id"] if reply else None,
            "time": time.monotonic(),
            "message": copy.deepcopy(message),
            "params": params,
        }
        self.sent.append(record)
        self._sent_signal.fire()
        return record

    def _stored_for_edit(self, params: JSON) -> tuple[int, JSON]:
        """Find the bot message an edit targets, failing like Telegram when it cannot."""
        if params.get("inline_message_id"):
            raise bad_request("inline message editing is not supported by the fake")
        chat_id = self._target_chat(params)
        message_id = _as_int(params.get("message_id"))
        if message_id is None:
            raise bad_request("message identifier is not specified")
        stored = self._messages.get((chat_id, message_id))
        if stored is None:
            raise bad_request("message to edit not found")
        if stored["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return chat_id, stored

    # ---------------------------------------------------------------- API methods

    async def _ok(self, call: _Call) -> bool:
        """logOut / close: nothing to do, but they must succeed."""
        return True

    async def _get_me(self, call: _Call) -> JSON:
        """getMe: the bot's identity, including the capability flags of a real bot."""
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, call: _Call) -> list[JSON]:
        """getUpdates with real long polling, offset confirmation and allowed_updates."""
        params = call.params
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset")) or 0
        limit = min(max(_as_int(params.get("limit")) or 100, 1), 100)
        timeout = _as_float(params.get("timeout")) or 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._update_signal.fire()  # lets an older poll notice it was superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._update_signal.current
            if generation != self._poll_generation:
                # PTB cancels its poll and immediately sends a final getUpdates on shutdown;
                # give the old connection a moment to be seen as closed, so that 409 is
                # recorded as undelivered instead of as an error the bot received.
                for _ in range(5):
                    if _client_gone(call.request):
                        break
                    await asyncio.sleep(0.01)
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            self._pending = [u for u in self._pending if self._allowed(u)]
            batch = self._pending[:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                return copy.deepcopy(batch)
            await _wait_event(event, remaining)

    def _allowed(self, update: JSON) -> bool:
        """Whether an update's type passes the current allowed_updates setting."""
        kind = next(key for key in update if key != "update_id")
        if not self._allowed_updates:
            return kind not in _OPT_IN_UPDATE_TYPES
        return kind in self._allowed_updates

    async def _set_webhook(self, call: _Call) -> bool:
        """setWebhook: remembered so getUpdates conflicts like on Telegram."""
        url = call.params.get("url") or ""
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if _as_bool(call.params.get("drop_pending_updates")):
            self._pending.clear()
        return True

    async def _delete_webhook(self, call: _Call) -> bool:
        """deleteWebhook (PTB calls it before polling), optionally dropping pending updates."""
        self.webhook_url = ""
        if _as_bool(call.params.get("drop_pending_updates")):
            self._pending.clear()
        return True

    async def _get_webhook_info(self, call: _Call) -> JSON:
        """getWebhookInfo with the pending update count."""
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    def _scope_key(self, params: JSON) -> tuple[str, str]:
        """Key commands by scope and language, e.g. ``("chat:-100", "ur")``."""
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict):
            raise bad_request("can't parse BotCommandScope JSON object")
        kind = scope.get("type")
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            key = str(kind)
        elif kind in ("chat", "chat_administrators"):
            key = f"{kind}:{self._chat_id(scope)}"
        elif kind == "chat_member":
            user_id = _as_int(scope.get("user_id"))
            if user_id is None:
                raise bad_request("user not found")
            key = f"chat_member:{self._chat_id(scope)}:{user_id}"
        else:
            raise bad_request("wrong bot command scope type specified")
        language = params.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", str(language)):
            raise bad_request("invalid language code specified")
        return key, str(language)

    async def _set_my_commands(self, call: _Call) -> bool:
        """setMyCommands with Telegram's command/description rules."""
        commands = call.params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > MAX_BOT_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not _BOT_COMMAND_RE.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        self.commands[self._scope_key(call.params)] = cleaned
        return True

    async def _get_my_commands(self, call: _Call) -> list[JSON]:
        """getMyCommands for exactly the given scope and language."""
        return copy.deepcopy(self.commands.get(self._scope_key(call.params), []))

    async def _delete_my_commands(self, call: _Call) -> bool:
        """deleteMyCommands for the given scope and language."""
        self.commands.pop(self._scope_key(call.params), None)
        return True

    async def _send_message(self, call: _Call) -> JSON:
        """sendMessage: validate everything, apply flood control, store and return a Message."""
        params = call.params
        paid = self._paid_param("sendMessage", params)
        chat_id = self._target_chat(params)
        text, entities = self._text_param(params)
        markup = self._reply_markup(params)
        self._reply_to(params, chat_id)  # validate before counting against flood limits
        self._check_flood(chat_id, paid=paid)
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        message = self._new_bot_message(chat_id, params, markup, content)
        self._record_sent("sendMessage", message, params, markup)
        return copy.deepcopy(message)

    async def _copy_message(self, call: _Call) -> JSON:
        """copyMessage: a copy of a stored message (text only) without a link to the original.

        Returns a MessageId, as Telegram does; the copy is recorded in ``sent``.
        """
        params = call.params
        paid = self._paid_param("copyMessage", params)
        chat_id = self._target_chat(params)
        from_chat = _as_int(params.get("from_chat_id"))
        message_id = _as_int(params.get("message_id"))
        if from_chat is None:
            raise bad_request("chat_id is empty")
        source = self._messages.get((from_chat, message_id or 0))
        if source is None:
            raise bad_request("message to copy not found")
        if "text" not in source:
            raise bad_request("the fake copies text messages only")
        markup = self._reply_markup(params)
        self._reply_to(params, chat_id)
        self._check_flood(chat_id, paid=paid)
        content: JSON = {"text": source["text"]}
        if source.get("entities"):
            content["entities"] = copy.deepcopy(source["entities"])
        message = self._new_bot_message(chat_id, params, markup, content)
        self._record_sent("copyMessage", message, params, markup)
        return {"message_id": message["message_id"]}

    async def _edit_message_text(self, call: _Call) -> JSON:
        """editMessageText, including "not modified" and keyboard removal semantics.

        Like Telegram, omitting reply_markup removes an existing inline keyboard.
        """
        params = call.params
        chat_id, stored = self._stored_for_edit(params)
        if "text" not in stored:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text_param(params)
        markup = self._reply_markup(params, inline_only=True)
        inline = _inline_markup(markup)
        if (
            stored["text"] == text
            and stored.get("entities", []) == entities
            and stored.get("reply_markup") == inline
        ):
            raise bad_request(MESSAGE_NOT_MODIFIED)
        self._check_flood(chat_id)
        stored["text"] = text
        _set_or_pop(stored, "entities", entities or None)
        _set_or_pop(stored, "reply_markup", inline)
        stored["edit_date"] = int(time.time())
        self._record_sent("editMessageText", stored, params, markup)
        return copy.deepcopy(stored)

    async def _edit_message_reply_markup(self, call: _Call) -> JSON:
        """editMessageReplyMarkup: only inline keyboards; identical markup is "not modified"."""
        params = call.params
        chat_id, stored = self._stored_for_edit(params)
        markup = self._reply_markup(params, inline_only=True)
        inline = _inline_markup(markup)
        if stored.get("reply_markup") == inline:
            raise bad_request(MESSAGE_NOT_MODIFIED)
        self._check_flood(chat_id)
        _set_or_pop(stored, "reply_markup", inline)
        stored["edit_date"] = int(time.time())
        text_key = "text" if "text" in stored else "caption"
        record_params = {**params, "text": stored.get(text_key, "")}
        self._record_sent(
            "editMessageReplyMarkup", stored, record_params, markup, text_key=text_key
        )
        return copy.deepcopy(stored)

    async def _delete_message(self, call: _Call) -> bool:
        """deleteMessage: the message must exist in that chat."""
        chat_id = self._target_chat(call.params)
        message_id = _as_int(call.params.get("message_id"))
        if message_id is None:
            raise bad_request("message identifier is not specified")
        if self._messages.pop((chat_id, message_id), None) is None:
            raise bad_request("message to delete not found")
        self.deleted.append((chat_id, message_id))
        return True

    async def _answer_callback_query(self, call: _Call) -> bool:
        """answerCallbackQuery: each query can be answered once, text ≤200 characters."""
        params = call.params
        query_id = str(params.get("callback_query_id") or "")
        state = self._callback_queries.get(query_id)
        expired = (
            state is not None
            and self.callback_query_ttl is not None
            and time.monotonic() - state["created"] > self.callback_query_ttl
        )
        if state is None or state["answered"] or expired:
            raise bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        state["answered"] = True
        self.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": text,
                "show_alert": _as_bool(params.get("show_alert")),
                "url": params.get("url"),
                "cache_time": _as_int(params.get("cache_time")),
                "time": time.monotonic(),
            }
        )
        return True

    async def _answer_inline_query(self, call: _Call) -> bool:
        """answerInlineQuery: validate results (count, ids, articles' message text)."""
        params = call.params
        query_id = str(params.get("inline_query_id") or "")
        state = self._inline_queries.get(query_id)
        if state is None or state["answered"]:
            raise bad_request(QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        parsed = []
        for result in results:
            parsed.append(self._validate_inline_result(result, seen))
        next_offset = params.get("next_offset") or ""
        if len(str(next_offset).encode()) > 64:
            raise bad_request("NEXT_OFFSET_INVALID")
        state["answered"] = True
        self.inline_answers.append(
            {
                "inline_query_id": query_id,
                "results": results,
                "parsed": parsed,
                "cache_time": _as_int(params.get("cache_time")),
                "is_personal": _as_bool(params.get("is_personal")),
                "next_offset": next_offset,
                "button": params.get("button"),
                "time": time.monotonic(),
            }
        )
        return True

    def _validate_inline_result(self, result: Any, seen: set[str]) -> JSON:
        """Validate one InlineQueryResult; returns its id with the parsed message text."""
        if not isinstance(result, dict):
            raise bad_request("can't parse InlineQueryResult JSON object")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        kind = result.get("type")
        if not isinstance(kind, str):
            raise bad_request('can\'t parse InlineQueryResult: Field "type" must be of type String')
        if "reply_markup" in result:
            self._reply_markup({"reply_markup": result["reply_markup"]}, inline_only=True)
        parsed: JSON = {"id": result_id, "type": kind}
        if kind == "article":
            if not isinstance(result.get("title"), str) or not result["title"]:
                raise bad_request(
                    'can\'t parse InlineQueryResult: Field "title" must be of type String'
                )
            content = result.get("input_message_content")
            if not isinstance(content, dict):
                raise bad_request(
                    'can\'t parse InlineQueryResult: Field "input_message_content" must be of '
                    "type Object"
                )
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            text, entities = self._text_param(
                {
                    "text": content.get("message_text"),
                    "parse_mode": content.get("parse_mode"),
                    "entities": content.get("entities"),
                }
            )
            parsed.update(text=text, entities=entities)
        return parsed

    async def _send_document(self, call: _Call) -> JSON:
        """sendDocument: multipart upload (or file_id); records name, bytes, caption, mime."""
        params = call.params
        chat_id = self._target_chat(params)
        upload = _uploaded(params.get("document"), call.files, "document")
        caption, caption_entities = self._caption_param(params)
        markup = self._reply_markup(params)
        if upload is not None:
            if not upload.content:
                raise bad_request("file must be non-empty")
            filename, content = upload.filename, upload.content
            mime = upload.content_type or "application/octet-stream"
        else:
            reference = params.get("document")
            if not reference:
                raise bad_request("there is no document in the request")
            known = self._files.get(str(reference))
            if known is not None:
                filename = known["info"].get("file_name", "document")
                content = known["content"]
                mime = known["info"].get("mime_type", "application/octet-stream")
            elif check_link(str(reference)) and "://" in str(reference):
                filename = str(reference).rstrip("/").rsplit("/", 1)[-1] or "document"
                content, mime = b"", "application/octet-stream"
            else:
                raise bad_request("wrong file identifier/HTTP URL specified")
        self._reply_to(params, chat_id)
        self._check_flood(chat_id, paid=self._paid_param("sendDocument", params))
        number = next(self._ids)
        document = self._register_file(
            "BQACAgIAAxkD",
            content,
            f"documents/file_{number}_{filename}",
            file_name=filename,
            mime_type=mime,
        )
        body: JSON = {"document": document}
        if caption:
            body["caption"] = caption
        if caption_entities:
            body["caption_entities"] = caption_entities
        message = self._new_bot_message(chat_id, params, markup, body)
        self._record_sent(
            "sendDocument", message, params, markup, text_key="caption", raw_key="caption"
        )
        self.documents.append(
            {
                "chat_id": chat_id,
                "message_id": message["message_id"],
                "filename": filename,
                "content": content,
                "mime_type": mime,
                "caption": caption,
                "raw_caption": params.get("caption"),
                "file_id": document["file_id"],
                "time": time.monotonic(),
            }
        )
        return copy.deepcopy(message)

    async def _send_chat_action(self, call: _Call) -> bool:
        """sendChatAction: action must be one Telegram knows."""
        chat_id = self._target_chat(call.params)
        action = call.params.get("action")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append({"chat_id": chat_id, "action": action, "time": time.monotonic()})
        return True

    async def _set_chat_menu_button(self, call: _Call) -> bool:
        """setChatMenuButton for one private chat or (no chat_id) the default."""
        chat_id = self._chat_id(call.params, required=False)
        button = call.params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "commands",
            "web_app",
            "default",
        ):
            raise bad_request("can't parse menu button JSON object")
        if button["type"] == "web_app":
            web_app = button.get("web_app") or {}
            if not button.get("text") or not str(web_app.get("url", "")).startswith("https://"):
                raise bad_request("BUTTON_URL_INVALID")
        self.menu_buttons[chat_id] = button
        return True

    async def _get_chat_menu_button(self, call: _Call) -> JSON:
        """getChatMenuButton: stored value, else the default, else "commands"."""
        chat_id = self._chat_id(call.params, required=False)
        return copy.deepcopy(
            self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "commands"}
        )

    async def _get_file(self, call: _Call) -> JSON:
        """getFile: the File object with a ``file_path`` served under ``base_file_url``."""
        stored = self._files.get(str(call.params.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        info = stored["info"]
        return {
            "file_id": info["file_id"],
            "file_unique_id": info["file_unique_id"],
            "file_size": info["file_size"],
            "file_path": stored["path"],
        }


# --------------------------------------------------------------------------------------------
# Module-level helpers
# --------------------------------------------------------------------------------------------


def _decode_field(key: str, value: Any) -> Any:
    """Undo PTB's form encoding: non-string params arrive as JSON text, strings verbatim."""
    if not isinstance(value, str) or key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _as_int(value: Any) -> int | None:
    """Lenient int conversion (Telegram accepts numbers as strings too)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _as_float(value: Any) -> float | None:
    """Lenient float conversion for ``timeout``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _as_bool(value: Any) -> bool:
    """Telegram's boolean parsing: true/1 are true, everything else false."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def _set_or_pop(target: JSON, key: str, value: Any) -> None:
    """Set ``key`` or remove it when ``value`` is None (omitted fields are absent in JSON)."""
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def _inline_markup(markup: JSON | None) -> JSON | None:
    """The part of reply_markup that appears on the Message: non-empty inline keyboards only."""
    if not markup or "inline_keyboard" not in markup:
        return None
    rows = [row for row in markup["inline_keyboard"] if row]
    if not rows:
        return None
    return {"inline_keyboard": copy.deepcopy(rows)}


def _uploaded(value: Any, files: dict[str, UploadedFile], name: str) -> UploadedFile | None:
    """The uploaded file for a param: a part named like it, or an ``attach://`` reference."""
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value[len("attach://") :])
        if upload is None:
            raise bad_request(f'can\'t find attached file "{value[len("attach://") :]}"')
        return upload
    return files.get(name)


def _validate_inline_keyboard(keyboard: Any) -> None:
    """Inline keyboard rules: text plus exactly one action; callback_data 1-64 bytes."""
    if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    buttons = [button for row in keyboard for button in row]
    if len(buttons) > MAX_INLINE_KEYBOARD_BUTTONS:
        raise bad_request("reply markup is too long")
    for button in buttons:
        if not isinstance(button, dict):
            raise bad_request(
                "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
            )
        if not isinstance(button.get("text"), str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "text" must be of type String'
            )
        if not button["text"].strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        actions = [key for key in _INLINE_BUTTON_ACTIONS if button.get(key) is not None]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        if len(actions) > 1:
            raise bad_request(
                "can't parse inline keyboard button: exactly one of the optional fields must "
                f"be used, got {actions}"
            )
        if "callback_data" in actions:
            data = button["callback_data"]
            if not isinstance(data, str) or not (
                1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
            ):
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in actions and not check_link(str(button["url"])):
            raise bad_request(
                f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
            )


def _validate_reply_keyboard(keyboard: Any) -> None:
    """Reply keyboard rules: rows of strings or objects with a non-empty text."""
    if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
        raise bad_request(
            'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
        )
    for row in keyboard:
        for button in row:
            text = (
                button
                if isinstance(button, str)
                else (button.get("text") if isinstance(button, dict) else None)
            )
            if not isinstance(text, str) or not text:
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )


def iter_buttons(markup: JSON | None) -> Iterable[JSON]:
    """Yield the inline buttons of a reply_markup dict (handy in test assertions)."""
    for row in (markup or {}).get("inline_keyboard", []):
        yield from row


@pytest_asyncio.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """Pytest fixture: a started ``FakeTelegram`` per test, stopped afterwards.

    Import it into a conftest (``from tests.fake_telegram import fake_telegram``) to use it.
    """
    async with FakeTelegram() as fake:
        yield fake
