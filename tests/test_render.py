"""Rendering limits and the message catalogue, without Telegram: the rules the fake enforces."""

from __future__ import annotations

import re
import string
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot import messages, render
from bot.answering.text import key_for_token, key_token
from bot.content import Content
from bot.storage import QuestionGroup, RejectedAnswer
from tests.fake_telegram import parse_html, utf16_len


def shown(chunk: str) -> str:
    text, _ = parse_html(chunk)  # strict: raises on broken tags or unescaped '&'
    return text


def test_short_text_is_one_message():
    assert render.split_message("<b>Hi</b> &amp; bye") == ["<b>Hi</b> &amp; bye"]


def test_long_text_splits_at_lines_within_the_limit():
    lines = [f"• <b>Session {i}</b> · Hall &amp; Lab · {'x' * 80}" for i in range(200)]
    chunks = render.split_message("\n".join(lines))
    assert len(chunks) > 1
    for chunk in chunks:
        assert utf16_len(shown(chunk)) <= 4096
    assert "\n".join(chunks).split("\n") == lines


def test_emoji_count_twice():
    line = "😀" * 1500  # 3,000 UTF-16 units per line
    chunks = render.split_message("\n".join([line] * 3))
    assert len(chunks) == 3
    assert all(utf16_len(shown(c)) <= 4096 for c in chunks)


def test_an_over_long_line_is_cut_as_plain_text():
    line = "<b>" + "word &amp; " * 1000 + "</b>"
    chunks = render.split_message(line)
    assert len(chunks) >= 2
    assert "".join(shown(c) for c in chunks).replace("  ", " ").startswith("word & word")
    assert all(utf16_len(shown(c)) <= 4096 for c in chunks)


def test_blank_chunks_are_dropped():
    assert render.split_message("\n\n\n") == []
    chunks = render.split_message("a" * 4000 + "\n\n\n" + "b" * 10, limit=4001)
    assert chunks == ["a" * 4000, "b" * 10]


def test_quote_is_one_escaped_shortened_line():
    quoted = render.quote("<b>hi</b> &\n\n there " + "z" * 1000, limit=50)
    assert "\n" not in quoted and quoted.endswith("…")
    assert shown(quoted).startswith("<b>hi</b> & there")
    assert utf16_len(shown(quoted)) <= 50


def test_button_labels_and_callback_data():
    assert render.button_label("  \n ") == "…"
    label = render.button_label("A very long FAQ question that goes on and on and on forever")
    assert len(label) <= render.MAX_BUTTON_LABEL and label.endswith("…")
    assert render.callback_data("pick", 123456789, "0123456789") == "pick:123456789:0123456789"
    with pytest.raises(ValueError):
        render.callback_data("x" * 65)
    with pytest.raises(ValueError):
        render.callback_data("é" * 33)


def test_key_tokens_find_every_entry_again(sample_content: Content):
    keys = [f"faq:{e.id}" for e in sample_content.faq]
    keys += [f"session:{s.id}" for s in sample_content.sessions]
    keys += [f"speaker:{s.id}" for s in sample_content.speakers]
    tokens = {key_token(k) for k in keys}
    assert len(tokens) == len(keys)
    assert all(re.fullmatch(r"[0-9a-f]{10}", t) for t in tokens)
    assert all(key_for_token(sample_content, key_token(k)) == k for k in keys)
    assert key_for_token(sample_content, "0000000000") is None


# --- the catalogue ------------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(messages.CATALOGUES))
@pytest.mark.parametrize("key", sorted(messages.EN))
def test_every_entry_renders_valid_telegram_text(key: str, language: str):
    values = {name: "<x> & y" for name in messages.placeholders(key)}
    if messages.is_plain(key):
        text = messages.plain(key, language, **values)
        assert "<" not in messages.template(key, language) and text.strip()
    else:
        text = messages.html_text(key, language, **values)
        if text.strip():
            shown(text)  # parses: every substituted value was escaped


def test_values_are_escaped_unless_safe():
    assert messages.html_text("venue", "en", name="A & <B>") == "📍 <b>A &amp; &lt;B&gt;</b>"
    safe = messages.html_text("venue_map", "en", link=messages.Safe('<a href="x">m</a>'))
    assert safe == '🗺 <a href="x">m</a>'
    with pytest.raises(ValueError):
        messages.plain("welcome")
    with pytest.raises(ValueError):
        messages.html_text("btn.agenda")


def test_language_codes():
    assert messages.language_for("ur-PK") == "ur" and messages.language_for("ur") == "ur"
    assert messages.language_for(None) == "en" and messages.language_for("de") == "en"


def test_every_key_has_english_and_urdu_with_the_same_placeholders():
    assert set(messages.UR) == set(messages.EN)
    for key in messages.EN:
        assert messages.placeholders(key, "ur") == messages.placeholders(key, "en"), key


def _urdu_lines() -> list[tuple[str, str]]:
    return [
        (key, line)
        for key, text in messages.UR.items()
        for line in text.split("\n")
        if any("\u0600" <= char <= "\u06ff" for char in line)
    ]


def test_no_urdu_line_ends_with_ascii_punctuation():
    """Urdu sentences end with ۔ ؟ ، (an ASCII '.' or ':' shows up on the wrong side).

    Placeholders count as the (text) value put there, so "مقررین: {names}" is fine.
    """
    for key, line in _urdu_lines():
        bare = re.sub(r"\{[^{}]*\}", "نام", re.sub(r"<[^>]*>", "", line)).rstrip()
        if bare:
            assert bare[-1] not in string.punctuation, (key, line)


def test_urdu_lines_read_right_to_left():
    """Each line starts with Urdu, or with a RIGHT-TO-LEFT MARK before Latin text."""
    for key, line in _urdu_lines():
        if messages.is_plain(key):
            continue
        assert line.startswith(messages.RLM) or (messages.first_strong_direction(line) == "rtl"), (
            key,
            line,
        )
    # "/" stays attached to its command in an RTL line; tags are left alone.
    assert f"{messages.LRM}/start" in messages.UR["stopped"]
    assert "</b>" in messages.UR["welcome"] and f"{messages.LRM}</" not in messages.UR["welcome"]


def test_missing_translations_fall_back_to_english():
    assert messages.template("welcome", "xx") == messages.EN["welcome"]


# --- a 👎 passed on -------------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(messages.CATALOGUES))
def test_the_ask_the_organisers_row_follows_a_thumbs_down_only(language: str):
    def rows(chosen: int | None, offer: bool) -> list[list[str]]:
        markup = render.vote_keyboard(7, language, chosen, offer=offer)
        return [[str(b.callback_data) for b in row] for row in markup.inline_keyboard]

    votes = ["vote:7:1", "vote:7:-1"]
    assert rows(-1, True) == [votes, ["askorg:7"]]
    assert rows(1, True) == rows(None, True) == rows(-1, False) == [votes]
    button = render.vote_keyboard(7, language, -1, offer=True).inline_keyboard[1][0]
    assert button.text == messages.plain("btn.ask_organisers", language)


def test_the_downvoted_post_escapes_the_label_and_the_question(sample_content: Content):
    label = render.rejected_label(sample_content, "faq:gone", "Fees <& dates>")
    assert label == "Fees <& dates>"
    assert render.rejected_label(sample_content, "faq:gone", None) == "faq:gone"
    wifi = render.rejected_label(sample_content, "faq:wifi", "old label")
    assert wifi == sample_content.faq_entry("wifi").question  # type: ignore[union-attr]
    post = render.organiser_downvoted(12, "A <b>", 5, "when is <the> keynote & co", label, "en")
    text = shown(post.text)
    assert text.startswith("👎 Answer that did not help #12 from A <b> (id 5)")
    assert "answered with Fees <& dates>;" in text and "when is <the> keynote & co" in text
    assert "Fees &lt;&amp; dates&gt;" in post.text
    batch = render.organiser_batch(
        "A", 5, [(1, "q1", False, "E <1>"), (2, "q2", True, None)], 10, "en"
    )
    assert "#1 👎 did not help: the bot answered with E <1>" in shown(batch.text)
    assert "#2 🙋 asked for a person" in shown(batch.text)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_unanswered_marks_a_group_passed_on_after_a_thumbs_down(
    sample_content: Content, language: str
) -> None:
    group = QuestionGroup(
        "password wifi",
        7,
        "wifi <password>?",
        2,
        (7, 6),
        (1, 2),
        datetime(2027, 2, 16, 6, 0, tzinfo=UTC),
        (RejectedAnswer("faq:wifi", None), RejectedAnswer("faq:gone", "Fees <& dates>")),
    )
    plain_group = replace(group, representative_id=8, rejected=())
    tz = sample_content.conference.timezone
    page = render.unanswered_page([group, plain_group], 0, 2, tz, language, sample_content)
    text = shown("".join(page.text))
    wifi = sample_content.faq_entry("wifi").question  # type: ignore[union-attr]
    mark = messages.template("unanswered_rejected", language).split("<b>")[0]
    assert text.count(mark) == 1  # only the group passed on after a 👎
    assert f"{wifi}; Fees <& dates>" in text and "wifi <password>?" in text
    assert "Fees &lt;&amp; dates&gt;" in "".join(page.text)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_handoff_reply_says_how_to_reach_the_organisers_meanwhile(
    sample_content: Content, language: str
):
    entry = sample_content.handoff_entry
    assert entry is not None and entry.id == "helpdesk-contact"
    text = render.chatter_reply(
        "chatter.handoff", language, "NCSC", menu=False, meanwhile=entry
    ).text
    assert text.startswith(messages.html_text("chatter.handoff", language))
    assert messages.html_text("chatter.handoff_meanwhile", language) in text
    assert "+92 51 290 2027" in shown(text)


def test_without_a_handoff_entry_the_reply_is_the_promise_alone(sample_content: Content):
    faq = tuple(replace(e, handoff=False) for e in sample_content.faq)
    content = replace(sample_content, faq=faq, _by_id={})
    assert content.handoff_entry is None
    reply = render.chatter_reply(
        "chatter.handoff", "en", "NCSC", menu=False, meanwhile=content.handoff_entry
    )
    assert reply.text == messages.html_text("chatter.handoff")
