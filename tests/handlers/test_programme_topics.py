"""An imported programme through the real bot: topic lists and people who are words."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.answering import Answerer
from bot.clock import Clock
from bot.content import load_content
from bot.content.imports import import_programme, write_agenda
from tests.handlers.asking import labels
from tests.harness import ATTENDEE, bot_running

ROOT = Path(__file__).resolve().parents[2]


def _programme_answerer(tmp_path: Path) -> Answerer:
    agenda = import_programme((ROOT / "tests/data/programme/schedule.json").read_bytes())
    target = tmp_path / "agenda.yaml"
    write_agenda(agenda, target)
    content = load_content(target, ROOT / "faq")
    return Answerer(content, Clock(content.conference.timezone, datetime(2027, 3, 8, 12, 0)))


async def test_talks_about_a_topic_come_as_one_list_and_everyday_words_stay_words(fake, tmp_path):
    answerer = _programme_answerer(tmp_path)
    async with bot_running(fake, tmp_path, answerer) as harness:
        reply = await harness.say(ATTENDEE, "any sessions on fraud")
        assert reply["parse_mode"] == "HTML"
        assert reply["text"].startswith("Sessions on this topic")
        for title in ("Follow the money", "One SIM to rule them all", "Seeing is not believing"):
            assert title in reply["text"]

        reply = await harness.say(ATTENDEE, "is there a talk about dns over https")
        assert reply["text"].startswith("The dilemma of DNS privacy")
        assert "Why DNS over HTTPS is not the whole answer" in reply["text"]
        assert "<p>" not in reply["text"] and "&lt;" not in reply["text"]

        reply = await harness.say(ATTENDEE, "will it rain tomorrow")
        assert "Lea Rain" not in reply["text"] and "Will Fletcher" not in reply["text"]
        assert not any("Rain" in label or "Will" in label for label in labels(reply))
