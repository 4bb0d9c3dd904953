"""Tests for the fake Telegram server, driven by a real python-telegram-bot ``Bot``.

Why: the end-to-end suite is only as trustworthy as the fake it runs against. These tests pin
that PTB can talk to it (encoding, de-serialisation, exception mapping) and that it is strict
where Telegram is strict, so a green e2e run means something.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import re
import time
import warnings
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fake_telegram import (
    DEFAULT_TOKEN,
    MESSAGE_NOT_MODIFIED,
    FakeTelegram,
    fake_telegram,  # noqa: F401  (imported to register the exported fixture)
    format_text,
    iter_buttons,
    parse_html,
)

USER = 1001


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A running fake per test."""
    async with FakeTelegram() as server:
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """A real PTB Bot pointed at the fake."""
    async with telegram.Bot(
        DEFAULT_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url
    ) as tg_bot:
        yield tg_bot


def ci(text: str) -> str:
    """Case-insensitive literal pattern: PTB strips "Bad Request: " and re-capitalises."""
    return "(?i)" + re.escape(text)


def retry_seconds(exc: RetryAfter) -> float:
    """PTB 22 returns int or timedelta depending on PTB_TIMEDELTA; normalise to seconds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_get_me(bot: telegram.Bot, fake: FakeTelegram):
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.first_name == "NCSC Bot"
    assert me.username == "ncsc_test_bot"
    assert me.supports_inline_queries
    assert fake.requests_for("getMe")[0].status == 200


async def test_send_message_html_entities_in_utf16(bot: telegram.Bot, fake: FakeTelegram):
    msg = await bot.send_message(
        USER,
        '😀 <b>Hall A</b> &amp; <a href="https://example.com/agenda">agenda</a>',
        parse_mode=ParseMode.HTML,
    )
    assert msg.text == "😀 Hall A & agenda"
    assert msg.from_user.id == 123456
    assert msg.chat.id == USER and msg.chat.type == "private"
    bold, link = msg.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 3, 6)  # emoji = 2 UTF-16 units
    assert (link.type, link.offset, link.url) == ("text_link", 12, "https://example.com/agenda")
    record = await fake.wait_for_message(USER, contains="Hall A")
    assert record["raw_text"].startswith("😀 <b>")
    assert record["parse_mode"] == "HTML"
    assert fake.messages_to(USER)[0]["message_id"] == msg.message_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is 3 < 4?", 'Unsupported start tag "" at byte offset 5'),
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("Q&A session", 'Character "&" must be escaped'),
        ("&nbsp;", 'Character "&" must be escaped'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_html_parse_errors(bot: telegram.Bot, fake: FakeTelegram, text: str, expected: str):
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    # PTB strips the "Bad Request: " prefix and re-capitalises; the fake keeps the original.
    description = fake.errors[-1].description
    assert description.startswith("Bad Request: can't parse entities: ")
    assert expected in description
    assert fake.sent == []


def test_html_parser_supports_telegram_tags():
    text, entities = parse_html(
        "<strong>b</strong><em>i</em><ins>u</ins><del>s</del><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote expandable>quote</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>&#60;&#x3E;&quot;'
    )
    assert text == 'biuspqcx = 1quote👍<>"'
    kinds = [e["type"] for e in entities]
    assert kinds == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "pre",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert entities[7]["language"] == "python"


async def test_empty_text_rejected(bot: telegram.Bot):
    with pytest.raises(BadRequest, match=ci("message text is empty")):
        await bot.send_message(USER, "   \n ")
    with pytest.raises(BadRequest, match=ci("message text is empty")):
        await bot.send_message(USER, "<b> </b>", parse_mode=ParseMode.HTML)


async def test_length_is_counted_after_entity_parsing(bot: telegram.Bot, fake: FakeTelegram):
    ok = await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert len(ok.text) == 4096
    with pytest.raises(BadRequest, match=ci("message is too long")):
        await bot.send_message(USER, "<b>" + "a" * 4097 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=ci("message is too long")):
        await bot.send_message(USER, "😀" * 2049)  # 2049 chars but 4098 UTF-16 units
    assert len(fake.sent) == 1


async def test_markdown_v2_requires_escaping(bot: telegram.Bot):
    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
        await bot.send_message(USER, "Starts at 10.30", parse_mode=ParseMode.MARKDOWN_V2)
    msg = await bot.send_message(USER, r"*Hall A* at 10\.30", parse_mode=ParseMode.MARKDOWN_V2)
    assert msg.text == "Hall A at 10.30"
    assert msg.entities[0].type == "bold"


async def test_callback_data_limit_is_64_bytes(bot: telegram.Bot, fake: FakeTelegram):
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    msg = await bot.send_message(USER, "fits", reply_markup=ok)
    assert msg.reply_markup.inline_keyboard[0][0].callback_data == "x" * 64
    for data in ("x" * 65, "é" * 33):  # 65 ASCII bytes; 33 chars but 66 UTF-8 bytes
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data=data)]])
        with pytest.raises(BadRequest, match=ci("BUTTON_DATA_INVALID")):
            await bot.send_message(USER, "too long", reply_markup=markup)
    bad_url = InlineKeyboardMarkup([[InlineKeyboardButton("x", url="http://localhost/a")]])
    with pytest.raises(BadRequest, match=ci("Wrong HTTP URL")):
        await bot.send_message(USER, "bad url", reply_markup=bad_url)
    assert len(fake.sent) == 1
    assert [b["callback_data"] for b in iter_buttons(fake.sent[0]["reply_markup"])] == ["x" * 64]


async def test_blocked_deactivated_and_missing_chats(bot: telegram.Bot, fake: FakeTelegram):
    fake.block(2002)
    fake.deactivate(2003)
    fake.chat_not_found(-100555)
    with pytest.raises(Forbidden, match=ci("bot was blocked by the user")):
        await bot.send_message(2002, "hi")
    with pytest.raises(Forbidden, match=ci("user is deactivated")):
        await bot.send_message(2003, "hi")
    with pytest.raises(BadRequest, match=ci("chat not found")):
        await bot.send_message(-100555, "hi")
    assert [e.status for e in fake.errors] == [403, 403, 400]
    fake.unblock(2002)
    await bot.send_message(2002, "welcome back")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_raises_retry_after():
    async with (
        FakeTelegram(flood_limit=3) as fake,
        telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot,
    ):
        for i in range(3):
            await bot.send_message(USER + i, f"m{i}")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(USER, "one too many")
        assert retry_seconds(info.value) >= 1
        assert fake.count_429 == 1
        assert len(fake.sent) == 3 and len(fake.send_times) == 3
        assert fake.errors[-1].response["parameters"]["retry_after"] >= 1
        fake.reset_flood()
        await bot.send_message(USER, "after reset")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_per_chat_limit():
    async with (
        FakeTelegram(per_chat_limit_per_second=1) as fake,
        telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot,
    ):
        await bot.send_message(USER, "first")
        await bot.send_message(USER + 1, "other chat is fine")
        with pytest.raises(RetryAfter):
            await bot.send_message(USER, "second within a second")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_502_is_network_error(bot: telegram.Bot, fake: FakeTelegram):
    fake.fail_next("sendMessage", status=502)
    with pytest.raises(NetworkError, match=ci("Bad Gateway")):
        await bot.send_message(USER, "lost")
    assert fake.sent == []
    await bot.send_message(USER, "retried")
    assert [r.status for r in fake.requests_for("sendMessage")] == [502, 200]
    fake.fail_next("sendMessage", status=429, retry_after=7, chat_id=USER + 5)
    await bot.send_message(USER, "other chat unaffected")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER + 5, "throttled")
    assert retry_seconds(info.value) == 7


async def test_delay_causes_client_timeout(bot: telegram.Bot, fake: FakeTelegram):
    fake.delay("sendMessage", 0.6, times=1)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.2)
    # Like Telegram, the slow call still takes effect: the bot must not blindly retry.
    record = await fake.wait_for_message(USER, contains="slow", timeout=2)
    assert record["text"] == "slow"


async def test_wrong_token_and_unknown_method(fake: FakeTelegram):
    with pytest.raises(InvalidToken):
        async with telegram.Bot("999:WRONG", base_url=fake.base_url):
            pass
    assert fake.requests[-1].status == 401
    assert fake.errors[-1].response == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }
    async with telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot:
        with pytest.raises(telegram.error.EndPointNotFound):
            await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})
    assert fake.requests[-1].status == 404


async def test_get_updates_long_polling(bot: telegram.Bot, fake: FakeTelegram):
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_for_request("getMe")  # poll is in flight once the bot is initialised
    await asyncio.sleep(0.05)
    injected = fake.user_sends(USER, "/start@ncsc_test_bot", username="ali")
    updates = await poll
    assert time.monotonic() - started < 2
    assert len(updates) == 1
    update = updates[0]
    assert update.update_id == injected["update_id"]
    assert update.message.text == "/start@ncsc_test_bot"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.from_user.username == "ali"
    # Without confirming, the same update is returned again; the offset confirms it.
    assert len(await bot.get_updates()) == 1
    assert await bot.get_updates(offset=update.update_id + 1) == ()
    # An empty long poll honours its timeout.
    started = time.monotonic()
    assert await bot.get_updates(offset=update.update_id + 1, timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 2


async def test_allowed_updates_filters(bot: telegram.Bot, fake: FakeTelegram):
    fake.user_sends(USER, "hello")
    fake.user_inline_query(USER, "wifi")
    updates = await bot.get_updates(allowed_updates=["inline_query"])
    assert [u.inline_query.query for u in updates] == ["wifi"]


async def test_answer_callback_query_only_once(bot: telegram.Bot, fake: FakeTelegram):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="vote:yes")]])
    msg = await bot.send_message(USER, "Vote?", reply_markup=markup)
    update = fake.user_presses(USER, fake.sent[-1], button_text="Yes")
    query = update["callback_query"]
    assert query["data"] == "vote:yes"
    assert query["message"]["message_id"] == msg.message_id
    assert Update.de_json(update, bot).callback_query.message.text == "Vote?"
    assert await bot.answer_callback_query(query["id"], text="Thanks")
    with pytest.raises(BadRequest, match=ci("query is too old")):
        await bot.answer_callback_query(query["id"])
    with pytest.raises(BadRequest, match=ci("query is too old")):
        await bot.answer_callback_query("nonexistent")
    assert fake.callback_answers[0]["text"] == "Thanks"
    with pytest.raises(LookupError):
        fake.user_presses(USER, msg.to_dict(), "vote:no")
    forged = fake.user_presses(USER, msg.to_dict(), "admin:delete_all", forged=True)
    with pytest.raises(BadRequest, match=ci("MESSAGE_TOO_LONG")):
        await bot.answer_callback_query(forged["callback_query"]["id"], text="x" * 201)


async def test_edit_message_text(bot: telegram.Bot, fake: FakeTelegram):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
    msg = await bot.send_message(USER, "<b>Agenda</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest) as info:
        await bot.edit_message_text(
            "<b>Agenda</b>", USER, msg.message_id, parse_mode="HTML", reply_markup=markup
        )
    assert fake.errors[-1].description == f"Bad Request: {MESSAGE_NOT_MODIFIED}"
    assert "not modified" in str(info.value)
    # Same text without the markup is a modification (it removes the keyboard).
    edited = await bot.edit_message_text("<b>Agenda</b>", USER, msg.message_id, parse_mode="HTML")
    assert edited.reply_markup is None
    assert fake.message(USER, msg.message_id).get("reply_markup") is None
    edited = await bot.edit_message_text("Agenda v2", USER, msg.message_id)
    assert edited.text == "Agenda v2" and edited.edit_date is not None
    assert fake.message(USER, msg.message_id)["text"] == "Agenda v2"
    assert [r["method"] for r in fake.messages_to(USER)] == [
        "sendMessage",
        "editMessageText",
        "editMessageText",
    ]
    with pytest.raises(BadRequest, match=ci("message to edit not found")):
        await bot.edit_message_text("x", USER, 999)
    with pytest.raises(BadRequest, match=ci("message is not modified")):
        await bot.edit_message_reply_markup(USER, msg.message_id, reply_markup=None)
    assert await bot.delete_message(USER, msg.message_id)
    with pytest.raises(BadRequest, match=ci("message to delete not found")):
        await bot.delete_message(USER, msg.message_id)


async def test_send_document_records_upload(bot: telegram.Bot, fake: FakeTelegram):
    msg = await bot.send_document(
        USER,
        b"question,count\nwifi,3\n",
        filename="unanswered.csv",
        caption="<b>Unanswered</b> questions",
        parse_mode="HTML",
    )
    assert msg.document.file_name == "unanswered.csv"
    assert msg.caption == "Unanswered questions"
    doc = fake.documents[-1]
    assert doc["filename"] == "unanswered.csv"
    assert doc["content"] == b"question,count\nwifi,3\n"
    assert doc["caption"] == "Unanswered questions"
    assert doc["mime_type"] == "text/csv"
    record = await fake.wait_for_message(USER, method="sendDocument")
    assert record["text"] == "Unanswered questions"
    file = await bot.get_file(msg.document.file_id)
    assert file.file_path.startswith(fake.base_file_url)
    assert bytes(await file.download_as_bytearray()) == b"question,count\nwifi,3\n"
    with pytest.raises(BadRequest, match=ci("caption is too long")):
        await bot.send_document(USER, b"x", filename="a.txt", caption="c" * 1025)


async def test_commands_validation(bot: telegram.Bot, fake: FakeTelegram):
    await bot.set_my_commands([("start", "Start the bot"), ("agenda", "Show agenda")])
    await bot.set_my_commands([("start", "شروع کریں")], language_code="ur")
    assert [c["command"] for c in fake.commands_for()] == ["start", "agenda"]
    assert fake.commands[("default", "ur")][0]["description"] == "شروع کریں"
    assert [c.command for c in await bot.get_my_commands()] == ["start", "agenda"]
    with pytest.raises(BadRequest, match=ci("BOT_COMMAND_INVALID")):
        await bot.set_my_commands([("Start", "uppercase is invalid")])
    with pytest.raises(BadRequest, match=ci("BOT_COMMAND_DESCRIPTION_INVALID")):
        await bot.set_my_commands([("help", "")])
    await bot.delete_my_commands()
    assert fake.commands_for() == []


async def test_answer_inline_query_validation(bot: telegram.Bot, fake: FakeTelegram):
    article = telegram.InlineQueryResultArticle(
        "1", "Wi-Fi", telegram.InputTextMessageContent("<b>SSID</b>: ncsc", parse_mode="HTML")
    )
    query = fake.user_inline_query(USER, "wifi")["inline_query"]
    await bot.answer_inline_query(query["id"], [article])
    assert fake.inline_answers[0]["parsed"][0]["text"] == "SSID: ncsc"
    with pytest.raises(BadRequest, match=ci("query is too old")):
        await bot.answer_inline_query(query["id"], [article])
    query = fake.user_inline_query(USER, "dup")["inline_query"]
    with pytest.raises(BadRequest, match=ci("RESULT_ID_DUPLICATE")):
        await bot.answer_inline_query(query["id"], [article, article])
    bad = telegram.InlineQueryResultArticle(
        "2", "Bad", telegram.InputTextMessageContent("a < b", parse_mode="HTML")
    )
    with pytest.raises(BadRequest, match=ci("can't parse entities")):
        await bot.answer_inline_query(query["id"], [bad])


async def test_raw_json_and_urlencoded_bodies(fake: FakeTelegram):
    url = f"{fake.base_url}{fake.token}/sendMessage"
    async with aiohttp.ClientSession() as session:
        body = {"chat_id": USER, "text": "123", "reply_markup": {"remove_keyboard": True}}
        async with session.post(url, json=body) as resp:
            assert resp.status == 200
            assert (await resp.json())["result"]["text"] == "123"
        form = {"chat_id": str(USER), "text": "true", "disable_notification": "true"}
        async with session.post(url, data=form) as resp:
            assert (await resp.json())["result"]["text"] == "true"
        async with session.post(f"{fake.base_url}{fake.token}/nope") as resp:
            assert resp.status == 404
            assert json.loads(await resp.text())["description"] == "Not Found"
    assert fake.sent[0]["reply_markup"] == {"remove_keyboard": True}


def test_format_text_trims_and_shifts_entities():
    text, entities = format_text("\n  <i>hi</i> there  ", "HTML")
    assert text == "hi there"
    assert entities == [{"type": "italic", "offset": 0, "length": 2}]


async def test_two_instances_are_independent():
    async with FakeTelegram() as one, FakeTelegram(token="42:OTHER") as two:
        assert one.port != two.port
        async with telegram.Bot("42:OTHER", base_url=two.base_url) as bot:
            await bot.send_message(USER, "only here")
        assert one.sent == [] and len(two.sent) == 1


async def test_application_end_to_end(fake: FakeTelegram):
    """A real Application polling the fake: command, button press, answer and edit."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Agenda", callback_data="ag")]])
        await update.effective_message.reply_html(
            f"Welcome, <b>{update.effective_user.first_name}</b>!", reply_markup=keyboard
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Keynote at 09:00")

    app: Application = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=10)
        try:
            fake.user_sends(USER, "/start", first_name="Ayesha")
            welcome = await fake.wait_for_message(USER, contains="Welcome")
            assert welcome["text"] == "Welcome, Ayesha!"
            assert welcome["entities"] == [{"type": "bold", "offset": 9, "length": 6}]
            fake.user_presses(USER, welcome, "ag")
            edited = await fake.wait_for_message(USER, method="editMessageText")
            assert edited["text"] == "Keynote at 09:00"
            assert len(fake.callback_answers) == 1
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.errors == [], fake.describe()
    # PTB's cancelled long poll was superseded by its final getUpdates; that 409 never reached
    # the bot, so it is logged but not counted as an error.
    assert all(r.status == 200 for r in fake.requests if r.delivered)


async def test_user_media_groups_replies_and_edits(bot: telegram.Bot, fake: FakeTelegram):
    group = -100123
    asked = fake.user_sends(
        USER,
        "@ncsc_test_bot where is hall B?",
        chat_id=group,
        chat_type="supergroup",
        title="NCSC 2025",
    )
    message = Update.de_json(asked, bot).message
    assert message.chat.type == "supergroup" and message.chat.title == "NCSC 2025"
    assert message.entities[0].type == "mention"
    reply = await message.reply_text("Hall B is on floor 2")  # PTB quotes in groups
    assert reply.reply_to_message.message_id == message.message_id
    assert (await fake.wait_for_message(group))["reply_to_message_id"] == message.message_id
    with pytest.raises(BadRequest, match=ci("message to be replied not found")):
        await bot.send_message(group, "x", reply_to_message_id=999)
    for update in (
        fake.user_sends_photo(USER, "poster"),
        fake.user_sends_voice(USER, 4),
        fake.user_sends_sticker(USER),
        fake.user_sends_document(USER, "cv.pdf", b"%PDF", mime_type="application/pdf"),
        fake.user_edits(USER, asked, "where is hall C?"),
        fake.user_sends(USER, "thanks", reply_to=fake.sent[-1]),
        fake.user_blocks_bot(USER + 1),
    ):
        assert Update.de_json(update, bot) is not None
    updates = await bot.get_updates()
    assert updates[-3].edited_message.text == "where is hall C?"
    assert updates[-2].message.reply_to_message.text == "Hall B is on floor 2"
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"
    voice = await bot.get_file(updates[2].message.voice.file_id)
    assert bytes(await voice.download_as_bytearray()) == b"OggS-fake-opus"
    with pytest.raises(Forbidden):
        await bot.send_message(USER + 1, "still there?")


async def test_webhook_conflicts_with_polling(bot: telegram.Bot, fake: FakeTelegram):
    await bot.set_webhook("https://example.com/hook")
    with pytest.raises(telegram.error.Conflict):
        await bot.get_updates()
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_exported_fixture(fake_telegram: FakeTelegram):  # noqa: F811
    async with telegram.Bot(DEFAULT_TOKEN, base_url=fake_telegram.base_url) as bot:
        await bot.send_chat_action(USER, "typing")
        with pytest.raises(BadRequest):
            await bot.send_chat_action(USER, "dancing")
    assert fake_telegram.chat_actions[0]["action"] == "typing"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_counting_every_request_counts_refused_ones_too():
    """With count_every_request a 403 (and a 429 itself) takes room in the window."""
    async with (
        FakeTelegram(flood_limit=3, count_every_request=True) as fake,
        telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot,
    ):
        fake.block(USER + 1)
        await bot.send_message(USER, "one")
        with pytest.raises(Forbidden):
            await bot.send_message(USER + 1, "blocked, but it reached the server")
        with pytest.raises(BadRequest):
            await bot.send_message(USER + 2, "")  # empty: refused, still counted
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(USER + 3, "a fourth in the same second")
        assert retry_seconds(info.value) >= 1
        assert fake.count_429 == 1
        assert len(fake.counted_times) == 4 and len(fake.sent) == 1
        # The accepted-only mode (the default) would have let the fourth through.
    async with (
        FakeTelegram(flood_limit=3) as fake,
        telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot,
    ):
        fake.block(USER + 1)
        await bot.send_message(USER, "one")
        with pytest.raises(Forbidden):
            await bot.send_message(USER + 1, "blocked")
        await bot.send_message(USER + 3, "two")
        await bot.send_message(USER + 4, "three")
        assert fake.count_429 == 0


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_paid_broadcasts_pass_the_free_limit_up_to_the_paid_one():
    async with (
        FakeTelegram(flood_limit=2, paid_limit=5, count_every_request=True) as fake,
        telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot,
    ):
        await bot.send_message(USER, "free 1")
        await bot.send_message(USER + 1, "free 2")
        with pytest.raises(RetryAfter):
            await bot.send_message(USER + 2, "free 3: over the free limit")
        await bot.send_message(USER + 3, "paid 1", allow_paid_broadcast=True)
        copied = await bot.copy_message(USER + 4, USER, 1, allow_paid_broadcast=True)
        assert fake.messages_to(USER + 4)[-1]["text"] == "free 1"
        assert copied.message_id == fake.messages_to(USER + 4)[-1]["message_id"]
        with pytest.raises(RetryAfter):  # 3 free (one refused) + 2 paid = the paid limit
            await bot.send_message(USER + 5, "paid 3", allow_paid_broadcast=True)
        assert len(fake.paid_times) == 3  # the refused one counted too
        assert [r.params.get("allow_paid_broadcast") for r in fake.requests_for("copyMessage")] == [
            True
        ]


async def test_paid_broadcasts_need_enabling_and_a_boolean():
    async with (
        FakeTelegram() as fake,
        telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot,
    ):
        with pytest.raises(BadRequest, match=r"(?i)paid broadcasts are not enabled"):
            await bot.send_message(USER, "paid", allow_paid_broadcast=True)
        await bot.send_message(USER, "explicitly free", allow_paid_broadcast=False)
        with pytest.raises(BadRequest, match=r"(?i)paid broadcasts are not enabled"):
            await bot.copy_message(USER + 1, USER, 1, allow_paid_broadcast=True)
        await bot.copy_message(USER + 1, USER, 1)
        with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
            await bot.copy_message(USER + 1, USER, 999)
        async with aiohttp.ClientSession() as session:
            url = f"{fake.base_url}{DEFAULT_TOKEN}/sendMessage"
            body = {"chat_id": USER, "text": "x", "allow_paid_broadcast": "perhaps"}
            async with session.post(url, json=body) as response:
                answer = await response.json()
        assert response.status == 400 and "Boolean expected" in answer["description"]
