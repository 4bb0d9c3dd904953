"""Two leaks found from outside (issue 15 §3): votes on anyone's answer, and organiser
commands posting attendees' questions into a public group."""

from __future__ import annotations

from bot import messages
from tests.handlers.asking import answer_question, labels
from tests.handlers.test_unanswered import BOWLING, ask_unanswered, question_id
from tests.harness import ATTENDEE, ORGANISER, ORGANISER_CHAT, Harness

OTHER = 1002
GROUP = -100555  # an attendee group the bot is in


def toast(key: str) -> str:
    return messages.plain(key, "en")


# --- votes ----------------------------------------------------------------------------------


async def test_only_the_asker_can_vote_on_an_answer_in_the_chat_where_it_was_shown(
    harness: Harness,
):
    h = harness
    answer = await h.say(ATTENDEE, answer_question(h))
    [up, down] = [b for b in answer["reply_markup"]["inline_keyboard"][0]]
    qid = int(down["callback_data"].split(":")[1])

    # Someone else forges the asker's button data onto their own copy of the answer.
    theirs = await h.say(OTHER, answer_question(h))
    forged = await h.press(OTHER, theirs, data=f"vote:{qid}:-1", forged=True)
    assert forged["text"] == toast("cb.not_your_vote")
    # The asker's own vote, pressed on a message in another chat (a forwarded or forged one).
    elsewhere = await h.say(
        ATTENDEE, "@ncsc_test_bot wifi password", chat_id=GROUP, chat_type="supergroup"
    )
    moved = await h.press(ATTENDEE, elsewhere, data=f"vote:{qid}:-1", forged=True)
    assert moved["text"] == toast("cb.not_your_vote")
    assert not (await h.store.stats()).votes
    assert labels(h.fake.message(OTHER, theirs["message_id"])) == ["👍", "👎"]

    # The asker, on the answer they were shown: counted.
    mine = await h.press(ATTENDEE, answer, data=up["callback_data"])
    assert mine["text"] == toast("cb.thanks_vote")
    [tally] = (await h.store.stats()).votes
    assert (tally.up, tally.down) == (1, 0)


async def test_in_a_group_only_the_asker_can_rate_the_answer_the_group_was_shown(
    harness: Harness,
):
    h = harness
    answer = await h.say(
        ATTENDEE, f"@{h.state.username} {answer_question(h)}", chat_id=GROUP, chat_type="supergroup"
    )
    onlooker = await h.press(OTHER, answer, button_text="👎")
    assert onlooker["text"] == toast("cb.not_your_vote")
    asker = await h.press(ATTENDEE, answer, button_text="👍")
    assert asker["text"] == toast("cb.thanks_vote")
    [tally] = (await h.store.stats()).votes
    assert (tally.up, tally.down) == (1, 0)


# --- organiser commands in attendee groups --------------------------------------------------


async def test_organiser_commands_in_an_attendee_group_are_refused_privately(harness: Harness):
    h = harness
    post = await ask_unanswered(h, ATTENDEE, BOWLING[0], "Ayesha")
    for command in (
        f"/unanswered@{h.state.username}",
        "/unanswered",
        "/stats",
        f"/dismiss {question_id(post)}",
        "/announcements",
    ):
        after = h.fake.mark()
        h.fake.user_sends(
            ORGANISER, command, chat_id=GROUP, chat_type="supergroup", title="NCSC attendees"
        )
        refusal = await h.fake.wait_for_message(ORGANISER, after=after)
        name = command.split()[0].split("@")[0]
        assert refusal["text"].startswith(f"🔒 {name} was not run in “NCSC attendees”"), command
        await h.fake.assert_no_message(GROUP, after=after, within=0.2)
    # Nothing was done either: the question is still open.
    assert [q.text for q in await h.store.export_questions("open")] == [BOWLING[0]]

    # Where they belong, they work: the organisers' chat and a private chat.
    listing = await h.say(ORGANISER, "/unanswered", chat_id=ORGANISER_CHAT, chat_type="supergroup")
    assert BOWLING[0] in listing["text"]
    private = await h.say(ORGANISER, "/unanswered")
    assert BOWLING[0] in private["text"]


async def test_organiser_buttons_on_a_message_in_an_attendee_group_are_refused(harness: Harness):
    h = harness
    await ask_unanswered(h, ATTENDEE, BOWLING[0])
    in_group = await h.say(
        ATTENDEE, f"@{h.state.username} {answer_question(h)}", chat_id=GROUP, chat_type="supergroup"
    )
    after = h.fake.mark()
    pressed = await h.press(ORGANISER, in_group, data="unans:0", forged=True)
    assert pressed["text"] == toast("cb.organiser_elsewhere") and pressed["show_alert"]
    await h.fake.assert_no_message(GROUP, after=after, within=0.2)


async def test_an_attendee_using_an_organiser_command_in_a_group_is_still_told_it_is_not_theirs(
    harness: Harness,
):
    refused = await harness.say(ATTENDEE, "/unanswered", chat_id=GROUP, chat_type="supergroup")
    assert refused["text"] == messages.html_text("organiser_only", "en")
