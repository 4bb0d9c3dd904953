"""A 👎 on an answer, then "🙋 Ask the organisers", end to end through the fake Bot API.

The offer appears after 👎 only, goes away with a 👍, posts the question once (marked with
the answer the attendee rejected) and only for the asker; the organiser's reply reaches the
attendee, and teaching never attaches the wording to the rejected entry. In English and Urdu.
"""

from __future__ import annotations

from bot import messages
from bot.answering.text import key_for_token
from bot.etiquette import HandoffCounter
from bot.storage import Question
from tests.fake_telegram import SentMessage
from tests.handlers.asking import OTHER, asking, datas, labels, none_question, suggest_question
from tests.handlers.test_learning import organiser_says, press_edit, reply_in_organisers_chat
from tests.harness import ATTENDEE, ORGANISER, ORGANISER_CHAT, Harness

ASK_EN = "🙋 Ask the organisers"
ASK_UR = messages.UR["btn.ask_organisers"]
URDU_USER = 1003


def wrong_answer_question(h: Harness) -> str:
    """A question the bot answers confidently (today with an entry that does not fit)."""
    return asking(
        h.state.answerer, "answer", ["when is the keynote", "keynote timing", "wifi password"]
    )


async def latest(h: Harness) -> Question:
    return max(await h.store.export_questions(), key=lambda q: q.id)


async def vote(h: Harness, user: int, message: SentMessage, value: int) -> SentMessage:
    """Press 👍 (1) or 👎 (-1) under an answer; the keyboard as edited afterwards."""
    after = h.fake.mark()
    await h.press(user, message, data=f"vote:{(await latest(h)).id}:{value}")
    return await h.fake.wait_for_message(
        message["chat_id"], after=after, method="editMessageReplyMarkup"
    )


def current(h: Harness, user: int, message: SentMessage) -> SentMessage:
    """The message as the attendee sees it now (after edits)."""
    return {"chat_id": user, **h.fake.message(user, message["message_id"])}  # type: ignore[typeddict-item]


async def test_the_offer_follows_a_thumbs_down_only(harness: Harness) -> None:
    h = harness
    answer = await h.say(ATTENDEE, wrong_answer_question(h))
    assert labels(answer) == ["👍", "👎"]
    up = await vote(h, ATTENDEE, answer, 1)
    assert labels(up) == ["👍 ✓", "👎"]
    down = await vote(h, ATTENDEE, answer, -1)
    assert labels(down) == ["👍", "👎 ✓", ASK_EN]
    qid = (await latest(h)).id
    assert datas(down)[-1] == f"askorg:{qid}"
    # Changing one's mind back to 👍 takes the offer away; the stale button is harmless.
    again = await vote(h, ATTENDEE, answer, 1)
    assert labels(again) == ["👍 ✓", "👎"]
    toast = await h.press(ATTENDEE, down, data=f"askorg:{qid}", forged=True)
    assert toast["text"] == "You marked this answer 👍. Press 👎 first if it did not help."
    assert h.fake.messages_to(ORGANISER_CHAT) == []
    assert (await latest(h)).status == "answered_by_bot"


async def test_asking_the_organisers_posts_once_with_the_rejected_answer(
    harness: Harness,
) -> None:
    h = harness
    question = wrong_answer_question(h)
    answer = await h.say(ATTENDEE, question, first_name="Zara")
    stored = await latest(h)
    down = await vote(h, ATTENDEE, answer, -1)

    # Someone else cannot press it (the callback data names any question).
    refused = await h.press(OTHER, down, button_text=ASK_EN)
    assert refused["text"] == "Only the person who asked can choose."
    assert (await latest(h)).status == "answered_by_bot"

    after = h.fake.mark()
    toast = await h.press(ATTENDEE, down, button_text=ASK_EN)
    assert toast["text"] == "Passed to the organisers."
    told = await h.fake.wait_for_message(ATTENDEE, after=after, method="sendMessage")
    assert "passed your question to the organisers with a note" in told["text"]
    assert labels(current(h, ATTENDEE, answer)) == ["👍", "👎 ✓"]  # answer and votes stay
    post = await h.fake.wait_for_message(ORGANISER_CHAT)
    assert post["text"].startswith(f"👎 Answer that did not help #{stored.id} from Zara")
    assert question in post["text"] and f"answered with {stored.best_label};" in post["text"]

    passed = await h.store.get_question(stored.id)
    assert passed is not None and passed.status == "open"
    assert passed.rejected_key == stored.best_key and passed.decision == "none"

    # A second press (a double tap, a stale keyboard) posts nothing more.
    again = await h.press(ATTENDEE, down, data=f"askorg:{stored.id}", forged=True)
    assert again["text"] == "Already with the organisers: they'll answer you here."
    await h.until_post_stored(post)
    assert len(h.fake.messages_to(ORGANISER_CHAT)) == 1

    # It is in the unanswered queue, and /stats counts it among those passed on.
    [listing] = await organiser_says(h, "/unanswered")
    assert f"#{stored.id}" in listing["text"] and question in listing["text"]
    # Marked, as the post is, with the answer that did not help.
    assert f"👎 did not help: the bot answered with {stored.best_label}" in listing["text"]
    [stats] = await organiser_says(h, "/stats")
    assert "passed to organisers: 1 (100%)" in stats["text"]
    assert "of them after a 👎 on the bot's answer: 1" in stats["text"]


async def test_the_organisers_reply_reaches_the_attendee_and_teaches_another_entry(
    harness: Harness,
) -> None:
    h = harness
    question = wrong_answer_question(h)
    answer = await h.say(ATTENDEE, question)
    stored = await latest(h)
    assert stored.best_id is not None and stored.best_label is not None
    rejected = stored.best_label
    down = await vote(h, ATTENDEE, answer, -1)
    await h.press(ATTENDEE, down, button_text=ASK_EN)
    post = await h.fake.wait_for_message(ORGANISER_CHAT)
    await h.until_post_stored(post)

    after = h.fake.mark()
    report, offer = await reply_in_organisers_chat(h, post, "The keynote is at 09:30 in Hall A.")
    assert report["text"].startswith(f"✅ #{stored.id}: sent to 1 of 1")
    delivered = await h.fake.wait_for_message(ATTENDEE, after=after, method="sendMessage")
    assert delivered["text"].startswith("💬 The organisers answered your question")
    assert "The keynote is at 09:30 in Hall A." in delivered["text"]

    # The offer never proposes the entry the attendee rejected, not even behind "Other…".
    entries = labels(offer)[:-3]
    assert entries and rejected not in entries
    _, more = await press_edit(h, ORGANISER, offer, button_text="Other…")
    assert rejected not in labels(more)
    # By command or a forged button, teaching it to the rejected entry is refused.
    [refused] = await organiser_says(h, f"/teach {stored.id} {stored.best_id}")
    assert "Not taught: the attendee pressed 👎" in refused["text"]
    assert rejected in refused["text"]
    assert await h.store.learned() == []
    # The organiser's choice is taught.
    token = datas(offer)[0].rsplit(":", 1)[1]
    chosen = key_for_token(h.state.content, token)
    answered, _ = await press_edit(h, ORGANISER, offer, data=datas(offer)[0])
    assert answered["text"] == "Learned."
    [row] = await h.store.learned("active")
    assert f"faq:{row.entry_id}" == chosen != stored.best_key and row.text == question


async def test_urdu_attendee_gets_the_offer_and_replies_in_urdu(harness: Harness) -> None:
    h = harness
    question = asking(
        h.state.answerer, "answer", ["وائی فائی کا پاس ورڈ کیا ہے؟", "parking kahan hai"]
    )
    await h.say(URDU_USER, "/lang ur", language_code="ur")  # buttons' updates carry "en"
    answer = await h.say(URDU_USER, question, language_code="ur", first_name="عائشہ")
    stored = await latest(h)
    down = await vote(h, URDU_USER, answer, -1)
    assert labels(down) == ["👍", "👎 ✓", ASK_UR]
    after = h.fake.mark()
    toast = await h.press(URDU_USER, down, button_text=ASK_UR)
    assert toast["text"] == messages.UR["cb.passed_on"]
    told = await h.fake.wait_for_message(URDU_USER, after=after, method="sendMessage")
    assert "میرا جواب کام نہیں آیا" in told["text"]
    again = await h.press(URDU_USER, down, data=f"askorg:{stored.id}", forged=True)
    assert again["text"] == messages.UR["cb.already_with_organisers"]
    # The organisers' chat gets the post in the catalogue's default language.
    post = await h.fake.wait_for_message(ORGANISER_CHAT)
    assert post["text"].startswith(f"👎 Answer that did not help #{stored.id}")
    await h.until_post_stored(post)
    assert len(h.fake.messages_to(ORGANISER_CHAT)) == 1
    # An organiser reading /unanswered in Urdu sees the mark in Urdu.
    await h.say(ORGANISER, "/lang ur", language_code="ur")
    [listing] = await organiser_says(h, "/unanswered", language_code="ur")
    label = stored.best_label
    assert f"👎 کام نہیں آیا: بوٹ نے {label} سے جواب دیا تھا" in listing["text"]
    after = h.fake.mark()
    await reply_in_organisers_chat(h, post, "پاس ورڈ بیج کی پشت پر ہے۔")
    delivered = await h.fake.wait_for_message(URDU_USER, after=after, method="sendMessage")
    assert "منتظمین نے آپ کے سوال کا جواب دیا ہے" in delivered["text"]


async def test_a_press_after_none_of_these_or_a_repeat_is_already_with_the_organisers(
    harness: Harness,
) -> None:
    h = harness
    suggested = await h.say(ATTENDEE, suggest_question(h))
    waiting = await latest(h)
    # Under "Did you mean" there is no answer to reject: a forged press has expired.
    toast = await h.press(ATTENDEE, suggested, data=f"askorg:{waiting.id}", forged=True)
    assert toast["text"] == "This button has expired. Please ask again."
    await h.press(ATTENDEE, suggested, button_text="None of these")
    first = await h.fake.wait_for_message(ORGANISER_CHAT)
    opened = await latest(h)
    toast = await h.press(ATTENDEE, suggested, data=f"askorg:{opened.id}", forged=True)
    assert toast["text"] == "Already with the organisers: they'll answer you here."
    assert (await h.store.get_question(opened.id)).rejected_key is None  # type: ignore[union-attr]

    # The same question asked twice, then the second answer 👎 and passed on: a 👎 and a
    # press under the first answer finds the same question still open (the repeat rule),
    # so the attendee hears so and the organisers get no second post.
    question = wrong_answer_question(h)
    earlier = await h.say(ATTENDEE, question)
    earlier_id = (await latest(h)).id
    answer = await h.say(ATTENDEE, question)
    down = await vote(h, ATTENDEE, answer, -1)
    posted = h.fake.mark()
    await h.press(ATTENDEE, down, button_text=ASK_EN)
    second = await h.fake.wait_for_message(ORGANISER_CHAT, after=posted)
    assert second["text"].startswith("👎") and second["message_id"] != first["message_id"]
    edited = h.fake.mark()
    await h.press(ATTENDEE, earlier, data=f"vote:{earlier_id}:-1")
    down = await h.fake.wait_for_message(ATTENDEE, after=edited, method="editMessageReplyMarkup")
    assert labels(down)[-1] == ASK_EN
    edited = h.fake.mark()
    toast = await h.press(ATTENDEE, down, button_text=ASK_EN)
    assert toast["text"] == "Already with the organisers: they'll answer you here."
    shown = await h.fake.wait_for_message(ATTENDEE, after=edited, method="editMessageReplyMarkup")
    assert labels(shown) == ["👍", "👎 ✓"]
    assert len(h.fake.messages_to(ORGANISER_CHAT)) == 2
    assert (await h.store.get_question(earlier_id)).status == "answered_by_bot"  # type: ignore[union-attr]


async def test_a_third_handoff_in_ten_minutes_is_batched_with_its_mark(harness: Harness) -> None:
    h = harness
    assert h.state.poster is not None
    h.state.poster.counter = HandoffCounter(window=5.0)  # ten minutes, shortened for the test
    after = h.fake.mark()
    unanswered = [none_question(h), "do you sell football boots", "is there a swimming pool"]
    for text in unanswered:
        assert h.state.answerer.ask(text).decision == "none", text
    for text in unanswered[:2]:
        await h.say(ATTENDEE, text, first_name="Omar")
    for text in unanswered[:2]:
        await h.fake.wait_for_message(ORGANISER_CHAT, contains=text, after=after)
    # The third handoff in the window is the 👎 one; a fourth joins it in one post.
    question = wrong_answer_question(h)
    answer = await h.say(ATTENDEE, question, first_name="Omar")
    stored = await latest(h)
    down = await vote(h, ATTENDEE, answer, -1)
    await h.press(ATTENDEE, down, button_text=ASK_EN)
    await h.say(ATTENDEE, unanswered[2], first_name="Omar")
    batch = await h.fake.wait_for_message(ORGANISER_CHAT, contains="📦", timeout=15)
    assert "2 more questions from Omar" in batch["text"]
    assert f"#{stored.id} 👎 did not help: the bot answered with" in batch["text"]
    assert question in batch["text"] and unanswered[2] in batch["text"]
    assert len(h.fake.messages_to(ORGANISER_CHAT)) == 3


async def test_star_rows_stay_under_a_session_answer(harness: Harness) -> None:
    h = harness
    question = asking(
        h.state.answerer, "answer", ["opening ceremony time", "closing ceremony kab hai"]
    )
    answer = await h.say(ATTENDEE, question)
    stars = [label for label in labels(answer) if label.startswith("☆")]
    assert stars
    down = await vote(h, ATTENDEE, answer, -1)
    assert labels(down) == ["👍", "👎 ✓", ASK_EN, *stars]
    await h.press(ATTENDEE, down, button_text=ASK_EN)
    await h.fake.wait_for_message(ORGANISER_CHAT)
    assert labels(current(h, ATTENDEE, answer)) == ["👍", "👎 ✓", *stars]


async def test_in_a_group_the_confirmation_quotes_the_answer(harness: Harness) -> None:
    h = harness
    group = {"chat_id": -100424242, "chat_type": "supergroup", "title": "NCSC attendees"}
    answer = await h.say(ATTENDEE, f"@ncsc_test_bot {wrong_answer_question(h)}", **group)
    down = await vote(h, ATTENDEE, answer, -1)
    assert labels(down)[-1] == ASK_EN
    refused = await h.press(OTHER, down, button_text=ASK_EN)
    assert refused["text"] == "Only the person who asked can choose."
    after = h.fake.mark()
    await h.press(ATTENDEE, down, button_text=ASK_EN)
    told = await h.fake.wait_for_message(group["chat_id"], after=after, method="sendMessage")
    assert told["reply_to_message_id"] == answer["message_id"]
    post = await h.fake.wait_for_message(ORGANISER_CHAT)
    assert post["text"].startswith("👎 Answer that did not help")
