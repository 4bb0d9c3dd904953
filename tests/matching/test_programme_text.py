"""Topic questions over imported programme text, and people's names that are words."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from bot.answering import Answerer
from bot.clock import Clock
from bot.content import load_content
from bot.content.imports import import_programme, write_agenda

DATA = Path(__file__).resolve().parents[1] / "data"


def _answerer(tmp_path: Path, agenda_data: dict) -> Answerer:
    from bot.content.imports.build import Agenda

    target = tmp_path / "agenda.yaml"
    write_agenda(Agenda(agenda_data), target)
    content = load_content(target, Path(__file__).resolve().parents[2] / "faq")
    return Answerer(content, Clock(content.conference.timezone, datetime(2027, 3, 8, 12, 0)))


@pytest.fixture(scope="module")
def programme(tmp_path_factory) -> Answerer:
    agenda = import_programme((DATA / "programme" / "schedule.json").read_bytes())
    return _answerer(tmp_path_factory.mktemp("programme"), agenda.data)


def _answered(answerer: Answerer, question: str) -> str | None:
    reply = answerer.ask(question)
    return reply.best.target.key if reply.decision == "answer" and reply.best else None


@pytest.mark.parametrize(
    ("question", "session"),
    [
        ("is there a talk about dns over https", "the-dilemma-of-dns-privacy"),  # subtitle
        ("anything on tor", "peeling-the-onion"),  # abstract and subtitle
        ("which talks are about caffeine", "bean-there-hacked-that"),
    ],
)
def test_topic_questions_find_sessions_by_subtitle_and_description(programme, question, session):
    assert _answered(programme, question) == f"session:{session}"


def test_a_match_resting_only_on_the_description_suggests_rather_than_answers(programme):
    reply = programme.ask("anything about misp")  # only in the abstract of one talk
    assert reply.decision == "suggest"
    assert reply.suggestions[0].target.key == "session:know-your-enemy"
    assert reply.suggestions[0].rests_on_support


def test_talks_about_a_topic_lists_every_session_that_fits(programme):
    reply = programme.ask("any sessions on fraud")
    assert reply.decision == "answer" and reply.agenda_view is not None
    listed = {s.id for s in reply.agenda_view.sessions}
    fitting = {"follow-the-money", "seeing-is-not-believing", "one-sim-to-rule-them-all"}
    assert fitting <= listed <= fitting | {"coin-tossed"}
    text = programme.answer_text(reply) or ""
    assert text.startswith("Sessions on this topic") and "Follow the money" in text
    urdu = programme.answer_text(reply, language="ur") or ""
    assert urdu.startswith("اس موضوع پر سیشن")


def test_a_single_fitting_session_is_answered_not_listed(programme):
    reply = programme.ask("which talks are about caffeine")
    assert reply.agenda_view is None and reply.best.target.id == "bean-there-hacked-that"


def test_description_words_weigh_less_than_title_words(tmp_path):
    data = {
        "conference": {"name": "Weights", "timezone": "Asia/Karachi"},
        "sessions": [
            {
                "id": "phishing-title",
                "title": "Phishing in Urdu",
                "start": "2027-03-09 10:00",
                "end": "2027-03-09 10:45",
            },
            {
                "id": "phishing-description",
                "title": "Hooked",
                "description": "Phishing in Urdu and how banks respond.",
                "start": "2027-03-09 11:00",
                "end": "2027-03-09 11:45",
            },
        ],
    }
    answerer = _answerer(tmp_path, data)
    scores = {c.target.id: c.score for c in answerer.matcher.score("phishing in urdu")}
    assert scores["phishing-title"] > scores["phishing-description"]


# --- people versus words -----------------------------------------------------------------


@pytest.fixture(scope="module")
def rc3(tmp_path_factory) -> Answerer:
    agenda = import_programme(
        (DATA / "imports" / "frab_schedule.json").read_bytes(), timezone="Europe/Berlin"
    )
    return _answerer(tmp_path_factory.mktemp("rc3"), agenda.data)


def _people(answerer: Answerer, question: str) -> set[str]:
    """Speakers, and speakers' sessions, the reply offers in any way."""
    reply = answerer.ask(question)
    keys = {c.target.key for c in reply.candidates} | {c.target.key for c in reply.suggestions}
    found = set()
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind == "speaker":
            found.add(ident)
        session = answerer.content.session(ident) if kind == "session" else None
        if session is not None:
            found.update(s.id for s in session.speakers)
    return found


@pytest.mark.parametrize(
    "question",
    [
        "will it rain",
        "will it rain tomorrow?",
        "what time is it in new york",
        "new york time",
    ],
)
def test_everyday_words_never_reach_a_speaker(rc3, question):
    assert not _people(rc3, question) & {"lea-rain", "jillian-c-york"}


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("who is lea rain", "lea-rain"),
        ("who is Rain", "lea-rain"),
        ("talk by rain", "lea-rain"),
        ("Rain's talk", "lea-rain"),
        ("jillian york", "jillian-c-york"),
        ("the speaker york", "jillian-c-york"),
    ],
)
def test_a_person_question_or_the_full_name_reaches_the_speaker(rc3, question, speaker):
    assert speaker in _people(rc3, question)


def test_two_speakers_of_one_name_are_told_apart_by_their_sessions(rc3):
    reply = rc3.ask("who is ali khan")
    assert reply.decision == "suggest"
    labels = {c.target.label for c in reply.suggestions}
    assert {
        "Ali Khan (Über die Sicherheit von Wahlcomputern)",
        "Ali Khan (Tor onion services in practice)",
    } <= labels
    assert _answered(rc3, "ali khan tor onion services") == "session:tor-onion-services-in-practice"


def test_a_role_is_not_a_name(tmp_path):
    """ "the minister" asks for the speaker whose name is a role, whatever words it has."""
    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "agenda.yaml").read_text())
    answerer = _answerer(tmp_path, data)
    assert _answered(answerer, "is the minister coming") == "speaker:minister-moitt"
