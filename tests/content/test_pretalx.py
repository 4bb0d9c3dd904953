"""Importing a pretalx schedule.json export into agenda.yaml (the `import-pretalx` path)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.content import load_content
from bot.content.imports import ProgrammeImportError as PretalxError
from bot.content.imports import import_programme, write_agenda
from tests.content_builder import write_content

EXPORT = Path(__file__).resolve().parents[1] / "data" / "pretalx_schedule.json"


def import_schedule(source: Path, target: Path) -> int:
    """What `import-pretalx` does: read, convert keeping the old agenda, write if it checks."""
    existing = yaml.safe_load(target.read_text(encoding="utf-8")) if target.is_file() else None
    agenda = import_programme(
        source.read_bytes(), "frab-json", existing=existing if isinstance(existing, dict) else None
    )
    write_agenda(agenda, target)
    return agenda.session_count


def convert(schedule: dict) -> dict:
    return import_programme(json.dumps(schedule).encode(), "frab-json").data


def test_converts_rooms_talks_and_deduplicated_speakers(tmp_path):
    _, faq_dir = write_content(tmp_path)
    target = tmp_path / "imported.yaml"
    assert import_schedule(EXPORT, target) == 4
    content = load_content(target, faq_dir)
    assert content.conference.name == "National Cyber Security Conference 2027"
    assert str(content.conference.timezone) == "Asia/Karachi"
    assert [r.name for r in content.rooms] == ["Hall A", "Workshop Lab 1"]
    assert len(content.speakers) == 2  # Sana Rehman appears in three talks, once here
    keynote = content.sessions[0]
    assert keynote.title == "Securing Pakistan's digital frontier"
    assert (keynote.start.hour, keynote.start.minute, keynote.end.minute) == (10, 0, 45)
    assert keynote.kind == "keynote" and keynote.track == "Policy"
    lab = next(s for s in content.sessions if s.title == "Digital forensics lab")
    assert lab.end.hour == 13 and lab.room.name == "Workshop Lab 1"
    assert lab.description == "Acquire and analyse a disk image.\n\nBring a laptop."
    assert [s.name for s in lab.speakers] == ["Amina Yousaf", "Sana Rehman"]


def test_keeps_the_existing_venue_and_short_name(tmp_path):
    target = tmp_path / "agenda.yaml"
    target.write_text(
        "conference:\n  name: NCSC 2027 (our name)\n  short_name: NCSC\n"
        "  timezone: Asia/Karachi\n  venue: {name: Jinnah Convention Centre}\n"
        "sessions: []\n",
        encoding="utf-8",
    )
    import_schedule(EXPORT, target)
    conference = yaml.safe_load(target.read_text(encoding="utf-8"))["conference"]
    assert conference["short_name"] == "NCSC"
    assert conference["venue"] == {"name": "Jinnah Convention Centre"}
    assert conference["name"] == "NCSC 2027 (our name)"


@pytest.mark.parametrize(
    "broken",
    [
        "not json at all",
        json.dumps({"schedule": {}}),
        json.dumps(
            {
                "schedule": {
                    "conference": {
                        "title": "x",
                        "days": [
                            {
                                "rooms": {
                                    "A": [{"title": "t", "date": "yesterday", "duration": "00:30"}]
                                }
                            }
                        ],
                    }
                }
            }
        ),
        json.dumps(
            {
                "schedule": {
                    "conference": {
                        "title": "x",
                        "days": [
                            {
                                "rooms": {
                                    "A": [
                                        {
                                            "title": "t",
                                            "date": "2027-02-16T10:00:00",
                                            "duration": "half an hour",
                                        }
                                    ]
                                }
                            }
                        ],
                    }
                }
            }
        ),
        json.dumps(
            {"schedule": {"conference": {"title": "x", "time_zone_name": "Mars/Base", "days": []}}}
        ),
    ],
)
def test_malformed_exports_write_nothing(tmp_path, broken):
    source = tmp_path / "schedule.json"
    source.write_text(broken, encoding="utf-8")
    target = tmp_path / "agenda.yaml"
    with pytest.raises(PretalxError):
        import_schedule(source, target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left behind


def test_a_zero_length_talk_fails_check_and_keeps_the_old_file(tmp_path):
    schedule = json.loads(EXPORT.read_text(encoding="utf-8"))
    talk = schedule["schedule"]["conference"]["days"][0]["rooms"]["Hall A"][0]
    talk["duration"] = "00:00"
    source = tmp_path / "schedule.json"
    source.write_text(json.dumps(schedule), encoding="utf-8")
    target = tmp_path / "agenda.yaml"
    target.write_text("old: content\n", encoding="utf-8")
    with pytest.raises(PretalxError, match="must be after start"):
        import_schedule(source, target)
    assert target.read_text(encoding="utf-8") == "old: content\n"


def test_convert_gives_unique_ids_for_same_titles():
    schedule = json.loads(EXPORT.read_text(encoding="utf-8"))
    talks = schedule["schedule"]["conference"]["days"][0]["rooms"]["Hall A"]
    talks.append({**talks[0], "slug": talks[0]["slug"], "date": "2027-02-16T12:00:00+05:00"})
    ids = [s["id"] for s in convert(schedule)["sessions"]]
    assert len(ids) == len(set(ids))


def test_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = main(["import-pretalx", str(EXPORT), "-o", "agenda.yaml"], out=out, err=err)
    assert code == 0 and "4 sessions" in out.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code = main(["import-pretalx", str(bad), "-o", "other.yaml"], out=out, err=err)
    assert code == 1 and "nothing was written" in err.getvalue()
    assert not (tmp_path / "other.yaml").exists()


def test_output_folder_gets_agenda_yaml(tmp_path, monkeypatch):
    """`-o DIR` used to crash with IsADirectoryError; it writes DIR/agenda.yaml now."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    out, err = io.StringIO(), io.StringIO()
    code = main(["import-pretalx", str(EXPORT), "-o", "site"], out=out, err=err)
    assert code == 0, err.getvalue()
    assert "site/agenda.yaml" in out.getvalue()
    assert (tmp_path / "site" / "agenda.yaml").is_file()
    code = main(["import-pretalx", str(EXPORT), "-o", "new-site/"], out=out, err=err)
    assert code == 0, err.getvalue()
    assert (tmp_path / "new-site" / "agenda.yaml").is_file()


def test_output_that_cannot_be_written_is_refused_clearly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site" / "agenda.yaml").mkdir(parents=True)  # a folder where the file goes
    (tmp_path / "plain-file").write_text("x", encoding="utf-8")
    for target in ("site", "plain-file/agenda.yaml"):
        out, err = io.StringIO(), io.StringIO()
        code = main(["import-pretalx", str(EXPORT), "-o", target], out=out, err=err)
        assert code == 2, (target, err.getvalue())
        assert "Import failed, nothing was written" in err.getvalue()
        assert "Traceback" not in err.getvalue()


@pytest.mark.parametrize("kind", ["fifo", "deep", "zero"])
def test_a_hostile_existing_agenda_is_replaced_not_read(tmp_path, monkeypatch, kind):
    """The agenda being replaced is read for its venue and floors; a FIFO there used to
    hang the import and deep nesting to raise RecursionError."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "agenda.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "zero":
        target.symlink_to("/dev/zero")
    else:
        target.write_text("conference: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["import-pretalx", str(EXPORT), "-o", "agenda.yaml"], out=out, err=err)
    assert code == 0, err.getvalue()
    assert target.is_file() and not target.is_symlink()
