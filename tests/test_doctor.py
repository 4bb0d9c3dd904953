"""`python -m bot doctor` against the fake Bot API server and real files."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from bot.doctor import doctor
from tests.content_builder import FAQ, write_content
from tests.fake_telegram import FakeTelegram


def environment(tmp_path: Path, fake: FakeTelegram, token: str | None = None) -> dict[str, str]:
    agenda, faq = write_content(tmp_path)
    return {
        "AGENDA_PATH": str(agenda),
        "FAQ_DIR": str(faq),
        "BOT_TOKEN": token or fake.token,
        "BOT_API_URL": fake.base_url,
        "DATABASE_PATH": str(tmp_path / "db" / "bot.sqlite3"),
        "ORGANISER_IDS": "42",
    }


async def run_doctor(env: dict[str, str]) -> tuple[int, str]:
    out = io.StringIO()
    code = await asyncio.to_thread(doctor, out, env)
    return code, out.getvalue()


async def test_all_checks_pass_on_a_ready_deployment(tmp_path):
    async with FakeTelegram() as fake:
        code, out = await run_doctor(environment(tmp_path, fake))
    assert code == 0, out
    assert "[ok  ] telegram: token accepted: @ncsc_test_bot" in out
    assert "schema version" in out and "All checks passed." in out


async def test_a_rejected_token_is_reported_without_being_printed(tmp_path):
    async with FakeTelegram() as fake:
        bad = "999999:WRONG-TOKEN-VALUE"
        code, out = await run_doctor(environment(tmp_path, fake, token=bad))
    assert code == 1
    assert "Telegram rejected BOT_TOKEN" in out
    assert "WRONG-TOKEN-VALUE" not in out


async def test_content_and_database_problems_say_how_to_fix(tmp_path):
    async with FakeTelegram() as fake:
        env = environment(tmp_path, fake)
        broken = FAQ.replace("answer: Parking is free in the east car park.", "answer:")
        Path(env["FAQ_DIR"], "venue.yaml").write_text(broken, encoding="utf-8")
        (tmp_path / "blocker").write_text("a file where a folder should be")
        env["DATABASE_PATH"] = str(tmp_path / "blocker" / "bot.sqlite3")
        code, out = await run_doctor(env)
    assert code == 1
    assert "[FAIL] content: 1 problem(s); run `python -m bot check`" in out
    assert "[FAIL] database:" in out and "DATABASE_PATH" in out


async def test_unreachable_api_and_bad_configuration(tmp_path):
    async with FakeTelegram() as fake:
        env = environment(tmp_path, fake)
    env["BOT_API_URL"] = "http://127.0.0.1:9/bot"  # nothing listens on the discard port
    code, out = await run_doctor(env)
    assert code == 1 and "cannot reach the Bot API" in out and env["BOT_TOKEN"] not in out
    env["ORGANISER_IDS"] = "alice"
    code, out = await run_doctor(env)
    assert code == 1 and "[FAIL] configuration: ORGANISER_IDS" in out
