"""The domain never imports python-telegram-bot: only the Telegram layer may.

Why: the matcher, storage, content and command line must run (and be tested, and be used by
organisers' scripts) without the bot framework; keeping telegram to one layer also keeps
every Telegram limit in one place (bot/render.py).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
# telegram_sender.py is the announcements engine's Telegram adapter and transport.py the
# HTTP client PTB sends through, polling.py the guard on getUpdates: all part of that layer.
# announcement_engine.py starts the (Telegram-free) broadcast engine beside the application.
TELEGRAM_LAYER = {
    "announcement_engine.py",
    "app.py",
    "polling.py",
    "render.py",
    "telegram_sender.py",
    "transport.py",
}
# The Mini App (bot/web) is plain aiohttp over the core; only its two named bridges touch
# the Telegram layer: the desk's relay and menu buttons, and the preview that runs the bot.
WEB_BRIDGES = {"web/telegram_side.py", "web/preview.py"}
HANDLERS = BOT / "handlers"
# Modules every feature may use; they are not features and import none.
SHARED_HANDLER_MODULES = {"context", "sending", "guards", "stars"}
# bot/handlers/__init__.py wires the features together (register), so it imports them all.
WIRING = "__init__"


def imported_modules(path: Path) -> set[str]:
    """Every module an import statement in `path` names (`from a import b` gives a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def imports_telegram(path: Path) -> bool:
    return any(
        name == "telegram" or name.startswith("telegram.") for name in imported_modules(path)
    )


def handler_modules_imported(path: Path) -> set[str]:
    """The bot.handlers modules `path` imports, by short name."""
    prefix = "bot.handlers."
    return {
        name[len(prefix) :].split(".")[0]
        for name in imported_modules(path)
        if name.startswith(prefix)
    }


def test_only_the_telegram_layer_imports_telegram():
    offenders = [
        str(path.relative_to(BOT))
        for path in sorted(BOT.rglob("*.py"))
        if path.parent.name != "handlers"
        and path.name not in TELEGRAM_LAYER
        and path.relative_to(BOT).as_posix() not in WEB_BRIDGES
        and imports_telegram(path)
    ]
    assert offenders == []


def test_the_mini_app_core_stays_apart_from_telegram_and_the_handlers():
    """bot/web's pages and API run in the preview and in tests without the bot: only the
    bridges may reach the handlers, render.py or app.py (directly or through each other)."""
    telegram_side = {"bot.app", "bot.render", "bot.telegram_sender", "bot.transport"}
    bridges = {"bot.web.telegram_side", "bot.web.preview"}
    offenders = []
    for path in sorted((BOT / "web").glob("*.py")):
        if path.relative_to(BOT).as_posix() in WEB_BRIDGES:
            continue
        for name in imported_modules(path):
            if (
                name == "telegram"
                or name.startswith(("telegram.", "bot.handlers"))
                or name in telegram_side
                or name in bridges
            ):
                offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_web_route_modules_share_the_api_module_not_the_servers_private_helpers():
    """The checks every Mini App route needs live in bot/web/api.py, public: a route module
    (live Q&A, feedback, the desk, ...) imports them from there, never the server itself nor
    another web module's underscore helpers, so a check is never wired twice."""
    offenders = []
    for path in sorted((BOT / "web").glob("*.py")):
        route_module = path.name != "server.py" and (
            path.relative_to(BOT).as_posix() not in WEB_BRIDGES
        )
        for name in imported_modules(path):
            parent, _, attribute = name.rpartition(".")
            private = attribute.startswith("_") and not attribute.startswith("__")
            server = name == "bot.web.server" and route_module
            if (parent.startswith("bot.web") and private) or server:
                offenders.append(f"{path.name}: {name}")
    assert offenders == []


# SQL lives in bot/storage/ only: the schema, its migrations and every query in one package,
# so a change of table is found (and reviewed) in one place.
STORAGE = BOT / "storage"
SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WITH)\s")


def speaks_sql(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL_START.match(node.value):
                return True
            continue
        else:
            continue
        if "aiosqlite" in names:
            return True
    return False


def test_only_storage_speaks_sql():
    offenders = [
        str(path.relative_to(BOT))
        for path in sorted(BOT.rglob("*.py"))
        if STORAGE not in path.parents and speaks_sql(path)
    ]
    assert offenders == []
    assert speaks_sql(STORAGE / "questions.py")  # the check can see SQL where there is some


def test_feature_handlers_never_import_each_other():
    """Each feature can be read, changed and tested alone; shared code is in shared modules."""
    features = {
        path.stem for path in HANDLERS.glob("*.py") if path.stem not in SHARED_HANDLER_MODULES
    } - {WIRING}
    assert {"questions", "browse", "account", "unanswered", "announcements"} <= features
    assert {"my_schedule", "inline"} <= features
    offenders = {
        path.stem: sorted(handler_modules_imported(path) & features)
        for path in sorted(HANDLERS.glob("*.py"))
        if path.stem != WIRING and handler_modules_imported(path) & features
    }
    assert offenders == {}


def test_shared_handler_modules_exist_and_import_only_each_other():
    present = {path.stem for path in HANDLERS.glob("*.py")}
    assert present >= SHARED_HANDLER_MODULES
    for name in sorted(SHARED_HANDLER_MODULES):
        assert handler_modules_imported(HANDLERS / f"{name}.py") <= SHARED_HANDLER_MODULES, name


def test_only_render_builds_keyboards():
    """Every inline keyboard and button is made in bot/render.py, next to Telegram's limits."""
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        if path.name == "render.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("InlineKeyboardButton", "InlineKeyboardMarkup")
            ):
                offenders.append(f"{path.relative_to(BOT)}:{node.lineno}")
    assert offenders == []


def test_the_organiser_poster_and_state_are_core():
    """Like the broadcast engine, the organisers'-chat poster is given a send callable."""
    for name in ("organiser_poster.py", "state.py", "announcement_text.py"):
        assert not imports_telegram(BOT / name), name


# Content (loading, checking, importing programmes) is the base of the core: matching,
# answering and a schedule-sync loop build on it, never the other way round, so an import
# can run in a script or a sync task without the rest of the bot. (bot.slugs is a plain
# text helper shared with exports.)
def bot_modules_imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "bot":
            found.update(f"bot.{alias.name}" for alias in node.names)  # from bot import x
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return {name for name in found if name == "bot" or name.startswith("bot.")}


def test_content_imports_only_content():
    offenders = {
        str(path.relative_to(BOT)): sorted(
            name
            for name in bot_modules_imported(path)
            if not name.startswith("bot.content") and name != "bot.slugs"
        )
        for path in sorted((BOT / "content").rglob("*.py"))
    }
    assert {file: names for file, names in offenders.items() if names} == {}


def test_nothing_patches_the_rate_limiter():
    """Every message waits in the one pacer through the limiter's `on_send` hook; nobody
    wraps or replaces `process_request` at run time (that is how sends escaped it once)."""
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "process_request":
                    offenders.append(f"{path.relative_to(BOT)}:{node.lineno}")
    assert offenders == []


# Programme changes are core: the comparison, the notices' texts and the sync loop never
# reach into the Telegram layer; the application hands them callbacks instead (the preview
# and the sync alerts are sent by bot.handlers.programme_changes).
CHANGE_CORE = ("programme_changes.py", "change_notices.py", "schedule_sync.py")


def test_programme_changes_and_sync_are_core():
    for name in CHANGE_CORE:
        reached = {
            module
            for module in bot_modules_imported(BOT / name)
            if module.startswith(("bot.handlers", "bot.app", "bot.render", "bot.announcement_"))
        }
        assert not imports_telegram(BOT / name) and reached == set(), (name, reached)
    # The comparison itself needs nothing but the content model.
    assert bot_modules_imported(BOT / "programme_changes.py") == {"bot.content.models"}


# Learning (issue 17): the learner is core (storage, matching, a daemon-thread rebuild);
# the matcher's side of it knows nothing of where learned phrasings are stored.
def test_learning_is_core_and_its_matcher_side_knows_no_storage():
    assert not imports_telegram(BOT / "learning.py")
    imported = bot_modules_imported(BOT / "matching" / "learned.py")
    assert {name for name in imported if name.startswith(("bot.storage", "bot.learning"))} == set()


# Questions to the speaker must never be matched against the FAQ nor enter the unanswered
# log: the live Q&A modules may not reach the matcher, the decision or the question log.
LIVE_QA_MODULES = (
    "live_qa.py",
    "live_qa_service.py",
    "live_qa_export.py",
    "handlers/live_qa.py",
    "storage/live_qa.py",
    "web/live_qa.py",
)
KEPT_FROM_LIVE_QA = (
    "bot.matching",
    "bot.answering.decide",
    "bot.question_log",
    "bot.storage.questions",
)


def test_live_qa_stays_out_of_the_matcher_and_the_log():
    offenders = {
        module: sorted(
            name for name in imported_modules(BOT / module) if name.startswith(KEPT_FROM_LIVE_QA)
        )
        for module in LIVE_QA_MODULES
    }
    assert {module: names for module, names in offenders.items() if names} == {}


FEEDBACK_CORE = ("feedback.py", "feedback_export.py", "storage/feedback.py")
FEEDBACK_MODULES = (*FEEDBACK_CORE, "handlers/feedback.py")
KEPT_FROM_FEEDBACK_CORE = ("telegram", "bot.handlers", "bot.render", "bot.app")


def test_feedback_is_core_and_comments_stay_out_of_the_matcher_and_the_log():
    """Who is prompted, the 2-hour batching and the results are plain Python (the desk and
    the export call them without the bot); a comment is never matched or logged."""
    offenders = {
        module: sorted(
            name
            for name in imported_modules(BOT / module)
            if name.startswith(KEPT_FROM_LIVE_QA)
            or (module in FEEDBACK_CORE and name.startswith(KEPT_FROM_FEEDBACK_CORE))
            or name.startswith(("bot.announcement_engine", "bot.telegram_sender"))
        )
        for module in FEEDBACK_MODULES
    }
    assert {module: names for module, names in offenders.items() if names} == {}
