"""Settings from the environment (and a `.env` file), validated once at start-up.

Every value is checked before anything starts, with a message that says which variable
is wrong and what a right value looks like, so a misconfigured deployment fails loudly at
boot instead of quietly at the first attendee's question.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from bot.content.limits import MB, LoadLimits
from bot.matching.matcher import MatchSettings

DEFAULT_API_URL = "https://api.telegram.org/bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
DEFAULT_PORT = 8443
DEFAULT_WEB_PORT = 8080  # the Mini App's server in polling mode (and the local preview)
# Telegram's own rule for setWebhook's secret_token (sent back in a request header).
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Announcements per second. Telegram allows about 30 in bulk; replies go first in the
# pacer (bot.pacing) and the timing jitter on the way to Telegram is accounted for there,
# so announcements may ask for all of it and get what replies leave.
DEFAULT_BROADCAST_RATE = 30.0
# With BROADCAST_PAID=on (Telegram's paid broadcasts, allow_paid_broadcast) up to 1,000 a
# second, charged in Stars: this is also the default rate then.
MAX_BROADCAST_RATE = 1000.0
PAID_BROADCAST_RATE = MAX_BROADCAST_RATE
ON_WORDS = ("on", "true", "yes", "1")
OFF_WORDS = ("off", "false", "no", "0", "")

# Matcher thresholds can be tuned per event without touching code.
MATCH_ENV = {
    "MATCH_ANSWER_THRESHOLD": "answer_threshold",
    "MATCH_ANSWER_MARGIN": "answer_margin",
    "MATCH_SUGGEST_THRESHOLD": "suggest_threshold",
    "MATCH_SUGGEST_WINDOW": "suggest_window",
    "MATCH_SUGGESTION_FLOOR": "suggestion_floor",
    "MATCH_CLEAR_THRESHOLD": "clear_threshold",
    "MATCH_CLEAR_MARGIN": "clear_margin",
}


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says how to fix it."""


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """SCHEDULE_*: where the live programme is exported, and how it is fetched.

    `format` and `timezone` are passed to the importer as `--format` and `--timezone` are
    (None: detected from the content / taken from the export or the running agenda).
    """

    url: str | None = None
    poll_minutes: float = 10.0
    format: str | None = None
    timezone: str | None = None
    max_bytes: int = 20 * MB
    timeout_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class Settings:
    agenda_path: Path = Path("agenda.yaml")
    faq_dir: Path = Path("faq")
    bot_now: datetime | None = None
    match: MatchSettings = field(default_factory=MatchSettings)
    token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    organiser_ids: frozenset[int] = frozenset()
    organiser_chat_id: int | None = None
    database_path: Path = Path("data/bot.sqlite3")
    log_level: str = "INFO"
    broadcast_rate: float = DEFAULT_BROADCAST_RATE
    # Announcements as paid broadcasts (allow_paid_broadcast): faster, and charged in Stars.
    broadcast_paid: bool = False
    log_format: str = "text"
    # Webhook mode (the `web` process): on when webhook_url is set; otherwise long polling.
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    port: int = DEFAULT_PORT
    # Ceilings of a content load (check, start-up, /reload): CONTENT_MAX_FILE_MB,
    # CONTENT_MAX_TOTAL_MB and CONTENT_LOAD_SECONDS.
    content_limits: LoadLimits = field(default_factory=LoadLimits)
    # The optional meaning layer: a model folder or a fastembed model name (docs/matching.md).
    semantic_model: str | None = None
    # Live schedule sync (bot.schedule_sync): on when schedule.url is set.
    schedule: ScheduleSettings = field(default_factory=lambda: ScheduleSettings())
    # The Mini App: WEB_URL is its public HTTPS address (no WEB_URL: no Mini App buttons);
    # in polling mode it is served on WEB_PORT, in webhook mode by the webhook server.
    web_url: str | None = None
    web_port: int = DEFAULT_WEB_PORT
    # Learning from attendees' picks (issue 17): distinct attendees needed for a proposal
    # (LEARN_MIN_PICKS), and whether proposals apply without an organiser's tap (LEARN_AUTO).
    learn_min_picks: int = 2
    learn_auto: bool = False


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=value lines; '#' comments, optional quotes and `export`. No interpolation."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def environment(dotenv: Path | None = Path(".env")) -> dict[str, str]:
    """The process environment over `.env`: a real environment variable always wins."""
    merged = read_dotenv(dotenv) if dotenv else {}
    merged.update(os.environ)
    return merged


def _int_list(name: str, raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(
                f"{name}: '{part}' is not a numeric Telegram user id "
                "(comma-separated numbers, e.g. 11111111,22222222; ask @userinfobot for yours)"
            ) from None
    return frozenset(ids)


def _match_settings(env: Mapping[str, str]) -> MatchSettings:
    overrides: dict[str, float] = {}
    for name, attribute in MATCH_ENV.items():
        raw = env.get(name, "").strip()
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(f"{name}: '{raw}' is not a number between 0 and 1") from None
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{name}: {value} is outside 0..1")
        overrides[attribute] = value
    defaults = MatchSettings()
    values = {f.name: getattr(defaults, f.name) for f in fields(MatchSettings)}
    values.update(overrides)
    return MatchSettings(**values)


def _broadcast_paid(env: Mapping[str, str]) -> bool:
    raw = env.get("BROADCAST_PAID", "").strip().lower()
    if raw in ON_WORDS:
        return True
    if raw in OFF_WORDS:
        return False
    raise ConfigError(
        f"BROADCAST_PAID: '{raw}' is neither on nor off (on sends announcements as Telegram's "
        "paid broadcasts, up to 1,000 a second for 0.1 Star each; the bot needs Stars on its "
        "balance for that)"
    )


def _broadcast_rate(env: Mapping[str, str], paid: bool) -> float:
    raw = env.get("BROADCAST_RATE", "").strip()
    if not raw:
        return PAID_BROADCAST_RATE if paid else DEFAULT_BROADCAST_RATE
    try:
        rate = float(raw)
    except ValueError:
        raise ConfigError(
            f"BROADCAST_RATE: '{raw}' is not a number of messages per second "
            f"(e.g. {DEFAULT_BROADCAST_RATE:g}; Telegram allows about 30)"
        ) from None
    if not 0 < rate <= MAX_BROADCAST_RATE:
        raise ConfigError(
            f"BROADCAST_RATE: {rate:g} must be above 0 and at most {MAX_BROADCAST_RATE:g} "
            f"messages per second (the default {DEFAULT_BROADCAST_RATE:g} suits Telegram's "
            "limit of about 30)"
        )
    if not paid and rate > DEFAULT_BROADCAST_RATE:
        raise ConfigError(
            f"BROADCAST_RATE: {rate:g} is above Telegram's free limit of "
            f"{DEFAULT_BROADCAST_RATE:g} messages per second; faster announcements need "
            "BROADCAST_PAID=on (paid broadcasts, charged in Stars)"
        )
    return rate


def _positive_number(env: Mapping[str, str], name: str, default: float, unit: str) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise ConfigError(
            f"{name}: '{raw}' is not a positive number of {unit} (default {default:g})"
        )
    return value


def _content_limits(env: Mapping[str, str]) -> LoadLimits:
    """How large and slow a content load may be before it is refused (see content.limits)."""
    defaults = LoadLimits()
    file_mb = _positive_number(
        env, "CONTENT_MAX_FILE_MB", defaults.max_file_bytes / MB, "megabytes per file"
    )
    total_mb = _positive_number(
        env, "CONTENT_MAX_TOTAL_MB", defaults.max_total_bytes / MB, "megabytes in all"
    )
    seconds = _positive_number(env, "CONTENT_LOAD_SECONDS", defaults.seconds, "seconds")
    if total_mb < file_mb:
        raise ConfigError(
            f"CONTENT_MAX_TOTAL_MB: {total_mb:g} is below CONTENT_MAX_FILE_MB ({file_mb:g}); "
            "the total must allow at least one file of the largest size"
        )
    return LoadLimits(
        max_file_bytes=int(file_mb * MB),
        max_total_bytes=int(total_mb * MB),
        max_values=defaults.max_values,
        max_depth=defaults.max_depth,
        seconds=seconds,
    )


def _schedule(env: Mapping[str, str]) -> ScheduleSettings:
    """SCHEDULE_URL, SCHEDULE_POLL (minutes), SCHEDULE_FORMAT, SCHEDULE_TIMEZONE,
    SCHEDULE_MAX_MB and SCHEDULE_TIMEOUT (seconds)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from bot.content.imports import FORMAT_ALIASES, FORMATS

    defaults = ScheduleSettings()
    url = env.get("SCHEDULE_URL", "").strip() or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise ConfigError(f"SCHEDULE_URL: '{url}' must start with http:// or https://")
    fmt = env.get("SCHEDULE_FORMAT", "").strip().lower() or None
    if fmt is not None and FORMAT_ALIASES.get(fmt, fmt) not in FORMATS:
        raise ConfigError(
            f"SCHEDULE_FORMAT: '{fmt}' is not one of {', '.join(FORMATS)} "
            "(leave it empty to detect the format from the export)"
        )
    timezone = env.get("SCHEDULE_TIMEZONE", "").strip() or None
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"SCHEDULE_TIMEZONE: '{timezone}' is not a time zone name "
                "(e.g. Asia/Karachi or Europe/Berlin)"
            ) from None
    max_mb = _positive_number(env, "SCHEDULE_MAX_MB", defaults.max_bytes / MB, "megabytes")
    return ScheduleSettings(
        url=url,
        poll_minutes=_positive_number(env, "SCHEDULE_POLL", defaults.poll_minutes, "minutes"),
        format=fmt,
        timezone=timezone,
        max_bytes=int(max_mb * MB),
        timeout_seconds=_positive_number(
            env, "SCHEDULE_TIMEOUT", defaults.timeout_seconds, "seconds"
        ),
    )


def _webhook(env: Mapping[str, str]) -> tuple[str | None, str | None, int]:
    """WEBHOOK_URL, WEBHOOK_SECRET and PORT, each checked with a message that says why."""
    url = env.get("WEBHOOK_URL", "").strip() or None
    if url is not None and not url.startswith("https://"):
        raise ConfigError(
            f"WEBHOOK_URL: '{url}' must start with https:// (Telegram only calls HTTPS "
            "webhooks; the proxy in front of the bot terminates TLS), e.g. "
            "https://my-bot.herokuapp.com"
        )
    secret = env.get("WEBHOOK_SECRET", "").strip() or None
    if secret is not None and not WEBHOOK_SECRET_PATTERN.fullmatch(secret):
        raise ConfigError(
            "WEBHOOK_SECRET: must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - "
            "(Telegram's rule); leave it unset and the bot generates one and keeps it in "
            "the database"
        )
    raw_port = env.get("PORT", "").strip()
    port = DEFAULT_PORT
    if raw_port:
        try:
            port = int(raw_port)
        except ValueError:
            raise ConfigError(
                f"PORT: '{raw_port}' is not a port number (1-65535, default {DEFAULT_PORT})"
            ) from None
        if not 1 <= port <= 65535:
            raise ConfigError(f"PORT: {port} is outside 1-65535 (default {DEFAULT_PORT})")
    return url, secret, port


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(
            f"{name}: '{raw}' is not a port number (1-65535, default {default})"
        ) from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"{name}: {port} is outside 1-65535 (default {default})")
    return port


def _web(env: Mapping[str, str]) -> tuple[str | None, int]:
    """WEB_URL (the Mini App's public HTTPS address) and WEB_PORT, checked."""
    url = env.get("WEB_URL", "").strip().rstrip("/") or None
    if url is not None and not re.fullmatch(r"https://[^\s/?#]+(/[^\s?#]*)?", url):
        raise ConfigError(
            f"WEB_URL: '{url}' must be an https:// address without a query (Telegram opens "
            "Mini Apps over HTTPS only), e.g. https://bot.example.org — the same host you "
            "gave @BotFather with /setdomain"
        )
    return url, _port(env, "WEB_PORT", DEFAULT_WEB_PORT)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Validate everything; raise ConfigError naming the first bad variable."""
    env = environment() if env is None else env
    bot_now = None
    raw_now = env.get("BOT_NOW", "").strip()
    if raw_now:
        try:
            bot_now = datetime.fromisoformat(raw_now)
        except ValueError:
            raise ConfigError(
                f"BOT_NOW: '{raw_now}' is not an ISO-8601 date and time "
                "(e.g. 2027-02-16T10:30, conference local time, or with an offset)"
            ) from None
    organiser_chat_id = None
    raw_chat = env.get("ORGANISER_CHAT_ID", "").strip()
    if raw_chat:
        try:
            organiser_chat_id = int(raw_chat)
        except ValueError:
            raise ConfigError(
                f"ORGANISER_CHAT_ID: '{raw_chat}' is not a numeric chat id "
                "(group ids are negative, e.g. -1001234567890)"
            ) from None
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL: '{log_level}' is not one of {', '.join(LOG_LEVELS)}")
    log_format = env.get("LOG_FORMAT", "text").strip().lower() or "text"
    if log_format not in LOG_FORMATS:
        raise ConfigError(
            f"LOG_FORMAT: '{log_format}' is not one of {', '.join(LOG_FORMATS)} "
            "(json writes one JSON object per line, for log collectors)"
        )
    webhook_url, webhook_secret, port = _webhook(env)
    broadcast_paid = _broadcast_paid(env)
    web_url, web_port = _web(env)
    api_url = env.get("BOT_API_URL", "").strip() or DEFAULT_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"BOT_API_URL: '{api_url}' must start with http:// or https://")
    token = env.get("BOT_TOKEN", "").strip() or None
    if token is not None and (":" not in token or not token.split(":", 1)[0].isdigit()):
        raise ConfigError(
            "BOT_TOKEN: this does not look like a bot token (it should look like "
            "123456789:AA...; @BotFather gives it to you)"
        )
    return Settings(
        agenda_path=Path(env.get("AGENDA_PATH", "").strip() or "agenda.yaml"),
        faq_dir=Path(env.get("FAQ_DIR", "").strip() or "faq"),
        bot_now=bot_now,
        match=_match_settings(env),
        token=token,
        api_url=api_url,
        organiser_ids=_int_list("ORGANISER_IDS", env.get("ORGANISER_IDS", "")),
        organiser_chat_id=organiser_chat_id,
        database_path=Path(env.get("DATABASE_PATH", "").strip() or "data/bot.sqlite3"),
        log_level=log_level,
        broadcast_rate=_broadcast_rate(env, broadcast_paid),
        broadcast_paid=broadcast_paid,
        log_format=log_format,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        port=port,
        content_limits=_content_limits(env),
        semantic_model=env.get("MATCH_SEMANTIC_MODEL", "").strip() or None,
        schedule=_schedule(env),
        web_url=web_url,
        web_port=web_port,
        learn_min_picks=_learn_min_picks(env),
        learn_auto=_on_off(env, "LEARN_AUTO", default=False),
    )


def _learn_min_picks(env: Mapping[str, str]) -> int:
    raw = env.get("LEARN_MIN_PICKS", "").strip()
    if not raw:
        return 2
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise ConfigError(
            f"LEARN_MIN_PICKS: '{raw}' is not a whole number from 1 to 1000 (default 2: "
            "two different attendees picking the same entry for the same wording)"
        )
    return int(raw)


def _on_off(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"on", "yes", "true", "1"}:
        return True
    if raw in {"off", "no", "false", "0"}:
        return False
    raise ConfigError(f"{name}: '{raw}' is not on or off (default {'on' if default else 'off'})")
