"""How announcement previews and reports say durations."""

from __future__ import annotations

import pytest

from bot.announcement_text import duration, time_until


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(45, "45 s"), (362, "6 min 2 s"), (1800, "30 min"), (3780, "1 h 3 min"), (7200, "2 h")],
)
def test_duration_is_said_for_people(seconds: float, said: str):
    assert duration(seconds) == said


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(1799.2, "30 min"), (1741, "30 min"), (1800, "30 min"), (59, "59 s"), (61, "2 min")],
)
def test_time_until_a_scheduled_send_is_to_the_minute(seconds: float, said: str):
    assert time_until(seconds) == said
