"""Organisers, end to end: the unanswered loop, their commands, and refusals for others."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.answering import Answerer
from tests.fake_telegram import FakeTelegram, iter_buttons
from tests.handlers.asking import answer_question, none_question
from tests.harness import (
    ATTENDEE,
    ORGANISER,
    ORGANISER_CHAT,
    RELOAD_WAIT,
    ROOT,
    Harness,
    bot_running,
)
from tests.storage.support import stored_user

OTHER = 1002
STRANGER = 5555
BOWLING = ["is there a bowling alley", "Is there a bowling alley?", "bowling alley is there?"]


async def ask_unanswered(h: Harness, user: int, text: str, name: str = "Ali") -> dict:
    """An attendee asks something the bot can't answer; return the organisers' ❓ post."""
    assert h.state.answerer.ask(text).decision == "none", text
    after = h.fake.mark()
    h.fake.user_sends(user, text, first_name=name)
    await h.fake.wait_for_message(user, after=after)
    post = await h.fake.wait_for_message(ORGANISER_CHAT, after=after)

    await h.until_post_stored(post)
    return post


def question_id(post: dict) -> int:
    return int(post["text"].split("#", 1)[1].split()[0])


async def test_organiser_reply_answers_the_whole_group(harness: Harness):
    h = harness
    first = await ask_unanswered(h, ATTENDEE, BOWLING[0], "Ayesha")
    second = await ask_unanswered(h, OTHER, BOWLING[1], "<i>Bilal</i>")
    assert "Ayesha" in first["text"] and f"id {ATTENDEE}" in first["text"]
    assert "<i>Bilal</i>" in second["text"]  # escaped, shown literally
    assert "Best guess:" in first["text"]

    after = h.fake.mark()
    h.fake.user_sends(
        ORGANISER,
        "No bowling, sorry! But there's a CTF.",
        chat_id=ORGANISER_CHAT,
        chat_type="supergroup",
        reply_to=first,
    )
    report = await h.fake.wait_for_message(ORGANISER_CHAT, after=after)
    assert report["text"] == f"✅ #{question_id(first)}: sent to 2 of 2 attendee(s)."
    # The teach offer follows the report (tests/handlers/test_learning.py presses it).
    await h.fake.wait_for_message(ORGANISER_CHAT, after=after, contains="Also use this")
    for user, asked in ((ATTENDEE, BOWLING[0]), (OTHER, BOWLING[1])):
        answer = await h.fake.wait_for_message(user, after=after)
        assert answer["text"].startswith("💬 The organisers answered your question")
        assert asked in answer["text"] and "No bowling, sorry!" in answer["text"]
        assert answer["reply_to_message_id"] is not None
    assert await h.store.export_questions("open") == []
    answered = await h.store.export_questions("all")
    assert {q.status for q in answered} == {"answered"}
    assert {q.answered_by for q in answered} == {ORGANISER}

    # Replying again: nothing more goes out.
    again = await h.say(
        ORGANISER,
        "Also: no karaoke.",
        chat_id=ORGANISER_CHAT,
        chat_type="supergroup",
        reply_to=first,
    )
    expected = f"#{question_id(first)} is already answered or dismissed; nothing was sent."
    assert again["text"] == expected


async def test_reply_from_a_non_organiser_is_refused(harness: Harness):
    h = harness
    post = await ask_unanswered(h, ATTENDEE, BOWLING[0])
    refused = await h.say(
        STRANGER,
        "I think it's upstairs",
        chat_id=ORGANISER_CHAT,
        chat_type="supergroup",
        reply_to=post,
    )
    assert "only organisers" in refused["text"]
    await h.fake.assert_no_message(ATTENDEE, after=h.fake.mark(), within=0.05)
    assert len(await h.store.export_questions("open")) == 1


async def test_reply_to_other_bot_messages_and_chatter_in_the_organisers_chat(harness: Harness):
    h = harness
    stats = await h.say(ORGANISER, "/stats", chat_id=ORGANISER_CHAT, chat_type="supergroup")
    hint = await h.say(
        ORGANISER, "nice numbers", chat_id=ORGANISER_CHAT, chat_type="supergroup", reply_to=stats
    )
    assert "isn't a question post" in hint["text"]
    chatter = h.fake.user_sends(
        OTHER, "lunch at 1?", chat_id=ORGANISER_CHAT, chat_type="supergroup"
    )
    after = h.fake.mark()
    h.fake.user_sends(
        ORGANISER, "yes", chat_id=ORGANISER_CHAT, chat_type="supergroup", reply_to=chatter
    )
    h.fake.user_sends(ORGANISER, "/help", chat_id=ORGANISER_CHAT, chat_type="supergroup")
    reply = await h.fake.wait_for_message(ORGANISER_CHAT, after=after)
    assert "/agenda" in reply["text"]  # the /help answer is the only message


async def test_answer_command(harness: Harness):
    h = harness
    post = await ask_unanswered(h, ATTENDEE, BOWLING[0])
    qid = question_id(post)
    for bad in ("/answer", f"/answer {qid}", "/answer abc some text", "/answer -3 text"):
        usage = await h.say(ORGANISER, bad)
        assert usage["text"].startswith("Usage: /answer ID your answer"), bad
    missing = await h.say(ORGANISER, "/answer 99999 hello")
    assert missing["text"] == "There is no question #99999."

    after = h.fake.mark()
    h.fake.user_sends(ORGANISER, f"/answer {qid} Bowling <b>is</b> in F-7 & nearby.\nEnjoy!")
    report = await h.fake.wait_for_message(ORGANISER, after=after)
    assert report["text"] == f"✅ #{qid}: sent to 1 of 1 attendee(s)."
    # The teach offer follows the report (tests/handlers/test_learning.py presses it).
    await h.fake.wait_for_message(ORGANISER, after=after, contains="Also use this")
    answer = await h.fake.wait_for_message(ATTENDEE, after=after)
    assert "Bowling <b>is</b> in F-7 & nearby.\nEnjoy!" in answer["text"]
    stored = await h.store.get_question(qid)
    assert stored.status == "answered"
    assert stored.answer_text == "Bowling <b>is</b> in F-7 & nearby.\nEnjoy!"
    again = await h.say(ORGANISER, f"/answer {qid} again")
    assert "already answered or dismissed" in again["text"]


async def test_answer_to_an_attendee_who_blocked_the_bot(harness: Harness):
    h = harness
    h.allowed_errors.add(("sendMessage", 403))
    await h.say(ATTENDEE, "/start")
    post = await ask_unanswered(h, ATTENDEE, BOWLING[0])
    h.fake.block(ATTENDEE)
    report = await h.say(ORGANISER, f"/answer {question_id(post)} none nearby")
    assert "sent to 0 of 1" in report["text"] and "could not be reached" in report["text"]

    async def unsubscribed() -> bool:
        user = await stored_user(h.store, ATTENDEE)
        return user is not None and not user.subscribed and user.blocked_at is not None

    await h.until(unsubscribed)


async def test_dismiss_command(harness: Harness):
    h = harness
    post = await ask_unanswered(h, ATTENDEE, BOWLING[0])
    await ask_unanswered(h, OTHER, BOWLING[1])
    qid = question_id(post)
    usage = await h.say(ORGANISER, "/dismiss")
    assert usage["text"].startswith("Usage: /dismiss ID")
    done = await h.say(ORGANISER, f"/dismiss #{qid}")
    assert done["text"] == f"Dismissed #{qid} (2 question(s))."
    assert await h.store.export_questions("open") == []
    again = await h.say(ORGANISER, f"/dismiss {qid}")
    assert "already answered or dismissed" in again["text"]
    missing = await h.say(ORGANISER, "/dismiss 424242")
    assert missing["text"] == "There is no question #424242."


async def test_unanswered_groups_and_pages(harness: Harness):
    h = harness
    empty = await h.say(ORGANISER, "/unanswered")
    assert empty["text"] == "🎉 No unanswered questions."
    questions = [
        "is there a bowling alley",
        "is there a swimming pool",
        "do you sell umbrellas",
        "is there a karaoke night",
        "can I ride a camel",
        "xylophone lessons",
        "is there a zoo nearby",
        "do you rent bicycles",
        "can I bring my cat",
        "is there a trampoline",
    ]
    asked = [q for q in questions if h.state.answerer.ask(q).decision == "none"][:6]
    assert len(asked) == 6
    for index, text in enumerate(asked):
        await ask_unanswered(h, 2000 + index, text)
    await ask_unanswered(h, 3000, asked[-1] + "?")  # groups with the newest
    page = await h.say(ORGANISER, "/unanswered")
    total = len(asked)
    assert page["text"].startswith(f"Unanswered questions (1–5 of {total} groups, newest first)")
    assert "×2" in page["text"] and asked[-1] in page["text"]
    buttons = [b["text"] for b in iter_buttons(page["reply_markup"])]
    assert buttons == ["▶"]
    await h.press(ORGANISER, page, button_text="▶")
    second = await h.fake.wait_for_message(ORGANISER, method="editMessageText")
    assert second["text"].startswith(f"Unanswered questions (6–{total} of {total}")
    assert [b["text"] for b in iter_buttons(second["reply_markup"])] == ["◀"]
    assert asked[0] in second["text"]
    # An attendee pressing (or forging) the pager gets nothing.
    toast = await h.press(ATTENDEE, second, button_text="◀")
    assert toast["text"] == "Sorry, that's only for the organisers."
    assert h.fake.message(ORGANISER, page["message_id"])["text"] == second["text"]


async def test_stats(harness: Harness):
    h = harness
    await h.say(ATTENDEE, "/start")
    reply = await h.say(ATTENDEE, answer_question(h))
    await h.press(ATTENDEE, reply, button_text="👎")
    await ask_unanswered(h, OTHER, none_question(h))
    stats = await h.say(ORGANISER, "/stats")
    text = stats["text"]
    assert "Attendees: 1 (subscribed: 1)" in text and "Questions: 2" in text
    assert "answered by the bot: 1 (50%)" in text
    assert "passed to organisers: 1 (50%)" in text
    assert "Most asked" in text and "Votes" in text and "👎 1" in text


async def test_organiser_commands_refused_for_attendees(harness: Harness):
    h = harness
    post = await ask_unanswered(h, ATTENDEE, BOWLING[0])
    for command in (
        "/unanswered",
        "/stats",
        "/reload",
        f"/answer {question_id(post)} hi",
        f"/dismiss {question_id(post)}",
    ):
        refused = await h.say(ATTENDEE, command)
        assert refused["text"] == "Sorry, that command is only for the organisers.", command
    group = await h.say(
        ATTENDEE, f"/dismiss {question_id(post)}", chat_id=-100777, chat_type="supergroup"
    )
    assert group["text"] == "Sorry, that command is only for the organisers."
    assert len(await h.store.export_questions("open")) == 1


def copied_content(tmp_path: Path) -> Path:
    """The sample agenda and FAQ copied where a test may break them before a /reload."""
    content_dir = tmp_path / "content"
    shutil.copytree(ROOT / "faq", content_dir / "faq")
    shutil.copy(ROOT / "agenda.yaml", content_dir / "agenda.yaml")
    return content_dir


def running_on(fake: FakeTelegram, tmp_path: Path, answerer: Answerer, content_dir: Path):
    """The bot serving `answerer`, reloading from `content_dir`."""
    return bot_running(
        fake,
        tmp_path,
        answerer,
        agenda_path=content_dir / "agenda.yaml",
        faq_dir=content_dir / "faq",
    )


async def test_reload_keeps_old_content_on_problems(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    content_dir = copied_content(tmp_path)
    faq = content_dir / "faq" / "venue.yaml"
    async with running_on(fake, tmp_path, sample_answerer, content_dir) as h:
        original = h.state.answerer
        faq.write_text(
            faq.read_text() + "\n  - id: [unclosed\n    question: <b>&\n", encoding="utf-8"
        )
        (content_dir / "faq" / "extra.yaml").write_text(
            "entries:\n  - id: wifi\n    question: dup <i>\n    answer: x\n", encoding="utf-8"
        )
        failed = await h.say(ORGANISER, "/reload", timeout=RELOAD_WAIT)
        assert failed["text"].startswith("⚠️ The new content has problems")
        assert "venue.yaml" in failed["text"]
        assert h.state.answerer is original
        still = await h.say(ATTENDEE, answer_question(h))
        assert "👍" in [b["text"] for b in iter_buttons(still["reply_markup"])]

        (content_dir / "faq" / "extra.yaml").unlink()
        shutil.copy(ROOT / "faq" / "venue.yaml", faq)
        (content_dir / "faq" / "bowling.yaml").write_text(
            "entries:\n  - id: bowling\n    question: Is there a bowling alley?\n"
            "    variants: [where can I go bowling]\n"
            "    answer: The nearest bowling alley is in the Centaurus mall.\n",
            encoding="utf-8",
        )
        ok = await h.say(ORGANISER, "/reload", timeout=RELOAD_WAIT)
        assert ok["text"].startswith("✅ Reloaded: ")
        assert h.state.answerer is not original
        reply = await h.say(ATTENDEE, "is there a bowling alley")
        assert "Centaurus mall" in reply["text"]


async def test_reload_problems_are_split_when_long(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    content_dir = copied_content(tmp_path)
    lines = ["entries:"]
    for index in range(120):
        lines += [
            f"  - id: broken-{index}-{'x' * 30}",
            "    question: <b>Q & A</b>",
            '    answer: ""',
        ]
    (content_dir / "faq" / "broken.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    async with running_on(fake, tmp_path, sample_answerer, content_dir) as h:
        after = fake.mark()
        fake.user_sends(ORGANISER, "/reload")
        first = await fake.wait_for_message(ORGANISER, after=after, timeout=RELOAD_WAIT)
        second = await fake.wait_for_message(ORGANISER, after=after + 1, timeout=RELOAD_WAIT)
        assert first["text"].startswith("⚠️") and len(first["text"]) <= 4096
        assert len(second["text"]) <= 4096 and "broken" in second["text"]
        assert h.state.answerer is sample_answerer
