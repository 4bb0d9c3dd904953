"""Group chats: the bot answers commands, @mentions and replies to itself, never chatter."""

from __future__ import annotations

from tests.handlers.asking import answer_question, none_question
from tests.harness import ATTENDEE, ORGANISER, ORGANISER_CHAT, Harness
from tests.storage.support import stored_user

GROUP = -100424242
GROUP_KW = {"chat_id": GROUP, "chat_type": "supergroup", "title": "NCSC attendees"}


async def test_chatter_is_ignored_and_commands_are_answered(harness: Harness):
    h = harness
    after = h.fake.mark()
    for text in (
        "good morning everyone",
        answer_question(h),
        "/frobnicate",
        "/now@some_other_bot",
        "@someone_else where is lunch",
    ):
        h.fake.user_sends(ATTENDEE, text, **GROUP_KW)
    h.fake.user_sends_sticker(ATTENDEE, chat_id=GROUP, chat_type="supergroup")
    h.fake.user_sends(ATTENDEE, "/venue", **GROUP_KW)
    venue = await h.fake.wait_for_message(GROUP, after=after)
    assert "Jinnah" in venue["text"]
    assert venue["reply_to_message_id"] is not None  # quotes the asker in a group
    await h.fake.assert_no_message(GROUP, after=after + 1, within=0.2)
    assert await h.store.export_questions() == []


async def test_commands_addressed_to_the_bot(harness: Harness):
    h = harness
    now = await h.say(ATTENDEE, "/now@ncsc_test_bot", **GROUP_KW)
    assert now["text"].startswith("On now")
    unknown = await h.say(ATTENDEE, "/frobnicate@ncsc_test_bot", **GROUP_KW)
    assert unknown["text"] == "I don't know that command, see /help."
    start = await h.say(ATTENDEE, "/start", **GROUP_KW)
    assert "Mention me (@ncsc_test_bot)" in start["text"]
    assert await stored_user(h.store, ATTENDEE) is None  # groups don't register anyone
    forget = await h.say(ATTENDEE, "/forget", **GROUP_KW)
    assert forget["text"] == "Please send /forget to me in a private chat."


async def test_mention_and_reply_are_questions(harness: Harness):
    h = harness
    question = answer_question(h)
    mention = await h.say(ATTENDEE, f"@ncsc_test_bot {question}", **GROUP_KW)
    expected = h.state.answerer.answer_text(h.state.answerer.ask(question)).strip()
    assert mention["text"] == expected
    stored = (await h.store.export_questions())[-1]
    assert stored.text == question and stored.chat_id == GROUP  # mention stripped
    followup = await h.say(ATTENDEE, question, reply_to=mention, **GROUP_KW)
    assert followup["text"] == expected
    assert len(await h.store.export_questions()) == 2
    only_mention = await h.say(ATTENDEE, "@NCSC_test_bot", **GROUP_KW)
    assert "Please type your question in words" in only_mention["text"]


async def test_unanswered_group_question_is_answered_in_the_group(harness: Harness):
    h = harness
    question = none_question(h)
    after = h.fake.mark()
    h.fake.user_sends(ATTENDEE, f"{question} @ncsc_test_bot", first_name="Hina", **GROUP_KW)
    honest = await h.fake.wait_for_message(GROUP, after=after)
    assert "passed your question to the organisers" in honest["text"]
    post = await h.fake.wait_for_message(ORGANISER_CHAT, after=after)

    await h.until_post_stored(post)
    after = h.fake.mark()
    h.fake.user_sends(
        ORGANISER,
        "Not at the venue, sorry.",
        chat_id=ORGANISER_CHAT,
        chat_type="supergroup",
        reply_to=post,
    )
    answer = await h.fake.wait_for_message(GROUP, after=after)
    assert "Not at the venue, sorry." in answer["text"] and question in answer["text"]
    assert answer["reply_to_message_id"] is not None


async def test_votes_in_groups_are_the_askers_alone(harness: Harness):
    """Issue 15 §3: an onlooker's 👎 is refused, not counted (it used to be, per person)."""
    h = harness
    reply = await h.say(ATTENDEE, f"@ncsc_test_bot {answer_question(h)}", **GROUP_KW)
    await h.press(ATTENDEE, reply, button_text="👍")
    await h.fake.wait_for_message(GROUP, method="editMessageReplyMarkup")
    current = {"chat_id": GROUP, **h.fake.message(GROUP, reply["message_id"])}
    refused = await h.press(ATTENDEE + 1, current, button_text="👎")
    assert refused["text"] == "Only the person who asked can rate this answer."
    stats = await h.store.stats()
    assert [(v.up, v.down) for v in stats.votes] == [(1, 0)]
