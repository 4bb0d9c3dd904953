"""BROADCAST_RATE and BROADCAST_PAID: defaults, parsing and the message for a bad value."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_BROADCAST_RATE, PAID_BROADCAST_RATE, ConfigError, load_settings


def test_default_rate_is_telegrams_free_limit_and_paid_is_off():
    # Replies go first in the pacer, so announcements may ask for all of the 30 a second.
    settings = load_settings({})
    assert settings.broadcast_rate == DEFAULT_BROADCAST_RATE == 30.0
    assert settings.broadcast_paid is False


def test_rate_is_parsed():
    assert load_settings({"BROADCAST_RATE": " 12.5 "}).broadcast_rate == 12.5


@pytest.mark.parametrize("raw", ["fast", "0", "-3", "5000", "nan", "31"])
def test_bad_rates_name_the_variable(raw: str):
    with pytest.raises(ConfigError, match="BROADCAST_RATE"):
        load_settings({"BROADCAST_RATE": raw})


def test_paid_broadcasts_run_at_the_paid_rate_unless_told_otherwise():
    paid = load_settings({"BROADCAST_PAID": "on"})
    assert paid.broadcast_paid is True and paid.broadcast_rate == PAID_BROADCAST_RATE == 1000
    slower = load_settings({"BROADCAST_PAID": "yes", "BROADCAST_RATE": "300"})
    assert slower.broadcast_rate == 300
    assert load_settings({"BROADCAST_PAID": "off"}).broadcast_paid is False


def test_a_rate_above_the_free_limit_asks_for_paid_broadcasts():
    with pytest.raises(ConfigError, match="BROADCAST_PAID=on"):
        load_settings({"BROADCAST_RATE": "100"})


def test_a_bad_paid_switch_names_the_variable():
    with pytest.raises(ConfigError, match="BROADCAST_PAID"):
        load_settings({"BROADCAST_PAID": "maybe"})
