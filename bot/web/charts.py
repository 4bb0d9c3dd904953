"""Server-rendered SVG charts for the desk: no chart library, no script, no build step.

Why by hand: the desk needs four plain bar charts; an SVG string built here is a few
hundred bytes, needs nothing in the browser, and every label passes through `escape`,
so an attendee's wording or an entry's title can never inject markup. Text uses
`currentColor`, so the charts follow Telegram's light or dark theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

COLOURS = ("#2e7d32", "#f9a825", "#c62828", "#1565c0", "#6d4c41")
BAR = 18  # px per horizontal bar
LABEL_WIDTH = 150
WIDTH = 340  # fits a 360 px screen with the page's padding


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    colour: str


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="currentColor" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _svg(height: float, body: Sequence[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stacked_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    values: Sequence[Sequence[int]],
    empty: str,
    *,
    legend: bool = True,
) -> str:
    """One horizontal bar per label, split by series (values[row][series])."""
    if not labels:
        return _svg(24, [_text(4, 16, empty)], title)
    legend_height = 20 if legend else 4
    height = legend_height + len(labels) * (BAR + 4) + 4
    biggest = max((sum(row) for row in values), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 40) / biggest
    body: list[str] = []
    x = 0.0
    for item in series if legend else ():
        body.append(f'<rect x="{x:.1f}" y="4" width="10" height="10" fill="{item.colour}"/>')
        body.append(_text(x + 14, 13, item.name))
        x += 14 + 7 * len(item.name) + 12
    for index, (label, row) in enumerate(zip(labels, values, strict=True)):
        y = legend_height + index * (BAR + 4)
        body.append(_text(LABEL_WIDTH - 6, y + BAR - 5, _short(label), anchor="end"))
        left = float(LABEL_WIDTH)
        for value, item in zip(row, series, strict=True):
            if value <= 0:
                continue
            width = value * scale
            body.append(
                f'<rect x="{left:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
                f'fill="{item.colour}"><title>{escape(item.name)}: {value}</title></rect>'
            )
            left += width
        body.append(_text(left + 4, y + BAR - 5, str(sum(row))))
    return _svg(height, body, title)


def bars(title: str, labels: Sequence[str], values: Sequence[int], empty: str) -> str:
    """A single-series horizontal bar chart."""
    series = [Series(title, COLOURS[3])]
    return stacked_bars(title, labels, series, [[v] for v in values], empty, legend=False)
