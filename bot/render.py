"""Everything the bot sends, as Telegram HTML plus inline keyboards, within Telegram's limits.

Why one module: Telegram rejects a message over 4,096 characters (UTF-16 units, counted
after HTML parsing), HTML that is not escaped, callback data over 64 bytes and empty button
labels, and it rejects them in production, not in review. Keeping every message and
keyboard here means those limits are enforced in one place and tested once; handlers only
choose *what* to say and pass a `Rendered` to the sending helpers.

Invariant the splitter relies on: no HTML tag produced here spans a line break. Renderers
collapse quoted attendee text onto one line and bot.answering.text keeps each tag within a line,
so a long message can always be split between lines without breaking its markup. A single
line that is still too long is sent as plain text in pieces rather than cut inside a tag.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    WebAppInfo,
)
from telegram.constants import ParseMode

from bot import agenda
from bot.answering import text as answer_text
from bot.answering.decide import Answerer, Reply
from bot.answering.text import HTML
from bot.content import Content
from bot.content.models import FaqEntry, Session, Speaker
from bot.feedback import SessionFeedback
from bot.matching.learned import Refusal
from bot.matching.matcher import Candidate
from bot.messages import DEFAULT_LANGUAGE, Safe, html_text, long_date, plain, short_date
from bot.storage import ChatterStats, LearnedRow, LiveQuestion, QuestionGroup, Stats

MAX_MESSAGE = 4096
MAX_CALLBACK_DATA = 64
MAX_BUTTON_LABEL = 40  # Telegram allows more, but clients cut long labels off anyway
MAX_INLINE_TITLE = 100
MAX_INLINE_DESCRIPTION = 120
MAX_INLINE_ID = 64
QUOTE_LIMIT = 500  # attendee text quoted back in posts and answers
UNANSWERED_PAGE = 5
MAX_STAR_BUTTONS = 40  # Telegram allows 100 buttons; a day's programme fits

PREVIEW = LinkPreviewOptions(is_disabled=False)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Rendered:
    """One logical reply: message texts in order (each ≤ 4,096) and a keyboard for the last."""

    texts: tuple[str, ...]
    markup: InlineKeyboardMarkup | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def rendered(text: str, markup: InlineKeyboardMarkup | None = None) -> Rendered:
    """Wrap HTML text, split to Telegram's length limit, with an optional keyboard."""
    return Rendered(tuple(split_message(text)), markup)


def message(key: str, language: str, /, **values: object) -> Rendered:
    """A catalogue entry as a complete reply."""
    return rendered(html_text(key, language, **values))


# --- lengths, splitting, quoting ----------------------------------------------------------


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji is usually two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible(html_text_: str) -> str:
    """The text Telegram shows for our HTML: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", html_text_))


def visible_length(html_text_: str) -> int:
    return utf16_len(visible(html_text_))


def _hard_split(plain_text: str, limit: int) -> list[str]:
    """Cut plain text into pieces of at most limit UTF-16 units, preferring spaces."""
    pieces: list[str] = []
    rest = plain_text
    while utf16_len(rest) > limit:
        cut, used = 0, 0
        for index, char in enumerate(rest):
            used += utf16_len(char)
            if used > limit:
                break
            cut = index + 1
        space = rest.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space + 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return pieces


def _fit_line(line: str, limit: int) -> list[str]:
    if visible_length(line) <= limit:
        return [line]
    # Too long for one message: drop the markup (never cut inside a tag) and cut the text.
    return [html.escape(piece, quote=False) for piece in _hard_split(visible(line), limit)]


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML into messages of at most limit visible UTF-16 units, at line boundaries.

    Chunks that would show nothing (blank lines at a boundary) are dropped, because
    Telegram rejects an empty message.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        for piece in _fit_line(line, limit):
            length = visible_length(piece)
            if current and size + 1 + length > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
            size += length + (1 if current else 0)
            current.append(piece)
    if current:
        chunks.append("\n".join(current))
    return [chunk.strip("\n") for chunk in chunks if visible(chunk).strip()]


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces."""
    return _SPACES.sub(" ", text).strip()


def truncate(text: str, limit: int) -> str:
    """Plain text cut to at most limit UTF-16 units, with an ellipsis if anything was cut."""
    if utf16_len(text) <= limit:
        return text
    return _hard_split(text, limit - 1)[0].rstrip() + "…"


def quote(text: str, limit: int = QUOTE_LIMIT) -> Safe:
    """Attendee text to show back: one line, shortened, escaped."""
    return Safe(html.escape(truncate(one_line(text), limit), quote=False))


def button_label(text: str) -> str:
    """A label Telegram accepts (non-empty) and clients show whole."""
    label = truncate(one_line(text), MAX_BUTTON_LABEL)
    return label or "…"


def callback_data(*parts: object) -> str:
    """Join parts with ':' and refuse anything Telegram would reject (over 64 bytes)."""
    data = ":".join(str(part) for part in parts)
    if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
        raise ValueError(f"callback data {data!r} does not fit in {MAX_CALLBACK_DATA} bytes")
    return data


def _button(label: str, *data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(button_label(label), callback_data=callback_data(*data))


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


# --- keyboards ----------------------------------------------------------------------------


def menu_keyboard(language: str) -> InlineKeyboardMarkup:
    """The /start menu: the five things attendees look up most."""
    row1 = [
        _button(plain(f"btn.{name}", language), "menu", name) for name in ("agenda", "now", "next")
    ]
    row2 = [_button(plain(f"btn.{name}", language), "menu", name) for name in ("venue", "help")]
    return InlineKeyboardMarkup([row1, row2])


def vote_keyboard(
    question_id: int, language: str, chosen: int | None = None, *, offer: bool = False
) -> InlineKeyboardMarkup:
    """👍 / 👎 under an answer; the chosen one is ticked and the other can still be pressed.

    With `offer` (after a 👎 on an answer not yet passed on), a "🙋 Ask the organisers" row
    follows: one tap, never automatic, because a 👎 may only mean "I don't like this answer"
    and the organisers' chat must not fill with those.
    """
    up = plain("btn.up_chosen" if chosen == 1 else "btn.up", language)
    down = plain("btn.down_chosen" if chosen == -1 else "btn.down", language)
    rows = [[_button(up, "vote", question_id, 1), _button(down, "vote", question_id, -1)]]
    if offer and chosen == -1:
        rows.append([_button(plain("btn.ask_organisers", language), "askorg", question_id)])
    return InlineKeyboardMarkup(rows)


def suggestion_label(content: Content, candidate: Candidate) -> str:
    """A button label; sessions get their day and time ("Lunch · Tue 13:00" twice is two)."""
    target = candidate.target
    session = content.session(target.id) if target.kind == "session" else None
    if session is None:
        return target.label
    return f"{target.label} · {session.start:%a %H:%M}"


def suggestion_keyboard(
    content: Content,
    question_id: int,
    suggestions: Sequence[Candidate],
    language: str,
) -> InlineKeyboardMarkup:
    """One button per suggestion (by key token, so any id fits) and "None of these"."""
    rows = [
        [
            _button(
                suggestion_label(content, c),
                "pick",
                question_id,
                answer_text.key_token(c.target.key),
            )
        ]
        for c in suggestions[:3]
    ]
    rows.append([_button(plain("btn.none_of_these", language), "none", question_id)])
    return InlineKeyboardMarkup(rows)


def day_keyboard(content: Content, language: str) -> InlineKeyboardMarkup:
    buttons = [
        _button(
            plain("btn.day", language, number=number, date=short_date(day, language)),
            "day",
            day.isoformat(),
        )
        for number, day in enumerate(content.days, start=1)
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def forget_keyboard(language: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(plain("btn.forget_yes", language), "forget", "yes"),
                _button(plain("btn.forget_no", language), "forget", "no"),
            ]
        ]
    )


def language_keyboard(language: str) -> InlineKeyboardMarkup:
    """/lang: each language named in itself, so anyone can find theirs."""
    return InlineKeyboardMarkup(
        [
            [
                _button(plain("btn.lang_en", language), "lang", "en"),
                _button(plain("btn.lang_ur", language), "lang", "ur"),
            ]
        ]
    )


def pager_keyboard(
    offset: int, total: int, language: str, page: int = UNANSWERED_PAGE
) -> InlineKeyboardMarkup | None:
    buttons = []
    if offset > 0:
        buttons.append(_button(plain("btn.previous", language), "unans", max(0, offset - page)))
    if offset + page < total:
        buttons.append(_button(plain("btn.next_page", language), "unans", offset + page))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def star_button(
    session: Session, starred: bool, language: str, *, single: bool = False
) -> InlineKeyboardButton:
    """☆/⭐ for one session; a lone session gets a wider "Add to my sessions"."""
    if single:
        label = plain("btn.starred_single" if starred else "btn.star_single", language)
    else:
        key = "btn.starred" if starred else "btn.star"
        label = plain(key, language, time=f"{session.start:%H:%M}", title=session.title)
    return _button(label, "star", answer_text.key_token(f"session:{session.id}"))


def star_rows(
    sessions: Sequence[Session], starred: set[str], language: str
) -> list[list[InlineKeyboardButton]]:
    """One ☆/⭐ button per session; a single session gets a wider "Add to my sessions"."""
    shown = list(dict.fromkeys(sessions))[:MAX_STAR_BUTTONS]
    single = len(shown) == 1
    return [[star_button(s, s.id in starred, language, single=single)] for s in shown]


def with_star_rows(
    reply: Rendered, sessions: Sequence[Session], starred: set[str], language: str
) -> Rendered:
    """The reply with ☆/⭐ buttons added under it for these sessions."""
    if not sessions:
        return reply
    rows: list[Sequence[InlineKeyboardButton]] = (
        list(reply.markup.inline_keyboard) if reply.markup else []
    )
    rows += star_rows(sessions, starred, language)
    return Rendered(reply.texts, InlineKeyboardMarkup(rows))


def flip_star(button: InlineKeyboardButton, starred: bool, language: str) -> InlineKeyboardButton:
    """The same ☆/⭐ button, showing the new state after a press."""
    label = button.text
    singles = (plain("btn.star_single", language), plain("btn.starred_single", language))
    if label in singles:
        label = singles[1] if starred else singles[0]
    else:
        label = ("⭐" if starred else "☆") + label[1:]
    return InlineKeyboardButton(label, callback_data=button.callback_data)


def flip_star_in(
    markup: InlineKeyboardMarkup, data: str, starred: bool, language: str
) -> InlineKeyboardMarkup:
    """A message's keyboard with the pressed star button (callback `data`) flipped."""
    return InlineKeyboardMarkup(
        [
            [flip_star(b, starred, language) if b.callback_data == data else b for b in row]
            for row in markup.inline_keyboard
        ]
    )


def keep_star_rows(
    current: InlineKeyboardMarkup | None, markup: InlineKeyboardMarkup | None
) -> InlineKeyboardMarkup | None:
    """`markup` plus the ☆/⭐ rows of `current` (a vote must not drop them)."""
    if current is None:
        return markup
    stars = [
        row
        for row in current.inline_keyboard
        if any(str(b.callback_data or "").startswith("star:") for b in row)
    ]
    if not stars:
        return markup
    rows = list(markup.inline_keyboard) if markup else []
    return InlineKeyboardMarkup([*rows, *stars])


def with_calendar(reply: Rendered, language: str, which: str = "all") -> Rendered:
    """Add a "📅 … (.ics)" button under a reply (the agenda, or /mysessions)."""
    rows: list[Sequence[InlineKeyboardButton]] = (
        list(reply.markup.inline_keyboard) if reply.markup else []
    )
    rows.append([_button(plain(f"btn.ics_{which}", language), "ics", which)])
    return Rendered(reply.texts, InlineKeyboardMarkup(rows))


def announce_preview_keyboard(broadcast_id: int, count: int, language: str) -> InlineKeyboardMarkup:
    """ "Send to N attendees" / "Cancel" under an announcement's preview."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    plain("btn.ann_send", language, count=f"{count:,}"), "ann", "send", broadcast_id
                ),
                _button(plain("btn.ann_cancel", language), "ann", "cancel", broadcast_id),
            ]
        ]
    )


def announce_stop_keyboard(broadcast_id: int, language: str) -> InlineKeyboardMarkup:
    """ "Stop" under a scheduled announcement or a broadcast's progress report."""
    return InlineKeyboardMarkup(
        [[_button(plain("btn.ann_stop", language), "ann", "stop", broadcast_id)]]
    )


def announcements_keyboard(stoppable: Sequence[int], language: str) -> InlineKeyboardMarkup | None:
    """One "Stop #N" button per broadcast still scheduled or sending, under /announcements."""
    rows = [
        [_button(plain("btn.ann_stop_id", language, id=broadcast_id), "ann", "stop", broadcast_id)]
        for broadcast_id in stoppable
    ]
    return InlineKeyboardMarkup(rows) if rows else None


# --- attendee messages --------------------------------------------------------------------


MINI_APP_PATH = "/app/"
DESK_PATH = "/app/desk"


def web_app_button(label_key: str, language: str, url: str) -> InlineKeyboardButton:
    """A button that opens the Mini App inside Telegram (private chats only)."""
    return InlineKeyboardButton(plain(label_key, language), web_app=WebAppInfo(url))


def with_programme_button(reply: Rendered, language: str, web_url: str | None) -> Rendered:
    """ "🗓 Open programme" under a reply, when the Mini App is set up (WEB_URL)."""
    if not web_url:
        return reply
    rows = [list(row) for row in reply.markup.inline_keyboard] if reply.markup else []
    url = web_url.rstrip("/") + MINI_APP_PATH
    rows.append([web_app_button("btn.open_programme", language, url)])
    return Rendered(reply.texts, InlineKeyboardMarkup(rows))


def desk_open(language: str, web_url: str) -> Rendered:
    """/desk: the button that opens the organisers' desk."""
    url = web_url.rstrip("/") + DESK_PATH
    markup = InlineKeyboardMarkup([[web_app_button("btn.open_desk", language, url)]])
    return rendered(html_text("desk_open", language), markup)


def welcome(content: Content, language: str, username: str, *, private: bool) -> Rendered:
    name = content.conference.display_name
    if private:
        return rendered(html_text("welcome", language, conference=name), menu_keyboard(language))
    return message("welcome_group", language, conference=name, username=username)


def help_text(language: str, username: str, *, organiser: bool) -> Rendered:
    text = html_text("help", language, username=username)
    if organiser:
        text = Safe(text + html_text("help_organiser", language))
    return rendered(text)


def with_votes(answer_html: str, question_id: int, language: str) -> Rendered:
    """An answer (HTML from Answerer.answer_text) with 👍 / 👎 under it."""
    return rendered(answer_html, vote_keyboard(question_id, language))


def target_answer(answerer: Answerer, key: str, question_id: int, language: str) -> Rendered | None:
    """The answer for a suggestion the attendee picked."""
    text = answerer.text_for(key, HTML, language)
    if not text:
        return None
    return rendered(text, vote_keyboard(question_id, language))


def suggestions(content: Content, reply: Reply, question_id: int, language: str) -> Rendered:
    return rendered(
        html_text("suggest", language),
        suggestion_keyboard(content, question_id, reply.suggestions, language),
    )


def agenda_days(content: Content, language: str) -> Rendered:
    if not content.days:
        return message("agenda_empty", language)
    return rendered(
        html_text("agenda_pick_day", language, conference=content.conference.display_name),
        day_keyboard(content, language),
    )


def day_agenda(content: Content, day: date, language: str) -> Rendered:
    sessions = agenda.on_day(content, day)
    label = long_date(day, language)
    if not sessions:
        return message("day_empty", language, date=label)
    number = agenda.day_number(content, day)
    heading = visible(html_text("day_heading", language, number=number, date=label))
    return rendered(answer_text.session_list(content, heading, sessions, HTML))


def agenda_view(content: Content, view: agenda.AgendaView) -> Rendered:
    return rendered(answer_text.session_list(content, view.heading, view.sessions, HTML, view.note))


def speakers(
    content: Content, found: Sequence[Speaker], language: str = DEFAULT_LANGUAGE
) -> Rendered:
    return rendered(
        "\n\n".join(answer_text.speaker_text(content, s, HTML, language) for s in found)
    )


def speaker_example(content: Content) -> str:
    """A real name from the programme for usage hints (the last word of the first speaker)."""
    if not content.speakers:
        return "name"
    words = content.speakers[0].name.split()
    return words[-1] if words else "name"


def venue(content: Content, language: str) -> Rendered:
    place = content.conference.venue
    if place is None or not (place.name or place.address or place.map_url):
        return message("venue_missing", language)
    lines = [html_text("venue", language, name=place.name or content.conference.name)]
    if place.address:
        lines.append(html_text("venue_address", language, address=place.address))
    if place.map_url:
        link = HTML.link(visible(html_text("venue_map_label", language)), place.map_url)
        lines.append(html_text("venue_map", language, link=Safe(link)))
    return rendered("\n".join(lines))


# --- organiser messages -------------------------------------------------------------------


def _sender(name: str, user_id: int) -> dict[str, object]:
    """How every organisers' post names the attendee: one line, never empty, with the id
    organisers reply to."""
    return {"name": one_line(name) or "?", "user_id": user_id}


def organiser_post(
    question_id: int,
    name: str,
    user_id: int,
    text: str,
    best: tuple[str, float] | None,
    language: str,
) -> Rendered:
    """The ❓ post in the organisers' chat; `best` is the matcher's (label, score) guess."""
    if best is not None:
        guess = html_text(
            "organiser_post_guess", language, label=one_line(best[0]), score=f"{best[1]:.2f}"
        )
    else:
        guess = html_text("organiser_post_no_guess", language)
    return message(
        "organiser_post",
        language,
        id=question_id,
        **_sender(name, user_id),
        question=quote(text),
        guess=guess,
    )


def rejected_label(content: Content, key: str, fallback: str | None) -> str:
    """What the organisers' post calls the answer an attendee rejected (see
    `bot.answering.text.rejected_label`: the same for /unanswered and the desk)."""
    return answer_text.rejected_label(content, key, fallback)


def organiser_downvoted(
    question_id: int, name: str, user_id: int, text: str, label: str, language: str
) -> Rendered:
    """The 👎 post: the bot answered with `label` and the attendee said it did not help."""
    return message(
        "organiser_post_downvoted",
        language,
        id=question_id,
        **_sender(name, user_id),
        question=quote(text),
        label=one_line(label),
    )


def organiser_answer(question: str, answer_text: str, language: str) -> Rendered:
    return message("organiser_answer", language, question=quote(question, 300), answer=answer_text)


def answered_report(question_id: int, sent: int, total: int, language: str) -> Rendered:
    text = html_text("answered_report", language, id=question_id, sent=sent, total=total)
    if sent < total:
        text = Safe(text + html_text("answered_report_unreachable", language, failed=total - sent))
    return rendered(text)


def unanswered_page(
    groups: Sequence[QuestionGroup],
    offset: int,
    total: int,
    tz: tzinfo,
    language: str,
    content: Content,
) -> Rendered:
    """A page of /unanswered; a group passed on after a 👎 says which answer did not help,
    as its post in the organisers' chat did."""
    if not groups:
        return message("unanswered_empty", language)
    lines: list[str] = [
        html_text(
            "unanswered_header", language, first=offset + 1, last=offset + len(groups), total=total
        )
    ]
    for group in groups:
        times = (
            html_text("unanswered_times", language, count=group.count) if (group.count > 1) else ""
        )
        when = f"{group.newest_asked_at.astimezone(tz):%a %d %b %H:%M}"
        lines.append("")
        lines.append(
            html_text(
                "unanswered_item",
                language,
                id=group.representative_id,
                times=Safe(times),
                when=when,
                question=quote(group.text, 300),
            )
        )
        if group.rejected:
            labels = (rejected_label(content, r.key, r.stored_label) for r in group.rejected)
            shown = "; ".join(truncate(one_line(label), 120) for label in labels)
            lines.append(html_text("unanswered_rejected", language, label=shown))
    lines.append("")
    lines.append(html_text("unanswered_footer", language))
    return rendered("\n".join(lines), pager_keyboard(offset, total, language))


def stats(numbers: Stats, content: Content, language: str) -> Rendered:
    whole = numbers.questions
    lines: list[str] = [
        html_text(
            "stats",
            language,
            attendees=numbers.attendees,
            subscribers=numbers.subscribers,
            questions=whole,
            answered=numbers.decision_answer,
            answered_share=_percent(numbers.decision_answer, whole),
            suggested=numbers.decision_suggest,
            suggested_share=_percent(numbers.decision_suggest, whole),
            unanswered=numbers.decision_none,
            unanswered_share=_percent(numbers.decision_none, whole),
            after_downvote=(
                html_text("stats_after_downvote", language, count=numbers.after_downvote)
                if numbers.after_downvote
                else Safe("")
            ),
            open=numbers.open,
        )
    ]
    if numbers.top_targets:
        lines.append(html_text("stats_top_header", language))
        for rank, target in enumerate(numbers.top_targets, start=1):
            label = answer_text.target_label(content, target.key) or target.label
            lines.append(
                html_text(
                    "stats_top_item", language, rank=rank, label=one_line(label), count=target.count
                )
            )
    if numbers.votes:
        lines.append(html_text("stats_votes_header", language))
        for tally in numbers.votes:
            label = answer_text.target_label(content, tally.key) or tally.key
            lines.append(
                html_text(
                    "stats_votes_item",
                    language,
                    label=one_line(label),
                    up=tally.up,
                    down=tally.down,
                )
            )
    if numbers.learned_answers:
        lines.append(html_text("stats_learned", language, count=numbers.learned_answers))
    return rendered("\n".join(lines))


def chatter_stats(numbers: ChatterStats, tz: tzinfo, language: str) -> Safe:
    """The /stats lines on chatter and complaints (empty when there was none)."""
    if not numbers.total:
        return Safe("")
    kinds = "\n".join(
        html_text(
            "stats_chatter_kind", language, kind=plain(f"text.kind.{kind}", language), count=n
        )
        for kind, n in numbers.by_kind
    )
    lines = [html_text("stats_chatter", language, total=numbers.total, kinds=Safe(kinds))]
    if numbers.feedback:
        lines.append(html_text("stats_feedback", language, count=numbers.feedback))
        lines.extend(
            html_text(
                "stats_feedback_item",
                language,
                when=f"{item.said_at.astimezone(tz):%a %H:%M}",
                text=quote(item.text, 200),
            )
            for item in numbers.latest_feedback
        )
    return Safe("\n".join(lines))


def with_chatter_stats(
    reply: Rendered, numbers: ChatterStats, tz: tzinfo, language: str
) -> Rendered:
    """/stats with its chatter and feedback lines after the question numbers."""
    extra = chatter_stats(numbers, tz, language)
    return rendered(reply.text + extra, reply.markup) if extra else reply


def chatter_reply(
    key: str, language: str, conference: str, *, menu: bool, meanwhile: FaqEntry | None = None
) -> Rendered:
    """A reply to chatter, with the /start menu buttons for greetings.

    `meanwhile` goes with a request for a person: the FAQ entry marked `handoff: yes` (the
    helpdesk's phone and desk), so an attendee who wants a person now can call or walk
    over instead of waiting for the organisers' reply.
    """
    text = html_text(key, language, conference=conference)
    if meanwhile is not None:
        how = answer_text.faq_text(meanwhile, HTML, language)
        text = Safe(f"{text}\n\n{html_text('chatter.handoff_meanwhile', language)}\n{how}")
    return rendered(text, menu_keyboard(language) if menu else None)


def with_first_line(reply: Rendered, line: str) -> Rendered:
    """A reply with a line before it ("Wa alaikum assalam!" before the answer)."""
    return Rendered((Safe(f"{line}\n\n{reply.texts[0]}"), *reply.texts[1:]), reply.markup)


def organiser_handoff(
    question_id: int, name: str, user_id: int, message_text: str, last: str | None, language: str
) -> Rendered:
    """The 🙋 post: an attendee asked for a person; their last question goes with it."""
    question = (
        Safe(f"<blockquote>{quote(last)}</blockquote>")
        if last
        else html_text("organiser_handoff_no_question", language)
    )
    return message(
        "organiser_handoff",
        language,
        id=question_id,
        **_sender(name, user_id),
        message=quote(message_text),
        question=question,
    )


def _batch_mark(handoff: bool, rejected: str | None, language: str) -> Safe:
    if handoff:
        return html_text("organiser_batch_handoff", language)
    if rejected is not None:
        return html_text("organiser_batch_downvoted", language, label=one_line(rejected))
    return Safe("")


def organiser_batch(
    name: str,
    user_id: int,
    items: Sequence[tuple[int, str, bool, str | None]],
    minutes: int,
    language: str,
) -> Rendered:
    """One 📦 post for a burst of one attendee's handoffs.

    Items are (question id, text, handoff, label of the answer rejected with 👎 or None).
    """
    lines: list[str] = [
        html_text(
            "organiser_batch_item",
            language,
            id=question_id,
            mark=_batch_mark(handoff, rejected, language),
            question=quote(text),
        )
        for question_id, text, handoff, rejected in items
    ]
    return message(
        "organiser_batch",
        language,
        count=len(items),
        **_sender(name, user_id),
        minutes=minutes,
        items=Safe("\n".join(lines)),
    )


def reload_failed(problems: Sequence[object], language: str) -> Rendered:
    lines = [html_text("reload_failed", language)]
    lines.extend(html_text("reload_problem", language, problem=one_line(str(p))) for p in problems)
    return rendered("\n".join(lines))


# --- inline mode --------------------------------------------------------------------------


def _result_id(key: str) -> str:
    if len(key.encode("utf-8")) <= MAX_INLINE_ID:
        return key
    return answer_text.key_token(key)


def inline_article(result_id: str, title: str, html_body: str) -> InlineQueryResultArticle:
    """One shareable result: the first message-sized part of the answer, HTML."""
    body = split_message(html_body)[0] if visible(html_body).strip() else html.escape(title)
    description = truncate(one_line(visible(body)), MAX_INLINE_DESCRIPTION)
    return InlineQueryResultArticle(
        id=_result_id(result_id),
        title=truncate(one_line(title), MAX_INLINE_TITLE) or "…",
        description=description or None,
        # Previews stay on here, exempt from the application's Defaults (none), as before
        # them: a shared answer's map link keeps its preview in the conversation.
        input_message_content=InputTextMessageContent(
            body, parse_mode=ParseMode.HTML, link_preview_options=PREVIEW
        ),
    )


def inline_results(
    answerer: Answerer, reply: Reply, floor: float, language: str, limit: int = 5
) -> list[InlineQueryResultArticle]:
    """Articles for an inline query: an agenda view, or the best-scoring entries."""
    content = answerer.content
    if reply.agenda_view is not None:
        view = reply.agenda_view
        body = answer_text.session_list(content, view.heading, view.sessions, HTML, view.note)
        return [inline_article("agenda-view", view.heading, body)]
    results: list[InlineQueryResultArticle] = []
    seen: set[str] = set()
    for candidate in reply.candidates:
        if len(results) >= limit or candidate.score < floor:
            break
        key = candidate.target.key
        text = answerer.text_for(key, HTML, language)
        if not text or key in seen:
            continue
        seen.add(key)
        results.append(inline_article(key, candidate.target.label, text))
    return results


def inline_defaults(
    content: Content, now: datetime, language: str
) -> list[InlineQueryResultArticle]:
    """An empty inline query: what's on now, what's next and the venue."""
    results = []
    for key, view in (
        ("now", agenda.now_view(content, now, language)),
        ("next", agenda.next_view(content, now, language)),
    ):
        body = answer_text.session_list(content, view.heading, view.sessions, HTML, view.note)
        results.append(inline_article(f"default-{key}", plain(f"inline.{key}", language), body))
    place = venue(content, language)
    results.append(inline_article("default-venue", plain("inline.venue", language), place.text))
    return results


# --- learning (issue 17) --------------------------------------------------------------------

LEARNED_LISTED = 15  # proposals and learned phrasings shown (each) by /learned


def _teach_entry_rows(
    question_id: int, guesses: Sequence[tuple[str, str]]
) -> list[list[InlineKeyboardButton]]:
    """One button per FAQ entry the question could be taught to (the offer and "Other…")."""
    return [
        [_button(label, "teach", question_id, answer_text.key_token(f"faq:{entry_id}"))]
        for entry_id, label in guesses
    ]


def teach_offer(
    question_id: int, question: str, guesses: Sequence[tuple[str, str]], language: str
) -> Rendered:
    """ "Also use this for similar questions → [best] [second] [other…] [new] [no]"."""
    rows = _teach_entry_rows(question_id, guesses)
    rows.append(
        [
            _button(plain("btn.teach_other", language), "teach", question_id, "other"),
            _button(plain("btn.teach_new", language), "teach", question_id, "new"),
            _button(plain("btn.teach_no", language), "teach", question_id, "no"),
        ]
    )
    text = html_text("teach_offer", language, question=quote(question, 300))
    return rendered(text, InlineKeyboardMarkup(rows))


def teach_more(
    question_id: int, question: str, guesses: Sequence[tuple[str, str]], language: str
) -> Rendered:
    """ "Other…": more entries to choose from, and /teach for any entry by id."""
    rows = _teach_entry_rows(question_id, guesses)
    rows.append(
        [
            _button(plain("btn.teach_new", language), "teach", question_id, "new"),
            _button(plain("btn.teach_no", language), "teach", question_id, "no"),
        ]
    )
    text = html_text("teach_more", language, question=quote(question, 300), id=question_id)
    return rendered(text, InlineKeyboardMarkup(rows))


def taught(row: LearnedRow, label: str, language: str) -> Rendered:
    if row.is_entry:
        return message("taught_entry", language, phrasing=one_line(row.text))
    return message("taught_phrasing", language, phrasing=one_line(row.text), label=one_line(label))


def teach_refused(refusal: Refusal, language: str) -> Rendered:
    return message(
        f"teach_refused_{refusal.reason}",
        language,
        phrasing=one_line(refusal.phrasing),
        label=one_line(refusal.label),
        entry=refusal.entry_id,
    )


def _learned_who(row: LearnedRow, language: str) -> str:
    name = one_line(row.taught_by_name or str(row.taught_by or "?"))
    if row.source == "organiser":
        return plain("text.learned_by_organiser", language, name=name)
    if row.taught_by is not None:
        return plain("text.learned_by_picks_approved", language, pickers=row.pickers, name=name)
    return plain("text.learned_by_picks", language, pickers=row.pickers)


def learned_list(
    proposals: Sequence[LearnedRow],
    active: Sequence[LearnedRow],
    in_files: int,
    labels: dict[str, str],
    uses: dict[int, int],
    tz: tzinfo,
    language: str,
) -> Rendered:
    """/learned: proposals with [approve] [reject], what was learned with [remove]."""
    if not proposals and not active:
        return message("learned_empty", language)
    lines = [html_text("learned_header", language)]
    rows: list[list[InlineKeyboardButton]] = []
    if proposals:
        lines.append(html_text("learned_proposals", language))
        for n, row in enumerate(proposals[:LEARNED_LISTED], start=1):
            label = labels.get(row.entry_id, row.entry_id)
            lines.append(
                html_text(
                    "learned_proposal_item",
                    language,
                    n=n,
                    phrasing=truncate(one_line(row.text), 120),
                    label=one_line(label),
                    pickers=row.pickers,
                )
            )
            rows.append(
                [
                    _button(plain("btn.learn_approve", language, n=n), "learn", "ok", row.id),
                    _button(plain("btn.learn_reject", language, n=n), "learn", "no", row.id),
                ]
            )
        if len(proposals) > LEARNED_LISTED:
            more = len(proposals) - LEARNED_LISTED
            lines.append(html_text("learned_more", language, count=more))
    if active:
        lines.append(html_text("learned_active", language))
        removes: list[InlineKeyboardButton] = []
        for n, row in enumerate(active[:LEARNED_LISTED], start=1):
            count = uses.get(row.id, 0)
            used = f" · {count}×" if count else ""
            values: dict[str, object] = {
                "n": n,
                "phrasing": truncate(one_line(row.text), 120),
                "label": one_line(labels.get(row.entry_id, row.entry_id)),
                "answer": truncate(one_line(row.answer or ""), 120),
                "who": _learned_who(row, language),
                "when": f"{row.created_at.astimezone(tz):%a %d %b %H:%M}",
                "uses": used,
            }
            key = "learned_item_entry" if row.is_entry else "learned_item"
            lines.append(html_text(key, language, **values))
            removes.append(_button(plain("btn.learn_remove", language, n=n), "learn", "rm", row.id))
        rows.extend(removes[i : i + 4] for i in range(0, len(removes), 4))
        if len(active) > LEARNED_LISTED:
            lines.append(html_text("learned_more", language, count=len(active) - LEARNED_LISTED))
    if in_files:
        lines.append(html_text("learned_in_files", language, count=in_files))
        rows.append([_button(plain("btn.learn_clear", language, count=in_files), "learn", "clear")])
    return rendered("\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


# --- live Q&A: questions to the speaker ---------------------------------------------------

QA_QUOTE_LIMIT = 300  # a question in a list; the full text is in the export
QA_NAME_LIMIT = 40


def _qa_token(session: Session) -> str:
    return answer_text.key_token(f"session:{session.id}")


def qa_rows(sessions: Sequence[Session], language: str) -> list[list[InlineKeyboardButton]]:
    """❓ Ask / 📋 Top questions for each session taking questions now."""
    shown = list(dict.fromkeys(sessions))[:MAX_STAR_BUTTONS]
    rows = []
    for session in shown:
        token = _qa_token(session)
        if len(shown) == 1:
            ask = plain("btn.qa_ask", language)
        else:
            ask = plain(
                "btn.qa_ask_at", language, time=f"{session.start:%H:%M}", title=session.title
            )
        rows.append(
            [
                _button(ask, "qa", "ask", token),
                _button(plain("btn.qa_top", language), "qa", "top", token, 0),
            ]
        )
    return rows


def with_qa_rows(reply: Rendered, sessions: Sequence[Session], language: str) -> Rendered:
    """The reply with ❓/📋 buttons for the sessions among these taking questions."""
    if not sessions:
        return reply
    rows: list[Sequence[InlineKeyboardButton]] = (
        list(reply.markup.inline_keyboard) if reply.markup else []
    )
    rows += qa_rows(sessions, language)
    return Rendered(reply.texts, InlineKeyboardMarkup(rows))


def qa_pick(sessions: Sequence[Session], starred: set[str], language: str) -> Rendered:
    """Which session an /ask is for (starred first, as the caller ordered them)."""
    rows = [
        [
            _button(
                plain(
                    "btn.qa_pick",
                    language,
                    star="⭐ " if s.id in starred else "",
                    time=f"{s.start:%H:%M}",
                    title=s.title,
                ),
                "qa",
                "to",
                _qa_token(s),
            )
        ]
        for s in sessions[:MAX_STAR_BUTTONS]
    ]
    return rendered(html_text("qa.pick_session", language), InlineKeyboardMarkup(rows))


def qa_asked(question_id: int, session: Session, named: bool, language: str) -> Rendered:
    """The asker's receipt, with the one choice left: show the name, or stay anonymous."""
    key = "qa.asked_named" if named else "qa.asked"
    label = plain("btn.qa_hide_name" if named else "btn.qa_show_name", language)
    markup = InlineKeyboardMarkup(
        [
            [_button(label, "qa", "name", question_id, 0 if named else 1)],
            [_button(plain("btn.qa_top", language), "qa", "top", _qa_token(session), 0)],
        ]
    )
    return rendered(html_text(key, language, id=question_id, title=session.title), markup)


def _qa_item(rank: int, question: LiveQuestion, language: str, *, moderator: bool) -> str:
    mark = ""
    if question.status == "answered":
        mark = plain("text.qa_answered", language)
    elif question.status == "hidden":
        mark = plain("text.qa_hidden", language)
    elif question.pinned:
        mark = plain("text.qa_pinned", language)
    if question.show_name or moderator:
        by = plain(
            "text.qa_by", language, name=truncate(one_line(question.asker_name), QA_NAME_LIMIT)
        )
        if moderator and not question.show_name:
            by += plain("text.qa_anonymous", language)
    else:
        by = ""
    return html_text(
        "qa.item",
        language,
        rank=rank,
        mark=mark,
        text=truncate(one_line(question.text), QA_QUOTE_LIMIT),
        votes=question.votes,
        by=by,
    )


def _qa_pager(
    kind: str, session: Session, page: int, pages: int, language: str
) -> list[InlineKeyboardButton]:
    token = _qa_token(session)
    buttons = []
    if page > 0:
        buttons.append(_button(plain("btn.previous", language), "qa", kind, token, page - 1))
    if page + 1 < pages:
        buttons.append(_button(plain("btn.next_page", language), "qa", kind, token, page + 1))
    return buttons


def qa_top(
    session: Session,
    questions: Sequence[LiveQuestion],
    voted: set[int],
    page: int,
    pages: int,
    first_rank: int,
    language: str,
    *,
    can_ask: bool,
    count: int,
) -> Rendered:
    """An attendee's view: ranked questions (hidden ones already left out), 👍 toggles."""
    token = _qa_token(session)
    ask_row = [_button(plain("btn.qa_ask", language), "qa", "ask", token)] if can_ask else []
    if not questions:
        markup = InlineKeyboardMarkup([ask_row]) if ask_row else None
        return rendered(html_text("qa.top_empty", language, title=session.title), markup)
    total = plain("text.qa_count", language, count=count)
    lines: list[str] = [
        html_text(
            "qa.top_header", language, title=session.title, count=total, page=page + 1, pages=pages
        )
    ]
    rows: list[list[InlineKeyboardButton]] = []
    buttons = []
    for rank, question in enumerate(questions, start=first_rank):
        lines.append(_qa_item(rank, question, language, moderator=False))
        if question.status == "open":
            key = "btn.qa_up_voted" if question.id in voted else "btn.qa_up"
            buttons.append(_button(plain(key, language, rank=rank), "qa", "up", question.id, page))
    rows += [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    pager = _qa_pager("top", session, page, pages, language)
    if pager:
        rows.append(pager)
    if ask_row:
        rows.append(ask_row)
    return _one_message("\n\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


def qa_moderation(
    session: Session,
    questions: Sequence[LiveQuestion],
    counts: tuple[int, int, int],
    page: int,
    pages: int,
    first_rank: int,
    now: datetime,
    language: str,
) -> Rendered:
    """A moderator's live list: always ONE message (it is edited in place), with
    ✅ answered / 🚫 hide / 📌 pin per open question and paging."""
    open_, answered, hidden = counts
    lines: list[str] = [
        html_text(
            "qa.mod_header",
            language,
            title=session.title,
            open=open_,
            answered=answered,
            hidden=hidden,
            page=page + 1,
            pages=pages,
            time=f"{now:%H:%M:%S}",
        )
    ]
    rows: list[list[InlineKeyboardButton]] = []
    for rank, question in enumerate(questions, start=first_rank):
        lines.append(_qa_item(rank, question, language, moderator=True))
        if question.status == "open":
            rows.append(
                [
                    _button(
                        plain("btn.qa_answered", language, rank=rank), "qa", "m", "a", question.id
                    ),
                    _button(plain("btn.qa_hide", language, rank=rank), "qa", "m", "h", question.id),
                    _button(plain("btn.qa_pin", language, rank=rank), "qa", "m", "p", question.id),
                ]
            )
    pager = _qa_pager("mp", session, page, pages, language)
    pager.append(_button(plain("btn.qa_refresh", language), "qa", "mp", _qa_token(session), page))
    rows.append(pager)
    return _one_message("\n\n".join(lines), InlineKeyboardMarkup(rows))


def _one_message(text: str, markup: InlineKeyboardMarkup | None) -> Rendered:
    """A list that must stay one message (it is edited in place): never over 4,096."""
    if utf16_len(visible(text)) > MAX_MESSAGE:  # cannot happen at PAGE_SIZE, but never send it
        text = html.escape(truncate(visible(text), MAX_MESSAGE - 1), quote=False)
    return Rendered((text,), markup)


# --- feedback after the session -----------------------------------------------------------

FEEDBACK_COMMENTS_PAGE = 10  # comments per page of /feedback SESSION (each cut to 300)
FEEDBACK_COMMENT_LIMIT = 300  # a comment in the chat; the export has it whole
FEEDBACK_BAR = 10  # blocks in the longest distribution bar


def _fb_when(session: Session, language: str) -> str:
    return f"{short_date(session.day, language)} {session.start:%H:%M}–{session.end:%H:%M}"


def _stars(value: int) -> str:
    return "⭐" * value


def _average(summary: SessionFeedback, language: str) -> str:
    average = summary.average
    return plain("text.fb_no_average", language) if average is None else f"{average:.1f}"


def _waiting(count: int, language: str) -> str:
    return plain("text.fb_waiting", language, count=count) if count else ""


def _fb_off_row(language: str) -> list[InlineKeyboardButton]:
    return [_button(plain("btn.fb_off", language), "fb", "off")]


def feedback_prompt(sessions: Sequence[Session], language: str) -> Rendered:
    """The prompt after a session: 1–5 ⭐ under one session, or, batched, a button per
    session that opens its own 1–5 ⭐ prompt. Always one message (it is one delivery)."""
    if len(sessions) == 1:
        session = sessions[0]
        token = _qa_token(session)
        when = _fb_when(session, language)
        if session.room is not None:
            when += f" · {session.room.label}"
        text = html_text("fb.prompt", language, title=session.title, when=when)
        stars = [
            _button(plain("btn.fb_star", language, stars=n), "fb", "r", token, n)
            for n in range(1, 6)
        ]
        return _one_message(text, InlineKeyboardMarkup([stars, _fb_off_row(language)]))
    shown = list(sessions)[:MAX_STAR_BUTTONS]
    items = "\n".join(
        html_text(
            "fb.batch_item",
            language,
            when=f"{short_date(s.day, language)} {s.start:%H:%M}",
            title=truncate(one_line(s.title), 120),
        )
        for s in shown
    )
    rows = [
        [
            _button(
                plain("btn.fb_rate", language, time=f"{s.start:%H:%M}", title=s.title),
                "fb",
                "o",
                _qa_token(s),
            )
        ]
        for s in shown
    ]
    rows.append(_fb_off_row(language))
    text = html_text("fb.batch", language, sessions=Safe(items))
    return _one_message(text, InlineKeyboardMarkup(rows))


def feedback_rated(session: Session, stars: int, minutes: int, language: str) -> Rendered:
    """The prompt after a rating: thanks, and the optional comment (or Skip)."""
    text = html_text(
        "fb.rated",
        language,
        title=session.title,
        stars=_stars(stars),
        value=stars,
        minutes=minutes,
    )
    skip = [[_button(plain("btn.fb_skip", language), "fb", "n", _qa_token(session))]]
    return rendered(text, InlineKeyboardMarkup(skip))


def feedback_commented(session: Session, language: str) -> Rendered:
    """The comment's receipt, with a way back for a question sent as a comment by mistake."""
    undo = [[_button(plain("btn.fb_not_comment", language), "fb", "u", _qa_token(session))]]
    text = html_text("fb.comment_saved", language, title=session.title)
    return rendered(text, InlineKeyboardMarkup(undo))


def feedback_thanked(session: Session, stars: int, language: str) -> Rendered:
    """The rated prompt once the comment is given or skipped: thanks, no buttons left."""
    first = html_text(
        "fb.rated", language, title=session.title, stars=_stars(stars), value=stars, minutes=0
    ).split("\n")[0]
    return rendered(first)


def feedback_table(
    summaries: Sequence[SessionFeedback], content: Content, language: str
) -> Rendered:
    """/feedback: every session that ended, with its average, count and comments (split
    into several messages if the programme is long)."""
    if not summaries:
        return message("fb.table_empty", language)
    lines = [
        html_text(
            "fb.table_header",
            language,
            sessions=len(summaries),
            ratings=sum(s.ratings for s in summaries),
            comments=sum(len(s.comments) for s in summaries),
        )
    ]
    for summary in summaries:
        session = content.session(summary.session_id)
        lines.append(
            html_text(
                "fb.table_row",
                language,
                average=_average(summary, language),
                ratings=summary.ratings,
                prompted=summary.prompted,
                comments=len(summary.comments),
                waiting=_waiting(summary.waiting, language),
                when=_fb_when(session, language) if session else "",
                title=truncate(one_line(summary.title), 80),
                id=summary.session_id,
            )
        )
    lines.append(html_text("fb.table_hint", language))
    return rendered("\n\n".join(lines))


def feedback_detail(
    summary: SessionFeedback, session: Session | None, page: int, language: str
) -> Rendered:
    """/feedback SESSION: the average, the distribution and a page of comments (newest
    first), as ONE message with paging buttons."""
    pages = max(1, -(-len(summary.comments) // FEEDBACK_COMMENTS_PAGE))
    page = min(max(0, page), pages - 1)
    lines = [
        html_text(
            "fb.detail_header",
            language,
            title=summary.title,
            id=summary.session_id,
            when=_fb_when(session, language) if session else "",
            average=_average(summary, language),
            ratings=summary.ratings,
            prompted=summary.prompted,
            waiting=_waiting(summary.waiting, language),
        ),
        "",
    ]
    most = max(summary.distribution) or 1
    for stars in range(5, 0, -1):
        count = summary.distribution[stars - 1]
        bar = "█" * round(FEEDBACK_BAR * count / most) if count else "·"
        lines.append(
            html_text(
                "fb.detail_bar",
                language,
                stars=stars,
                bar=bar,
                count=count,
                percent=_percent(count, summary.ratings),
            )
        )
    lines.append("")
    if not summary.comments:
        lines.append(html_text("fb.detail_no_comments", language))
    else:
        lines.append(
            html_text(
                "fb.detail_comments",
                language,
                count=len(summary.comments),
                page=page + 1,
                pages=pages,
            )
        )
        start = page * FEEDBACK_COMMENTS_PAGE
        for comment in summary.comments[start : start + FEEDBACK_COMMENTS_PAGE]:
            lines.append(
                html_text(
                    "fb.detail_comment",
                    language,
                    stars=comment.stars,
                    text=truncate(one_line(comment.text), FEEDBACK_COMMENT_LIMIT),
                )
            )
    pager = []
    token = answer_text.key_token(f"session:{summary.session_id}")
    if page > 0:
        pager.append(_button(plain("btn.previous", language), "fb", "p", token, page - 1))
    if page + 1 < pages:
        pager.append(_button(plain("btn.next_page", language), "fb", "p", token, page + 1))
    return _one_message("\n".join(lines), InlineKeyboardMarkup([pager]) if pager else None)
