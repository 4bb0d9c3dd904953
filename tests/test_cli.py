"""The organisers' command line, run as a real subprocess where it matters."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.content_builder import FAQ, write_content

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def content_env(tmp_path, monkeypatch):
    agenda, faq = write_content(tmp_path)
    monkeypatch.setenv("AGENDA_PATH", str(agenda))
    monkeypatch.setenv("FAQ_DIR", str(faq))
    monkeypatch.setenv("BOT_NOW", "2027-02-16T09:10")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_check_passes_on_valid_content(content_env):
    code, out, _ = run("check")
    assert code == 0
    assert out.strip() == "OK: 3 FAQ entries, 4 sessions, 2 speakers"


def test_check_lists_every_problem_and_exits_1(content_env):
    broken = FAQ.replace("    variants:\n      - Where can I park", "    varients:\n      - Where")
    broken = broken.replace("Registration closes on 10 February.", '""')
    (content_env / "faq" / "venue.yaml").write_text(broken, encoding="utf-8")
    code, out, err = run("check")
    assert code == 1 and out == ""
    assert "2 problems" in err
    assert "did you mean 'variants'" in err and "field 'answer'" in err


def test_ask_prints_decision_answer_and_candidates(content_env):
    code, out, _ = run("ask", "registration", "kab", "band", "hogi")
    assert code == 0
    assert "Decision: answer" in out
    assert "Registration closes on 10 February." in out
    assert "faq      registration-deadline" in out


def test_ask_without_question_is_a_usage_error(content_env):
    code, _, err = run("ask")
    assert code == 2 and "Usage" in err


def test_ask_json_shape_and_order(content_env):
    questions = "wifi\n\nwhat's on now\nis there a bowling alley\nctf\n"
    code, out, _ = run("ask", "--json", stdin=questions)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in rows] == [
        "wifi",
        "",
        "what's on now",
        "is there a bowling alley",
        "ctf",
    ]
    for row in rows:
        assert set(row) == {"question", "decision", "answer", "suggestions", "candidates"}
        assert row["decision"] in {"answer", "suggest", "none"}
        for candidate in row["candidates"]:
            assert set(candidate) == {"kind", "id", "label", "score"}
            assert candidate["kind"] in {"faq", "session", "speaker"}
            assert 0 <= candidate["score"] <= 1
    wifi, blank, now, bowling, _ = rows
    assert wifi["decision"] == "answer" and wifi["answer"].startswith('Join "TSC-Guest"')
    assert wifi["candidates"][0] == {
        **wifi["candidates"][0],
        "kind": "faq",
        "id": "wifi",
        "label": "Is there Wi-Fi at the venue?",
    }
    assert blank["decision"] == "none" and blank["answer"] is None
    assert now["decision"] == "answer" and "Opening keynote" in now["answer"]
    assert bowling["decision"] == "none" and bowling["suggestions"] == []


def test_ask_json_handles_thousands_of_lines_in_one_process(content_env):
    lines = [
        "wifi password",
        "parking kahan hai",
        "رجسٹریشن کب بند ہوگی",
        "x" * 5000,
        "<b> & * _ [",
        "🙂",
    ] * 500
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=content_env,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert len(rows) == 3000
    parsed = [json.loads(r) for r in rows]
    assert [p["question"] for p in parsed] == lines
    assert parsed[0]["candidates"][0]["id"] == "wifi"


def test_run_without_token_says_how_to_get_one(content_env):
    code, _, err = run()
    assert code == 2
    assert "@BotFather" in err and "python -m bot ask" in err


def test_bad_configuration_exits_2(content_env, monkeypatch):
    monkeypatch.setenv("BOT_NOW", "next tuesday")
    code, _, err = run("check")
    assert code == 2 and "BOT_NOW" in err


def test_bundled_sample_passes_check(monkeypatch):
    for name in ("AGENDA_PATH", "FAQ_DIR", "BOT_NOW"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)
    code, out, _ = run("check")
    assert code == 0 and out.startswith("OK: ")


def test_check_warns_when_two_synonym_groups_claim_one_word(content_env):
    faq = FAQ.replace(
        "  - [wifi, wi-fi, internet, wireless]",
        "  - [wifi, wi-fi, internet, wireless]\n  - [fee, charges]\n  - [charging, charge]",
    )
    (content_env / "faq" / "venue.yaml").write_text(faq, encoding="utf-8")
    code, out, _ = run("check")
    assert code == 0
    assert "warning: synonym 'charge' means the same" in out and "[fee, charges]" in out
