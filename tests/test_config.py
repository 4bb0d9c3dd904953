from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.config import DEFAULT_API_URL, ConfigError, load_settings, read_dotenv


def test_defaults():
    settings = load_settings({})
    assert settings.agenda_path == Path("agenda.yaml")
    assert settings.faq_dir == Path("faq")
    assert settings.api_url == DEFAULT_API_URL
    assert settings.database_path == Path("data/bot.sqlite3")
    assert settings.token is None and settings.organiser_ids == frozenset()


def test_values_are_parsed():
    settings = load_settings(
        {
            "BOT_TOKEN": "123:abc",
            "ORGANISER_IDS": "1, 2,3",
            "ORGANISER_CHAT_ID": "-100123",
            "BOT_NOW": "2027-02-16T10:30",
            "LOG_LEVEL": "debug",
            "MATCH_ANSWER_THRESHOLD": "0.7",
        }
    )
    assert settings.organiser_ids == frozenset({1, 2, 3})
    assert settings.organiser_chat_id == -100123
    assert settings.bot_now == datetime(2027, 2, 16, 10, 30)
    assert settings.log_level == "DEBUG"
    assert settings.match.answer_threshold == 0.7


def test_token_is_not_in_repr():
    assert "123:secret" not in repr(load_settings({"BOT_TOKEN": "123:secret"}))


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ORGANISER_IDS": "alice"}, "ORGANISER_IDS"),
        ({"ORGANISER_CHAT_ID": "group"}, "ORGANISER_CHAT_ID"),
        ({"BOT_NOW": "tomorrow"}, "BOT_NOW"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"BOT_API_URL": "ftp://x"}, "BOT_API_URL"),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"MATCH_SUGGEST_THRESHOLD": "2"}, "MATCH_SUGGEST_THRESHOLD"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"WEBHOOK_URL": "http://bot.example.org"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "has spaces"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "dots.not.allowed"}, "WEBHOOK_SECRET"),
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "0"}, "PORT"),
        ({"PORT": "65536"}, "PORT"),
    ],
)
def test_bad_values_name_the_variable(env, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(env)


def test_dotenv_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text("# comment\nexport BOT_TOKEN='123:abc'\nFAQ_DIR=\"my faq\"\n\nJUNK\n")
    assert read_dotenv(path) == {"BOT_TOKEN": "123:abc", "FAQ_DIR": "my faq"}


def test_webhook_and_log_settings():
    settings = load_settings({})
    assert settings.webhook_url is None and settings.port == 8443
    assert settings.log_format == "text"
    settings = load_settings(
        {
            "WEBHOOK_URL": "https://bot.example.org",
            "WEBHOOK_SECRET": "A-z_09" * 10,
            "PORT": "5000",
            "LOG_FORMAT": "JSON",
        }
    )
    assert settings.webhook_url == "https://bot.example.org"
    assert settings.webhook_secret == "A-z_09" * 10 and settings.port == 5000
    assert settings.log_format == "json"
    assert "A-z_09" not in repr(settings)


def test_content_limits_default_to_5_and_50_mb():
    limits = load_settings({}).content_limits
    assert limits.max_file_bytes == 5 * 1024 * 1024
    assert limits.max_total_bytes == 50 * 1024 * 1024
    assert limits.seconds == 20


def test_content_limits_are_settings():
    limits = load_settings(
        {"CONTENT_MAX_FILE_MB": "0.5", "CONTENT_MAX_TOTAL_MB": "8", "CONTENT_LOAD_SECONDS": "3"}
    ).content_limits
    assert limits.max_file_bytes == 512 * 1024
    assert limits.max_total_bytes == 8 * 1024 * 1024
    assert limits.seconds == 3


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CONTENT_MAX_FILE_MB": "lots"}, "CONTENT_MAX_FILE_MB"),
        ({"CONTENT_MAX_FILE_MB": "0"}, "CONTENT_MAX_FILE_MB"),
        ({"CONTENT_MAX_TOTAL_MB": "-1"}, "CONTENT_MAX_TOTAL_MB"),
        ({"CONTENT_MAX_TOTAL_MB": "2"}, "CONTENT_MAX_TOTAL_MB"),  # below the per-file 5
        ({"CONTENT_LOAD_SECONDS": "inf"}, "CONTENT_LOAD_SECONDS"),
        ({"CONTENT_LOAD_SECONDS": "nan"}, "CONTENT_LOAD_SECONDS"),
    ],
)
def test_bad_content_limits_name_the_variable(env, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(env)
