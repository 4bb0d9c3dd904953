"""LEARN_MIN_PICKS and LEARN_AUTO: read, defaulted, and refused with a clear message."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def test_learning_settings() -> None:
    defaults = load_settings({})
    assert (defaults.learn_min_picks, defaults.learn_auto) == (2, False)
    chosen = load_settings({"LEARN_MIN_PICKS": "3", "LEARN_AUTO": "on"})
    assert (chosen.learn_min_picks, chosen.learn_auto) == (3, True)
    assert load_settings({"LEARN_AUTO": "no"}).learn_auto is False
    for name, raw in (("LEARN_MIN_PICKS", "0"), ("LEARN_MIN_PICKS", "two"), ("LEARN_AUTO", "?")):
        with pytest.raises(ConfigError, match=name):
            load_settings({name: raw})
