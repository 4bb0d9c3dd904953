"""Attendees in private chats, end to end: commands, questions, buttons and bad input."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.answering import Answerer
from bot.matching.matcher import Decision
from tests.fake_telegram import iter_buttons
from tests.harness import ATTENDEE, ORGANISER, ORGANISER_CHAT, Harness
from tests.storage.support import stored_user

OTHER = 1002


def asking(answerer: Answerer, decision: Decision, questions: list[str]) -> str:
    """The first question the current matcher decides this way (the matcher keeps improving,
    so flows are tested on whichever clear example it handles that way today)."""
    for question in questions:
        if answerer.ask(question).decision == decision:
            return question
    raise AssertionError(f"none of {questions} gets {decision!r}")


def answer_question(h: Harness) -> str:
    return asking(
        h.state.answerer,
        "answer",
        ["wifi password", "what is the wifi password", "parking kahan hai"],
    )


def suggest_question(h: Harness) -> str:
    return asking(
        h.state.answerer,
        "suggest",
        ["where is lunch", "ctf", "lunch", "workshop", "certificate", "keynote"],
    )


def none_question(h: Harness) -> str:
    return asking(
        h.state.answerer, "none", ["is there a bowling alley", "can I bring my cat to the moon"]
    )


def labels(record: dict) -> list[str]:
    return [b["text"] for b in iter_buttons(record["reply_markup"])]


def datas(record: dict) -> list[str]:
    return [b["callback_data"] for b in iter_buttons(record["reply_markup"])]


# --- start, help, menu ----------------------------------------------------------------------


async def test_start_welcomes_registers_and_subscribes(harness: Harness):
    reply = await harness.say(ATTENDEE, "/start", first_name="Ayesha", username="ayesha")
    assert "NCSC 2027" in reply["text"]
    assert "/stop" in reply["text"] and "/start" in reply["text"]
    assert labels(reply) == ["📅 Agenda", "▶️ Now", "⏭ Next", "📍 Venue", "❓ Help"]
    user = await stored_user(harness.store, ATTENDEE)
    assert user is not None and user.first_name == "Ayesha" and user.subscribed

    stopped = await harness.say(ATTENDEE, "/stop")
    assert "won't get announcements" in stopped["text"]
    assert not (await stored_user(harness.store, ATTENDEE)).subscribed
    await harness.say(ATTENDEE, "/start")
    assert (await stored_user(harness.store, ATTENDEE)).subscribed


async def test_help_lists_commands_and_organiser_extras(harness: Harness):
    reply = await harness.say(ATTENDEE, "/help")
    for command in ("/agenda", "/now", "/next", "/speaker", "/venue", "/stop", "/forget"):
        assert command in reply["text"]
    assert "/unanswered" not in reply["text"]
    organiser = await harness.say(ORGANISER, "/help")
    assert "/unanswered" in organiser["text"] and "/reload" in organiser["text"]


async def test_menu_buttons(harness: Harness):
    welcome = await harness.say(ATTENDEE, "/start")
    fake = harness.fake
    for label, expected in (
        ("▶️ Now", "On now (11:30)"),
        ("⏭ Next", "Next, at"),
        ("📍 Venue", "Jinnah Convention Centre"),
        ("❓ Help", "/agenda"),
        ("📅 Agenda", "which day?"),
    ):
        after = fake.mark()
        await harness.press(ATTENDEE, welcome, button_text=label)
        sent = await fake.wait_for_message(ATTENDEE, after=after)
        assert expected in sent["text"], label
    assert fake.message(ATTENDEE, welcome["message_id"])["reply_markup"]  # menu stays


# --- questions ------------------------------------------------------------------------------


async def test_confident_answer_with_votes(harness: Harness):
    question = answer_question(harness)
    reply = await harness.say(ATTENDEE, question)
    answerer = harness.state.answerer
    expected = answerer.answer_text(answerer.ask(question))
    assert reply["text"] == expected.strip()
    assert reply["parse_mode"] == "HTML"
    assert labels(reply) == ["👍", "👎"]
    stored = (await harness.store.export_questions())[-1]
    assert stored.text == question and stored.status == "answered_by_bot"
    assert stored.normalized == answerer.grouping_key(question)
    assert stored.best_key is not None and stored.score is not None

    answer = await harness.press(ATTENDEE, reply, button_text="👍")
    assert answer["text"] == "Thanks for the feedback!"
    edited = await harness.fake.wait_for_message(ATTENDEE, method="editMessageReplyMarkup")
    assert labels(edited) == ["👍 ✓", "👎"]
    # The same press again must not send an identical edit (Telegram says 400 to that).
    current = harness.fake.message(ATTENDEE, reply["message_id"])
    await harness.press(ATTENDEE, {"chat_id": ATTENDEE, **current}, button_text="👍 ✓")
    await harness.press(ATTENDEE, {"chat_id": ATTENDEE, **current}, button_text="👎")
    stats = await harness.store.stats()
    assert [(v.key, v.up, v.down) for v in stats.votes] == [(stored.best_key, 0, 1)]


async def test_suggestions_pick_and_record_choice(harness: Harness):
    question = suggest_question(harness)
    reply = await harness.say(ATTENDEE, question)
    assert reply["text"].startswith("🤔 Did you mean")
    buttons = labels(reply)
    assert 2 <= len(buttons) <= 4 and buttons[-1] == "None of these"
    assert all(len(d.encode()) <= 64 for d in datas(reply))
    assert all(d.startswith("pick:") for d in datas(reply)[:-1])

    await harness.press(ATTENDEE, reply, button_text=buttons[0])
    edited = await harness.fake.wait_for_message(ATTENDEE, method="editMessageText")
    assert edited["message_id"] == reply["message_id"]
    assert labels(edited) == ["👍", "👎"]
    stored = (await harness.store.export_questions())[-1]
    assert stored.status == "answered_by_bot" and stored.chosen_key is not None
    answerer = harness.state.answerer
    assert edited["text"] == answerer.text_for(stored.chosen_key).strip()


async def test_none_of_these_goes_to_organisers(harness: Harness):
    question = suggest_question(harness)
    reply = await harness.say(ATTENDEE, question, first_name="Bilal")
    answer = await harness.press(ATTENDEE, reply, button_text="None of these")
    assert answer["text"] == "Passed to the organisers."
    edited = await harness.fake.wait_for_message(ATTENDEE, method="editMessageText")
    assert "passed your question to the organisers" in edited["text"]
    assert edited["reply_markup"] is None
    post = await harness.fake.wait_for_message(ORGANISER_CHAT)
    assert question in post["text"] and "Bilal" in post["text"]

    async def posted() -> bool:
        stored = (await harness.store.export_questions("open"))[-1]
        return stored.text == question and stored.organiser_post_message_id == post["message_id"]

    await harness.until(posted)


async def test_only_the_asker_picks(harness: Harness):
    reply = await harness.say(ATTENDEE, suggest_question(harness))
    first = labels(reply)[0]
    answer = await harness.press(OTHER, reply, button_text=first)
    assert answer["text"] == "Only the person who asked can choose."
    answer = await harness.press(OTHER, reply, button_text="None of these")
    assert answer["text"] == "Only the person who asked can choose."
    assert (await harness.store.export_questions())[-1].status == "suggested"


async def test_no_answer_is_honest_and_stored_before_reply(harness: Harness):
    question = none_question(harness)
    reply = await harness.say(ATTENDEE, question, first_name="Sana")
    assert "passed your question to the organisers" in reply["text"]
    assert reply["reply_markup"] is None
    # Committed before the reply went out: visible the moment the reply is.
    stored = await harness.store.export_questions("open")
    assert [q.text for q in stored] == [question]
    post = await harness.fake.wait_for_message(ORGANISER_CHAT)
    assert post["text"].startswith(f"❓ Unanswered question #{stored[0].id} from Sana")


async def test_urdu_script_question(harness: Harness):
    reply = await harness.say(ATTENDEE, "رجسٹریشن کب بند ہوگی")
    answerer = harness.state.answerer
    decision = answerer.ask("رجسٹریشن کب بند ہوگی").decision
    assert decision in ("answer", "suggest")
    stored = (await harness.store.export_questions())[-1]
    assert stored.text == "رجسٹریشن کب بند ہوگی"
    assert reply["text"]


# --- bad input ------------------------------------------------------------------------------


async def test_five_thousand_characters(harness: Harness):
    text = ("where can I park my car? " * 200)[:5000]
    reply = await harness.say(ATTENDEE, text)
    assert len(reply["text"]) <= 4096
    stored = (await harness.store.export_questions())[-1]
    assert len(stored.text) == 4096 and text.startswith(stored.text)
    huge = "x" * 5000
    reply = await harness.say(ATTENDEE, huge, first_name="Zara")
    post = await harness.fake.wait_for_message(ORGANISER_CHAT)
    assert len(post["text"]) < 1000 and post["text"].count("x") <= 500


@pytest.mark.parametrize(
    "text", ["<b> & * _ [", "</i>&amp; <script>alert(1)</script>", "what's on in hall <a> & <b>"]
)
async def test_markup_characters_are_escaped(harness: Harness, text: str):
    await harness.say(ATTENDEE, text, first_name="<b>Eve</b> & co")
    stored = (await harness.store.export_questions())[-1]
    assert stored.text == text
    if stored.status == "open":
        post = await harness.fake.wait_for_message(ORGANISER_CHAT)
        assert text in post["text"] and "<b>Eve</b> & co" in post["text"]


@pytest.mark.parametrize("text", ["   ", "\n\t  \n", "🙂", "🙂🎉👍", "?!…", "ـــ"])
async def test_no_words_is_not_a_question(harness: Harness, text: str):
    reply = await harness.say(ATTENDEE, text)
    assert "Please type your question in words" in reply["text"]
    assert await harness.store.export_questions() == []


@pytest.mark.parametrize(
    "command", ["/frobnicate", "/frobnicate now please", "/START_x", "/agenda@some_other_bot"]
)
async def test_unknown_commands(harness: Harness, command: str):
    reply = await harness.say(ATTENDEE, command)
    assert reply["text"] == "I don't know that command, see /help."


@pytest.mark.parametrize("send", ["sticker", "photo", "voice", "document"])
async def test_non_text_messages(harness: Harness, send: str):
    after = harness.fake.mark()
    getattr(harness.fake, f"user_sends_{send}")(ATTENDEE)
    reply = await harness.fake.wait_for_message(ATTENDEE, after=after)
    assert reply["text"] == "I can only read text. Please type your question."


async def test_edited_messages_are_ignored(harness: Harness):
    question = answer_question(harness)
    asked = harness.fake.user_sends(ATTENDEE, question)
    await harness.fake.wait_for_message(ATTENDEE)
    after = harness.fake.mark()
    harness.fake.user_edits(ATTENDEE, asked, "is there a bowling alley")
    harness.fake.user_sends(ATTENDEE, "/venue")  # processed after the edit was received
    reply = await harness.fake.wait_for_message(ATTENDEE, after=after)
    assert "Jinnah" in reply["text"]
    assert len(await harness.store.export_questions()) == 1


# --- agenda ---------------------------------------------------------------------------------


async def test_agenda_days_and_day_list(harness: Harness):
    picker = await harness.say(ATTENDEE, "/agenda")
    assert "which day?" in picker["text"]
    assert labels(picker) == ["Day 1 · Tue 16 Feb", "Day 2 · Wed 17 Feb", "📅 Whole agenda (.ics)"]
    after = harness.fake.mark()
    await harness.press(ATTENDEE, picker, button_text="Day 2 · Wed 17 Feb")
    day = await harness.fake.wait_for_message(ATTENDEE, after=after)
    assert day["text"].startswith("Day 2, Wednesday 17 February")
    content = harness.state.content
    day2 = [s for s in content.sessions if s.day.isoformat() == "2027-02-17"]
    assert all(s.title in day["text"] for s in day2)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2027, 2, 16, 11, 30), "On now (11:30)"),
        (datetime(2027, 2, 1, 9, 0), "Nothing is on yet."),
        (datetime(2027, 2, 16, 22, 0), "Nothing is on right now."),
        (datetime(2027, 3, 1, 9, 0), "The conference is over."),
    ],
)
async def test_now_by_the_clock(harness: Harness, moment: datetime, expected: str):
    harness.set_clock(moment)
    reply = await harness.say(ATTENDEE, "/now")
    assert reply["text"].startswith(expected)


async def test_next(harness: Harness):
    reply = await harness.say(ATTENDEE, "/next")
    assert reply["text"].startswith("Next, at Tuesday")
    harness.set_clock(datetime(2027, 3, 1, 9, 0))
    reply = await harness.say(ATTENDEE, "/next")
    assert reply["text"].startswith("The conference is over.")


async def test_speaker_command(harness: Harness):
    usage = await harness.say(ATTENDEE, "/speaker")
    assert "/speaker" in usage["text"] and "e.g." in usage["text"]
    content = harness.state.content
    speaker = next(s for s in content.speakers if content.sessions_of(s))
    found = await harness.say(ATTENDEE, f"/speaker {speaker.name}")
    assert found["text"].startswith(speaker.name)
    assert content.sessions_of(speaker)[0].title in found["text"]
    missing = await harness.say(ATTENDEE, "/speaker <b>Nobody & Co</b>")
    assert "couldn't find a speaker matching “<b>Nobody & Co</b>”" in missing["text"]
    punctuation = await harness.say(ATTENDEE, "/speaker ???")
    assert "couldn't find" in punctuation["text"]


async def test_venue(harness: Harness):
    reply = await harness.say(ATTENDEE, "/venue")
    venue = harness.state.content.conference.venue
    assert venue.name in reply["text"] and venue.address in reply["text"]
    links = [e for e in reply["entities"] if e["type"] == "text_link"]
    assert links and links[0]["url"] == venue.map_url


# --- privacy --------------------------------------------------------------------------------


async def test_forget_after_confirmation(harness: Harness):
    await harness.say(ATTENDEE, "/start")
    reply = await harness.say(ATTENDEE, answer_question(harness))
    await harness.press(ATTENDEE, reply, button_text="👍")
    confirm = await harness.say(ATTENDEE, "/forget")
    assert labels(confirm) == ["🗑 Yes, delete my data", "Cancel"]
    await harness.press(ATTENDEE, confirm, button_text="Cancel")
    cancelled = await harness.fake.wait_for_message(ATTENDEE, contains="Nothing was deleted")
    assert cancelled["method"] == "editMessageText"
    assert await stored_user(harness.store, ATTENDEE) is not None

    confirm = await harness.say(ATTENDEE, "/forget")
    await harness.press(ATTENDEE, confirm, button_text="🗑 Yes, delete my data")
    done = await harness.fake.wait_for_message(ATTENDEE, contains="deleted everything")
    assert done["reply_markup"] is None
    assert await stored_user(harness.store, ATTENDEE) is None
    assert await harness.store.export_questions() == []
    assert (await harness.store.stats()).votes == ()
    # The old vote button is now stale, not a crash.
    stale = await harness.press(ATTENDEE, reply, button_text="👍 ✓")
    assert stale["text"] == "This button has expired. Please ask again."


# --- forged buttons -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "toast"),
    [
        ("unans:0", "Sorry, that's only for the organisers."),
        ("vote:999999:1", "This button has expired. Please ask again."),
        ("pick:999999:0123456789", "This button has expired. Please ask again."),
        ("none:999999", "This button has expired. Please ask again."),
        ("admin:delete_all", "This button has expired. Please ask again."),
        ("day:2031-01-01", "This button has expired. Please ask again."),
    ],
)
async def test_forged_callback_data_does_nothing(harness: Harness, data: str, toast: str):
    welcome = await harness.say(ATTENDEE, "/start")
    before = harness.fake.mark()
    answer = await harness.press(ATTENDEE, welcome, data=data, forged=True)
    assert answer["text"] == toast
    await harness.fake.assert_no_message(after=before, within=0.05)


async def test_forged_pick_on_someone_elses_question(harness: Harness):
    reply = await harness.say(ATTENDEE, suggest_question(harness))
    question_id = int(datas(reply)[-1].split(":")[1])
    mine = await harness.say(OTHER, "/start")
    answer = await harness.press(OTHER, mine, data=f"none:{question_id}", forged=True)
    assert answer["text"] == "Only the person who asked can choose."
    assert (await harness.store.get_question(question_id)).status == "suggested"
