from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import ContentError, load_content
from tests.content_builder import AGENDA, FAQ, write_content

ROOT = Path(__file__).resolve().parents[2]


def problems_for(
    tmp_path: Path, agenda: str = AGENDA, faq: dict[str, str] | None = None
) -> list[str]:
    agenda_path, faq_dir = write_content(tmp_path, agenda, faq)
    with pytest.raises(ContentError) as caught:
        load_content(agenda_path, faq_dir)
    return [str(p) for p in caught.value.problems]


def test_bundled_sample_content_is_valid_and_large_enough():
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    assert len(content.faq) >= 40
    assert len(content.rooms) >= 4
    assert len(content.days) == 2
    assert str(content.conference.timezone) == "Asia/Karachi"


def test_loads_times_in_conference_timezone_and_links_rooms_and_speakers(tmp_path):
    content = load_content(*write_content(tmp_path))
    opening = content.session("opening")
    assert opening is not None
    assert opening.start.utcoffset().total_seconds() == 5 * 3600
    assert opening.room is not None and opening.room.name == "Hall A"
    assert [s.id for s in opening.speakers] == ["chair"]
    assert content.faq_entry("wifi").topic == "Venue"
    assert content.summary() == "3 FAQ entries, 4 sessions, 2 speakers"


def test_yaml_keywords_stay_text(tmp_path):
    faq = FAQ.replace("answer: Parking is free in the east car park.", "answer: no")
    content = load_content(*write_content(tmp_path, faq={"venue.yaml": faq}))
    assert content.faq_entry("parking").answer == "no"


def test_syntax_error_names_file_and_line(tmp_path):
    broken = FAQ.replace("    answer: Join", "    answer: [Join", 1)
    problems = problems_for(tmp_path, faq={"venue.yaml": broken})
    assert len(problems) == 1
    assert "venue.yaml:" in problems[0] and "YAML syntax error" in problems[0]


def test_missing_required_field_names_entry_and_field(tmp_path):
    faq = FAQ.replace("    answer: Parking is free in the east car park.\n", "")
    problems = problems_for(tmp_path, faq={"venue.yaml": faq})
    assert any(
        "entry 'parking'" in p and "field 'answer'" in p and "missing" in p for p in problems
    )


def test_unknown_key_suggests_the_close_one(tmp_path):
    faq = FAQ.replace(
        "    variants:\n      - Where can I park", "    varients:\n      - Where can I park"
    )
    problems = problems_for(tmp_path, faq={"venue.yaml": faq})
    assert any("unknown key 'varients'" in p and "did you mean 'variants'" in p for p in problems)
    assert any("venue.yaml:13," in p for p in problems)  # the line of the key


def test_duplicate_ids_across_files_point_at_the_first(tmp_path):
    other = "entries:\n  - id: wifi\n    question: Wifi again\n    answer: Yes.\n"
    problems = problems_for(tmp_path, faq={"venue.yaml": FAQ, "zz-more.yaml": other})
    assert any(
        "zz-more.yaml:2" in p and "duplicate FAQ id" in p and "venue.yaml:" in p for p in problems
    )


def test_every_agenda_problem_is_reported_at_once(tmp_path):
    agenda = (
        AGENDA.replace("timezone: Asia/Karachi", "timezone: Asia/Lahore")
        .replace("start: 2027-02-16 09:00", "start: 16th Feb 9am")
        .replace("end: 2027-02-17 10:45", "end: 2027-02-17 09:00")
        .replace("room: lab-1", "room: lab-9")
        .replace("speakers: [ecp]", "speakers: [ecpp]")
    )
    problems = problems_for(tmp_path, agenda=agenda)
    text = "\n".join(problems)
    assert "unknown timezone 'Asia/Lahore'" in text
    assert "cannot read time '16th Feb 9am'" in text
    assert "must be after start" in text
    assert "unknown room id 'lab-9'" in text
    assert "unknown speaker id 'ecpp' (did you mean 'ecp'?)" in text
    assert all("agenda.yaml:" in p for p in problems)


def test_empty_and_overlong_answers_are_rejected(tmp_path):
    faq = FAQ.replace("Parking is free in the east car park.", '""').replace(
        "Registration closes on 10 February.", "x" * 3501
    )
    problems = problems_for(tmp_path, faq={"venue.yaml": faq})
    assert any("entry 'parking'" in p and "field 'answer'" in p and "empty" in p for p in problems)
    assert any("entry 'registration-deadline'" in p and "3,501 characters" in p for p in problems)


def test_missing_files_say_which_variable_to_set(tmp_path):
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path / "nope.yaml", tmp_path / "nofaq")
    report = caught.value.report()
    assert "AGENDA_PATH" in report and "FAQ_DIR" in report


def test_free_text_rooms_without_a_rooms_list(tmp_path):
    agenda = (
        AGENDA.split("rooms:")[0]
        + "speakers: []\nsessions:\n"
        + (
            "  - {id: a, title: Talk, start: 2027-02-16 09:00,\n"
            "     end: 2027-02-16 10:00, room: Main hall}\n"
        )
    )
    content = load_content(*write_content(tmp_path, agenda=agenda))
    assert content.session("a").room.name == "Main hall"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "tg://resolve?domain=x",
        "https://",
        "//maps.example/x",
        "https://maps.example/x y",
        "https://maps.example/\u0000",
    ],
)
def test_map_url_must_be_a_web_link(tmp_path, url):
    agenda = AGENDA.replace('map_url: "https://maps.example/x"', f"map_url: {json.dumps(url)}")
    problems = problems_for(tmp_path, agenda=agenda)
    assert len(problems) == 1
    assert "field 'map_url'" in problems[0] and "must start with https://" in problems[0]


@pytest.mark.parametrize("url", ["https://maps.example/x", "http://maps.example/?q=a&b=c"])
def test_map_url_web_links_are_kept(tmp_path, url):
    agenda = AGENDA.replace('map_url: "https://maps.example/x"', f"map_url: {json.dumps(url)}")
    content = load_content(*write_content(tmp_path, agenda=agenda))
    assert content.conference.venue.map_url == url


def test_check_says_why_a_map_url_is_refused(tmp_path, monkeypatch):
    agenda = AGENDA.replace('"https://maps.example/x"', '"javascript:alert(1)"')
    agenda_path, faq_dir = write_content(tmp_path, agenda=agenda)
    monkeypatch.setenv("AGENDA_PATH", str(agenda_path))
    monkeypatch.setenv("FAQ_DIR", str(faq_dir))
    err = io.StringIO()
    assert main(["check"], out=io.StringIO(), err=err) == 1
    assert "map_url must start with https:// (or http://)" in err.getvalue()


def test_one_faq_entry_can_be_the_handoff_answer(tmp_path):
    faq = FAQ.replace(
        "    answer: Parking is free in the east car park.\n",
        "    answer: Parking is free in the east car park.\n    handoff: yes\n",
    )
    agenda_path, faq_dir = write_content(tmp_path, faq={"venue.yaml": faq})
    content = load_content(agenda_path, faq_dir)
    assert content.handoff_entry is not None and content.handoff_entry.id == "parking"
    assert [e.id for e in content.faq if e.handoff] == ["parking"]


def test_without_a_handoff_entry_there_is_none(tmp_path):
    agenda_path, faq_dir = write_content(tmp_path)
    assert load_content(agenda_path, faq_dir).handoff_entry is None


def test_handoff_takes_yes_or_no_and_only_one_entry(tmp_path):
    unclear = FAQ.replace(
        "    answer: Parking is free in the east car park.\n",
        "    answer: Parking is free in the east car park.\n    handoff: maybe\n",
    )
    problems = problems_for(tmp_path, faq={"venue.yaml": unclear})
    assert any(
        "entry 'parking'" in p and "field 'handoff'" in p and "yes or no" in p for p in problems
    )
    first = FAQ.replace(
        "    answer: Parking is free in the east car park.\n",
        "    answer: Parking is free in the east car park.\n    handoff: yes\n",
    )
    second = (
        "entries:\n  - id: helpdesk\n    question: How do I reach you?\n"
        "    answer: Call 0300-0000000.\n    handoff: yes\n"
    )
    problems = problems_for(tmp_path, faq={"venue.yaml": first, "zz-contacts.yaml": second})
    assert problems == [
        next(p for p in problems if "entry 'helpdesk'" in p and "field 'handoff'" in p)
    ]
    assert "only one FAQ entry can be marked handoff: yes; 'parking' (venue.yaml)" in problems[0]
    assert "zz-contacts.yaml" in problems[0]
