"""What was learned, outside the bot: export-faq-candidates and check (issue 17 §3)."""

from __future__ import annotations

import asyncio
import io
import shutil
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bot.cli import main
from bot.content import load_content
from bot.learning import contained_in_files
from bot.storage import NewLearned, Store
from tests.harness import ROOT

NOW = datetime(2027, 2, 16, 10, 0, tzinfo=UTC)


async def seed(path: Path) -> None:
    async with await Store.open(path) as store:
        for new in (
            NewLearned("wifi", "hotspot ka code", "code hotspot", "organiser", "active", NOW),
            NewLearned(
                "learned-babysitter",
                "babysitter for the little one",
                "babysitt littl one",
                "organiser",
                "active",
                NOW,
                answer="Sorry, no babysitting this year.",
            ),
            NewLearned("learned-babysitter", "any creche", "any crech", "picks", "active", NOW),
            NewLearned("parking", "car kahan", "car kahan", "picks", "proposed", NOW),
        ):
            await store.add_learned(new)


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue() + err.getvalue()


def test_export_and_check(tmp_path: Path, monkeypatch) -> None:
    database = tmp_path / "bot.sqlite3"
    asyncio.run(seed(database))
    site = tmp_path / "site"
    shutil.copytree(ROOT / "faq", site / "faq")
    shutil.copy(ROOT / "agenda.yaml", site / "agenda.yaml")
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("AGENDA_PATH", str(site / "agenda.yaml"))
    monkeypatch.setenv("FAQ_DIR", str(site / "faq"))

    code, out = run("export-faq-candidates")
    assert code == 0
    exported = yaml.safe_load(out)
    assert exported["entries"] == [
        {
            "id": "learned-babysitter",
            "question": "babysitter for the little one",
            "variants": ["any creche"],
            "answer": "Sorry, no babysitting this year.",
        }
    ]
    assert "# Learned phrasings of 'wifi' in venue.yaml: add under its `variants:`" in out
    assert "#   - hotspot ka code" in out
    assert "car kahan" not in out  # a proposal nobody approved is not exported

    code, out = run("check")
    assert code == 0 and "now in the FAQ files" not in out

    # Pasted: the entry file as exported, the phrasing under wifi's variants.
    (site / "faq" / "learned.yaml").write_text(
        yaml.safe_dump({"topic": "Learned", "entries": exported["entries"]}), encoding="utf-8"
    )
    venue = (site / "faq" / "venue.yaml").read_text(encoding="utf-8")
    at = venue.index("variants:", venue.index("id: wifi"))
    venue = venue[:at] + "variants:\n      - hotspot ka code" + venue[at + len("variants:") :]
    (site / "faq" / "venue.yaml").write_text(venue, encoding="utf-8")
    code, out = run("check")
    assert code == 0
    assert "'hotspot ka code' (wifi) is now in the FAQ files" in out
    assert "'babysitter for the little one' (learned-babysitter) is now in the FAQ files" in out
    content = load_content(site / "agenda.yaml", site / "faq")
    assert content.faq_entry("wifi") is not None

    async def rows() -> list:
        async with await Store.open(database) as store:
            return await store.learned("active")

    found = contained_in_files(asyncio.run(rows()), content)
    assert {r.text for r in found} == {
        "hotspot ka code",
        "babysitter for the little one",
        "any creche",
    }
