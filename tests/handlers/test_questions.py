"""Questions end to end: answers, votes, suggestions, picks, hand-offs and bad input."""

from __future__ import annotations

import pytest

from tests.handlers.asking import (
    OTHER,
    answer_question,
    datas,
    labels,
    none_question,
    suggest_question,
)
from tests.harness import ATTENDEE, ORGANISER_CHAT, Harness


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


async def test_five_thousand_characters(harness: Harness):
    text = ("where can I park my car? " * 200)[:5000]
    reply = await harness.say(ATTENDEE, text)
    assert len(reply["text"]) <= 4096
    stored = (await harness.store.export_questions())[-1]
    assert len(stored.text) == 4096 and text.startswith(stored.text)
    huge = ("x marks the spot " * 300)[:5000]  # "xxxx…" alone is keyboard mash, not posted
    reply = await harness.say(ATTENDEE, huge, first_name="Zara")
    post = await harness.fake.wait_for_message(ORGANISER_CHAT)
    assert len(post["text"]) < 1000 and post["text"].count("x") <= 500


@pytest.mark.parametrize(
    "text",
    ["<b>wifi</b> & * _ [", "</i>&amp; <script>alert(1)</script>", "what's on in hall <a> & <b>"],
)
async def test_markup_characters_are_escaped(harness: Harness, text: str):
    await harness.say(ATTENDEE, text, first_name="<b>Eve</b> & co")
    stored = (await harness.store.export_questions())[-1]
    assert stored.text == text
    if stored.status == "open":
        post = await harness.fake.wait_for_message(ORGANISER_CHAT)
        assert text in post["text"] and "<b>Eve</b> & co" in post["text"]


@pytest.mark.parametrize("text", ["   ", "\n\t  \n", "?!…", "ـــ"])
async def test_no_words_is_not_a_question(harness: Harness, text: str):
    reply = await harness.say(ATTENDEE, text)
    assert "Please type your question in words" in reply["text"]
    assert await harness.store.export_questions() == []


@pytest.mark.parametrize("text", ["🙂", "🙂🎉👍"])
async def test_emoji_alone_is_a_nod(harness: Harness, text: str):
    after = harness.fake.mark()
    harness.fake.user_sends(ATTENDEE, text)

    async def stored() -> bool:
        return (await harness.store.chatter_stats()).total > 0

    await harness.until(stored)
    await harness.fake.assert_no_message(ATTENDEE, after=after)
    assert await harness.store.export_questions() == []


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


async def test_forged_pick_on_someone_elses_question(harness: Harness):
    reply = await harness.say(ATTENDEE, suggest_question(harness))
    question_id = int(datas(reply)[-1].split(":")[1])
    mine = await harness.say(OTHER, "/start")
    answer = await harness.press(OTHER, mine, data=f"none:{question_id}", forged=True)
    assert answer["text"] == "Only the person who asked can choose."
    assert (await harness.store.get_question(question_id)).status == "suggested"
