"""Chatter end to end through the fake Bot API: every kind in English, Roman Urdu and Urdu
script, the question inside chatter, repeats, handoffs (alone and in a burst), thanks as 👍
and complaints in /stats."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.etiquette import HandoffCounter
from bot.storage import handoff_key
from tests.fake_telegram import iter_buttons
from tests.handlers.asking import answer_question, none_question
from tests.harness import ATTENDEE, NOW, ORGANISER, ORGANISER_CHAT, Harness

OTHER = 1002
# (what the attendee types, the Telegram client's language, a piece of the reply)
REPLIES = [
    # greeting
    ("hello", "en", "Hello! I'm the"),
    ("aoa bhai", "en", "Wa alaikum assalam!"),
    ("السلام علیکم", "ur", "وعلیکم السلام"),
    ("kya haal hai", "ur", "خوش آمدید"),
    # thanks
    ("thank you so much", "en", "You're welcome!"),
    ("shukriya bhai", "en", "You're welcome!"),
    ("بہت شکریہ", "ur", "کوئی بات نہیں"),
    ("🙏", "en", "You're welcome!"),
    # goodbye
    ("bye", "en", "Goodbye, and enjoy the conference!"),
    ("allah hafiz", "en", "Goodbye"),
    ("خدا حافظ", "ur", "اللہ حافظ، کانفرنس"),
    # help
    ("what can you do", "en", "Ask me a question"),
    ("madad chahiye", "en", "Ask me a question"),
    ("آپ کیا کر سکتے ہیں", "ur", "/agenda"),
    # is anyone there?
    ("is anyone there?", "en", "Yes, I'm here"),
    ("koi hai?", "en", "Yes, I'm here"),
    ("کیا کوئی ہے؟", "ur", "جی، میں حاضر ہوں"),
    # rudeness
    ("you are useless", "en", "I'm sorry I couldn't help"),
    ("bilkul bekaar bot", "en", "I'm sorry I couldn't help"),
    ("یہ بوٹ بیکار ہے", "ur", "معذرت کہ میں مدد نہ کر سکا"),
    # nonsense
    ("asdfgh", "en", "I didn't understand that"),
    ("???", "en", "I didn't understand that"),
    ("ججججج", "ur", "میں یہ سمجھ نہیں سکا"),
]


@pytest.mark.parametrize(("text", "language_code", "expected"), REPLIES)
async def test_chatter_gets_a_reply_and_never_reaches_the_organisers(
    harness: Harness, text: str, language_code: str, expected: str
) -> None:
    h = harness
    after = h.fake.mark()
    reply = await h.say(ATTENDEE, text, language_code=language_code)
    assert expected in reply["text"]
    assert await h.store.export_questions() == []
    assert (await h.store.chatter_stats()).total == 1
    await h.fake.assert_no_message(ORGANISER_CHAT, after=after)


@pytest.mark.parametrize("text", ["ok", "acha theek hai", "ٹھیک ہے", "👍", "got it"])
async def test_acknowledgement_gets_no_reply(harness: Harness, text: str) -> None:
    h = harness
    after = h.fake.mark()
    h.fake.user_sends(ATTENDEE, text)

    async def stored() -> bool:
        return dict((await h.store.chatter_stats()).by_kind).get("acknowledgement") == 1

    await h.until(stored)
    await h.fake.assert_no_message(after=after)
    assert await h.store.export_questions() == []


async def test_a_greeting_brings_the_menu(harness: Harness) -> None:
    reply = await harness.say(ATTENDEE, "good morning")
    assert "menu:agenda" in [b["callback_data"] for b in iter_buttons(reply["reply_markup"])]


@pytest.mark.parametrize("greeting", ["hi, ", "salam, ", "السلام علیکم، ", "thanks! and "])
async def test_a_question_inside_chatter_is_answered(harness: Harness, greeting: str) -> None:
    h = harness
    question = answer_question(h)
    reply = await h.say(ATTENDEE, greeting + question)
    assert "👍" in [b["text"] for b in iter_buttons(reply["reply_markup"])]
    stored = await h.store.export_questions()
    assert [q.status for q in stored] == ["answered_by_bot"]
    if greeting.startswith(("salam", "السلام")):
        assert reply["text"].startswith("Wa alaikum assalam!")
    else:
        assert not reply["text"].startswith(("Hello", "You're welcome"))


async def test_the_same_open_question_within_30_minutes_is_not_posted_again(
    harness: Harness,
) -> None:
    h = harness
    question = none_question(h)
    after = h.fake.mark()
    first = await h.say(ATTENDEE, question)
    assert "passed your question to the organisers" in first["text"]
    await h.fake.wait_for_message(ORGANISER_CHAT, after=after)

    h.set_clock(NOW + timedelta(minutes=20))
    again = h.fake.mark()
    second = await h.say(ATTENDEE, question.upper() + "?")
    assert "Still waiting for the organisers" in second["text"]
    await h.fake.assert_no_message(ORGANISER_CHAT, after=again)
    assert len(await h.store.export_questions()) == 1

    # Someone else asking the same is not a repeat; nor is the same attendee much later.
    other = await h.say(OTHER, question)
    assert "passed your question" in other["text"]
    h.set_clock(NOW + timedelta(minutes=51))
    later = await h.say(ATTENDEE, question)
    assert "passed your question" in later["text"]
    assert len(await h.store.export_questions("open")) == 3


async def test_asking_for_a_person_hands_off_with_the_last_question(harness: Harness) -> None:
    h = harness
    asked = answer_question(h)
    await h.say(ATTENDEE, asked)
    after = h.fake.mark()
    reply = await h.say(ATTENDEE, "kisi insaan se baat karao", first_name="Sana")
    assert "I've asked the organisers to get in touch" in reply["text"]
    # ... and how to reach them meanwhile: the FAQ entry marked `handoff: yes`.
    assert "Meanwhile, to reach them yourself:" in reply["text"]
    assert "+92 51 290 2027" in reply["text"]
    post = await h.fake.wait_for_message(ORGANISER_CHAT, after=after)
    assert post["text"].startswith("🙋 Handoff #") and "Sana" in post["text"]
    assert "kisi insaan se baat karao" in post["text"] and asked in post["text"]
    await h.until_post_stored(post)

    # A second request while the first is open is not posted again.
    again = h.fake.mark()
    await h.say(ATTENDEE, "talk to a human")
    await h.fake.assert_no_message(ORGANISER_CHAT, after=again)

    # The organisers answer the handoff like any question.
    answered = h.fake.mark()
    h.fake.user_sends(
        ORGANISER,
        "Hi Sana, call us on 0300-0000000.",
        chat_id=ORGANISER_CHAT,
        chat_type="supergroup",
        reply_to=post,
    )
    answer = await h.fake.wait_for_message(ATTENDEE, after=answered)
    assert "0300-0000000" in answer["text"]
    open_handoffs = [q for q in await h.store.export_questions("open")]
    assert open_handoffs == []
    handoffs = [
        q for q in await h.store.export_questions() if q.normalized == handoff_key(ATTENDEE)
    ]
    assert [q.status for q in handoffs] == ["answered"]


async def test_asking_for_a_person_in_urdu_gets_the_helpdesk_in_the_reply(
    harness: Harness,
) -> None:
    h = harness
    after = h.fake.mark()
    reply = await h.say(ATTENDEE, "کسی انسان سے بات کرنی ہے", language_code="ur")
    assert reply["text"].startswith("🙋 میں نے منتظمین سے کہہ دیا ہے")
    assert "اس دوران آپ خود بھی رابطہ کر سکتے ہیں۔" in reply["text"]
    assert "+92 51 290 2027" in reply["text"]
    post = await h.fake.wait_for_message(ORGANISER_CHAT, after=after)
    assert post["text"].startswith("🙋 Handoff #")
    await h.until_post_stored(post)


async def test_a_burst_of_handoffs_is_one_post_from_the_third(harness: Harness) -> None:
    h = harness
    assert h.state.poster is not None
    h.state.poster.counter = HandoffCounter(window=3.0)  # ten minutes, shortened for the test
    questions = [
        "is there a bowling alley",
        "do you sell football boots",
        "who won the cricket match yesterday",
        "is there a swimming pool for guests",
    ]
    for question in questions:
        assert h.state.answerer.ask(question).decision == "none", question
    after = h.fake.mark()
    for question in questions:
        await h.say(ATTENDEE, question, first_name="Omar")
    for question in questions[:2]:
        post = await h.fake.wait_for_message(ORGANISER_CHAT, contains=question, after=after)
        assert post["text"].startswith("❓ Unanswered question")
    batch = await h.fake.wait_for_message(ORGANISER_CHAT, contains="📦", timeout=10)
    assert "2 more questions from Omar" in batch["text"]
    assert questions[2] in batch["text"] and questions[3] in batch["text"]
    assert len(h.fake.messages_to(ORGANISER_CHAT)) == 3

    async def linked() -> bool:
        found = await h.store.questions_by_organiser_post(ORGANISER_CHAT, batch["message_id"])
        return len(found) == 2

    await h.until(linked)
    replied = h.fake.mark()
    h.fake.user_sends(
        ORGANISER,
        "None of these, sorry.",
        chat_id=ORGANISER_CHAT,
        chat_type="supergroup",
        reply_to=batch,
    )
    for asked in questions[2:]:
        answer = await h.fake.wait_for_message(ATTENDEE, contains=asked, after=replied)
        assert "None of these, sorry." in answer["text"]
    assert len(await h.store.export_questions("open")) == 2


async def test_thanks_right_after_an_answer_is_its_thumbs_up(harness: Harness) -> None:
    h = harness
    await h.say(ATTENDEE, answer_question(h))
    await h.say(ATTENDEE, "shukriya")
    votes = (await h.store.stats()).votes
    assert [(v.up, v.down) for v in votes] == [(1, 0)]


async def test_thanks_long_after_an_answer_or_after_a_thumbs_down_is_no_vote(
    harness: Harness,
) -> None:
    h = harness
    await h.say(ATTENDEE, answer_question(h))
    h.set_clock(NOW + timedelta(minutes=30))
    await h.say(ATTENDEE, "thanks")
    assert (await h.store.stats()).votes == ()

    h.set_clock(NOW + timedelta(minutes=31))
    reply = await h.say(OTHER, answer_question(h))
    await h.press(OTHER, reply, button_text="👎")
    await h.say(OTHER, "thank you")
    assert [(v.up, v.down) for v in (await h.store.stats()).votes] == [(0, 1)]


async def test_complaints_are_feedback_in_stats(harness: Harness) -> None:
    h = harness
    await h.say(ATTENDEE, "you are useless")
    await h.say(OTHER, "hi")
    await h.say(OTHER, "thanks")
    stats = await h.say(ORGANISER, "/stats")
    text = stats["text"]
    assert "Chatter (not questions, never posted): 3" in text
    assert "greetings: 1" in text and "thanks: 1" in text
    assert "Feedback (complaints): 1" in text and "you are useless" in text
    assert "Questions: 0" in text


async def test_chatter_in_a_group_only_when_addressed(harness: Harness) -> None:
    h = harness
    group = -100777
    after = h.fake.mark()
    h.fake.user_sends(ATTENDEE, "hi all", chat_id=group, chat_type="group", title="NCSC")
    await h.fake.assert_no_message(group, after=after)
    reply = await h.say(
        ATTENDEE,
        f"@{h.state.username} salam",
        chat_id=group,
        chat_type="group",
        title="NCSC",
    )
    assert "Wa alaikum assalam" in reply["text"]
    assert reply["reply_markup"] is None  # the menu is for private chats
