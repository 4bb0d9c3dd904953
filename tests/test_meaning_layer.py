"""The meaning layer end to end: the bot and /reload, `ask`, `doctor` and start-up errors.

With the tiny model from tests/matching/tiny_model.py (needs the `.[semantic]` extra and
onnx, as CI installs them): what is checked is that the setting reaches every entry point,
not the quality of answers.
"""

from __future__ import annotations

import asyncio
import io
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("fastembed")
pytest.importorskip("onnx")

from bot.answering import Answerer
from bot.cli import EXIT_CONFIG, main
from bot.clock import Clock
from bot.content import load_content
from bot.doctor import doctor
from bot.matching.choice import choose_matcher
from bot.matching.semantic import VectorCache
from tests.content_builder import write_content
from tests.fake_telegram import FakeTelegram
from tests.harness import ATTENDEE, NOW, ORGANISER, RELOAD_WAIT, bot_running
from tests.matching.tiny_model import build_tiny_model

MEALS = """\
topic: Food
entries:
  - id: meals
    question: Is lunch provided?
    variants:
      - Where do we eat?
    answer: Lunch is served in the marquee at 13:00.
"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


def layered_answerer(root: Path, model: Path) -> Answerer:
    agenda, faq = write_content(root)
    content = load_content(agenda, faq)
    vectors = choose_matcher(str(model)).vectors
    return Answerer(content, Clock(content.conference.timezone, NOW), vectors=vectors)


async def test_reload_keeps_the_layer_and_encodes_only_new_phrasings(
    fake: FakeTelegram, tmp_path: Path, tiny_model: Path
):
    root = tmp_path / "content"
    root.mkdir()
    answerer = layered_answerer(root, tiny_model)
    cache = answerer.vectors
    assert isinstance(cache, VectorCache)
    encoded = cache.encoded
    async with bot_running(
        fake, tmp_path, answerer, agenda_path=root / "agenda.yaml", faq_dir=root / "faq"
    ) as h:
        (root / "faq" / "food.yaml").write_text(textwrap.dedent(MEALS), encoding="utf-8")
        ok = await h.say(ORGANISER, "/reload", timeout=RELOAD_WAIT)
        assert ok["text"].startswith("✅ Reloaded: ")
        reloaded = h.state.answerer
        assert reloaded is not answerer and reloaded.vectors is cache
        assert reloaded.matcher.meaning is not None
        assert cache.encoded == encoded + 2  # the new entry's question and variant only
        reply = await h.say(ATTENDEE, "is lunch provided")
        assert "marquee" in reply["text"]


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(""), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def content_env(tmp_path, monkeypatch):
    agenda, faq = write_content(tmp_path)
    monkeypatch.setenv("AGENDA_PATH", str(agenda))
    monkeypatch.setenv("FAQ_DIR", str(faq))
    monkeypatch.setenv("BOT_NOW", "2027-02-16T09:10")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_ask_uses_the_layer_the_setting_names(content_env, monkeypatch, tiny_model):
    monkeypatch.setenv("MATCH_SEMANTIC_MODEL", str(tiny_model))
    code, out, _ = run_cli("ask", "what is the wifi password")
    assert code == 0 and "Decision: answer" in out and "TSC-Guest" in out
    # Entry vectors are kept beside the database, so the next start encodes nothing.
    assert (content_env / "data" / "semantic_vectors.sqlite3").is_file()
    code, again, _ = run_cli("ask", "what is the wifi password")
    assert code == 0 and again == out


def test_a_missing_model_stops_ask_and_run_with_the_setting_named(content_env, monkeypatch):
    monkeypatch.setenv("MATCH_SEMANTIC_MODEL", str(content_env / "no-model"))
    monkeypatch.setenv("BOT_TOKEN", "123456:ABCDEF")
    for argv in (("ask", "wifi"), ("run",)):
        code, out, err = run_cli(*argv)
        assert code == EXIT_CONFIG and out == ""
        assert err.startswith("Configuration problem: MATCH_SEMANTIC_MODEL:")
        assert "build_semantic_model.py" in err


async def test_doctor_names_the_active_matcher(tmp_path: Path, tiny_model: Path):
    agenda, faq = write_content(tmp_path)
    async with FakeTelegram() as fake:
        env = {
            "AGENDA_PATH": str(agenda),
            "FAQ_DIR": str(faq),
            "BOT_TOKEN": fake.token,
            "BOT_API_URL": fake.base_url,
            "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
            "ORGANISER_IDS": "42",
        }
        results = {}
        for model in (None, str(tiny_model), str(tmp_path / "missing")):
            run_env = dict(env, MATCH_SEMANTIC_MODEL=model) if model else env
            out = io.StringIO()
            code = await asyncio.to_thread(doctor, out, run_env)
            results[model] = (code, out.getvalue())
    code, out = results[None]
    assert code == 0 and "[ok  ] matcher: lexical only (MATCH_SEMANTIC_MODEL is not set)" in out
    code, out = results[str(tiny_model)]
    assert code == 0 and "[ok  ] matcher: lexical + meaning layer (tiny test encoder" in out
    code, out = results[str(tmp_path / "missing")]
    assert code == 1 and "[FAIL] matcher: MATCH_SEMANTIC_MODEL: the folder" in out
