"""Programme imports: four formats, one content model, time zones that are never guessed."""

from __future__ import annotations

import io
import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.content import load_content
from bot.content.imports import (
    ProgrammeImportError,
    detect_format,
    import_programme,
    write_agenda,
)
from bot.content.imports.plain_text import to_plain_text
from tests.content_builder import write_content

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
FRAB = DATA / "frab_schedule.json"


def _frab() -> dict:
    return json.loads(FRAB.read_text(encoding="utf-8"))


def _bytes(schedule: dict) -> bytes:
    return json.dumps(schedule).encode()


def _load(tmp_path: Path, agenda) -> object:
    (tmp_path / "content").mkdir(exist_ok=True)
    _, faq_dir = write_content(tmp_path / "content")
    target = tmp_path / "agenda.yaml"
    write_agenda(agenda, target)
    return load_content(target, faq_dir)


def _sessions(agenda) -> dict[str, dict]:
    return {s["title"]: s for s in agenda.data["sessions"]}


# --- time zones ------------------------------------------------------------------------


def test_a_missing_zone_name_takes_the_offsets_and_keeps_the_clock_times(tmp_path):
    agenda = import_programme(FRAB.read_bytes())
    assert agenda.data["conference"]["timezone"] == "Etc/GMT-1"
    assert any("+01:00" in note for note in agenda.notes)
    content = _load(tmp_path, agenda)
    dns = next(s for s in content.sessions if s.title == "The dilemma of DNS privacy")
    assert (dns.start.hour, dns.start.minute) == (11, 30)  # as printed, never moved to UTC
    assert dns.start.utcoffset().total_seconds() == 3600


def test_timezone_option_names_the_place_for_the_same_clock_times():
    agenda = import_programme(FRAB.read_bytes(), timezone="Europe/Berlin")
    assert agenda.data["conference"]["timezone"] == "Europe/Berlin"
    assert _sessions(agenda)["The dilemma of DNS privacy"]["start"] == "2020-12-27 11:30"


def test_a_zone_name_contradicting_every_offset_is_refused_until_timezone_settles_it():
    schedule = _frab()
    schedule["schedule"]["conference"]["time_zone_name"] = "UTC"
    with pytest.raises(ProgrammeImportError, match=r"contradicts itself.*\+01:00.*--timezone"):
        import_programme(_bytes(schedule))
    settled = import_programme(_bytes(schedule), timezone="Europe/Berlin")
    assert _sessions(settled)["The dilemma of DNS privacy"]["start"] == "2020-12-27 11:30"
    assert any("UTC" in note for note in settled.notes)


def test_a_timezone_option_that_would_move_the_times_is_refused():
    with pytest.raises(ProgrammeImportError, match="times would move"):
        import_programme(FRAB.read_bytes(), timezone="Asia/Karachi")


def test_times_without_offset_or_zone_ask_for_timezone():
    schedule = _frab()
    for day in schedule["schedule"]["conference"]["days"]:
        for talks in day["rooms"].values():
            for talk in talks:
                talk["date"] = talk["date"][:19]
    with pytest.raises(ProgrammeImportError, match="--timezone"):
        import_programme(_bytes(schedule))
    agenda = import_programme(_bytes(schedule), timezone="Europe/Berlin")
    assert _sessions(agenda)["The dilemma of DNS privacy"]["start"] == "2020-12-27 11:30"


def test_offsets_that_disagree_without_a_zone_are_refused():
    schedule = _frab()
    talk = schedule["schedule"]["conference"]["days"][1]["rooms"]["rC1"][0]
    talk["date"] = talk["date"].replace("+01:00", "+02:00")
    with pytest.raises(ProgrammeImportError, match=r"different offsets \(\+01:00, \+02:00\)"):
        import_programme(_bytes(schedule))


def test_a_fractional_offset_without_a_zone_asks_for_timezone():
    schedule = _frab()
    for day in schedule["schedule"]["conference"]["days"]:
        for talks in day["rooms"].values():
            for talk in talks:
                talk["date"] = talk["date"].replace("+01:00", "+05:30")
    with pytest.raises(ProgrammeImportError, match="--timezone"):
        import_programme(_bytes(schedule))
    agenda = import_programme(_bytes(schedule), timezone="Asia/Kolkata")
    assert _sessions(agenda)["The dilemma of DNS privacy"]["start"] == "2020-12-27 11:30"


def test_an_unknown_zone_name_is_refused():
    schedule = _frab()
    schedule["schedule"]["conference"]["time_zone_name"] = "Mars/Olympus_Mons"
    with pytest.raises(ProgrammeImportError, match="not an IANA zone name"):
        import_programme(_bytes(schedule))


# --- frab / pretalx JSON ---------------------------------------------------------------


def test_frab_json_keeps_subtitles_descriptions_links_language_and_recording(tmp_path):
    agenda = import_programme(FRAB.read_bytes(), timezone="Europe/Berlin")
    content = _load(tmp_path, agenda)
    dns = next(s for s in content.sessions if s.id == "the-dilemma-of-dns-privacy")
    assert dns.title == "The dilemma of DNS privacy"  # trimmed
    assert dns.subtitle == "Why DNS over HTTPS is not the whole answer"
    assert dns.url == "https://events.example.org/rc3/talk/11583.html"
    assert dns.language == "en" and not dns.do_not_record
    assert dns.description == (
        "Encrypted DNS is spreading. This talk looks at DNS over HTTPS "
        "(https://example.org/doh) and DNS over TLS.\n\nWe compare:\n\n"
        "- privacy\n- censorship resistance\n\n"
        "A longer description with a second paragraph about resolvers.\n\n"
        "Links:\n- Slides (https://example.org/slides.pdf)"
    )
    assert "<" not in yaml.safe_dump(agenda.data)
    voting = next(s for s in content.sessions if s.title.startswith("Über"))
    assert voting.language == "de" and voting.do_not_record
    assert voting.description == (
        "Wahlcomputer sind unsicher:\n\n- Manipulation\n"
        "- fehlende Prüfbarkeit (https://example.org/audit)"
    )


def test_five_days_with_a_session_past_midnight_on_its_conference_day(tmp_path):
    content = _load(tmp_path, import_programme(FRAB.read_bytes(), timezone="Europe/Berlin"))
    assert content.days == [date(2020, 12, d) for d in (27, 28, 29, 30, 31)]
    late = next(s for s in content.sessions if s.title == "Late night lightning talks")
    assert late.start.date() == date(2020, 12, 28) and late.start.hour == 1
    assert late.day == date(2020, 12, 27)


def test_persons_keep_bios_and_same_names_stay_apart(tmp_path):
    content = _load(tmp_path, import_programme(FRAB.read_bytes(), timezone="Europe/Berlin"))
    khans = [s for s in content.speakers if s.name == "Ali Khan"]
    assert len(khans) == 2 and khans[0].id != khans[1].id
    talks = {tuple(t.title for t in content.sessions_of(k)) for k in khans}
    assert talks == {
        ("Über die Sicherheit von Wahlcomputern",),
        ("Tor onion services in practice",),
    }
    rain = [s for s in content.speakers if s.name == "Lea Rain"]
    assert len(rain) == 1 and rain[0].bio == "Lea studies resolver operators."
    assert len(content.sessions_of(rain[0])) == 2
    assert next(s for s in content.speakers if s.name == "Émilie Durand").bio is None


# --- frab / pentabarf XML --------------------------------------------------------------


def test_pentabarf_xml_reads_clock_times_and_the_day_change(tmp_path):
    agenda = import_programme((DATA / "schedule.xml").read_bytes())
    assert agenda.data["conference"]["timezone"] == "Europe/Brussels"
    content = _load(tmp_path, agenda)
    assert content.days == [date(2024, 2, 3), date(2024, 2, 4)]
    welcome = content.session("welcome-to-fosdem-2024")
    assert (welcome.start.hour, welcome.start.minute, welcome.end.minute) == (9, 30, 55)
    assert welcome.subtitle == "The usual housekeeping, and a few surprises"
    assert "practical information (https://fosdem.org/2024/practical/)" in welcome.description
    midnight = content.session("midnight-hacking-session")
    assert midnight.start.date() == date(2024, 2, 4) and midnight.day == date(2024, 2, 3)
    assert midnight.do_not_record
    rust = content.session("rust-in-the-linux-kernel")
    assert [s.name for s in rust.speakers] == ["Miguel Ojeda", "Wedson Almeida"]
    assert rust.room.name == "K.1.105 (La Fontaine)"
    assert content.session("closing-fosdem-2024").start.hour == 17


def test_xml_that_is_not_a_schedule_is_refused():
    with pytest.raises(ProgrammeImportError, match="<rss>"):
        import_programme(b"<?xml version='1.0'?><rss><channel/></rss>")
    with pytest.raises(ProgrammeImportError, match="not well-formed"):
        import_programme(b"<schedule><day>", "frab-xml")


# --- Sessionize ------------------------------------------------------------------------


def test_sessionize_maps_categories_and_needs_a_timezone(tmp_path):
    data = (DATA / "sessionize.json").read_bytes()
    with pytest.raises(ProgrammeImportError, match="--timezone"):
        import_programme(data, name="NCSC")
    agenda = import_programme(data, timezone="Asia/Karachi", name="NCSC 2027")
    content = _load(tmp_path, agenda)
    assert content.conference.name == "NCSC 2027"
    hunting = content.session("threat-hunting-with-open-source-tools")
    assert hunting.title == "Threat hunting with open-source tools"
    assert (hunting.kind, hunting.track) == ("workshop", "Blue team")
    assert hunting.tags == ("introductory",)
    assert hunting.description == (
        "A hands-on tour of Sigma rules and Velociraptor.\n\n- detection\n- response"
    )
    payments = content.session("securing-payment-apps-in-pakistan")
    assert payments.language == "Urdu" and payments.room.name == "Hall B"
    assert [s.name for s in payments.speakers] == ["Bilal Ahmed", "Ayesha Siddiqui"]
    ayesha = next(s for s in content.speakers if s.name == "Ayesha Siddiqui")
    assert ayesha.title == "SOC lead, Example Bank"
    assert ayesha.bio == "Ayesha leads the blue team at a Karachi bank."
    assert content.session("lunch").room is None
    assert all(s.title != "Unscheduled idea" for s in content.sessions)


def test_a_sessionize_export_without_a_name_asks_for_one():
    data = (DATA / "sessionize.json").read_bytes()
    with pytest.raises(ProgrammeImportError, match="no conference title"):
        import_programme(data, timezone="Asia/Karachi")
    existing = {"conference": {"name": "Kept name", "timezone": "Asia/Karachi"}}
    kept = import_programme(data, timezone="Asia/Karachi", existing=existing)
    assert kept.data["conference"]["name"] == "Kept name"


# --- CSV -------------------------------------------------------------------------------


def test_csv_with_bom_and_semicolons(tmp_path):
    data = (DATA / "programme.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and detect_format(data) == "csv"
    agenda = import_programme(data, timezone="Asia/Karachi", name="NCSC 2027")
    content = _load(tmp_path, agenda)
    titles = [s.title for s in content.sessions]
    assert titles[0] == "Opening keynote"  # the BOM is not part of the first header
    assert "Cloud security; the shared model" in titles
    keynote = content.sessions[0]
    assert [s.name for s in keynote.speakers] == ["Dr. Sana Rehman", "Omar Farooq"]
    assert keynote.description == "Welcome to NCSC"
    cloud = next(s for s in content.sessions if s.title.startswith("Cloud"))
    assert cloud.do_not_record and cloud.language == "English"
    ctf = next(s for s in content.sessions if s.title == "CTF finale")
    assert (ctf.end.day, ctf.end.hour, ctf.end.minute) == (17, 1, 30)
    urdu = next(s for s in content.sessions if s.title == "قومی سائبر پالیسی")
    assert urdu.id.startswith("session-") and urdu.day == date(2027, 2, 17)
    # A name without an id in the sheet is one person, however many rows name them.
    assert len([s for s in content.speakers if s.name == "Omar Farooq"]) == 1


def test_a_night_session_in_a_sheet_stays_on_the_evening_before(tmp_path):
    sheet = (
        b"title,date,start,end,room\n"
        b"Opening,2027-02-16,09:00,10:00,Hall A\n"
        b"Night CTF,2027-02-17,01:00,03:00,Lab\n"
        b"Day two,2027-02-17,09:00,10:00,Hall A\n"
    )
    content = _load(tmp_path, import_programme(sheet, timezone="Asia/Karachi", name="X"))
    night = next(s for s in content.sessions if s.title == "Night CTF")
    assert night.day == date(2027, 2, 16)
    assert content.days == [date(2027, 2, 16), date(2027, 2, 17)]


def test_a_csv_without_the_needed_columns_says_which():
    with pytest.raises(ProgrammeImportError, match="no 'start' column"):
        import_programme(b"title,room\nA,B\n", "csv", timezone="UTC", name="X")


# --- plain text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One</p><p>Two &amp; three</p>", "One\n\nTwo & three"),
        (
            'See <a href="https://x.example/spispy">spispy</a>.',
            "See spispy (https://x.example/spispy).",
        ),
        ("<a href='https://x.example'>https://x.example</a>", "https://x.example"),
        (
            "# Heading\n\nSome *emphasis*.\n\n1. first\n2. second",
            "Heading\n\nSome emphasis.\n\n1. first\n2. second",
        ),
        ("line one<br>line two", "line one\nline two"),
        ("<script>alert(1)</script>Safe", "Safe"),
        ("   ", None),
    ],
)
def test_markup_becomes_readable_plain_text(markup, text):
    assert to_plain_text(markup) == text


# --- writing ---------------------------------------------------------------------------


def test_a_new_file_is_world_readable_and_a_replaced_one_keeps_its_mode(tmp_path):
    agenda = import_programme(FRAB.read_bytes(), timezone="Europe/Berlin")
    fresh = tmp_path / "new.yaml"
    write_agenda(agenda, fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    kept = tmp_path / "kept.yaml"
    kept.write_text("old: file\n", encoding="utf-8")
    os.chmod(kept, 0o640)
    write_agenda(agenda, kept)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert "The dilemma of DNS privacy" in kept.read_text(encoding="utf-8")


def test_nothing_is_written_unless_the_result_passes_check(tmp_path):
    schedule = _frab()
    schedule["schedule"]["conference"]["days"][0]["rooms"]["rC1"][0]["duration"] = "00:00"
    agenda = import_programme(_bytes(schedule), timezone="Europe/Berlin")
    target = tmp_path / "agenda.yaml"
    target.write_text("old: file\n", encoding="utf-8")
    with pytest.raises(ProgrammeImportError, match="must be after start"):
        write_agenda(agenda, target)
    assert target.read_text(encoding="utf-8") == "old: file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agenda.yaml"]


# --- re-import -------------------------------------------------------------------------


def test_a_reimport_keeps_every_session_and_speaker_id(tmp_path):
    first = import_programme(FRAB.read_bytes(), timezone="Europe/Berlin")
    schedule = _frab()
    rooms = schedule["schedule"]["conference"]["days"][0]["rooms"]
    dns = rooms["rC1"][0]
    dns["title"] = "DNS privacy: the dilemma, revisited"  # retitled
    dns["date"] = "2020-12-27T16:00:00+01:00"  # and moved
    dns["room"] = "rC2"
    rooms["rC2"].append(rooms["rC1"].pop(0))
    removed = rooms["rC1"].pop()  # the lightning talks are cancelled ...
    newcomer = {**removed, "guid": "new-guid", "id": 99999, "date": "2020-12-27T20:00:00+01:00"}
    rooms["rC1"].append(newcomer)  # ... and a new session of the same title is added
    second = import_programme(_bytes(schedule), timezone="Europe/Berlin", existing=first.data)
    before = {s["source"]: s["id"] for s in first.data["sessions"]}
    after = {s["source"]: s["id"] for s in second.data["sessions"]}
    for source, session_id in after.items():
        if source in before:
            assert before[source] == session_id
    assert after[dns["guid"]] == "the-dilemma-of-dns-privacy"
    assert after["new-guid"] not in before.values()  # never a cancelled session's id
    speakers_before = {s["source"]: s["id"] for s in first.data["speakers"]}
    assert {s["source"]: s["id"] for s in second.data["speakers"]} == speakers_before


def test_a_hand_written_agenda_keeps_its_ids_by_title(tmp_path):
    existing = {
        "conference": {"name": "Ours", "timezone": "Europe/Berlin", "venue": {"name": "Hall"}},
        "rooms": [{"id": "main", "name": "rC1", "floor": "Ground floor"}],
        "speakers": [{"id": "lea", "name": "Lea Rain"}],
        "sessions": [{"id": "dns", "title": "The Dilemma of DNS privacy"}],
    }
    agenda = import_programme(FRAB.read_bytes(), timezone="Europe/Berlin", existing=existing)
    assert _sessions(agenda)["The dilemma of DNS privacy"]["id"] == "dns"
    assert _sessions(agenda)["The dilemma of DNS privacy"]["room"] == "main"
    assert agenda.data["rooms"][0] == {"id": "main", "name": "rC1", "floor": "Ground floor"}
    assert agenda.data["speakers"][0]["id"] == "lea"
    assert agenda.data["conference"]["venue"] == {"name": "Hall"}


# --- command line ----------------------------------------------------------------------


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_import_detects_each_format(tmp_path):
    for source, extra in (
        ("frab_schedule.json", ["--timezone", "Europe/Berlin"]),
        ("schedule.xml", []),
        ("sessionize.json", ["--timezone", "Asia/Karachi", "--name", "NCSC"]),
        ("programme.csv", ["--timezone", "Asia/Karachi", "--name", "NCSC"]),
    ):
        target = tmp_path / f"{source}.yaml"
        code, out, err = _run("import", str(DATA / source), "-o", str(target), *extra)
        assert code == 0, err
        assert "sessions" in out and target.is_file()


def test_import_pretalx_is_the_json_import_and_refuses_a_guessed_zone(tmp_path):
    target = tmp_path / "agenda.yaml"
    schedule = _frab()
    schedule["schedule"]["conference"]["time_zone_name"] = "UTC"
    source = tmp_path / "schedule.json"
    source.write_text(json.dumps(schedule), encoding="utf-8")
    code, _, err = _run("import-pretalx", str(source), "-o", str(target))
    assert code == 1 and "nothing was written" in err and "--timezone" in err
    assert not target.exists()
    code, out, _ = _run(
        "import-pretalx", str(source), "-o", str(target), "--timezone", "Europe/Berlin"
    )
    assert code == 0 and "8 sessions" in out


def test_import_says_what_the_programme_lacks(tmp_path):
    target = tmp_path / "agenda.yaml"
    code, out, _ = _run(
        "import",
        str(DATA / "sessionize.json"),
        "-o",
        str(target),
        "--timezone",
        "Asia/Karachi",
        "--name",
        "NCSC",
    )
    assert code == 0
    assert "warning: the conference has no venue" in out
    assert "warning" in out and "lunch" not in out  # a break needs no room


def test_import_of_a_missing_file_writes_nothing(tmp_path):
    code, _, err = _run("import", str(tmp_path / "nope.json"), "-o", str(tmp_path / "a.yaml"))
    assert code == 1 and "nothing was written" in err


def test_check_warns_about_venue_rooms_and_idle_speakers(tmp_path, monkeypatch):
    agenda_path, faq_dir = write_content(tmp_path)
    data = yaml.safe_load(agenda_path.read_text(encoding="utf-8"))
    del data["conference"]["venue"]
    data["sessions"][0].pop("room", None)
    data["speakers"].append({"id": "idle", "name": "Nobody Speaks"})
    agenda_path.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("AGENDA_PATH", str(agenda_path))
    monkeypatch.setenv("FAQ_DIR", str(faq_dir))
    code, out, _ = _run("check")
    assert code == 0 and out.startswith("OK")
    assert "warning: the conference has no venue" in out
    assert "1 session has no room, so attendees are not told where to go: opening" in out
    assert "1 speaker has no session: idle" in out


def test_the_session_answer_shows_the_imported_fields_and_fits_one_message(tmp_path):
    from bot.answering.text import session_text

    schedule = _frab()
    talk = schedule["schedule"]["conference"]["days"][0]["rooms"]["rC1"][1]
    talk["description"] = "<p>" + "A very long description sentence. " * 400 + "</p>"
    content = _load(tmp_path, import_programme(_bytes(schedule), timezone="Europe/Berlin"))
    voting = next(s for s in content.sessions if s.title.startswith("Über"))
    text = session_text(content, voting)
    assert "Was wir 2020 gelernt haben" in text and "Language: de" in text
    assert "Not recorded" in text and voting.url in text
    assert len(text) < 4096 and text.count("…") == 1


def test_the_loader_checks_day_and_do_not_record(tmp_path):
    agenda_path, faq_dir = write_content(tmp_path)
    data = yaml.safe_load(agenda_path.read_text(encoding="utf-8"))
    data["sessions"][0]["do_not_record"] = "perhaps"
    data["sessions"][1]["day"] = "2027-02-10"
    agenda_path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(Exception) as raised:
        load_content(agenda_path, faq_dir)
    report = str(raised.value)
    assert "field 'do_not_record': write yes or no" in report
    assert "must be the start date or, for a session after midnight, the day before" in report
