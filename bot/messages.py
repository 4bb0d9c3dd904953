"""Every string an attendee or organiser sees, by key, per language.

Why a catalogue: the bot is bilingual by design (Urdu comes next), so no handler or renderer
writes user-visible English itself. Adding a language is one more dict in `CATALOGUES`; a
key missing there falls back to English instead of crashing.

Two kinds of entries, and the difference matters for safety:
- HTML templates (the default) are sent with Telegram's HTML parse mode. `html()` escapes
  every value substituted into them unless the caller marks it `Safe` (already-rendered
  HTML from bot.answers or bot.render), so attendee and organiser text can never inject
  markup or break a message with a stray `<` or `&`.
- Plain templates (keys starting with `btn.`, `cb.`, `cmd.` or `inline.`) are for button
  labels, callback-query toasts, command descriptions and inline-result titles, which
  Telegram shows verbatim. `plain()` substitutes values as they are.

Nothing here imports telegram: the catalogue is shared with tests and future tooling.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping

DEFAULT_LANGUAGE = "en"
PLAIN_PREFIXES = ("btn.", "cb.", "cmd.", "inline.")


class Safe(str):
    """A string that is already valid Telegram HTML; `html()` inserts it unescaped."""

    __slots__ = ()


EN: dict[str, str] = {
    # --- welcome and help -----------------------------------------------------------------
    "welcome": (
        "👋 Welcome to the <b>{conference}</b> bot!\n"
        "\n"
        "Ask me anything about the conference in your own words, in English, Roman Urdu or "
        "Urdu. For example:\n"
        "• <i>Is there Wi-Fi?</i>\n"
        "• <i>registration kab band hogi</i>\n"
        "• <i>what's on now</i>\n"
        "\n"
        "I know the FAQ, the agenda, the speakers and the venue. If I don't know something, "
        "I pass your question to the organisers and they answer you here.\n"
        "\n"
        "🔔 You are subscribed to announcements from the organisers (room changes, delays). "
        "Send /stop to stop them; /start again resumes them."
    ),
    "welcome_group": (
        "👋 I'm the <b>{conference}</b> bot. Mention me (@{username}) with a question or "
        "reply to one of my messages, or use /agenda, /now, /next and /venue here."
    ),
    "help": (
        "<b>Ask me a question</b> in your own words, e.g. <i>where is the prayer room?</i>\n"
        "\n"
        "/agenda: the programme, day by day\n"
        "/now: what's on right now\n"
        "/next: what starts next\n"
        "/speaker <i>name</i>: a speaker's sessions\n"
        "/venue: address and map\n"
        "/mysessions: your starred ⭐ sessions and a calendar file\n"
        "/remind <i>minutes</i>: when to remind you before a starred session (or off)\n"
        "/stop: stop announcements (/start resumes them)\n"
        "/forget: delete everything I have stored about you\n"
        "\n"
        "In groups, mention me (@{username}) or reply to my message. In any chat you can "
        "type <code>@{username} wifi</code> to share an answer."
    ),
    "help_organiser": (
        "\n\n<b>Organiser commands</b>\n"
        "/unanswered: open questions, grouped and newest first\n"
        "/answer <i>ID text</i>: answer everyone who asked that question\n"
        "/dismiss <i>ID</i>: close a question without an answer\n"
        "/stats: attendees, questions and votes\n"
        "/reload: re-read agenda.yaml and faq/ (keeps the old content if there are "
        "problems)\n"
        "/announce <i>text</i>: announce to all attendees after a preview "
        "(<code>session:ID</code> for one session's audience, <code>at 2027-02-16 13:55</code> "
        "to schedule; or reply /announce to a message)\n"
        "/announcements: recent and scheduled announcements\n"
        "Reply to a question the bot posts in the organisers' chat to answer it."
    ),
    # --- questions ------------------------------------------------------------------------
    "suggest": "🤔 Did you mean…",
    "no_answer": (
        "I don't have a good answer to that yet, so I've passed your question to the "
        "organisers. They'll answer you here."
    ),
    "none_of_these": (
        "Thanks. I've passed your question to the organisers; they'll answer you here."
    ),
    "not_a_question": (
        "Please type your question in words, e.g. <i>where is the prayer room?</i>"
    ),
    "only_text": "I can only read text. Please type your question.",
    "unknown_command": "I don't know that command, see /help.",
    "something_went_wrong": "Sorry, something went wrong on my side. Please try again.",
    "answer_gone": "Sorry, that answer is no longer available. Please ask again.",
    # --- agenda ---------------------------------------------------------------------------
    "agenda_pick_day": "📅 <b>{conference} agenda</b>: which day?",
    "agenda_empty": "The agenda hasn't been published yet.",
    "day_heading": "Day {number}, {date}",
    "day_empty": "Nothing is scheduled on {date}.",
    "speaker_usage": (
        "Tell me whose sessions you're looking for, e.g. <code>/speaker {example}</code>."
    ),
    "speaker_not_found": (
        "I couldn't find a speaker matching “{name}”. Try part of the name or their role, "
        "e.g. <code>/speaker {example}</code>."
    ),
    "venue": "📍 <b>{name}</b>",
    "venue_address": "{address}",
    "venue_map": "🗺 {link}",
    "venue_map_label": "Open in Maps",
    "venue_missing": "The organisers haven't published the venue details yet.",
    # --- subscription and privacy ---------------------------------------------------------
    "stopped": (
        "🔕 You won't get announcements any more. Send /start to get them again."
    ),
    "forget_confirm": (
        "This deletes everything I have stored about you: your questions, votes and "
        "subscription. Are you sure?"
    ),
    "forget_done": (
        "🗑 Done. I've deleted everything I had stored about you. Send /start if you want "
        "to use the bot again."
    ),
    "forget_cancelled": "Nothing was deleted.",
    "forget_private_only": "Please send /forget to me in a private chat.",
    # --- organisers -----------------------------------------------------------------------
    "organiser_only": "Sorry, that command is only for the organisers.",
    "organiser_post": (
        "❓ <b>Unanswered question #{id}</b> from {name} (id <code>{user_id}</code>)\n"
        "<blockquote>{question}</blockquote>\n"
        "Best guess: {guess}\n"
        "Reply to this message to answer, or use <code>/answer {id} …</code> or "
        "<code>/dismiss {id}</code>."
    ),
    "organiser_post_guess": "{label} ({score})",
    "organiser_post_no_guess": "none",
    "organiser_answer": (
        "💬 <b>The organisers answered your question</b>\n"
        "<blockquote>{question}</blockquote>\n"
        "{answer}"
    ),
    "answered_report": "✅ #{id}: sent to {sent} of {total} attendee(s).",
    "answered_report_unreachable": " {failed} could not be reached (blocked the bot?).",
    "already_closed": "#{id} is already answered or dismissed; nothing was sent.",
    "no_such_question": "There is no question #{id}.",
    "not_a_question_post": (
        "That message isn't a question post. Reply to a ❓ post to answer the attendee."
    ),
    "reply_not_organiser": (
        "Sorry, only organisers listed in ORGANISER_IDS can answer attendees."
    ),
    "answer_usage": (
        "Usage: <code>/answer ID your answer</code>, e.g. "
        "<code>/answer 12 The prayer rooms are next to Hall A.</code>"
    ),
    "dismiss_usage": "Usage: <code>/dismiss ID</code>, e.g. <code>/dismiss 12</code>.",
    "dismissed": "Dismissed #{id} ({count} question(s)).",
    "unanswered_empty": "🎉 No unanswered questions.",
    "unanswered_header": (
        "<b>Unanswered questions</b> ({first}–{last} of {total} groups, newest first)"
    ),
    "unanswered_item": "<b>#{id}</b>{times} · {when}\n{question}",
    "unanswered_times": " ×{count}",
    "unanswered_footer": (
        "Answer with <code>/answer ID text</code> or close with <code>/dismiss ID</code>."
    ),
    "stats": (
        "<b>Stats</b>\n"
        "Attendees: {attendees} (subscribed: {subscribers})\n"
        "Questions: {questions}\n"
        "• answered by the bot: {answered} ({answered_share})\n"
        "• suggestions offered: {suggested} ({suggested_share})\n"
        "• passed to organisers: {unanswered} ({unanswered_share})\n"
        "Still open: {open}"
    ),
    "stats_top_header": "\n<b>Most asked</b>",
    "stats_top_item": "{rank}. {label}: {count}",
    "stats_votes_header": "\n<b>Votes</b>",
    "stats_votes_item": "{label}: 👍 {up} · 👎 {down}",
    "reload_ok": "✅ Reloaded: {summary}.",
    "reload_failed": (
        "⚠️ The new content has problems, so I kept the running version. Fix these and "
        "/reload again:"
    ),
    "reload_problem": "• {problem}",
    # --- buttons (plain) ------------------------------------------------------------------
    "btn.agenda": "📅 Agenda",
    "btn.now": "▶️ Now",
    "btn.next": "⏭ Next",
    "btn.venue": "📍 Venue",
    "btn.help": "❓ Help",
    "btn.up": "👍",
    "btn.down": "👎",
    "btn.up_chosen": "👍 ✓",
    "btn.down_chosen": "👎 ✓",
    "btn.none_of_these": "None of these",
    "btn.day": "Day {number} · {date}",
    "btn.forget_yes": "🗑 Yes, delete my data",
    "btn.forget_no": "Cancel",
    "btn.previous": "◀",
    "btn.next_page": "▶",
    # --- callback query toasts (plain) ----------------------------------------------------
    "cb.thanks_vote": "Thanks for the feedback!",
    "cb.expired": "This button has expired. Please ask again.",
    "cb.not_yours": "Only the person who asked can choose.",
    "cb.organiser_only": "Sorry, that's only for the organisers.",
    "cb.passed_on": "Passed to the organisers.",
    # --- command descriptions (plain) -----------------------------------------------------
    "cmd.start": "Welcome and subscribe to announcements",
    "cmd.help": "What I can do",
    "cmd.agenda": "The programme, day by day",
    "cmd.now": "What's on right now",
    "cmd.next": "What starts next",
    "cmd.speaker": "A speaker's sessions: /speaker name",
    "cmd.venue": "Address and map",
    "cmd.stop": "Stop announcements",
    "cmd.forget": "Delete my data",
    "cmd.unanswered": "Organisers: open questions",
    "cmd.answer": "Organisers: /answer ID text",
    "cmd.dismiss": "Organisers: /dismiss ID",
    "cmd.stats": "Organisers: statistics",
    "cmd.reload": "Organisers: reload agenda and FAQ",
    # --- inline mode (plain) --------------------------------------------------------------
    "inline.now": "On now",
    "inline.next": "Next up",
    "inline.venue": "Venue",
    # --- announcements (organisers; bot/handlers/announcements.py) ------------------------
    "ann.usage": (
        "Usage: <code>/announce your message</code>, or reply <code>/announce</code> to a "
        "text message to send it as it is (formatting included).\n"
        "Before the text you can add <code>session:ID</code> (only attendees who starred "
        "that session) and <code>at 2027-02-16 13:55</code> (send later; {tz} time)."
    ),
    "ann.unknown_session": "There is no session <code>{id}</code> in the agenda.",
    "ann.bad_time": "I can't read that time. Use <code>at 2027-02-16 13:55</code> ({tz} time).",
    "ann.past_time": "{time} has already passed. Send it now, or pick a later time.",
    "ann.reply_not_text": (
        "I can only announce text. Reply <code>/announce</code> to a text message."
    ),
    "ann.too_long": "That is too long for one message ({length} of {limit} characters).",
    "ann.nobody": "Nobody would receive this: {audience}. Nothing was stored.",
    "ann.audience_all": "all subscribed attendees",
    "ann.audience_session": "attendees who starred “{title}”",
    "ann.when_now": "as soon as you press Send",
    "ann.when_at": "{time} ({tz}), in {delta}",
    "ann.preview": (
        "📣 <b>Announcement preview</b> (#{id})\n"
        "To: {audience}\n"
        "When: {when}\n"
        "──────────"
    ),
    "ann.rejected": (
        "Telegram refused this text ({error}), so nothing was stored. Check the formatting "
        "and try again."
    ),
    "ann.scheduled": (
        "⏰ <b>Announcement #{id} scheduled</b> for {time} ({tz}) to {audience}.\n"
        "──────────"
    ),
    "ann.cancelled_draft": "Cancelled: announcement #{id} was not sent.",
    "ann.cancelled_scheduled": "Cancelled: scheduled announcement #{id} will not be sent.",
    "ann.progress": (
        "📣 <b>Announcement #{id}</b>: sending to {audience}\n"
        "✅ sent {sent} · 🚫 blocked {blocked} · ⚠️ failed {failed} · ⏳ remaining {remaining}\n"
        "About {eta} left.\n"
        "──────────"
    ),
    "ann.done": (
        "✅ <b>Announcement #{id} sent</b> to {audience}\n"
        "Delivered {sent} · blocked the bot {blocked} (unsubscribed) · failed {failed}\n"
        "Took {elapsed}.\n"
        "──────────"
    ),
    "ann.stopped": (
        "⏹ <b>Announcement #{id} stopped</b> ({audience})\n"
        "Delivered {sent} · blocked {blocked} · failed {failed} · not sent {remaining}\n"
        "──────────"
    ),
    "ann.late_note": "\n⚠️ Sent late: the bot was not running at {time}.",
    "ann.report": (
        "✅ Announcement #{id}: {sent} delivered, {blocked} blocked the bot, {failed} failed."
    ),
    "ann.report_stopped": (
        "⏹ Announcement #{id} stopped: {sent} delivered, {remaining} not sent."
    ),
    "ann.list_header": "<b>Announcements</b>",
    "ann.list_empty": (
        "No announcements yet. Send one with <code>/announce your message</code>."
    ),
    "ann.list_item": "<b>#{id}</b> · {status}\nTo: {audience}\n{preview}",
    "ann.status_scheduled": "⏰ scheduled for {time}",
    "ann.status_sending": "📤 sending: {sent} sent, {remaining} to go",
    "ann.status_done": "✅ {time}: {sent} sent, {blocked} blocked, {failed} failed",
    "ann.status_cancelled": "⏹ cancelled {time}: {sent} sent, {remaining} not sent",
    # --- personal schedule, reminders, calendar -------------------------------------------
    "mysessions_header": "⭐ Your sessions ({count})",
    "mysessions_empty": (
        "You haven't starred any sessions yet. Press ☆ under a session (try /agenda or "
        "/now) to add it here; I'll remind you before it starts."
    ),
    "mysessions_reminder": (
        "🔔 I remind you {minutes} min before each (<code>/remind 15</code> to change, "
        "<code>/remind off</code> to stop)."
    ),
    "mysessions_reminder_off": (
        "🔕 Reminders are off (<code>/remind 10</code> turns them on)."
    ),
    "remind_set": "🔔 I'll remind you {minutes} min before each starred session.",
    "remind_off": "🔕 Reminders are off. <code>/remind 10</code> turns them back on.",
    "remind_usage": (
        "Usage: <code>/remind 15</code> (minutes before a starred session, 1–{max}) or "
        "<code>/remind off</code>. Now: {current}."
    ),
    "reminder": "⏰ <b>Starting soon</b>\n\n{sessions}",
    "reminder_item": "<b>{title}</b> in {minutes} min\n{where}",
    "ics_caption_all": "📅 The whole {conference} agenda: open it to add it to your calendar.",
    "ics_caption_mine": "📅 Your {count} starred session(s): open it to add them to your calendar.",
    "btn.ann_send": "📣 Send to {count} attendees",
    "btn.ann_cancel": "Cancel",
    "btn.ann_stop": "⏹ Stop sending",
    "btn.ann_stop_id": "⏹ Cancel #{id}",
    "btn.star": "☆ {time} {title}",
    "btn.starred": "⭐ {time} {title}",
    "btn.star_single": "☆ Add to my sessions",
    "btn.starred_single": "⭐ In my sessions",
    "btn.ics_all": "📅 Whole agenda (.ics)",
    "btn.ics_mine": "📅 Add to my calendar (.ics)",
    "cb.ann_gone": "That announcement was already sent or cancelled.",
    "cb.ann_sending": "Sending to {count} attendees…",
    "cb.ann_scheduled": "Scheduled.",
    "cb.ann_stopping": "Stopping…",
    "cb.ann_cancelled": "Cancelled.",
    "cb.session_gone": "That session is no longer in the agenda.",
    "cb.starred": "⭐ Added to /mysessions. I'll remind you {minutes} min before.",
    "cb.starred_no_reminder": "⭐ Added to /mysessions.",
    "cb.unstarred": "Removed from /mysessions.",
    "cb.ics_none": "You haven't starred any sessions yet.",
    "cb.ics_name_mine": "My {conference} sessions",
    "cb.remind_current_on": "{minutes} min before",
    "cb.remind_current_off": "off",
    "cmd.mysessions": "My starred sessions and calendar file",
    "cmd.remind": "Reminder before starred sessions: /remind 10",
    "cmd.announce": "Organisers: announce to attendees",
    "cmd.announcements": "Organisers: recent and scheduled announcements",
}

CATALOGUES: dict[str, Mapping[str, str]] = {"en": EN}


def language_for(code: str | None) -> str:
    """The catalogue language for a Telegram client language code ("ur-PK" -> "ur")."""
    base = (code or "").split("-")[0].lower()
    return base if base in CATALOGUES else DEFAULT_LANGUAGE


def template(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The raw template, falling back to English so a missing translation never crashes."""
    found = CATALOGUES.get(language, EN).get(key)
    if found is None:
        found = EN[key]  # KeyError here means a typo in a key: a bug, not bad input
    return found


def is_plain(key: str) -> bool:
    return key.startswith(PLAIN_PREFIXES)


def _escape(value: object) -> str:
    if isinstance(value, Safe):
        return str(value)
    return html.escape(str(value), quote=False)


def html_text(key: str, language: str = DEFAULT_LANGUAGE, /, **values: object) -> Safe:
    """An HTML entry with every value escaped (unless marked Safe)."""
    if is_plain(key):
        raise ValueError(f"{key!r} is a plain-text entry; use plain()")
    escaped = {name: _escape(value) for name, value in values.items()}
    return Safe(template(key, language).format(**escaped))


def plain(key: str, language: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """A plain entry (button label, toast, command description): no markup, no escaping."""
    if not is_plain(key):
        raise ValueError(f"{key!r} is an HTML entry; use html_text()")
    return template(key, language).format(**{k: str(v) for k, v in values.items()})


def placeholders(key: str, language: str = DEFAULT_LANGUAGE) -> set[str]:
    """Names a template expects (tests check every language agrees with English)."""
    return {
        name for _, name, _, _ in string.Formatter().parse(template(key, language)) if name
    }
