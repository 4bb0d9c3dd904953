"""URL- and file-name-safe slugs: the one way the bot makes them.

Used for ids of imported programmes (bot.content.imports), FAQ ids written by `export`,
calendar UIDs and .ics file names, so "NCSC 2027" becomes "ncsc-2027" wherever it appears.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str, *, max_length: int | None = None) -> str:
    """Lower-case ASCII letters and digits joined by '-'; accents are dropped, not the letter.

    `fallback` when nothing is left (a name in Urdu script, say); cut to `max_length`
    without a trailing '-'.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    made = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if max_length is not None:
        made = made[:max_length].rstrip("-")
    return made or fallback
