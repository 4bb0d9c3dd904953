"""The same question again after a 👎 passed on: "still waiting", not the rejected answer.

An attendee who pressed 👎 and "🙋 Ask the organisers" and then asks again (the same words
or others the matcher answers with the same entry) hears that the organisers have it, and
nothing is posted again; another attendee, another entry, an answered or dismissed
question, or the end of the repeat window (counted from the pass-on) all get answers as
usual. "Did you mean" buttons leave the rejected entry out. Through the fake Bot API, in
English and Urdu.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot import messages
from bot.answering import Answerer
from bot.etiquette import REPEAT_WINDOW
from bot.matching.decision import Decision
from tests.fake_telegram import FakeTelegram
from tests.handlers.asking import OTHER, labels
from tests.handlers.test_downvote import ASK_EN, ASK_UR, URDU_USER, latest, vote
from tests.handlers.test_learning import reply_in_organisers_chat
from tests.harness import ATTENDEE, NOW, ORGANISER, ORGANISER_CHAT, Harness, bot_running

STILL_WAITING = messages.EN["still_waiting"]


def decided(h: Harness, decision: Decision, key: str, questions: list[str]) -> str:
    """The first question the matcher today decides this way with `key` first."""
    for question in questions:
        reply = h.state.answerer.ask(question)
        if reply.decision == decision and reply.best and reply.best.target.key == key:
            return question
    raise AssertionError(f"none of {questions} gets {decision!r} with {key}")


def wifi_questions(h: Harness) -> tuple[str, str]:
    """Two wordings answered with the same entry (different grouping keys)."""
    first = decided(h, "answer", "faq:wifi", ["wifi password", "what is the wifi password"])
    other = decided(h, "answer", "faq:wifi", ["how do i connect to wifi", "wifi network"])
    assert h.state.answerer.grouping_key(first) != h.state.answerer.grouping_key(other)
    return first, other


async def pass_on(h: Harness, user: int, question: str, button: str = ASK_EN) -> dict:
    """Ask, press 👎 and then "Ask the organisers"; the organisers' post."""
    posted = h.fake.mark()
    answer = await h.say(user, question)
    assert labels(answer)[:2] == ["👍", "👎"], answer["text"]
    down = await vote(h, user, answer, -1)
    await h.press(user, down, button_text=button)
    post = await h.fake.wait_for_message(ORGANISER_CHAT, after=posted)
    await h.until_post_stored(post)
    return post


async def test_asking_again_after_passing_on_is_still_waiting(harness: Harness) -> None:
    h = harness
    question, other_words = wifi_questions(h)
    post = await pass_on(h, ATTENDEE, question)
    stored = len(await h.store.export_questions())

    # The same words, and other words answered with the same entry: no rejected answer
    # again, no second post, nothing new in the unanswered log.
    for text in (question, other_words):
        again = await h.say(ATTENDEE, text)
        assert again["text"] == STILL_WAITING and labels(again) == []
    assert len(h.fake.messages_to(ORGANISER_CHAT)) == 1
    assert len(await h.store.export_questions()) == stored

    # Another attendee gets the answer; the attendee's other questions are answered.
    theirs = await h.say(OTHER, question)
    assert theirs["text"] != STILL_WAITING and labels(theirs)[:2] == ["👍", "👎"]
    parking = decided(h, "answer", "faq:parking", ["parking kahan hai", "where to park"])
    mine = await h.say(ATTENDEE, parking)
    assert mine["text"] != STILL_WAITING and labels(mine)[:2] == ["👍", "👎"]

    # Once the organisers answered, the bot answers the question again.
    await reply_in_organisers_chat(h, post, "The network is NCSC-Guest, password on the badge.")
    answered = await h.say(ATTENDEE, question)
    assert answered["text"] != STILL_WAITING and labels(answered)[:2] == ["👍", "👎"]


async def test_the_window_starts_when_it_was_passed_on(harness: Harness) -> None:
    h = harness
    question, _ = wifi_questions(h)
    answer = await h.say(ATTENDEE, question)
    h.set_clock(NOW + timedelta(minutes=20))  # read, thought about, then 👎 and passed on
    down = await vote(h, ATTENDEE, answer, -1)
    await h.press(ATTENDEE, down, button_text=ASK_EN)
    await h.fake.wait_for_message(ORGANISER_CHAT)

    h.set_clock(NOW + timedelta(minutes=20) + REPEAT_WINDOW - timedelta(minutes=1))
    assert (await h.say(ATTENDEE, question))["text"] == STILL_WAITING
    h.set_clock(NOW + timedelta(minutes=21) + REPEAT_WINDOW)
    later = await h.say(ATTENDEE, question)
    assert later["text"] != STILL_WAITING and labels(later)[:2] == ["👍", "👎"]


async def test_a_dismissed_question_is_answered_again(harness: Harness) -> None:
    h = harness
    question, _ = wifi_questions(h)
    await pass_on(h, ATTENDEE, question)
    passed = await latest(h)
    assert await h.store.dismiss([passed.id], ORGANISER, h.state.now())
    again = await h.say(ATTENDEE, question)
    assert again["text"] != STILL_WAITING and labels(again)[:2] == ["👍", "👎"]


async def test_did_you_mean_leaves_the_rejected_entry_out(harness: Harness) -> None:
    h = harness
    lunch = decided(h, "answer", "faq:lunch", ["is lunch provided", "is food provided"])
    close_call = decided(h, "suggest", "faq:lunch", ["lunch kab hai", "what's for lunch"])
    assert len(h.state.answerer.ask(close_call).suggestions) >= 2
    await pass_on(h, ATTENDEE, lunch)

    # Someone else is offered every choice; the attendee all but the one they rejected.
    offered = labels(await h.say(OTHER, close_call))
    assert offered[-1] == "None of these" and len(offered) >= 3
    buttons = labels(await h.say(ATTENDEE, close_call))
    assert buttons == offered[1:]  # the rest, in the matcher's order, and "None of these"
    assert len(h.fake.messages_to(ORGANISER_CHAT)) == 1


async def test_no_choice_left_is_still_waiting(harness: Harness) -> None:
    h = harness
    both = decided(h, "suggest", "faq:lunch", ["where is lunch"])
    keys = [s.target.key for s in h.state.answerer.ask(both).suggestions]
    assert keys == ["faq:lunch", "session:d1-lunch"], keys  # the test needs exactly these
    await pass_on(h, ATTENDEE, decided(h, "answer", "faq:lunch", ["is lunch provided"]))
    await pass_on(h, ATTENDEE, decided(h, "answer", "session:d1-lunch", ["lunch"]))
    again = await h.say(ATTENDEE, both)
    assert again["text"] == STILL_WAITING and labels(again) == []
    assert len(h.fake.messages_to(ORGANISER_CHAT)) == 2


async def test_urdu_attendee_hears_still_waiting_in_urdu(harness: Harness) -> None:
    h = harness
    question = decided(
        h, "answer", "faq:wifi", ["وائی فائی کا پاس ورڈ کیا ہے؟", "wifi ka password kya hai"]
    )
    await h.say(URDU_USER, "/lang ur", language_code="ur")
    post = await pass_on(h, URDU_USER, question, button=ASK_UR)
    assert post["text"].startswith("👎")
    again = await h.say(URDU_USER, question, language_code="ur")
    assert again["text"] == messages.UR["still_waiting"] and labels(again) == []
    assert len(h.fake.messages_to(ORGANISER_CHAT)) == 1


async def test_a_restart_does_not_forget_what_was_passed_on(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
) -> None:
    async with bot_running(fake, tmp_path, sample_answerer) as h:
        question, other_words = wifi_questions(h)
        await pass_on(h, ATTENDEE, question)
    async with bot_running(fake, tmp_path, sample_answerer) as h:
        again = await h.say(ATTENDEE, other_words)
        assert again["text"] == STILL_WAITING and labels(again) == []
        assert len(h.fake.messages_to(ORGANISER_CHAT)) == 1
