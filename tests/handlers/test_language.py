"""The Urdu interface end to end: the client's language, /lang, Urdu FAQ answers."""

from __future__ import annotations

from datetime import datetime

from bot import announcement_engine, messages
from tests.fake_telegram import iter_buttons
from tests.harness import ATTENDEE, ORGANISER, ORGANISER_CHAT, Harness

URDU_USER = 1003


def labels(record: dict) -> list[str]:
    return [b["text"] for b in iter_buttons(record["reply_markup"])]


def is_urdu(text: str) -> bool:
    return sum("\u0600" <= char <= "\u06ff" for char in text) > len(text) // 3


async def test_an_urdu_client_gets_the_urdu_interface_and_urdu_answers(harness: Harness):
    h = harness
    welcome = await h.say(URDU_USER, "/start", language_code="ur")
    assert "خوش آمدید" in welcome["text"] and welcome["text"].startswith(messages.RLM)
    assert labels(welcome) == ["📅 ایجنڈا", "▶️ ابھی", "⏭ اگلا", "📍 مقام", "❓ مدد"]
    help_text = await h.say(URDU_USER, "/help", language_code="ur")
    assert "/lang" in help_text["text"] and is_urdu(help_text["text"])
    answer = await h.say(URDU_USER, "وائی فائی کا پاس ورڈ کیا ہے؟", language_code="ur")
    assert "بیج کی پشت" in answer["text"] and "NCSC2027-Guest" in answer["text"]
    unknown = await h.say(URDU_USER, "/frobnicate", language_code="ur")
    assert unknown["text"] == messages.UR["unknown_command"]


async def test_lang_buttons_switch_and_the_choice_wins_over_the_client(harness: Harness):
    h = harness
    await h.say(ATTENDEE, "/start")  # an English client
    menu = await h.say(ATTENDEE, "/lang")
    assert labels(menu) == ["English", "اردو"]
    await h.press(ATTENDEE, menu, button_text="اردو")
    switched = await h.fake.wait_for_message(ATTENDEE, method="editMessageText")
    assert switched["text"].startswith("✅ اب میں آپ سے اردو میں بات کروں گا")
    chosen = {user_id: lang for user_id, lang, _ in await h.store.user_languages()}
    assert chosen[ATTENDEE] == "ur"

    parking = await h.say(ATTENDEE, "parking kahan hai")  # language_code is still "en"
    assert "پارکنگ مفت ہے" in parking["text"]
    stopped = await h.say(ATTENDEE, "/stop")
    assert is_urdu(stopped["text"])

    # An Urdu client who prefers English.
    await h.say(URDU_USER, "/lang en", language_code="ur")
    welcome = await h.say(URDU_USER, "/start", language_code="ur")
    assert welcome["text"].startswith("👋 Welcome")
    lunch = await h.say(URDU_USER, "is lunch provided", language_code="ur")
    assert "Dining Marquee" in lunch["text"]


async def test_forget_drops_the_language_choice(harness: Harness):
    h = harness
    await h.say(ATTENDEE, "/lang ur")
    confirm = await h.say(ATTENDEE, "/forget")
    assert is_urdu(confirm["text"])
    await h.press(ATTENDEE, confirm, data="forget:yes")
    await h.fake.wait_for_message(ATTENDEE, method="editMessageText")
    assert ATTENDEE not in h.state.chosen_languages
    welcome = await h.say(ATTENDEE, "/start")
    assert welcome["text"].startswith("👋 Welcome")


async def test_agenda_texts_follow_the_language(harness: Harness):
    h = harness
    now = await h.say(URDU_USER, "/now", language_code="ur")
    assert now["text"].startswith("ابھی جاری، 11:30 بجے")
    days = await h.say(URDU_USER, "/agenda", language_code="ur")
    assert "دن 1 · منگل 16 فروری" in labels(days)
    asked = await h.say(URDU_USER, "abhi kya chal raha hai", language_code="ur")
    assert asked["text"].startswith("ابھی جاری")
    english = await h.say(ATTENDEE, "/now")
    assert english["text"].startswith("On now (11:30)")


async def test_organisers_read_english_and_the_attendee_gets_urdu(harness: Harness):
    h = harness
    after = h.fake.mark()
    h.fake.user_sends(URDU_USER, "is there a bowling alley", language_code="ur")
    passed_on = await h.fake.wait_for_message(URDU_USER, after=after)
    assert passed_on["text"].startswith("اس کا اچھا جواب ابھی میرے پاس نہیں")
    post = await h.fake.wait_for_message(ORGANISER_CHAT, after=after)
    assert post["text"].startswith("❓ Unanswered question #")

    await h.until_post_stored(post)
    after = h.fake.mark()
    h.fake.user_sends(
        ORGANISER,
        "No bowling, sorry.",
        chat_id=ORGANISER_CHAT,
        chat_type="supergroup",
        reply_to=post,
    )
    report = await h.fake.wait_for_message(ORGANISER_CHAT, after=after)
    assert report["text"].startswith("✅ #") and "sent to 1 of 1" in report["text"]
    answer = await h.fake.wait_for_message(URDU_USER, after=after)
    assert answer["text"].startswith("💬 منتظمین نے آپ کے سوال کا جواب دیا ہے")
    assert "No bowling, sorry." in answer["text"]


async def test_reminders_are_in_the_attendees_language(harness: Harness):
    h, fake = harness, harness.fake
    await h.say(URDU_USER, "/start", language_code="ur")
    await h.store.toggle_star(URDU_USER, "ctf-day-1", h.state.now())  # starts at 12:00
    h.set_clock(datetime(2027, 2, 16, 11, 52))
    announcement_engine.of(h.app).reminders.wake()
    reminder = await fake.wait_for_message(URDU_USER, contains="جلد شروع ہو رہا ہے")
    assert "CTF qualifier — Day 1" in reminder["text"] and "8 منٹ میں" in reminder["text"]
