"""Every string an attendee or organiser sees, by key, per language.

Why a catalogue: the bot is bilingual (English and Urdu), so no handler or renderer writes
user-visible text itself. Adding a language is one more dict in `CATALOGUES`; a key
missing there falls back to English instead of crashing (tests keep EN and UR complete).

Two kinds of entries, and the difference matters for safety:
- HTML templates (the default) are sent with Telegram's HTML parse mode. `html_text()`
  escapes every value substituted into them unless the caller marks it `Safe` (already-rendered
  HTML from bot.answering.text or bot.render), so attendee and organiser text can never inject
  markup or break a message with a stray `<` or `&`.
- Plain templates (keys starting with `btn.`, `cb.`, `cmd.`, `inline.`, `text.` or `web.`)
  are for button labels, callback-query toasts, command descriptions, inline-result titles,
  the agenda texts of bot.agenda and bot.answering.text (escaped there by their Markup) and
  the Mini App's pages (set as text, never as HTML, by bot/web's scripts), which are shown
  verbatim. `plain()` substitutes values as they are.

Nothing here imports telegram: the catalogue is shared with tests and future tooling.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime

DEFAULT_LANGUAGE = "en"
RLM = "\u200f"  # RIGHT-TO-LEFT MARK: makes a line that starts with Latin text read RTL
LRM = "\u200e"  # LEFT-TO-RIGHT MARK: keeps "/" or "@" attached to the Latin word after it
PLAIN_PREFIXES = ("btn.", "cb.", "cmd.", "inline.", "text.", "web.")


class Safe(str):
    """A string that is already valid Telegram HTML; `html_text()` inserts it unescaped."""

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
        "/ask <i>question</i>: a question to the speaker of the session now (❓ under a "
        "session does the same)\n"
        "/feedback <i>off</i>: no requests to rate sessions after they end (<i>on</i> again)\n"
        "/stop: stop announcements (/start resumes them)\n"
        "/forget: delete everything I have stored about you\n"
        "/lang: language, English or اردو\n"
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
        "/desk: the organisers' desk (questions, charts, CSV) as a Mini App\n"
        "/reload: re-read agenda.yaml and faq/ (keeps the old content if there are "
        "problems)\n"
        "/announce <i>text</i>: announce to all attendees after a preview "
        "(<code>session:ID</code> for one session's audience, <code>at 2027-02-16 13:55</code> "
        "to schedule; or reply /announce to a message)\n"
        "/announcements: recent and scheduled announcements\n"
        "/teach <i>ID ENTRY</i>: a question's wording becomes a phrasing of an FAQ entry\n"
        "/learned: what the bot learned, proposals to approve, [remove]\n"
        "/feedback: ratings of every session that ended; /feedback <i>SESSION-ID</i>: its "
        "distribution and comments\n"
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
    "passed_after_downvote": (
        "🙋 Thanks for telling me. I've passed your question to the organisers with a note "
        "that my answer didn't help; they'll answer you here."
    ),
    "not_a_question": ("Please type your question in words, e.g. <i>where is the prayer room?</i>"),
    # --- conversation: chatter gets a human reply, never the organisers ------------------
    "chatter.greeting": (
        "👋 Hello! I'm the <b>{conference}</b> bot. Ask me anything about the conference in "
        "your own words, e.g. <i>where is lunch?</i> or <i>registration kab band hogi</i>."
    ),
    "chatter.salam": (
        "Wa alaikum assalam! 👋 I'm the <b>{conference}</b> bot. Ask me anything about the "
        "conference in your own words, e.g. <i>where is lunch?</i> or "
        "<i>registration kab band hogi</i>."
    ),
    "chatter.salam_short": "Wa alaikum assalam! 👋",
    "chatter.thanks": "You're welcome! 😊 Ask me anything else any time.",
    "chatter.goodbye": "Goodbye, and enjoy the conference! 👋",
    "chatter.anyone_there": (
        "🤖 Yes, I'm here: I'm the <b>{conference}</b> bot, an automatic assistant. The "
        "organisers read every question I can't answer and reply to you here.\n"
        "Ask me about registration, the agenda, the venue, food or the CTF, e.g. "
        "<i>what's on now?</i>"
    ),
    "chatter.handoff": (
        "🙋 I've asked the organisers to get in touch with you; they'll reply here. "
        "If you have a question for them, send it now and they'll see it too."
    ),
    "chatter.handoff_meanwhile": "Meanwhile, to reach them yourself:",
    "chatter.rudeness": (
        "I'm sorry I couldn't help. 🙏 I've passed your feedback to the organisers. Try "
        "asking in other words, e.g. <i>where is the prayer room?</i>, or write "
        "<i>talk to a human</i> to reach the organisers."
    ),
    "chatter.nonsense": (
        "I didn't understand that. 🙂 Please type your question in words, e.g. "
        "<i>where is the prayer room?</i> or <i>registration kab band hogi</i>. /help shows "
        "what I can do."
    ),
    "still_waiting": (
        "⏳ Still waiting for the organisers on this one: they have it and will answer you "
        "here. No need to send it again."
    ),
    "organiser_handoff": (
        "🙋 <b>Handoff #{id}</b>: {name} (id <code>{user_id}</code>) asked to talk to a "
        "person.\n"
        "<blockquote>{message}</blockquote>\n"
        "Their last question: {question}\n"
        "Reply to this message to answer them, or use <code>/answer {id} …</code> or "
        "<code>/dismiss {id}</code>."
    ),
    "organiser_handoff_no_question": "none yet",
    "organiser_batch": (
        "📦 <b>{count} more questions from {name}</b> (id <code>{user_id}</code>) within "
        "{minutes} minutes, in one post:\n{items}\n"
        "Reply to this message to answer them all at once, or use <code>/answer ID …</code> "
        "or <code>/dismiss ID</code> for one."
    ),
    "organiser_batch_item": "<b>#{id}</b>{mark} <blockquote>{question}</blockquote>",
    "organiser_batch_handoff": " 🙋 asked for a person",
    "organiser_batch_downvoted": " 👎 did not help: the bot answered with <b>{label}</b>",
    "stats_chatter": ("\n<b>Chatter</b> (not questions, never posted): {total}\n{kinds}"),
    "stats_chatter_kind": "• {kind}: {count}",
    "stats_feedback": "\n<b>Feedback</b> (complaints): {count}",
    "stats_feedback_item": "• {when}: {text}",
    "text.kind.greeting": "greetings",
    "text.kind.thanks": "thanks",
    "text.kind.acknowledgement": "acknowledgements",
    "text.kind.goodbye": "goodbyes",
    "text.kind.help": "help requests",
    "text.kind.anyone_there": "is anyone there?",
    "text.kind.ask_for_person": "asked for a person",
    "text.kind.rudeness": "complaints",
    "text.kind.nonsense": "nonsense",
    "only_text": "I can only read text. Please type your question.",
    "unknown_command": "I don't know that command, see /help.",
    "something_went_wrong": "Sorry, something went wrong on my side. Please try again.",
    "storage_unavailable": (
        "Sorry, I can't save anything just now because of a problem on my side, so nothing "
        "was passed on. The organisers know. Please try again in a few minutes."
    ),
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
    "stopped": ("🔕 You won't get announcements any more. Send /start to get them again."),
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
    # --- language -------------------------------------------------------------------------
    "lang_choose": "🌐 Choose your language",
    "lang_set": "✅ I'll talk to you in English now. Send /lang for اردو.",
    # --- organisers -----------------------------------------------------------------------
    "organiser_only": "Sorry, that command is only for the organisers.",
    "organiser_elsewhere": (
        "🔒 {command} was not run in “{chat}”: organiser commands work only here, in our "
        "private chat, or in the organisers' chat, so attendees' questions are never shown "
        "in other groups."
    ),
    # --- alerts to the organisers: the bot's own health -----------------------------------
    "alert.storage_full": (
        "⚠️ <b>The bot's disk is full.</b> It cannot store questions, so attendees are asked "
        "to try again in a few minutes; nothing is passed on meanwhile. Free some space on the "
        "server: the bot carries on by itself once there is room.\n<code>{detail}</code>"
    ),
    "alert.storage_unwritable": (
        "⚠️ <b>The bot cannot write to its database.</b> The disk may have turned read-only "
        "after an error. Attendees are asked to try again later; nothing is passed on "
        "meanwhile. Check the server's disk, then restart the bot.\n<code>{detail}</code>"
    ),
    "alert.storage_damaged": (
        "⚠️ <b>The bot's database file is damaged.</b> Attendees are asked to try again "
        "later; nothing is stored meanwhile. Stop the bot, put back the latest backup "
        "(<code>python -m bot backup</code> makes one) and start it again.\n<code>{detail}</code>"
    ),
    "alert.storage_gone": (
        "⚠️ <b>The bot's database file was deleted or replaced while the bot was running.</b> "
        "Attendees are asked to try again later; nothing is stored meanwhile. Restart the bot "
        "(after putting the file back, if it was deleted by mistake).\n<code>{detail}</code>"
    ),
    "alert.storage_recovered": (
        "✅ The bot's database is writable again: questions are stored and passed on as usual."
    ),
    "organiser_post": (
        "❓ <b>Unanswered question #{id}</b> from {name} (id <code>{user_id}</code>)\n"
        "<blockquote>{question}</blockquote>\n"
        "Best guess: {guess}\n"
        "Reply to this message to answer, or use <code>/answer {id} …</code> or "
        "<code>/dismiss {id}</code>."
    ),
    "organiser_post_downvoted": (
        "👎 <b>Answer that did not help #{id}</b> from {name} (id <code>{user_id}</code>)\n"
        "<blockquote>{question}</blockquote>\n"
        "The bot answered with <b>{label}</b>; the attendee pressed 👎 and asked for the "
        "organisers.\n"
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
    "reply_not_organiser": ("Sorry, only organisers listed in ORGANISER_IDS can answer attendees."),
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
    "unanswered_rejected": "👎 did not help: the bot answered with <b>{label}</b>",
    "unanswered_footer": (
        "Answer with <code>/answer ID text</code> or close with <code>/dismiss ID</code>."
    ),
    "stats": (
        "<b>Stats</b>\n"
        "Attendees: {attendees} (subscribed: {subscribers})\n"
        "Questions: {questions}\n"
        "• answered by the bot: {answered} ({answered_share})\n"
        "• suggestions offered: {suggested} ({suggested_share})\n"
        "• passed to organisers: {unanswered} ({unanswered_share}){after_downvote}\n"
        "Still open: {open}"
    ),
    "stats_after_downvote": "\n  of them after a 👎 on the bot's answer: {count}",
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
    "btn.ask_organisers": "🙋 Ask the organisers",
    "btn.day": "Day {number} · {date}",
    "btn.forget_yes": "🗑 Yes, delete my data",
    "btn.forget_no": "Cancel",
    "btn.previous": "◀",
    "btn.next_page": "▶",
    "btn.lang_en": "English",
    "btn.lang_ur": "اردو",
    # --- callback query toasts (plain) ----------------------------------------------------
    "cb.thanks_vote": "Thanks for the feedback!",
    "cb.expired": "This button has expired. Please ask again.",
    "cb.not_yours": "Only the person who asked can choose.",
    "cb.organiser_only": "Sorry, that's only for the organisers.",
    "cb.organiser_elsewhere": (
        "Organiser buttons work only in a private chat with me or in the organisers' chat."
    ),
    "cb.not_your_vote": "Only the person who asked can rate this answer.",
    "cb.passed_on": "Passed to the organisers.",
    "cb.already_with_organisers": "Already with the organisers: they'll answer you here.",
    "cb.marked_helpful": "You marked this answer 👍. Press 👎 first if it did not help.",
    "cb.storage_unavailable": (
        "Sorry, I can't save that just now. Please try again in a few minutes."
    ),
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
    "cmd.lang": "Language: English or Urdu",
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
    "ann.audience_changes": "attendees whose starred sessions changed",
    # --- programme changes (bot.change_notices) and live sync (bot.schedule_sync) --------
    "chg.notice": (
        "📢 <b>Programme change</b>\nSessions you starred have changed:\n\n{items}\n\n"
        "/mysessions shows your schedule as it is now."
    ),
    "chg.item_moved": "🔀 <b>{title}</b> has moved\nnow: {now}\nwas: {was}",
    "chg.item_speakers": "🎤 <b>{title}</b>: speakers now {now} (was {was})",
    "chg.item_moved_speakers": (
        "🔀 <b>{title}</b> has moved\nnow: {now}\nwas: {was}\n🎤 speakers now {speakers} "
        "(was {speakers_was})"
    ),
    "chg.item_cancelled": (
        "❌ <b>{title}</b> ({was}) is cancelled. I have removed it from your starred sessions."
    ),
    "chg.no_speakers": "no speaker",
    "chg.preview": "🗓 <b>Programme changes</b> {source}\n\n{items}\n──────────\n{audience}",
    "chg.preview_id": (
        "🗓 <b>Programme changes</b> (#{id}) {source}\n\n{items}\n──────────\n{audience}"
    ),
    "chg.source_reload": "after a reload",
    "chg.source_sync": "from the schedule sync",
    "chg.source_start": "made while the bot was stopped",
    "chg.line_moved": "🔀 Moved: <b>{title}</b>, {was} → {now}",
    "chg.line_cancelled": "❌ Cancelled: <b>{title}</b> ({was})",
    "chg.line_speakers": "🎤 Speakers: <b>{title}</b>, {was} → {now}",
    "chg.line_added": "➕ Added: <b>{title}</b>, {now}",
    "chg.more": "… and {count} more",
    "chg.audience": (
        "{count} attendee(s) starred the changed sessions. Each gets one message listing "
        "theirs, in their language; cancelled sessions are unstarred when you press Send."
    ),
    "chg.audience_none": "Nobody (subscribed) starred the changed sessions: nobody to notify.",
    "chg.summary": "Programme change notice: {counts}",
    "chg.count_moved": "{count} moved",
    "chg.count_cancelled": "{count} cancelled",
    "chg.count_speakers": "{count} with new speakers",
    "chg.count_added": "{count} added",
    "chg.superseded": (
        "🗓 This preview is out of date: the programme changed again, and the newest "
        "preview covers every change since attendees were last told. Nothing was sent."
    ),
    "sync.problem": (
        "⚠️ <b>Schedule sync</b>: {problem}\nThe running programme stays. I will tell you "
        "again when the problem changes or is solved."
    ),
    "sync.recovered": "✅ Schedule sync works again.",
    "sync.http": "the server answered HTTP {detail}.",
    "sync.timeout": "the server did not answer within {detail} s.",
    "sync.too_big": "the export is larger than the limit of {detail} (SCHEDULE_MAX_MB).",
    "sync.network": "could not reach the server ({detail}).",
    "sync.invalid": "the export could not be imported: {detail}",
    "sync.rejected": "the new programme does not pass check: {detail}",
    "ann.when_now": "as soon as you press Send",
    "ann.paid_cost": (
        "Cost: at most ⭐ {stars} Stars from the bot's balance "
        "(paid broadcast, 0.1 Star a message, {count} messages)"
    ),
    "ann.when_at": "{time} ({tz}), in {delta}",
    "ann.preview": (
        "📣 <b>Announcement preview</b> (#{id})\nTo: {audience}\nWhen: {when}\n──────────"
    ),
    "ann.rejected": (
        "Telegram refused this text ({error}), so nothing was stored. Check the formatting "
        "and try again."
    ),
    "ann.scheduled": (
        "⏰ <b>Announcement #{id} scheduled</b> for {time} ({tz}) to {audience}.\n──────────"
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
    "ann.report_stopped": ("⏹ Announcement #{id} stopped: {sent} delivered, {remaining} not sent."),
    "ann.list_header": "<b>Announcements</b>",
    "ann.list_empty": ("No announcements yet. Send one with <code>/announce your message</code>."),
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
    "mysessions_reminder_off": ("🔕 Reminders are off (<code>/remind 10</code> turns them on)."),
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
    # --- live Q&A: questions to the speaker ----------------------------------------------
    "qa.ask_prompt": (
        "❓ Your question for <b>{title}</b>: send it as your next message ({min}–{max} "
        "characters). Only the moderators see who asked, unless you choose to show your name."
    ),
    "qa.asked": (
        "✅ Your question #{id} for <b>{title}</b> is in, anonymously. Others can upvote it "
        "under “Top questions”."
    ),
    "qa.asked_named": (
        "✅ Your question #{id} for <b>{title}</b> is in, with your name shown. Others can "
        "upvote it under “Top questions”."
    ),
    "qa.too_short": "That is too short for a question to the speaker: at least {min} characters.",
    "qa.too_long": (
        "That is {length} characters; a question to the speaker can be at most {max}. Please "
        "shorten it and send it again."
    ),
    "qa.too_many": (
        "You already have {max} open questions in this session. Once one is answered you can "
        "ask another; meanwhile, upvote the others'."
    ),
    "qa.cooldown": "One question every 30 seconds, please: try again in {seconds} s.",
    "qa.closed": (
        "<b>{title}</b> is not taking questions now: questions open 10 minutes before it "
        "starts and close 15 minutes after it ends."
    ),
    "qa.none_open": (
        "No session is taking questions right now. Questions open 10 minutes before a "
        "session; see /now."
    ),
    "qa.ask_usage": (
        "Write your question after the command, e.g. <code>/ask How do we start?</code>, or "
        "press ❓ Ask the speaker under a session in /now."
    ),
    "qa.pick_session": "Several sessions are taking questions. Which one is your question for?",
    "qa.top_header": "📋 <b>Top questions: {title}</b>\n{count} · page {page}/{pages}",
    "qa.top_empty": "📋 No questions yet for <b>{title}</b>. Be the first: ❓ Ask the speaker.",
    "qa.item": "<b>{rank}.</b> {mark}{text}\n      👍 {votes}{by}",
    "qa.mod_header": (
        "🛠 <b>Moderating: {title}</b>\n{open} open · {answered} answered · {hidden} hidden · "
        "page {page}/{pages} · {time}"
    ),
    "qa.moderate_usage": (
        "Use <code>/moderate SESSION-ID</code> (the id in agenda.yaml), or /moderate alone "
        "while a session runs."
    ),
    "qa.not_moderator": (
        "Only the session's moderators and the organisers can moderate its questions."
    ),
    "qa.unknown_session": "There is no session <code>{id}</code> in the agenda.",
    "btn.qa_ask": "❓ Ask the speaker",
    "btn.qa_ask_at": "❓ {time} {title}",
    "btn.qa_top": "📋 Top questions",
    "btn.qa_pick": "{star}{time} {title}",
    "btn.qa_up": "👍 {rank}",
    "btn.qa_up_voted": "✅ 👍 {rank}",
    "btn.qa_show_name": "👤 Show my name",
    "btn.qa_hide_name": "🕶 Ask anonymously",
    "btn.qa_answered": "✅ {rank}",
    "btn.qa_hide": "🚫 {rank}",
    "btn.qa_pin": "📌 {rank}",
    "btn.qa_refresh": "🔄 Refresh",
    "cb.qa_voted": "👍 Upvoted.",
    "cb.qa_unvoted": "Vote taken back.",
    "cb.qa_vote_refused": "This question cannot be voted on now (your own, hidden or answered).",
    "cb.qa_not_moderator": "Only this session's moderators and the organisers can do that.",
    "cb.qa_done": "Done.",
    "cb.qa_unchanged": "Nothing to change: it was already moderated.",
    "cb.qa_name_shown": "Your name is now shown with this question.",
    "cb.qa_name_hidden": "Your question is anonymous again.",
    "cb.qa_gone": "This question is no longer there.",
    "cb.qa_closed": "This session is not taking questions now.",
    "cb.qa_send_next": "Send your question as your next message.",
    "cmd.ask": "Ask the speaker of the session now: /ask text",
    "cmd.moderate": "Moderators: the live question list",
    # --- feedback after the session -------------------------------------------------------
    "fb.prompt": (
        "⭐ <b>How was it?</b>\n"
        "<b>{title}</b>\n"
        "{when}\n"
        "\n"
        "Rate it from 1 to 5 ⭐ below; you can add a comment after. The organisers and the "
        "speaker read every rating."
    ),
    "fb.batch": (
        "⭐ <b>Rate the sessions you attended</b>\n"
        "{sessions}\n"
        "\n"
        "Press a session to rate it from 1 to 5 ⭐ (and add a comment if you like)."
    ),
    "fb.batch_item": "• {when} <b>{title}</b>",
    "fb.rated": (
        "✅ Thank you! You gave <b>{title}</b> {stars} ({value} of 5).\n"
        "\n"
        "💬 Anything to add for the organisers and the speaker? Send it as your next message "
        "within {minutes} minutes, or press Skip."
    ),
    "fb.comment_saved": (
        "💬 Thank you, your comment on <b>{title}</b> is saved. The organisers read every one."
    ),
    "fb.comment_withdrawn": (
        "↩️ Removed: that was not a comment on <b>{title}</b> (your rating stays). Send your "
        "question again and I'll answer it."
    ),
    "fb.comment_too_long": (
        "That comment is {length} characters long: at most {max}, please. Send a shorter one."
    ),
    "fb.off": "🔕 No more feedback requests after sessions. /feedback on turns them back on.",
    "fb.on": (
        "🔔 Feedback requests are on: after a session you starred ⭐ or asked the speaker a "
        "question in, I ask you to rate it (one message every 2 hours at most)."
    ),
    "fb.status_on": (
        "🔔 Feedback requests after sessions are <b>on</b>: after a session you starred ⭐ "
        "or asked the speaker a question in, I ask you to rate it (one message every 2 hours "
        "at most).\n"
        "/feedback off turns them off."
    ),
    "fb.status_off": "🔕 Feedback requests are <b>off</b>. /feedback on turns them back on.",
    "fb.table_header": (
        "📊 <b>Feedback after the sessions</b>\n"
        "{sessions} sessions ended · {ratings} ratings · {comments} comments"
    ),
    "fb.table_row": (
        "<b>{average}</b> ⭐ · {ratings} of {prompted} asked · 💬 {comments}{waiting}\n"
        "     {when} {title} · <code>{id}</code>"
    ),
    "fb.table_empty": (
        "📊 No session has ended yet, so there is no feedback. Ratings appear here as "
        "attendees send them."
    ),
    "fb.table_hint": (
        "<code>/feedback SESSION-ID</code> shows a session's ratings and comments; "
        "<code>python -m bot feedback --format csv</code> exports everything."
    ),
    "fb.detail_header": (
        "📊 <b>{title}</b> · <code>{id}</code>\n"
        "{when}\n"
        "Average <b>{average}</b> ⭐ from {ratings} ratings · {prompted} asked{waiting}"
    ),
    "fb.detail_bar": "{stars} ⭐ <code>{bar}</code> {count} ({percent})",
    "fb.detail_comments": "💬 <b>Comments</b> ({count}) · page {page}/{pages}, newest first",
    "fb.detail_comment": "{stars} ⭐ · {text}",
    "fb.detail_no_comments": "💬 No comments yet.",
    "fb.not_ended": "<b>{title}</b> has not ended yet, so it has no feedback.",
    "fb.unknown_session": "There is no session <code>{id}</code> in the agenda.",
    "btn.fb_star": "{stars} ⭐",
    "btn.fb_rate": "⭐ {time} {title}",
    "btn.fb_off": "🔕 No more requests",
    "btn.fb_skip": "Skip",
    "btn.fb_not_comment": "↩️ That was not a comment",
    "cb.fb_thanks": "Thank you! {value} of 5 ⭐",
    "cb.fb_again": "You already rated this session ({value} of 5 ⭐); the first rating counts.",
    "cb.fb_not_asked": "This rating cannot be taken: you were not asked about this session.",
    "cb.fb_skipped": "OK, no comment.",
    "cb.fb_withdrawn": "Comment removed.",
    "cb.fb_off": "No more feedback requests.",
    "cb.fb_none_yet": "This session has not ended yet: no feedback.",
    "cmd.feedback": "Feedback requests after sessions: /feedback off",
    "text.fb_no_average": "–",
    "text.fb_waiting": " · {count} waiting (2-hour spacing)",
    "text.qa_pinned": "📌 ",
    "text.qa_answered": "✅ ",
    "text.qa_hidden": "🚫 ",
    "text.qa_by": " · {name}",
    "text.qa_anonymous": " · anonymous",
    "text.qa_count": "Questions: {count}",
    "cmd.mysessions": "My starred sessions and calendar file",
    "cmd.remind": "Reminder before starred sessions: /remind 10",
    "cmd.announce": "Organisers: announce to attendees",
    "cmd.announcements": "Organisers: recent and scheduled announcements",
    # --- agenda texts (plain; bot/agenda.py, bot/answering/text.py) -----------------------
    "text.on_now": "On now ({time})",
    "text.nothing_scheduled": "Nothing is scheduled.",
    "text.not_yet": "Nothing is on yet.",
    "text.starts_on": "The conference starts on {date} at {time}.",
    "text.over": "The conference is over.",
    "text.thanks": "Thank you for joining us!",
    "text.nothing_now": "Nothing is on right now.",
    "text.next_up_at": "Next up at {when}.",
    "text.next_at": "Next, at {when}",
    "text.day_prefix": "Day {number}, {date}",
    "text.speakers": "Speakers: {names}",
    "text.language": "Language: {language}",
    "text.topic_sessions": "Sessions on this topic",
    "text.not_recorded": "Not recorded, at the speaker's request.",
    "text.also": "Also:",
    "text.speaking_at": "Speaking at:",
    "text.no_sessions": "Not on the programme for a session at the moment.",
    "text.slot_at": "at {time}",
    "text.programme": "Programme",
    "text.nothing_there": "Nothing is scheduled there and then.",
    "text.nothing_on": "Nothing is scheduled on {date}.",
    # --- the Mini App (bot/web; plain: the pages set them as text) ------------------------
    "desk_open": "🗂 <b>The organisers' desk</b>: unanswered questions, stats and the log.",
    "desk_private_only": "Please send /desk to me in a private chat.",
    "desk_no_web": (
        "The desk needs the Mini App: set WEB_URL to the bot's public HTTPS address "
        "(see docs/miniapp.md)."
    ),
    "btn.open_programme": "🗓 Open programme",
    "btn.open_desk": "🗂 Open the desk",
    "btn.menu_programme": "Programme",
    "btn.menu_desk": "Desk",
    "cmd.desk": "Organisers: the desk (Mini App)",
    "web.programme": "Programme",
    "web.my_schedule": "My schedule",
    "web.all_rooms": "All rooms",
    "web.all_tracks": "All tracks",
    "web.all_kinds": "All kinds",
    "web.search": "Search sessions and speakers",
    "web.now": "Now",
    "web.no_results": "No session matches these filters.",
    "web.back": "Back",
    "web.star": "☆ Add to my schedule",
    "web.starred": "⭐ In my schedule",
    "web.ics": "📅 Add to calendar (.ics)",
    "web.ics_mine": "📅 My schedule as a calendar (.ics)",
    "web.speakers": "Speakers",
    "web.room": "Room",
    "web.my_empty": "You haven't starred any sessions yet. Tap ☆ on a session to add it.",
    "web.reminder": "Reminder before each starred session",
    "web.reminder_off": "No reminders",
    "web.reminder_minutes": "{minutes} min before",
    "web.reminder_saved": "Saved.",
    "web.error_auth": "Please open this page from the bot in Telegram.",
    "web.error": "Something went wrong. Please try again.",
    "web.slow_down": "Too many requests; please wait a moment.",
    "web.preview": "Preview: not connected to Telegram",
    "web.day": "Day {number}",
    "web.desk": "Organisers' desk",
    "web.open": "Open",
    "web.answered": "Answered",
    "web.dismissed": "Dismissed",
    "web.asked_times": "asked {count}× by {askers}",
    "web.rejected": "👎 did not help: the bot answered with {label}",
    "web.answer_placeholder": "Type the answer for everyone who asked",
    "web.send_answer": "Send answer",
    "web.dismiss": "Dismiss",
    "web.sent": "Sent to {sent} of {total} attendee(s).",
    "web.closed": "Already answered or dismissed; nothing was sent.",
    "web.dismissed_count": "Dismissed ({count}).",
    "web.empty": "Nothing here.",
    "web.stats": "Stats",
    "web.questions": "Questions",
    "web.csv": "Download the log (CSV)",
    "web.desk_refused": "This page is for the organisers only.",
    "web.chart_hourly": "Questions per hour",
    "web.chart_top": "Most asked entries",
    "web.chart_votes": "👍 / 👎 per entry, worst first",
    "web.chart_broadcasts": "Announcements, delivery",
    "web.decision_answer": "answered",
    "web.decision_suggest": "suggested",
    "web.decision_none": "passed on",
    "web.no_data": "No data yet.",
    "web.delivered": "sent",
    "web.undelivered": "not delivered",
    "web.pending": "pending",
    "web.attendees": "Attendees",
    "web.chat": "Chat",
    "web.chat_placeholder": "Ask a question, as an attendee would",
    "web.send": "Send",
    "web.chat_hint": "What you type here is answered by the bot itself, exactly as in Telegram.",
    # --- the Mini App's live Q&A (Top questions page) ------------------------------------
    "web.qa_ask": "❓ Ask the speaker",
    "web.qa_top": "📋 Top questions",
    "web.qa_placeholder": "Your question for the speaker ({min}–{max} characters)",
    "web.qa_show_name": "Show my name with it (otherwise only the moderators see who asked)",
    "web.qa_send": "Send question",
    "web.qa_asked": "✅ Your question #{id} is in, anonymously. Others can upvote it here.",
    "web.qa_asked_named": (
        "✅ Your question #{id} is in, with your name shown. Others can upvote it here."
    ),
    "web.qa_not_open": (
        "Questions open 10 minutes before the session starts and close 15 minutes after it ends."
    ),
    "web.qa_empty": "No questions yet.",
    "web.qa_count": "Questions: {count}",
    "web.qa_mod_counts": "{open} open · {answered} answered · {hidden} hidden",
    "web.qa_moderating": (
        "🛠 You moderate this session: you see who asked, and hidden questions at the end."
    ),
    "web.qa_upvote": "Upvote",
    "web.qa_answered_mark": "✅ Answered",
    "web.qa_pinned_mark": "📌 Pinned",
    "web.qa_hidden_mark": "🚫 Hidden: only the moderators see it",
    "web.qa_yours": "Your question",
    "web.qa_anonymous": "anonymous",
    "web.qa_show_my_name": "👤 Show my name",
    "web.qa_hide_my_name": "🕶 Ask anonymously",
    "web.qa_mark_answered": "✅ Answered",
    "web.qa_hide": "🚫 Hide",
    "web.qa_pin": "📌 Pin",
    "web.qa_unpin": "📌 Unpin",
    "web.qa_more": "Show more",
    "web.qa_closed": (
        "{title} is not taking questions now: questions open 10 minutes before it starts and "
        "close 15 minutes after it ends."
    ),
    "web.qa_too_short": (
        "That is too short for a question to the speaker: at least {min} characters."
    ),
    "web.qa_too_long": (
        "That is {length} characters; a question to the speaker can be at most {max}."
    ),
    "web.qa_too_many": (
        "You already have {max} open questions in this session. Once one is answered you can "
        "ask another; meanwhile, upvote the others'."
    ),
    "web.qa_cooldown": "One question every 30 seconds, please: try again in {seconds} s.",
    # --- the desk's feedback view -------------------------------------------------------
    "web.feedback": "Feedback",
    "web.fb_totals": "Sessions ended: {ended} · ratings: {ratings} · comments: {comments}",
    "web.fb_row": "{average} ⭐ · {ratings} of {prompted} asked · 💬 {comments}",
    "web.fb_unrated": "no ratings yet · {prompted} asked",
    "web.fb_waiting": "{waiting} still wait for their 2 hours",
    "web.fb_average": "Average {average} ⭐ from {ratings} ratings · {prompted} asked",
    "web.fb_chart": "Ratings",
    "web.fb_comments": "Comments, newest first ({count})",
    "web.fb_no_comments": "No comments.",
    "web.fb_empty": "No session has ended yet, so there is no feedback.",
    "web.fb_gone": "no longer in the programme",
    "web.fb_csv": "Download the ratings (CSV)",
    # --- learning (issue 17) ---------------------------------------------------------
    "teach_offer": "📚 Also use this for similar questions?\n{question}",
    "teach_more": (
        "📚 Which entry does this question ask for?\n{question}\n\nAny entry: /teach {id} ENTRY_ID"
    ),
    "taught_phrasing": "📚 Learned: “{phrasing}” now also gets the answer to <b>{label}</b>.",
    "taught_entry": "📚 Learned a new entry: “{phrasing}” now gets your answer. /learned lists it.",
    "teach_declined": "Not taught. (/teach {id} ENTRY_ID can still do it.)",
    "teach_refused_empty": "Not taught: there is no text to learn (or no answer for a new entry).",
    "teach_refused_too_long": (
        "Not taught: too long for a phrasing (or an answer); keep it to one question."
    ),
    "teach_refused_no_words": "Not taught: there are no words in it the bot could match.",
    "teach_refused_duplicate": "Already known: “{phrasing}” is a phrasing of <b>{label}</b>.",
    "teach_refused_conflict": (
        "Not taught: it is nearly the same as “{phrasing}”, a phrasing of <b>{label}</b> "
        "({entry}), which has a different answer. Attendees would get one of two answers by chance."
    ),
    "teach_refused_no_entry": "Not taught: there is no FAQ entry <code>{entry}</code>.",
    "teach_refused_rejected": (
        "Not taught: the attendee pressed 👎 on the answer of <b>{label}</b> for “{phrasing}”. "
        "Choose another entry, or ➕ New FAQ entry."
    ),
    "teach_usage": (
        "Usage: /teach <i>ID ENTRY</i>: the wording of question ID becomes a phrasing of the FAQ "
        "entry ENTRY; <code>/teach ID new</code> makes a new entry with the answer you gave."
    ),
    "teach_not_answered": "#{id} has no organiser's answer yet: answer it first, then teach.",
    "learned_empty": (
        "📚 Nothing learned yet. Answer a question and tap an entry under “Also use "
        "this for similar questions”."
    ),
    "learned_header": "📚 <b>What the bot learned</b>",
    "learned_proposals": "\n<b>Proposals from attendees' picks</b> (approve or reject):",
    "learned_proposal_item": "P{n}. “{phrasing}” → {label} ({pickers} attendees)",
    "learned_active": "\n<b>Learned</b>:",
    "learned_item": "L{n}. “{phrasing}” → {label} · {who}, {when}{uses}",
    "learned_item_entry": "L{n}. New entry “{phrasing}”: {answer} · {who}, {when}{uses}",
    "text.learned_by_organiser": "taught by {name}",
    "text.learned_by_picks": "{pickers} attendees' picks",
    "text.learned_by_picks_approved": "{pickers} attendees' picks, approved by {name}",
    "learned_in_files": "\n{count} learned phrasing(s) are now in the FAQ files: clear them here.",
    "learned_more": "\n… and {count} more.",
    "cb.learned_removed": "🗑 Removed {count} learned phrasing(s).",
    "cb.learned_approved": "✅ Approved: “{phrasing}” → {label}.",
    "cb.learned_rejected": "✖ Rejected: “{phrasing}”.",
    "learned_gone": "That is no longer there (already decided or removed).",
    "stats_learned": "\n📚 Learned phrasings answered {count} question(s).",
    "btn.teach_other": "Other…",
    "btn.teach_new": "➕ New FAQ entry",
    "btn.teach_no": "No",
    "btn.learn_approve": "✅ P{n}",
    "btn.learn_reject": "✖ P{n}",
    "btn.learn_remove": "🗑 L{n}",
    "btn.learn_clear": "🧹 Clear {count} now in the files",
    "cb.taught": "Learned.",
    "cb.learned_gone": "That is no longer there (already decided or removed).",
    "cmd.teach": "Organisers: /teach ID ENTRY",
    "cmd.learned": "Organisers: what the bot learned",
    # The desk's teach offer (bot/web/teach.py): plain text, set with textContent.
    "web.teach_offer": "📚 Also use this for similar questions?",
    "web.teach_other": "Other…",
    "web.teach_new": "➕ New FAQ entry",
    "web.teach_no": "No",
    "web.taught_phrasing": "📚 Learned: “{phrasing}” now also gets the answer to “{label}”.",
    "web.taught_entry": "📚 Learned a new entry: “{phrasing}” now gets your answer.",
    "web.teach_declined": "Not taught. (/teach {id} ENTRY_ID can still do it.)",
    "web.teach_not_answered": "#{id} has no organiser's answer yet: answer it first, then teach.",
    "web.teach_gone": "That question is no longer there.",
    "web.teach_refused_empty": (
        "Not taught: there is no text to learn (or no answer for a new entry)."
    ),
    "web.teach_refused_too_long": (
        "Not taught: too long for a phrasing (or an answer); keep it to one question."
    ),
    "web.teach_refused_no_words": "Not taught: there are no words in it the bot could match.",
    "web.teach_refused_duplicate": "Already known: “{phrasing}” is a phrasing of “{label}”.",
    "web.teach_refused_conflict": (
        "Not taught: it is nearly the same as “{phrasing}”, a phrasing of “{label}” ({entry}), "
        "which has a different answer. Attendees would get one of two answers by chance."
    ),
    "web.teach_refused_no_entry": "Not taught: there is no FAQ entry “{entry}”.",
    "web.teach_refused_rejected": (
        "Not taught: the attendee pressed 👎 on the answer of “{label}” for “{phrasing}”. "
        "Choose another entry, or a new FAQ entry."
    ),
}


# --- Urdu -----------------------------------------------------------------------------------
#
# Written in Urdu script with Urdu punctuation (۔ ؟ ،). Telegram picks a paragraph's
# direction from its first strong character, so `_rtl` (below) starts every line that would
# otherwise open with Latin text (a command, a placeholder, Roman Urdu) with a RIGHT-TO-LEFT
# MARK, and puts a LEFT-TO-RIGHT MARK before embedded /commands and @names so their slash
# or at-sign stays attached to the Latin word. Tests check both languages have the same keys
# and placeholders and that no Urdu line ends with an ASCII punctuation mark.

_UR_SOURCE: dict[str, str] = {
    # --- welcome and help -----------------------------------------------------------------
    "welcome": (
        "👋 <b>{conference}</b> بوٹ میں خوش آمدید۔\n"
        "\n"
        "کانفرنس کے بارے میں جو چاہیں اپنے الفاظ میں پوچھیں، انگریزی، رومن اردو یا اردو "
        "میں۔ مثلاً\n"
        "• <i>کیا وائی فائی کی سہولت ہے؟</i>\n"
        "• <i>registration kab band hogi</i>\n"
        "• <i>اس وقت کیا چل رہا ہے؟</i>\n"
        "\n"
        "مجھے عام سوالات کے جوابات، ایجنڈا، مقررین اور مقام کا علم ہے۔ جو بات مجھے معلوم نہ "
        "ہو وہ سوال میں منتظمین تک پہنچا دیتا ہوں اور وہ آپ کو یہیں جواب دیتے ہیں۔\n"
        "\n"
        "🔔 آپ کو منتظمین کے اعلانات (کمرے کی تبدیلی، تاخیر وغیرہ) ملتے رہیں گے۔ انہیں بند "
        "کرنے کے لیے /stop بھیجیں؛ دوبارہ /start بھیجنے سے یہ پھر شروع ہو جائیں گے۔"
    ),
    "welcome_group": (
        "👋 میں <b>{conference}</b> کا بوٹ ہوں۔ سوال پوچھنے کے لیے مجھے @{username} لکھ "
        "کر مخاطب کریں یا میرے کسی پیغام کا جواب دیں۔ یہاں /agenda، /now، /next اور /venue "
        "بھی استعمال کر سکتے ہیں۔"
    ),
    "help": (
        "<b>اپنا سوال</b> اپنے الفاظ میں پوچھیں، مثلاً <i>نماز کی جگہ کہاں ہے؟</i>\n"
        "\n"
        "پروگرام، دن بہ دن ← /agenda\n"
        "اس وقت کیا چل رہا ہے ← /now\n"
        "اگلا سیشن ← /next\n"
        "کسی مقرر کے سیشن ← /speaker <i>نام</i>\n"
        "پتا اور نقشہ ← /venue\n"
        "آپ کے ⭐ سیشن اور کیلنڈر فائل ← /mysessions\n"
        "سیشن سے کتنے منٹ پہلے یاد دہانی ہو (یا بند) ← /remind <i>منٹ</i>\n"
        "جاری سیشن کے مقرر سے سوال، یا سیشن کے نیچے ❓ ← /ask <i>سوال</i>\n"
        "سیشن کے بعد درجہ بندی کی درخواستیں بند (یا on) ← /feedback <i>off</i>\n"
        "اعلانات بند کریں (دوبارہ شروع کرنے کے لیے /start) ← /stop\n"
        "میرے پاس محفوظ آپ کا سارا ڈیٹا حذف کریں ← /forget\n"
        "زبان بدلیں، English یا اردو ← /lang\n"
        "\n"
        "گروپ میں مجھے @{username} لکھ کر مخاطب کریں یا میرے پیغام کا جواب دیں۔ کسی بھی "
        "چیٹ میں <code>@{username} wifi</code> لکھ کر جواب شیئر کر سکتے ہیں۔"
    ),
    "help_organiser": (
        "\n\n<b>منتظمین کے کمانڈ</b>\n"
        "کھلے سوالات، گروپ کی صورت میں، نئے پہلے ← /unanswered\n"
        "وہ سوال پوچھنے والے سب لوگوں کو جواب ← /answer <i>ID متن</i>\n"
        "جواب دیے بغیر سوال بند کریں ← /dismiss <i>ID</i>\n"
        "شرکاء، سوالات اور ووٹ ← /stats\n"
        "منتظمین کا ڈیسک (سوالات، چارٹ، CSV) منی ایپ میں ← /desk\n"
        "agenda.yaml اور faq/ دوبارہ پڑھیں (مسئلہ ہو تو پرانا مواد برقرار رہتا ہے) ← /reload\n"
        "پیش نظارہ کے بعد سب شرکاء کو اعلان ← /announce <i>متن</i>\n"
        "ایک سیشن کے سامعین کے لیے <code>session:ID</code>، وقت مقرر کرنے کے لیے "
        "<code>at 2027-02-16 13:55</code>؛ یا کسی پیغام کے جواب میں /announce لکھیں۔\n"
        "حالیہ اور طے شدہ اعلانات ← /announcements\n"
        "سوال کے الفاظ کسی FAQ اندراج کا نیا انداز ← /teach <i>ID ENTRY</i>\n"
        "بوٹ نے کیا سیکھا، منظوری کی تجاویز ← /learned\n"
        "ختم ہونے والے ہر سیشن کی درجہ بندی ← /feedback، ایک سیشن کی تفصیل اور تبصرے ← "
        "/feedback <i>SESSION-ID</i>\n"
        "منتظمین کی چیٹ میں بوٹ کے بھیجے گئے سوال کا جواب دیں تو وہ شریک تک پہنچ جاتا ہے۔"
    ),
    # --- questions ------------------------------------------------------------------------
    "suggest": "🤔 کیا آپ کا مطلب یہ تھا؟",
    "no_answer": (
        "اس کا اچھا جواب ابھی میرے پاس نہیں، اس لیے میں نے آپ کا سوال منتظمین تک پہنچا دیا "
        "ہے۔ وہ آپ کو یہیں جواب دیں گے۔"
    ),
    "none_of_these": (
        "شکریہ۔ میں نے آپ کا سوال منتظمین تک پہنچا دیا ہے؛ وہ آپ کو یہیں جواب دیں گے۔"
    ),
    "passed_after_downvote": (
        "🙋 بتانے کا شکریہ۔ میں نے آپ کا سوال اس نوٹ کے ساتھ منتظمین تک پہنچا دیا ہے کہ "
        "میرا جواب کام نہیں آیا؛ وہ آپ کو یہیں جواب دیں گے۔"
    ),
    "not_a_question": ("براہ کرم اپنا سوال الفاظ میں لکھیں، مثلاً <i>نماز کی جگہ کہاں ہے؟</i>"),
    # --- conversation: chatter gets a human reply, never the organisers ------------------
    "chatter.greeting": (
        "👋 خوش آمدید! میں <b>{conference}</b> کا بوٹ ہوں۔ کانفرنس کے بارے میں اپنے الفاظ میں "
        "کچھ بھی پوچھیں، مثلاً <i>کھانا کہاں ملے گا؟</i> یا <i>رجسٹریشن کب بند ہوگی؟</i>"
    ),
    "chatter.salam": (
        "وعلیکم السلام! 👋 میں <b>{conference}</b> کا بوٹ ہوں۔ کانفرنس کے بارے میں اپنے الفاظ "
        "میں کچھ بھی پوچھیں، مثلاً <i>کھانا کہاں ملے گا؟</i> یا <i>رجسٹریشن کب بند ہوگی؟</i>"
    ),
    "chatter.salam_short": "وعلیکم السلام! 👋",
    "chatter.thanks": "کوئی بات نہیں! 😊 کچھ اور پوچھنا ہو تو کبھی بھی پوچھیں۔",
    "chatter.goodbye": "اللہ حافظ، کانفرنس سے لطف اٹھائیں! 👋",
    "chatter.anyone_there": (
        "🤖 جی، میں حاضر ہوں: میں <b>{conference}</b> کا خودکار بوٹ ہوں۔ جن سوالوں کا جواب "
        "میرے پاس نہیں، منتظمین انہیں پڑھتے ہیں اور آپ کو یہیں جواب دیتے ہیں۔\n"
        "رجسٹریشن، پروگرام، مقام، کھانے یا سی ٹی ایف کے بارے میں پوچھیں، مثلاً "
        "<i>ابھی کیا چل رہا ہے؟</i>"
    ),
    "chatter.handoff": (
        "🙋 میں نے منتظمین سے کہہ دیا ہے کہ وہ آپ سے رابطہ کریں؛ وہ یہیں جواب دیں گے۔ "
        "ان کے لیے کوئی سوال ہو تو ابھی بھیج دیں، وہ بھی ان تک پہنچ جائے گا۔"
    ),
    "chatter.handoff_meanwhile": "اس دوران آپ خود بھی رابطہ کر سکتے ہیں۔",
    "chatter.rudeness": (
        "معذرت کہ میں مدد نہ کر سکا۔ 🙏 میں نے آپ کی رائے منتظمین تک پہنچا دی ہے۔ سوال "
        "دوسرے الفاظ میں پوچھ کر دیکھیں، مثلاً <i>نماز کی جگہ کہاں ہے؟</i>، یا منتظمین سے "
        "بات کے لیے <i>کسی انسان سے بات کروائیں</i> لکھیں۔"
    ),
    "chatter.nonsense": (
        "میں یہ سمجھ نہیں سکا۔ 🙂 براہ کرم اپنا سوال الفاظ میں لکھیں، مثلاً "
        "<i>نماز کی جگہ کہاں ہے؟</i> میں کیا کر سکتا ہوں، یہ /help میں دیکھیں۔"
    ),
    "still_waiting": (
        "⏳ اس سوال پر منتظمین کے جواب کا ابھی انتظار ہے: سوال ان کے پاس ہے اور وہ آپ کو "
        "یہیں جواب دیں گے۔ دوبارہ بھیجنے کی ضرورت نہیں۔"
    ),
    "organiser_handoff": (
        "🙋 <b>رابطے کی درخواست #{id}</b>، {name}، آئی ڈی <code>{user_id}</code>، کسی انسان سے "
        "بات کرنا چاہتے ہیں۔\n"
        "<blockquote>{message}</blockquote>\n"
        "ان کا آخری سوال ← {question}\n"
        "جواب دینے کے لیے اس پیغام کا جواب دیں، یا <code>/answer {id} …</code> یا "
        "<code>/dismiss {id}</code> استعمال کریں۔"
    ),
    "organiser_handoff_no_question": "ابھی کوئی نہیں",
    "organiser_batch": (
        "📦 <b>{name} کے مزید {count} سوال</b>، آئی ڈی <code>{user_id}</code>، {minutes} منٹ "
        "کے اندر، ایک ہی پیغام میں\n{items}\n"
        "سب کا ایک ساتھ جواب دینے کے لیے اس پیغام کا جواب دیں، یا کسی ایک کے لیے "
        "<code>/answer ID …</code> یا <code>/dismiss ID</code> استعمال کریں۔"
    ),
    "organiser_batch_item": "<b>#{id}</b>{mark} <blockquote>{question}</blockquote>",
    "organiser_batch_handoff": " 🙋 کسی انسان سے بات",
    "organiser_batch_downvoted": " 👎 کام نہ آیا، بوٹ نے <b>{label}</b> سے جواب دیا",
    "stats_chatter": (
        "\n<b>گپ شپ</b>، یعنی سوال نہیں اور منتظمین کو نہیں بھیجی گئی ← {total}\n{kinds}"
    ),
    "stats_chatter_kind": "• {kind} ← {count}",
    "stats_feedback": "\n<b>رائے</b>، یعنی شکایات ← {count}",
    "stats_feedback_item": "• {when} ← {text}",
    "text.kind.greeting": "سلام دعا",
    "text.kind.thanks": "شکریہ",
    "text.kind.acknowledgement": "ٹھیک ہے، اچھا",
    "text.kind.goodbye": "اللہ حافظ",
    "text.kind.help": "مدد کی درخواست",
    "text.kind.anyone_there": "کوئی ہے؟",
    "text.kind.ask_for_person": "انسان سے بات",
    "text.kind.rudeness": "شکایات",
    "text.kind.nonsense": "بے معنی",
    "only_text": "میں صرف تحریر پڑھ سکتا ہوں۔ براہ کرم اپنا سوال لکھ کر بھیجیں۔",
    "unknown_command": "یہ کمانڈ میں نہیں جانتا، /help دیکھیں۔",
    "something_went_wrong": "معذرت، میری طرف کچھ گڑبڑ ہو گئی۔ براہ کرم دوبارہ کوشش کریں۔",
    "storage_unavailable": (
        "معذرت، میری طرف ایک مسئلے کی وجہ سے میں ابھی کچھ محفوظ نہیں کر سکتا، اس لیے کچھ آگے "
        "نہیں بھیجا گیا۔ منتظمین کو معلوم ہے۔ براہ کرم چند منٹ بعد دوبارہ کوشش کریں۔"
    ),
    "answer_gone": "معذرت، یہ جواب اب دستیاب نہیں۔ براہ کرم دوبارہ پوچھیں۔",
    # --- agenda ---------------------------------------------------------------------------
    "agenda_pick_day": "📅 <b>{conference} کا ایجنڈا</b>، کون سا دن؟",
    "agenda_empty": "ایجنڈا ابھی شائع نہیں ہوا۔",
    "day_heading": "دن {number}، {date}",
    "day_empty": "{date} کو کچھ طے نہیں۔",
    "speaker_usage": (
        "بتائیں کس مقرر کے سیشن دیکھنے ہیں، مثلاً <code>/speaker {example}</code> لکھیں۔"
    ),
    "speaker_not_found": (
        "“{name}” سے ملتا کوئی مقرر نہیں ملا۔ نام کا کچھ حصہ یا ان کا عہدہ لکھ کر دیکھیں، "
        "مثلاً <code>/speaker {example}</code> لکھیں۔"
    ),
    "venue": "📍 <b>{name}</b>",
    "venue_address": "{address}",
    "venue_map": "🗺 {link}",
    "venue_map_label": "نقشے میں کھولیں",
    "venue_missing": "منتظمین نے ابھی مقام کی تفصیل شائع نہیں کی۔",
    # --- subscription and privacy ---------------------------------------------------------
    "stopped": "🔕 اب آپ کو اعلانات نہیں ملیں گے۔ دوبارہ حاصل کرنے کے لیے /start بھیجیں۔",
    "forget_confirm": (
        "اس سے میرے پاس محفوظ آپ کا سب کچھ حذف ہو جائے گا: آپ کے سوالات، ووٹ اور سبسکرپشن۔ "
        "کیا آپ کو یقین ہے؟"
    ),
    "forget_done": (
        "🗑 ہو گیا۔ میرے پاس آپ کے بارے میں جو کچھ محفوظ تھا، سب حذف کر دیا ہے۔ بوٹ دوبارہ "
        "استعمال کرنا ہو تو /start بھیجیں۔"
    ),
    "forget_cancelled": "کچھ حذف نہیں ہوا۔",
    "forget_private_only": "براہ کرم /forget مجھے نجی چیٹ میں بھیجیں۔",
    # --- language -------------------------------------------------------------------------
    "lang_choose": "🌐 اپنی زبان منتخب کریں",
    "lang_set": "✅ اب میں آپ سے اردو میں بات کروں گا۔ English کے لیے /lang بھیجیں۔",
    # --- organisers -----------------------------------------------------------------------
    "organiser_only": "معذرت، یہ کمانڈ صرف منتظمین کے لیے ہے۔",
    "organiser_elsewhere": (
        "🔒 {command} “{chat}” میں نہیں چلائی گئی: منتظمین کی کمانڈز صرف یہاں، ہماری نجی چیٹ "
        "میں، یا منتظمین کی چیٹ میں چلتی ہیں، تاکہ شرکا کے سوال کبھی دوسرے گروپوں میں نظر نہ آئیں۔"
    ),
    # --- alerts to the organisers: the bot's own health -----------------------------------
    "alert.storage_full": (
        "⚠️ <b>بوٹ کی ڈسک بھر گئی ہے۔</b> وہ سوال محفوظ نہیں کر سکتا، اس لیے شرکا سے چند منٹ "
        "بعد دوبارہ کوشش کرنے کو کہا جا رہا ہے؛ اس دوران کچھ آگے نہیں بھیجا جا رہا۔ سرور پر "
        "کچھ جگہ خالی کریں: جگہ ملتے ہی بوٹ خود کام جاری رکھے گا۔\n<code>{detail}</code>"
    ),
    "alert.storage_unwritable": (
        "⚠️ <b>بوٹ اپنے ڈیٹا بیس میں لکھ نہیں پا رہا۔</b> ہو سکتا ہے کسی خرابی کے بعد ڈسک صرف "
        "پڑھنے کے قابل ہو گئی ہو۔ شرکا سے بعد میں دوبارہ کوشش کرنے کو کہا جا رہا ہے؛ اس دوران "
        "کچھ آگے نہیں بھیجا جا رہا۔ سرور کی ڈسک دیکھیں، پھر بوٹ دوبارہ شروع کریں۔"
        "\n<code>{detail}</code>"
    ),
    "alert.storage_damaged": (
        "⚠️ <b>بوٹ کی ڈیٹا بیس فائل خراب ہو گئی ہے۔</b> شرکا سے بعد میں دوبارہ کوشش کرنے کو "
        "کہا جا رہا ہے؛ اس دوران کچھ محفوظ نہیں ہو رہا۔ بوٹ بند کریں، تازہ ترین بیک اپ واپس "
        "رکھیں (<code>python -m bot backup</code> بیک اپ بناتا ہے) اور بوٹ دوبارہ شروع کریں۔"
        "\n<code>{detail}</code>"
    ),
    "alert.storage_gone": (
        "⚠️ <b>بوٹ کے چلتے ہوئے اس کی ڈیٹا بیس فائل مٹا دی گئی یا بدل دی گئی۔</b> شرکا سے بعد "
        "میں دوبارہ کوشش کرنے کو کہا جا رہا ہے؛ اس دوران کچھ محفوظ نہیں ہو رہا۔ بوٹ دوبارہ "
        "شروع کریں (اگر فائل غلطی سے مٹی ہو تو پہلے اسے واپس رکھیں)۔\n<code>{detail}</code>"
    ),
    "alert.storage_recovered": (
        "✅ بوٹ کا ڈیٹا بیس پھر سے لکھنے کے قابل ہے: سوال معمول کے مطابق محفوظ ہو کر آگے جا "
        "رہے ہیں۔"
    ),
    "organiser_post": (
        "❓ <b>جواب طلب سوال #{id}</b>، {name} کی طرف سے، آئی ڈی <code>{user_id}</code>\n"
        "<blockquote>{question}</blockquote>\n"
        "بہترین اندازہ ← {guess}\n"
        "جواب دینے کے لیے اس پیغام کا جواب دیں، یا <code>/answer {id} …</code> یا "
        "<code>/dismiss {id}</code> استعمال کریں۔"
    ),
    "organiser_post_downvoted": (
        "👎 <b>جواب جو کام نہ آیا #{id}</b>، {name} کی طرف سے، آئی ڈی <code>{user_id}</code>\n"
        "<blockquote>{question}</blockquote>\n"
        "بوٹ نے <b>{label}</b> سے جواب دیا؛ شریک نے 👎 دبا کر منتظمین سے پوچھا۔\n"
        "جواب دینے کے لیے اس پیغام کا جواب دیں، یا <code>/answer {id} …</code> یا "
        "<code>/dismiss {id}</code> استعمال کریں۔"
    ),
    "organiser_post_guess": "{label}، اسکور {score}",
    "organiser_post_no_guess": "کوئی نہیں",
    "organiser_answer": (
        "💬 <b>منتظمین نے آپ کے سوال کا جواب دیا ہے</b>\n"
        "<blockquote>{question}</blockquote>\n"
        "{answer}"
    ),
    "answered_report": "✅ #{id}: {total} میں سے {sent} شرکاء کو بھیج دیا گیا۔",
    "answered_report_unreachable": " {failed} تک نہیں پہنچ سکا، شاید انہوں نے بوٹ بلاک کر دیا ہے۔",
    "already_closed": "#{id} کا جواب دیا جا چکا ہے یا یہ بند ہو چکا ہے؛ کچھ نہیں بھیجا گیا۔",
    "no_such_question": "سوال #{id} موجود نہیں۔",
    "not_a_question_post": (
        "یہ پیغام سوال والی پوسٹ نہیں۔ شریک کو جواب دینے کے لیے ❓ والی پوسٹ کا جواب دیں۔"
    ),
    "reply_not_organiser": (
        "معذرت، صرف ORGANISER_IDS میں درج منتظمین ہی شرکاء کو جواب دے سکتے ہیں۔"
    ),
    "answer_usage": (
        "طریقہ <code>/answer ID آپ کا جواب</code>، مثلاً "
        "<code>/answer 12 نماز کے کمرے ہال اے کے ساتھ ہیں۔</code>"
    ),
    "dismiss_usage": "طریقہ <code>/dismiss ID</code>، مثلاً <code>/dismiss 12</code> لکھیں۔",
    "dismissed": "#{id} بند کر دیا گیا ({count} سوال)۔",
    "unanswered_empty": "🎉 کوئی جواب طلب سوال نہیں۔",
    "unanswered_header": (
        "<b>جواب طلب سوالات</b>، کل {total} گروپوں میں سے {first} تا {last}، نئے پہلے"
    ),
    "unanswered_item": "<b>#{id}</b>{times} · {when}\n{question}",
    "unanswered_times": " ×{count}",
    "unanswered_rejected": "👎 کام نہیں آیا: بوٹ نے <b>{label}</b> سے جواب دیا تھا",
    "unanswered_footer": (
        "جواب کے لیے <code>/answer ID متن</code> اور بند کرنے کے لیے "
        "<code>/dismiss ID</code> لکھیں۔"
    ),
    "stats": (
        "<b>اعداد و شمار</b>\n"
        "شرکاء {attendees}، جن میں سبسکرائبر {subscribers}\n"
        "سوالات {questions}\n"
        "• بوٹ نے جواب دیا {answered}، یعنی {answered_share}\n"
        "• تجاویز پیش کیں {suggested}، یعنی {suggested_share}\n"
        "• منتظمین کو بھیجے گئے {unanswered}، یعنی {unanswered_share}{after_downvote}\n"
        "ابھی کھلے {open}"
    ),
    "stats_after_downvote": "\n  ان میں بوٹ کے جواب پر 👎 کے بعد {count}",
    "stats_top_header": "\n<b>سب سے زیادہ پوچھے گئے</b>",
    "stats_top_item": "{rank}۔ {label}، {count} بار",
    "stats_votes_header": "\n<b>ووٹ</b>",
    "stats_votes_item": "{label}، 👍 {up} · 👎 {down}",
    "reload_ok": "✅ دوبارہ لوڈ ہو گیا، {summary}",
    "reload_failed": (
        "⚠️ نئے مواد میں مسائل ہیں، اس لیے میں نے پرانا مواد برقرار رکھا ہے۔ یہ مسائل ٹھیک "
        "کر کے دوبارہ /reload کریں۔"
    ),
    "reload_problem": "• {problem}",
    # --- buttons (plain) ------------------------------------------------------------------
    "btn.agenda": "📅 ایجنڈا",
    "btn.now": "▶️ ابھی",
    "btn.next": "⏭ اگلا",
    "btn.venue": "📍 مقام",
    "btn.help": "❓ مدد",
    "btn.up": "👍",
    "btn.down": "👎",
    "btn.up_chosen": "👍 ✓",
    "btn.down_chosen": "👎 ✓",
    "btn.none_of_these": "ان میں سے کوئی نہیں",
    "btn.ask_organisers": "🙋 منتظمین سے پوچھیں",
    "btn.day": "دن {number} · {date}",
    "btn.forget_yes": "🗑 ہاں، میرا ڈیٹا حذف کریں",
    "btn.forget_no": "منسوخ",
    "btn.previous": "◀",
    "btn.next_page": "▶",
    "btn.lang_en": "English",
    "btn.lang_ur": "اردو",
    # --- callback query toasts (plain) ----------------------------------------------------
    "cb.thanks_vote": "رائے دینے کا شکریہ",
    "cb.expired": "یہ بٹن اب کام نہیں کرتا۔ براہ کرم دوبارہ پوچھیں۔",
    "cb.not_yours": "صرف سوال پوچھنے والا ہی انتخاب کر سکتا ہے۔",
    "cb.organiser_only": "معذرت، یہ صرف منتظمین کے لیے ہے۔",
    "cb.organiser_elsewhere": (
        "منتظمین کے بٹن صرف میرے ساتھ نجی چیٹ میں یا منتظمین کی چیٹ میں چلتے ہیں۔"
    ),
    "cb.not_your_vote": "اس جواب کی درجہ بندی صرف سوال پوچھنے والا کر سکتا ہے۔",
    "cb.passed_on": "منتظمین کو بھیج دیا گیا۔",
    "cb.already_with_organisers": "یہ سوال پہلے ہی منتظمین کے پاس ہے؛ وہ آپ کو یہیں جواب دیں گے۔",
    "cb.marked_helpful": "آپ نے اس جواب کو 👍 دیا ہے۔ اگر یہ کام نہیں آیا تو پہلے 👎 دبائیں۔",
    "cb.storage_unavailable": (
        "معذرت، میں ابھی یہ محفوظ نہیں کر سکتا۔ براہ کرم چند منٹ بعد دوبارہ کوشش کریں۔"
    ),
    # --- command descriptions (plain) -----------------------------------------------------
    # --- live Q&A: questions to the speaker ----------------------------------------------
    "qa.ask_prompt": (
        "❓ <b>{title}</b> کے لیے آپ کا سوال: اگلے پیغام میں بھیجیں ({min} سے {max} حروف)۔ "
        "پوچھنے والے کا نام صرف ماڈریٹر دیکھتے ہیں، جب تک آپ خود نام نہ دکھائیں۔"
    ),
    "qa.asked": (
        "✅ <b>{title}</b> کے لیے آپ کا سوال #{id} گمنام طور پر شامل ہو گیا۔ دوسرے اسے "
        "“نمایاں سوالات” میں 👍 کر سکتے ہیں۔"
    ),
    "qa.asked_named": (
        "✅ <b>{title}</b> کے لیے آپ کا سوال #{id} آپ کے نام کے ساتھ شامل ہو گیا۔ دوسرے اسے "
        "“نمایاں سوالات” میں 👍 کر سکتے ہیں۔"
    ),
    "qa.too_short": "مقرر سے سوال کے لیے یہ بہت مختصر ہے، کم از کم {min} حروف۔",
    "qa.too_long": (
        "یہ {length} حروف ہیں؛ مقرر سے سوال زیادہ سے زیادہ {max} حروف کا ہو سکتا ہے۔ "
        "مختصر کر کے دوبارہ بھیجیں۔"
    ),
    "qa.too_many": (
        "اس سیشن میں آپ کے {max} سوال پہلے سے کھلے ہیں۔ کسی کا جواب ملنے پر نیا پوچھ سکیں "
        "گے؛ تب تک دوسروں کے سوالات کو 👍 کریں۔"
    ),
    "qa.cooldown": "براہ کرم 30 سیکنڈ میں ایک سوال: {seconds} سیکنڈ بعد دوبارہ کوشش کریں۔",
    "qa.closed": (
        "<b>{title}</b> ابھی سوالات نہیں لے رہا: سوالات سیشن سے 10 منٹ پہلے کھلتے اور ختم "
        "ہونے کے 15 منٹ بعد بند ہو جاتے ہیں۔"
    ),
    "qa.none_open": (
        "اس وقت کوئی سیشن سوالات نہیں لے رہا۔ سوالات سیشن سے 10 منٹ پہلے کھلتے ہیں؛ /now دیکھیں۔"
    ),
    "qa.ask_usage": (
        "کمانڈ کے بعد اپنا سوال لکھیں، مثلاً <code>/ask ہم کیسے شروع کریں؟</code>، یا /now "
        "میں کسی سیشن کے نیچے ❓ مقرر سے پوچھیں دبائیں۔"
    ),
    "qa.pick_session": "کئی سیشن سوالات لے رہے ہیں۔ آپ کا سوال کس سیشن کے لیے ہے؟",
    "qa.top_header": "📋 <b>نمایاں سوالات: {title}</b>\n{count} · صفحہ {page}/{pages}",
    "qa.top_empty": (
        "📋 <b>{title}</b> کے لیے ابھی کوئی سوال نہیں۔ پہلا سوال آپ پوچھیں: ❓ مقرر سے پوچھیں۔"
    ),
    "qa.item": "<b>{rank}.</b> {mark}{text}\n      👍 {votes}{by}",
    "qa.mod_header": (
        "🛠 <b>ماڈریشن: {title}</b>\n{open} کھلے · {answered} جواب شدہ · {hidden} چھپے · "
        "صفحہ {page}/{pages} · {time}"
    ),
    "qa.moderate_usage": (
        "<code>/moderate SESSION-ID</code> لکھیں (agenda.yaml والی شناخت)، یا سیشن کے "
        "دوران صرف /moderate۔"
    ),
    "qa.not_moderator": "اس سیشن کے سوالات صرف اس کے ماڈریٹر اور منتظمین ماڈریٹ کر سکتے ہیں۔",
    "qa.unknown_session": "ایجنڈے میں <code>{id}</code> نام کا کوئی سیشن نہیں۔",
    "btn.qa_ask": "❓ مقرر سے پوچھیں",
    "btn.qa_ask_at": "❓ {time} {title}",
    "btn.qa_top": "📋 نمایاں سوالات",
    "btn.qa_pick": "{star}{time} {title}",
    "btn.qa_up": "👍 {rank}",
    "btn.qa_up_voted": "✅ 👍 {rank}",
    "btn.qa_show_name": "👤 میرا نام دکھائیں",
    "btn.qa_hide_name": "🕶 گمنام رکھیں",
    "btn.qa_answered": "✅ {rank}",
    "btn.qa_hide": "🚫 {rank}",
    "btn.qa_pin": "📌 {rank}",
    "btn.qa_refresh": "🔄 تازہ کریں",
    "cb.qa_voted": "👍 ووٹ شامل۔",
    "cb.qa_unvoted": "ووٹ واپس لے لیا۔",
    "cb.qa_vote_refused": "اس سوال پر اب ووٹ نہیں ہو سکتا (آپ کا اپنا، چھپا یا جواب شدہ)۔",
    "cb.qa_not_moderator": "یہ صرف اس سیشن کے ماڈریٹر اور منتظمین کر سکتے ہیں۔",
    "cb.qa_done": "ہو گیا۔",
    "cb.qa_unchanged": "کچھ بدلنے کو نہیں: یہ پہلے ہی ماڈریٹ ہو چکا۔",
    "cb.qa_name_shown": "اب اس سوال کے ساتھ آپ کا نام دکھایا جائے گا۔",
    "cb.qa_name_hidden": "آپ کا سوال پھر سے گمنام ہے۔",
    "cb.qa_gone": "یہ سوال اب موجود نہیں۔",
    "cb.qa_closed": "یہ سیشن ابھی سوالات نہیں لے رہا۔",
    "cb.qa_send_next": "اپنا سوال اگلے پیغام میں بھیجیں۔",
    "cmd.ask": "جاری سیشن کے مقرر سے پوچھیں: /ask سوال",
    "cmd.moderate": "ماڈریٹر: سوالات کی براہ راست فہرست",
    # --- feedback after the session -------------------------------------------------------
    "fb.prompt": (
        "⭐ <b>سیشن کیسا رہا؟</b>\n"
        "<b>{title}</b>\n"
        "{when}\n"
        "\n"
        "نیچے 1 سے 5 ⭐ تک درجہ دیں؛ اس کے بعد تبصرہ بھی لکھ سکتے ہیں۔ منتظمین اور مقرر ہر "
        "درجہ بندی پڑھتے ہیں۔"
    ),
    "fb.batch": (
        "⭐ <b>جن سیشنز میں آپ شریک ہوئے، انہیں درجہ دیں</b>\n"
        "{sessions}\n"
        "\n"
        "کسی سیشن کو 1 سے 5 ⭐ تک درجہ دینے کے لیے اسے دبائیں (چاہیں تو تبصرہ بھی لکھیں)۔"
    ),
    "fb.batch_item": "• {when} <b>{title}</b>",
    "fb.rated": (
        "✅ شکریہ! آپ نے <b>{title}</b> کو {stars} دیے (5 میں سے {value})۔\n"
        "\n"
        "💬 منتظمین اور مقرر کے لیے کچھ کہنا ہے؟ {minutes} منٹ کے اندر اگلے پیغام میں "
        "لکھیں، یا “چھوڑیں” دبائیں۔"
    ),
    "fb.comment_saved": (
        "💬 شکریہ، <b>{title}</b> پر آپ کا تبصرہ محفوظ ہو گیا۔ منتظمین ہر تبصرہ پڑھتے ہیں۔"
    ),
    "fb.comment_withdrawn": (
        "↩️ ہٹا دیا: یہ <b>{title}</b> پر تبصرہ نہیں تھا (آپ کی درجہ بندی برقرار ہے)۔ اپنا "
        "سوال دوبارہ بھیجیں، میں جواب دوں گا۔"
    ),
    "fb.comment_too_long": (
        "یہ تبصرہ {length} حروف کا ہے؛ زیادہ سے زیادہ {max} حروف۔ مختصر کر کے دوبارہ بھیجیں۔"
    ),
    "fb.off": (
        "🔕 سیشن کے بعد رائے کی درخواستیں بند۔ دوبارہ شروع کرنے کے لیے /feedback on بھیجیں۔"
    ),
    "fb.on": (
        "🔔 رائے کی درخواستیں چالو ہیں: جس سیشن کو آپ نے ⭐ کیا یا جس میں مقرر سے سوال "
        "پوچھا، اس کے بعد میں درجہ بندی کا پوچھوں گا (زیادہ سے زیادہ ہر 2 گھنٹے میں ایک پیغام)۔"
    ),
    "fb.status_on": (
        "🔔 سیشن کے بعد رائے کی درخواستیں <b>چالو</b> ہیں: جس سیشن کو آپ نے ⭐ کیا یا جس "
        "میں مقرر سے سوال پوچھا، اس کے بعد میں درجہ بندی کا پوچھتا ہوں (زیادہ سے زیادہ ہر 2 "
        "گھنٹے میں ایک پیغام)۔\n"
        "بند کرنے کے لیے /feedback off بھیجیں۔"
    ),
    "fb.status_off": (
        "🔕 رائے کی درخواستیں <b>بند</b> ہیں۔ دوبارہ شروع کرنے کے لیے /feedback on بھیجیں۔"
    ),
    "fb.table_header": (
        "📊 <b>سیشنز کے بعد شرکاء کی رائے</b>\n"
        "{sessions} سیشن ختم · {ratings} درجہ بندیاں · {comments} تبصرے"
    ),
    "fb.table_row": (
        "<b>{average}</b> ⭐ · {prompted} سے پوچھا، {ratings} نے درجہ دیا · "
        "💬 {comments}{waiting}\n"
        "     {when} {title} · <code>{id}</code>"
    ),
    "fb.table_empty": (
        "📊 ابھی کوئی سیشن ختم نہیں ہوا، اس لیے کوئی رائے نہیں۔ شرکاء کی درجہ بندیاں یہاں "
        "آتی جائیں گی۔"
    ),
    "fb.table_hint": (
        "کسی سیشن کی درجہ بندیاں اور تبصرے ← <code>/feedback SESSION-ID</code>\n"
        "سب کچھ ایکسپورٹ کریں ← <code>python -m bot feedback --format csv</code>"
    ),
    "fb.detail_header": (
        "📊 <b>{title}</b> · <code>{id}</code>\n"
        "{when}\n"
        "اوسط <b>{average}</b> ⭐، {ratings} درجہ بندیوں سے · {prompted} سے پوچھا{waiting}"
    ),
    "fb.detail_bar": "{stars} ⭐ <code>{bar}</code> {count} ({percent})",
    "fb.detail_comments": "💬 <b>تبصرے</b> ({count}) · صفحہ {page}/{pages}، نئے پہلے",
    "fb.detail_comment": "{stars} ⭐ · {text}",
    "fb.detail_no_comments": "💬 ابھی کوئی تبصرہ نہیں۔",
    "fb.not_ended": "<b>{title}</b> ابھی ختم نہیں ہوا، اس لیے اس پر کوئی رائے نہیں۔",
    "fb.unknown_session": "ایجنڈے میں <code>{id}</code> نام کا کوئی سیشن نہیں۔",
    "btn.fb_star": "{stars} ⭐",
    "btn.fb_rate": "⭐ {time} {title}",
    "btn.fb_off": "🔕 مزید درخواستیں نہیں",
    "btn.fb_skip": "چھوڑیں",
    "btn.fb_not_comment": "↩️ یہ تبصرہ نہیں تھا",
    "cb.fb_thanks": "شکریہ! 5 میں سے {value} ⭐",
    "cb.fb_again": (
        "آپ یہ سیشن پہلے ہی درجہ دے چکے ہیں (5 میں سے {value} ⭐)؛ پہلی درجہ بندی شمار ہوتی ہے۔"
    ),
    "cb.fb_not_asked": "یہ درجہ بندی نہیں لی جا سکتی: آپ سے اس سیشن کے بارے میں نہیں پوچھا گیا۔",
    "cb.fb_skipped": "ٹھیک ہے، کوئی تبصرہ نہیں۔",
    "cb.fb_withdrawn": "تبصرہ ہٹا دیا گیا۔",
    "cb.fb_off": "رائے کی مزید درخواستیں نہیں آئیں گی۔",
    "cb.fb_none_yet": "یہ سیشن ابھی ختم نہیں ہوا، اس لیے کوئی رائے نہیں۔",
    "cmd.feedback": "سیشن کے بعد رائے کی درخواستیں: /feedback off",
    "text.fb_no_average": "–",
    "text.fb_waiting": " · {count} منتظر، 2 گھنٹے کا وقفہ",
    "text.qa_pinned": "📌 ",
    "text.qa_answered": "✅ ",
    "text.qa_hidden": "🚫 ",
    "text.qa_by": " · {name}",
    "text.qa_anonymous": " · گمنام",
    "text.qa_count": "سوالات: {count}",
    "cmd.start": "خوش آمدید اور اعلانات کی سبسکرپشن",
    "cmd.help": "میں کیا کر سکتا ہوں",
    "cmd.agenda": "پروگرام، دن بہ دن",
    "cmd.now": "اس وقت کیا چل رہا ہے",
    "cmd.next": "اگلا سیشن",
    "cmd.speaker": "کسی مقرر کے سیشن، /speaker نام",
    "cmd.venue": "پتا اور نقشہ",
    "cmd.stop": "اعلانات بند کریں",
    "cmd.forget": "میرا ڈیٹا حذف کریں",
    "cmd.lang": "زبان، English یا اردو",
    "cmd.unanswered": "منتظمین: کھلے سوالات",
    "cmd.answer": "منتظمین: /answer ID متن",
    "cmd.dismiss": "منتظمین: /dismiss ID",
    "cmd.stats": "منتظمین: اعداد و شمار",
    "cmd.reload": "منتظمین: ایجنڈا اور سوالات دوبارہ لوڈ کریں",
    # --- inline mode (plain) --------------------------------------------------------------
    "inline.now": "ابھی جاری",
    "inline.next": "اگلا",
    "inline.venue": "مقام",
    # --- announcements --------------------------------------------------------------------
    "ann.usage": (
        "طریقہ <code>/announce آپ کا پیغام</code>، یا کسی تحریری پیغام کے جواب میں "
        "<code>/announce</code> لکھیں تو وہ پیغام اپنی فارمیٹنگ سمیت بھیجا جائے گا۔\n"
        "متن سے پہلے <code>session:ID</code> لکھیں تو صرف وہ شرکاء جنہوں نے یہ سیشن ⭐ کیا "
        "ہے، اور <code>at 2027-02-16 13:55</code> لکھیں تو بعد میں بھیجا جائے گا، {tz} کے "
        "وقت کے مطابق۔"
    ),
    "ann.unknown_session": "ایجنڈے میں <code>{id}</code> نام کا کوئی سیشن نہیں۔",
    "ann.bad_time": ("یہ وقت سمجھ نہیں آیا۔ <code>at 2027-02-16 13:55</code> لکھیں، {tz} کا وقت۔"),
    "ann.past_time": "{time} گزر چکا ہے۔ ابھی بھیجیں یا بعد کا وقت چنیں۔",
    "ann.reply_not_text": (
        "میں صرف تحریر کا اعلان کر سکتا ہوں۔ کسی تحریری پیغام کے جواب میں "
        "<code>/announce</code> لکھیں۔"
    ),
    "ann.too_long": "یہ ایک پیغام کے لیے بہت لمبا ہے، {limit} میں سے {length} حروف۔",
    "ann.nobody": "یہ کسی کو نہیں ملے گا: {audience}۔ کچھ محفوظ نہیں کیا گیا۔",
    "ann.audience_all": "تمام سبسکرائب شدہ شرکاء",
    "ann.audience_session": "وہ شرکاء جنہوں نے “{title}” ⭐ کیا ہے",
    "ann.audience_changes": "وہ شرکاء جن کے ⭐ سیشن بدلے ہیں",
    "chg.notice": (
        "📢 <b>پروگرام میں تبدیلی</b>\nآپ کے ⭐ سیشن بدل گئے ہیں۔\n\n{items}\n\n"
        "/mysessions آپ کا موجودہ شیڈول دکھاتا ہے۔"
    ),
    "chg.item_moved": "🔀 <b>{title}</b> کا وقت یا جگہ بدل گئی\nاب: {now}\nپہلے: {was}",
    "chg.item_speakers": "🎤 <b>{title}</b>، پہلے مقررین {was}، اب {now}",
    "chg.item_moved_speakers": (
        "🔀 <b>{title}</b> کا وقت یا جگہ بدل گئی\nاب: {now}\nپہلے: {was}\n🎤 پہلے مقررین "
        "{speakers_was}، اب {speakers}"
    ),
    "chg.item_cancelled": (
        "❌ <b>{title}</b> ({was}) منسوخ ہو گیا ہے۔ میں نے اسے آپ کے ⭐ سیشنز سے ہٹا دیا ہے۔"
    ),
    "chg.no_speakers": "کوئی مقرر نہیں",
    "chg.preview": "🗓 <b>پروگرام میں تبدیلیاں</b> {source}\n\n{items}\n──────────\n{audience}",
    "chg.preview_id": (
        "🗓 <b>پروگرام میں تبدیلیاں</b> (#{id}) {source}\n\n{items}\n──────────\n{audience}"
    ),
    "chg.source_reload": "دوبارہ لوڈ کرنے کے بعد",
    "chg.source_sync": "شیڈول سنک سے",
    "chg.source_start": "جب بوٹ بند تھا",
    "chg.line_moved": "🔀 منتقل: <b>{title}</b>، {was} ← {now}",
    "chg.line_cancelled": "❌ منسوخ: <b>{title}</b>، {was}",
    "chg.line_speakers": "🎤 مقررین: <b>{title}</b>، {was} ← {now}",
    "chg.line_added": "➕ نیا: <b>{title}</b>، {now}",
    "chg.more": "… اور {count} مزید",
    "chg.audience": (
        "{count} شرکاء نے بدلے ہوئے سیشن ⭐ کیے ہیں۔ ہر ایک کو اپنی زبان میں ایک پیغام ملے گا "
        "جس میں اس کے سیشن ہوں گے؛ بھیجیں دبانے پر منسوخ سیشن ⭐ سے ہٹ جائیں گے۔"
    ),
    "chg.audience_none": (
        "کسی (سبسکرائب شدہ) شریک نے بدلے ہوئے سیشن ⭐ نہیں کیے: کسی کو اطلاع نہیں۔"
    ),
    "chg.summary": "پروگرام میں تبدیلی کی اطلاع: {counts}",
    "chg.count_moved": "{count} منتقل",
    "chg.count_cancelled": "{count} منسوخ",
    "chg.count_speakers": "{count} کے مقررین نئے",
    "chg.count_added": "{count} نئے",
    "chg.superseded": (
        "🗓 یہ پیشکش پرانی ہو گئی: پروگرام پھر بدلا ہے، اور تازہ ترین پیشکش میں شرکاء کو "
        "آخری اطلاع کے بعد کی ہر تبدیلی شامل ہے۔ کچھ نہیں بھیجا گیا۔"
    ),
    "sync.problem": (
        "⚠️ <b>شیڈول سنک</b>: {problem}\nموجودہ پروگرام برقرار ہے۔ مسئلہ بدلنے یا حل ہونے پر "
        "دوبارہ بتاؤں گا۔"
    ),
    "sync.recovered": "✅ شیڈول سنک دوبارہ کام کر رہا ہے۔",
    "sync.http": "سرور نے HTTP {detail} جواب دیا۔",
    "sync.timeout": "سرور نے {detail} سیکنڈ میں جواب نہیں دیا۔",
    "sync.too_big": "ایکسپورٹ {detail} کی حد سے بڑا ہے (SCHEDULE_MAX_MB)۔",
    "sync.network": "سرور تک رسائی نہیں ہوئی ({detail})۔",
    "sync.invalid": "ایکسپورٹ امپورٹ نہیں ہو سکا: {detail}",
    "sync.rejected": "نیا پروگرام check میں پاس نہیں ہوا: {detail}",
    "ann.when_now": "جیسے ہی آپ بھیجیں دبائیں",
    "ann.paid_cost": (
        "خرچ: زیادہ سے زیادہ ⭐ {stars} اسٹارز (بامعاوضہ نشریات، فی پیغام 0.1 اسٹار، "
        "{count} پیغامات)، بوٹ کے بیلنس سے۔"
    ),
    "ann.when_at": "{time} ({tz})، {delta} بعد",
    "ann.preview": (
        "📣 <b>اعلان #{id} کا پیش نظارہ</b>\nکس کو ← {audience}\nکب ← {when}\n──────────"
    ),
    "ann.rejected": (
        "ٹیلیگرام نے یہ متن قبول نہیں کیا ({error})، اس لیے کچھ محفوظ نہیں ہوا۔ فارمیٹنگ "
        "دیکھ کر دوبارہ کوشش کریں۔"
    ),
    "ann.scheduled": (
        "⏰ <b>اعلان #{id} طے ہو گیا</b>، {time} ({tz}) پر {audience} کو۔\n──────────"
    ),
    "ann.cancelled_draft": "منسوخ: اعلان #{id} نہیں بھیجا گیا۔",
    "ann.cancelled_scheduled": "منسوخ: طے شدہ اعلان #{id} نہیں بھیجا جائے گا۔",
    "ann.progress": (
        "📣 <b>اعلان #{id}</b>، {audience} کو بھیجا جا رہا ہے\n"
        "✅ بھیجے {sent} · 🚫 بلاک {blocked} · ⚠️ ناکام {failed} · ⏳ باقی {remaining}\n"
        "تقریباً {eta} باقی۔\n"
        "──────────"
    ),
    "ann.done": (
        "✅ <b>اعلان #{id} بھیج دیا گیا</b>، {audience} کو\n"
        "پہنچے {sent} · بوٹ بلاک کیا {blocked} (سبسکرپشن ختم) · ناکام {failed}\n"
        "وقت لگا {elapsed}۔\n"
        "──────────"
    ),
    "ann.stopped": (
        "⏹ <b>اعلان #{id} روک دیا گیا</b>، {audience}\n"
        "پہنچے {sent} · بلاک {blocked} · ناکام {failed} · نہیں بھیجے گئے {remaining}\n"
        "──────────"
    ),
    "ann.late_note": "\n⚠️ دیر سے بھیجا گیا: {time} پر بوٹ چل نہیں رہا تھا۔",
    "ann.report": (
        "✅ اعلان #{id}: {sent} کو پہنچا، {blocked} نے بوٹ بلاک کیا ہے، {failed} ناکام۔"
    ),
    "ann.report_stopped": "⏹ اعلان #{id} روک دیا گیا: {sent} کو پہنچا، {remaining} نہیں بھیجے گئے۔",
    "ann.list_header": "<b>اعلانات</b>",
    "ann.list_empty": ("ابھی کوئی اعلان نہیں۔ <code>/announce آپ کا پیغام</code> لکھ کر بھیجیں۔"),
    "ann.list_item": "<b>#{id}</b> · {status}\nکس کو ← {audience}\n{preview}",
    "ann.status_scheduled": "⏰ {time} کے لیے طے شدہ",
    "ann.status_sending": "📤 بھیجا جا رہا ہے، {sent} بھیجے، {remaining} باقی",
    "ann.status_done": "✅ {time}، {sent} بھیجے، {blocked} بلاک، {failed} ناکام",
    "ann.status_cancelled": "⏹ {time} کو منسوخ، {sent} بھیجے، {remaining} نہیں بھیجے گئے",
    # --- personal schedule, reminders, calendar -------------------------------------------
    "mysessions_header": "⭐ آپ کے سیشن، کل {count}",
    "mysessions_empty": (
        "آپ نے ابھی کوئی سیشن ⭐ نہیں کیا۔ کسی سیشن کے نیچے ☆ دبائیں (/agenda یا /now "
        "آزمائیں) تو وہ یہاں آ جائے گا؛ شروع ہونے سے پہلے میں آپ کو یاد دلا دوں گا۔"
    ),
    "mysessions_reminder": (
        "🔔 میں ہر سیشن سے {minutes} منٹ پہلے یاد دلاتا ہوں۔ بدلنے کے لیے "
        "<code>/remind 15</code> اور بند کرنے کے لیے <code>/remind off</code> لکھیں۔"
    ),
    "mysessions_reminder_off": (
        "🔕 یاد دہانیاں بند ہیں۔ <code>/remind 10</code> لکھنے سے دوبارہ شروع ہو جائیں گی۔"
    ),
    "remind_set": "🔔 میں ہر ⭐ سیشن سے {minutes} منٹ پہلے آپ کو یاد دلاؤں گا۔",
    "remind_off": "🔕 یاد دہانیاں بند ہیں۔ <code>/remind 10</code> سے دوبارہ شروع کریں۔",
    "remind_usage": (
        "طریقہ <code>/remind 15</code> یعنی ⭐ سیشن سے کتنے منٹ پہلے، 1 سے {max} تک، یا "
        "<code>/remind off</code> لکھیں۔ ابھی ← {current}"
    ),
    "reminder": "⏰ <b>جلد شروع ہو رہا ہے</b>\n\n{sessions}",
    "reminder_item": "<b>{title}</b>، {minutes} منٹ میں\n{where}",
    "ics_caption_all": "📅 {conference} کا پورا ایجنڈا، کھولیں اور اپنے کیلنڈر میں شامل کریں۔",
    "ics_caption_mine": "📅 آپ کے {count} ⭐ سیشن، کھولیں اور اپنے کیلنڈر میں شامل کریں۔",
    "btn.ann_send": "📣 {count} شرکاء کو بھیجیں",
    "btn.ann_cancel": "منسوخ",
    "btn.ann_stop": "⏹ بھیجنا روکیں",
    "btn.ann_stop_id": "⏹ #{id} منسوخ کریں",
    "btn.star": "☆ {time} {title}",
    "btn.starred": "⭐ {time} {title}",
    "btn.star_single": "☆ میرے سیشنز میں شامل کریں",
    "btn.starred_single": "⭐ میرے سیشنز میں شامل",
    "btn.ics_all": "📅 پورا ایجنڈا، ics فائل",
    "btn.ics_mine": "📅 میرے کیلنڈر میں شامل کریں",
    "cb.ann_gone": "یہ اعلان پہلے ہی بھیجا یا منسوخ کیا جا چکا ہے۔",
    "cb.ann_sending": "{count} شرکاء کو بھیجا جا رہا ہے…",
    "cb.ann_scheduled": "طے ہو گیا۔",
    "cb.ann_stopping": "روکا جا رہا ہے…",
    "cb.ann_cancelled": "منسوخ ہو گیا۔",
    "cb.session_gone": "یہ سیشن اب ایجنڈے میں نہیں۔",
    "cb.starred": "⭐ /mysessions میں شامل۔ {minutes} منٹ پہلے یاد دلاؤں گا۔",
    "cb.starred_no_reminder": "⭐ /mysessions میں شامل ہو گیا۔",
    "cb.unstarred": "/mysessions سے نکال دیا گیا۔",
    "cb.ics_none": "آپ نے ابھی کوئی سیشن ⭐ نہیں کیا۔",
    "cb.ics_name_mine": "میرے {conference} سیشن",
    "cb.remind_current_on": "{minutes} منٹ پہلے",
    "cb.remind_current_off": "بند",
    "cmd.mysessions": "میرے ⭐ سیشن اور کیلنڈر فائل",
    "cmd.remind": "⭐ سیشن سے پہلے یاد دہانی، /remind 10",
    "cmd.announce": "منتظمین: شرکاء کو اعلان",
    "cmd.announcements": "منتظمین: حالیہ اور طے شدہ اعلانات",
    # --- agenda texts (plain) -------------------------------------------------------------
    "text.on_now": "ابھی جاری، {time} بجے",
    "text.nothing_scheduled": "کچھ طے نہیں۔",
    "text.not_yet": "ابھی کچھ شروع نہیں ہوا۔",
    "text.starts_on": "کانفرنس {date} کو {time} بجے شروع ہوگی۔",
    "text.over": "کانفرنس ختم ہو چکی ہے۔",
    "text.thanks": "شرکت کا شکریہ۔",
    "text.nothing_now": "اس وقت کچھ نہیں چل رہا۔",
    "text.next_up_at": "اگلا سیشن {when} بجے۔",
    "text.next_at": "اگلا، {when} بجے",
    "text.day_prefix": "دن {number}، {date}",
    "text.speakers": "مقررین: {names}",
    "text.language": "زبان: {language}",
    "text.topic_sessions": "اس موضوع پر سیشن",
    "text.not_recorded": "مقرر کی درخواست پر اس سیشن کی ریکارڈنگ نہیں ہوگی۔",
    "text.also": "اسی سلسلے کے دوسرے سیشن",
    "text.speaking_at": "ان کے سیشن",
    "text.no_sessions": "فی الحال پروگرام میں ان کا کوئی سیشن نہیں۔",
    "text.slot_at": "{time} بجے",
    "text.programme": "پروگرام",
    "text.nothing_there": "اس جگہ اور وقت پر کچھ طے نہیں۔",
    "text.nothing_on": "{date} کو کچھ طے نہیں۔",
    "desk_open": "🗂 <b>منتظمین کا ڈیسک</b>: جواب طلب سوالات، اعداد و شمار اور ریکارڈ۔",
    "desk_private_only": "براہِ کرم /desk مجھے نجی چیٹ میں بھیجیں۔",
    "desk_no_web": (
        "ڈیسک کے لیے منی ایپ درکار ہے: WEB_URL میں بوٹ کا عوامی HTTPS پتہ لکھیں "
        "(docs/miniapp.md دیکھیں)۔"
    ),
    "btn.open_programme": "🗓 پروگرام کھولیں",
    "btn.open_desk": "🗂 ڈیسک کھولیں",
    "btn.menu_programme": "پروگرام",
    "btn.menu_desk": "ڈیسک",
    "cmd.desk": "منتظمین: منی ایپ میں ڈیسک",
    "web.programme": "پروگرام",
    "web.my_schedule": "میرا شیڈول",
    "web.all_rooms": "تمام ہال",
    "web.all_tracks": "تمام موضوعات",
    "web.all_kinds": "تمام اقسام",
    "web.search": "سیشن اور مقررین تلاش کریں",
    "web.now": "ابھی",
    "web.no_results": "ان فلٹرز سے کوئی سیشن نہیں ملا۔",
    "web.back": "واپس",
    "web.star": "☆ میرے شیڈول میں شامل کریں",
    "web.starred": "⭐ میرے شیڈول میں",
    "web.ics": "📅 کیلنڈر فائل (.ics) میں شامل کریں",
    "web.ics_mine": "📅 میرا شیڈول، کیلنڈر فائل (.ics) میں",
    "web.speakers": "مقررین",
    "web.room": "ہال",
    "web.my_empty": "آپ نے ابھی کوئی سیشن منتخب نہیں کیا۔ کسی سیشن پر ☆ دبائیں۔",
    "web.reminder": "ہر منتخب سیشن سے پہلے یاد دہانی",
    "web.reminder_off": "یاد دہانی بند",
    "web.reminder_minutes": "{minutes} منٹ پہلے",
    "web.reminder_saved": "محفوظ ہو گیا۔",
    "web.error_auth": "براہِ کرم یہ صفحہ ٹیلیگرام میں بوٹ سے کھولیں۔",
    "web.error": "کچھ غلط ہو گیا۔ دوبارہ کوشش کریں۔",
    "web.slow_down": "بہت زیادہ درخواستیں؛ ذرا ٹھہر کر کوشش کریں۔",
    "web.preview": "پیش نظارہ: ٹیلیگرام سے منسلک نہیں",
    "web.day": "دن {number}",
    "web.desk": "منتظمین کا ڈیسک",
    "web.open": "جواب طلب",
    "web.answered": "جواب دیا گیا",
    "web.dismissed": "خارج",
    "web.asked_times": "{askers} افراد نے {count} بار پوچھا",
    "web.rejected": "👎 کام نہیں آیا: بوٹ نے {label} سے جواب دیا تھا",
    "web.answer_placeholder": "پوچھنے والے سب افراد کے لیے جواب لکھیں",
    "web.send_answer": "جواب بھیجیں",
    "web.dismiss": "خارج کریں",
    "web.sent": "{total} میں سے {sent} شرکاء کو بھیج دیا گیا۔",
    "web.closed": "اس کا جواب پہلے ہی دیا جا چکا یا خارج ہو چکا؛ کچھ نہیں بھیجا گیا۔",
    "web.dismissed_count": "خارج کر دیے گئے ({count})۔",
    "web.empty": "یہاں کچھ نہیں۔",
    "web.stats": "اعداد و شمار",
    "web.questions": "سوالات",
    "web.csv": "ریکارڈ (CSV) ڈاؤن لوڈ کریں",
    "web.desk_refused": "یہ صفحہ صرف منتظمین کے لیے ہے۔",
    "web.chart_hourly": "فی گھنٹہ سوالات",
    "web.chart_top": "سب سے زیادہ پوچھے گئے",
    "web.chart_votes": "👍 / 👎 ہر اندراج پر، کمزور ترین پہلے",
    "web.chart_broadcasts": "اعلانات کی ترسیل",
    "web.decision_answer": "جواب دیا",
    "web.decision_suggest": "تجاویز دیں",
    "web.decision_none": "منتظمین کو بھیجا",
    "web.no_data": "ابھی کوئی ڈیٹا نہیں۔",
    "web.delivered": "بھیج دیے گئے",
    "web.undelivered": "نہیں پہنچے",
    "web.pending": "باقی",
    "web.attendees": "شرکاء",
    "web.chat": "چیٹ",
    "web.chat_placeholder": "شرکاء کی طرح سوال پوچھیں",
    "web.send": "بھیجیں",
    "web.chat_hint": "یہاں لکھے گئے سوال کا جواب بوٹ خود دیتا ہے، بالکل ٹیلیگرام کی طرح۔",
    # --- the Mini App's live Q&A (Top questions page) ------------------------------------
    "web.qa_ask": "❓ مقرر سے پوچھیں",
    "web.qa_top": "📋 نمایاں سوالات",
    "web.qa_placeholder": "مقرر کے لیے آپ کا سوال، {min} سے {max} حروف",
    "web.qa_show_name": (
        "سوال کے ساتھ میرا نام دکھائیں؛ ورنہ پوچھنے والے کو صرف ماڈریٹر دیکھتے ہیں"
    ),
    "web.qa_send": "سوال بھیجیں",
    "web.qa_asked": "✅ آپ کا سوال #{id} گمنام طور پر شامل ہو گیا۔ دوسرے اسے یہاں 👍 کر سکتے ہیں۔",
    "web.qa_asked_named": (
        "✅ آپ کا سوال #{id} آپ کے نام کے ساتھ شامل ہو گیا۔ دوسرے اسے یہاں 👍 کر سکتے ہیں۔"
    ),
    "web.qa_not_open": (
        "سوالات سیشن شروع ہونے سے 10 منٹ پہلے کھلتے اور ختم ہونے کے 15 منٹ بعد بند ہو جاتے ہیں۔"
    ),
    "web.qa_empty": "ابھی کوئی سوال نہیں۔",
    "web.qa_count": "سوالات: {count}",
    "web.qa_mod_counts": "{open} کھلے · {answered} جواب شدہ · {hidden} چھپے",
    "web.qa_moderating": (
        "🛠 آپ اس سیشن کے ماڈریٹر ہیں: آپ پوچھنے والوں کے نام دیکھتے ہیں، اور چھپے سوالات آخر میں۔"
    ),
    "web.qa_upvote": "ووٹ دیں",
    "web.qa_answered_mark": "✅ جواب دیا گیا",
    "web.qa_pinned_mark": "📌 سب سے اوپر",
    "web.qa_hidden_mark": "🚫 چھپا ہوا: صرف ماڈریٹر دیکھتے ہیں",
    "web.qa_yours": "آپ کا سوال",
    "web.qa_anonymous": "گمنام",
    "web.qa_show_my_name": "👤 میرا نام دکھائیں",
    "web.qa_hide_my_name": "🕶 گمنام رکھیں",
    "web.qa_mark_answered": "✅ جواب ہو گیا",
    "web.qa_hide": "🚫 چھپائیں",
    "web.qa_pin": "📌 اوپر لگائیں",
    "web.qa_unpin": "📌 اوپر سے ہٹائیں",
    "web.qa_more": "مزید دکھائیں",
    "web.qa_closed": (
        "{title} ابھی سوالات نہیں لے رہا: سوالات سیشن سے 10 منٹ پہلے کھلتے اور ختم ہونے کے "
        "15 منٹ بعد بند ہو جاتے ہیں۔"
    ),
    "web.qa_too_short": "مقرر سے سوال کے لیے یہ بہت مختصر ہے، کم از کم {min} حروف۔",
    "web.qa_too_long": (
        "یہ {length} حروف ہیں؛ مقرر سے سوال زیادہ سے زیادہ {max} حروف کا ہو سکتا ہے۔"
    ),
    "web.qa_too_many": (
        "اس سیشن میں آپ کے {max} سوال پہلے سے کھلے ہیں۔ کسی کا جواب ملنے پر نیا پوچھ سکیں "
        "گے؛ تب تک دوسروں کے سوالات کو 👍 کریں۔"
    ),
    "web.qa_cooldown": "براہ کرم 30 سیکنڈ میں ایک سوال: {seconds} سیکنڈ بعد دوبارہ کوشش کریں۔",
    # --- the desk's feedback view -------------------------------------------------------
    "web.feedback": "رائے",
    "web.fb_totals": "{ended} سیشن ختم · {ratings} درجہ بندیاں · {comments} تبصرے",
    "web.fb_row": "{average} ⭐ · {prompted} میں سے {ratings} نے درجہ دیا · 💬 {comments}",
    "web.fb_unrated": "ابھی کوئی درجہ بندی نہیں · {prompted} سے پوچھا گیا",
    "web.fb_waiting": "{waiting} اپنے 2 گھنٹے پورے ہونے کے منتظر",
    "web.fb_average": "اوسط {average} ⭐، {ratings} درجہ بندیوں سے · {prompted} سے پوچھا گیا",
    "web.fb_chart": "درجہ بندیاں",
    "web.fb_comments": "تبصرے ({count})، نئے پہلے",
    "web.fb_no_comments": "کوئی تبصرہ نہیں۔",
    "web.fb_empty": "ابھی کوئی سیشن ختم نہیں ہوا، اس لیے کوئی رائے نہیں۔",
    "web.fb_gone": "اب پروگرام میں نہیں",
    "web.fb_csv": "درجہ بندیاں (CSV) ڈاؤن لوڈ کریں",
    # --- learning (issue 17) ---------------------------------------------------------
    "teach_offer": "📚 کیا ملتے جلتے سوالات کے لیے بھی یہی استعمال کریں؟\n{question}",
    "teach_more": (
        "📚 یہ سوال کس اندراج کے بارے میں ہے؟\n{question}\n\nکوئی بھی اندراج ← /teach {id} ENTRY_ID"
    ),
    "taught_phrasing": "📚 سیکھ لیا: “{phrasing}” پر اب <b>{label}</b> کا جواب بھی ملے گا۔",
    "taught_entry": (
        "📚 نیا اندراج سیکھ لیا: “{phrasing}” پر اب آپ کا جواب ملے گا۔ /learned میں دیکھیں۔"
    ),
    "teach_declined": "نہیں سکھایا۔ اب بھی /teach {id} ENTRY_ID سے سکھا سکتے ہیں۔",
    "teach_refused_empty": "نہیں سکھایا: سیکھنے کو کوئی متن نہیں (یا نئے اندراج کا جواب نہیں)۔",
    "teach_refused_too_long": "نہیں سکھایا: یہ ایک سوال کے لیے بہت لمبا ہے۔",
    "teach_refused_no_words": "نہیں سکھایا: اس میں ایسے الفاظ نہیں جنہیں بوٹ ملا سکے۔",
    "teach_refused_duplicate": "پہلے سے معلوم ہے: “{phrasing}” <b>{label}</b> کا ایک انداز ہے۔",
    "teach_refused_conflict": (
        "نہیں سکھایا: یہ “{phrasing}” جیسا ہی ہے، جو <b>{label}</b> ({entry}) کا انداز ہے اور "
        "اس کا جواب مختلف ہے۔ شرکاء کو اتفاقاً دو میں سے کوئی ایک جواب ملتا۔"
    ),
    "teach_refused_no_entry": "نہیں سکھایا: <code>{entry}</code> نام کا کوئی اندراج نہیں۔",
    "teach_refused_rejected": (
        "نہیں سکھایا: شریک نے “{phrasing}” کے لیے <b>{label}</b> کے جواب پر 👎 دبایا تھا۔ "
        "کوئی اور اندراج چنیں، یا ➕ نیا FAQ اندراج۔"
    ),
    "teach_usage": (
        "طریقہ: /teach <i>ID ENTRY</i>، سوال ID کے الفاظ اندراج ENTRY کا نیا انداز بن جاتے ہیں؛ "
        "<code>/teach ID new</code> آپ کے جواب سے نیا اندراج بناتا ہے۔"
    ),
    "teach_not_answered": "#{id} کا ابھی منتظمین نے جواب نہیں دیا: پہلے جواب دیں، پھر سکھائیں۔",
    "learned_empty": "📚 ابھی کچھ نہیں سیکھا۔ کسی سوال کا جواب دیں اور نیچے اندراج منتخب کریں۔",
    "learned_header": "📚 <b>بوٹ نے کیا سیکھا</b>",
    "learned_proposals": "\n<b>شرکاء کے انتخاب سے تجاویز</b>، منظور یا مسترد کریں",
    "learned_proposal_item": "P{n}۔ “{phrasing}” ← {label}، {pickers} شرکاء",
    "learned_active": "\n<b>سیکھا ہوا</b>",
    "learned_item": "L{n}۔ “{phrasing}” ← {label} · {who}، {when}{uses}",
    "learned_item_entry": "L{n}۔ نیا اندراج “{phrasing}”: {answer} · {who}، {when}{uses}",
    "text.learned_by_organiser": "{name} نے سکھایا",
    "text.learned_by_picks": "{pickers} شرکاء کے انتخاب",
    "text.learned_by_picks_approved": "{pickers} شرکاء کے انتخاب، {name} نے منظور کیا",
    "learned_in_files": "\n{count} سیکھے ہوئے انداز اب FAQ فائلوں میں ہیں: یہاں صاف کریں۔",
    "learned_more": "\n… اور {count} مزید۔",
    "cb.learned_removed": "🗑 {count} سیکھے ہوئے انداز ہٹا دیے۔",
    "cb.learned_approved": "✅ منظور: “{phrasing}” ← {label}۔",
    "cb.learned_rejected": "✖ مسترد: “{phrasing}”۔",
    "learned_gone": "یہ اب موجود نہیں (پہلے ہی فیصلہ ہو چکا یا ہٹا دیا گیا)۔",
    "stats_learned": "\n📚 سیکھے ہوئے انداز نے {count} سوالات کے جواب دیے۔",
    "btn.teach_other": "کوئی اور…",
    "btn.teach_new": "➕ نیا FAQ اندراج",
    "btn.teach_no": "نہیں",
    "btn.learn_approve": "✅ P{n}",
    "btn.learn_reject": "✖ P{n}",
    "btn.learn_remove": "🗑 L{n}",
    "btn.learn_clear": "🧹 فائلوں والے {count} صاف کریں",
    "cb.taught": "سیکھ لیا۔",
    "cb.learned_gone": "یہ اب موجود نہیں (پہلے ہی فیصلہ ہو چکا یا ہٹا دیا گیا)۔",
    "cmd.teach": "منتظمین: /teach ID ENTRY",
    "cmd.learned": "منتظمین: بوٹ نے کیا سیکھا",
    # The desk's teach offer (bot/web/teach.py).
    "web.teach_offer": "📚 کیا ملتے جلتے سوالات کے لیے بھی یہی استعمال کریں؟",
    "web.teach_other": "کوئی اور…",
    "web.teach_new": "➕ نیا FAQ اندراج",
    "web.teach_no": "نہیں",
    "web.taught_phrasing": "📚 سیکھ لیا: “{phrasing}” پر اب “{label}” کا جواب بھی ملے گا۔",
    "web.taught_entry": "📚 نیا اندراج سیکھ لیا: “{phrasing}” پر اب آپ کا جواب ملے گا۔",
    "web.teach_declined": "نہیں سکھایا۔ اب بھی /teach {id} ENTRY_ID سے سکھا سکتے ہیں۔",
    "web.teach_not_answered": "#{id} کا ابھی منتظمین نے جواب نہیں دیا: پہلے جواب دیں، پھر سکھائیں۔",
    "web.teach_gone": "یہ سوال اب موجود نہیں۔",
    "web.teach_refused_empty": "نہیں سکھایا: سیکھنے کو کوئی متن نہیں (یا نئے اندراج کا جواب نہیں)۔",
    "web.teach_refused_too_long": "نہیں سکھایا: یہ ایک سوال کے لیے بہت لمبا ہے۔",
    "web.teach_refused_no_words": "نہیں سکھایا: اس میں ایسے الفاظ نہیں جنہیں بوٹ ملا سکے۔",
    "web.teach_refused_duplicate": "پہلے سے معلوم ہے: “{phrasing}” “{label}” کا ایک انداز ہے۔",
    "web.teach_refused_conflict": (
        "نہیں سکھایا: یہ “{phrasing}” جیسا ہی ہے، جو “{label}” ({entry}) کا انداز ہے اور "
        "اس کا جواب مختلف ہے۔ شرکاء کو اتفاقاً دو میں سے کوئی ایک جواب ملتا۔"
    ),
    "web.teach_refused_no_entry": "نہیں سکھایا: “{entry}” نام کا کوئی اندراج نہیں۔",
    "web.teach_refused_rejected": (
        "نہیں سکھایا: شریک نے “{phrasing}” کے لیے “{label}” کے جواب پر 👎 دبایا تھا۔ "
        "کوئی اور اندراج چنیں، یا نیا اندراج بنائیں۔"
    ),
}


_TAG = re.compile(r"<[^>]*>")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# "/" or "@" starting a command or username inside a line (not in "</b>", "faq/", "<code>").
_LTR_LEAD = re.compile(r"(?<![\w/<>@\u200e])([/@])(?=[A-Za-z{])")


def first_strong_direction(line: str) -> str | None:
    """ "rtl", "ltr" or None for a line's first strongly directional character.

    Tags are skipped; a placeholder counts as "ltr" because the value put there (a
    conference name, a time, a room) is often Latin.
    """
    text = _TAG.sub("", line)
    index = 0
    while index < len(text):
        if text[index] == "{" and _PLACEHOLDER.match(text, index):
            return "ltr"
        kind = unicodedata.bidirectional(text[index])
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
        index += 1
    return None


def _rtl(template_: str) -> str:
    """Make every line of an RTL template display right-to-left (see the Urdu section)."""
    lines = []
    for line in template_.split("\n"):
        line = _LTR_LEAD.sub(LRM + r"\1", line)
        if first_strong_direction(line) == "ltr":
            line = RLM + line
        lines.append(line)
    return "\n".join(lines)


# Plain entries (buttons, toasts) stay as written: they are single short lines, and code
# such as the star toggle reads a label's first character.
UR: dict[str, str] = {
    key: text if key.startswith(PLAIN_PREFIXES) else _rtl(text) for key, text in _UR_SOURCE.items()
}

CATALOGUES: dict[str, Mapping[str, str]] = {"en": EN, "ur": UR}


_UR_WEEKDAYS = ("پیر", "منگل", "بدھ", "جمعرات", "جمعہ", "ہفتہ", "اتوار")
_UR_MONTHS = (
    "جنوری",
    "فروری",
    "مارچ",
    "اپریل",
    "مئی",
    "جون",
    "جولائی",
    "اگست",
    "ستمبر",
    "اکتوبر",
    "نومبر",
    "دسمبر",
)


def long_date(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    """ "Tuesday 16 February" / "منگل 16 فروری" (strftime would follow the server's locale)."""
    if language == "ur":
        return f"{_UR_WEEKDAYS[day.weekday()]} {day.day} {_UR_MONTHS[day.month - 1]}"
    return f"{day:%A %d %B}"


def short_date(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    """ "Tue 16 Feb" / "منگل 16 فروری" (Urdu names are short already)."""
    if language == "ur":
        return long_date(day, language)
    return f"{day:%a %d %b}"


def weekday_time(moment: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    """ "Tuesday 14:00" / "منگل 14:00" """
    if language == "ur":
        return f"{_UR_WEEKDAYS[moment.weekday()]} {moment:%H:%M}"
    return f"{moment:%A %H:%M}"


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
    return {name for _, name, _, _ in string.Formatter().parse(template(key, language)) if name}
