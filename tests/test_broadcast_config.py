"""BROADCAST_RATE: default, parsing and the message for a bad value."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_BROADCAST_RATE, ConfigError, load_settings


def test_default_rate_leaves_room_under_telegrams_limit():
    assert load_settings({}).broadcast_rate == DEFAULT_BROADCAST_RATE == 28.0


def test_rate_is_parsed():
    assert load_settings({"BROADCAST_RATE": " 12.5 "}).broadcast_rate == 12.5


@pytest.mark.parametrize("raw", ["fast", "0", "-3", "5000", "nan"])
def test_bad_rates_name_the_variable(raw: str):
    with pytest.raises(ConfigError, match="BROADCAST_RATE"):
        load_settings({"BROADCAST_RATE": raw})
