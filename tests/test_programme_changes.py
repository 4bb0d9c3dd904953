"""Comparing programmes by session id, and the texts built from the comparison."""

from __future__ import annotations

from dataclasses import replace

from bot.change_notices import PREVIEW_ITEMS, attendee_notice, preview_text, summary
from bot.programme_changes import (
    SessionFacts,
    compare,
    dump_snapshot,
    load_snapshot,
    snapshot,
)
from bot.render import visible

TALK = SessionFacts(
    title="Threat hunting <live>",
    day="2027-02-16",
    start="2027-02-16T10:00:00+05:00",
    end="2027-02-16T10:45:00+05:00",
    room="Hall A",
    speakers=("Ayesha Siddiqui",),
)


def test_each_kind_of_change_by_session_id() -> None:
    old = {
        "talk": TALK,
        "gone": replace(TALK, title="Gone"),
        "same": replace(TALK, title="Same"),
        "renamed": replace(TALK, title="Old title"),
        "both": replace(TALK, title="Both"),
    }
    new = {
        "talk": replace(TALK, room="Hall B"),
        "same": replace(TALK, title="Same"),
        "renamed": replace(TALK, title="New title"),  # a new title alone is no change
        "both": replace(TALK, title="Both", start="2027-02-16T11:00:00+05:00", speakers=()),
        "new": replace(TALK, title="New", start="2027-02-16T16:00:00+05:00"),
    }
    changes = compare(old, new)
    kinds = {c.session_id: c.kinds for c in changes.items}
    assert kinds == {
        "talk": ("moved",),
        "gone": ("cancelled",),
        "both": ("moved", "speakers"),
        "new": ("added",),
    }
    assert changes.cancelled_ids == ["gone"]
    assert sorted(changes.affecting_stars) == ["both", "gone", "talk"]
    assert [c.session_id for c in changes.items][-1] == "new"  # programme order


def test_the_same_moment_written_with_another_offset_is_not_a_move() -> None:
    utc = replace(TALK, start="2027-02-16T05:00:00+00:00", end="2027-02-16T05:45:00+00:00")
    assert not compare({"talk": TALK}, {"talk": utc})


def test_snapshot_round_trip(sample_content) -> None:
    taken = snapshot(sample_content)
    assert load_snapshot(dump_snapshot(taken)) == taken
    assert not compare(taken, load_snapshot(dump_snapshot(taken)))


def test_texts_escape_titles_and_speak_both_languages() -> None:
    changes = compare({"talk": TALK, "gone": TALK}, {"talk": replace(TALK, room="Hall B")})
    en = attendee_notice(changes, ["talk", "gone"], "en")
    assert "Threat hunting &lt;live&gt;" in en
    assert "now: Tue 16 Feb 10:00–10:45 · Hall B" in visible(en)
    assert "is cancelled" in en
    ur = attendee_notice(changes, ["talk"], "ur")
    assert "پروگرام میں تبدیلی" in ur and "cancelled" not in ur
    assert visible(summary(changes)) == "Programme change notice: 1 moved, 1 cancelled"
    none = preview_text(changes, None, 0, "sync", "en")
    assert "nobody to notify" in none and "from the schedule sync" in none


def test_a_long_preview_lists_the_first_changes_and_counts_the_rest() -> None:
    old = {f"s{i:03}": replace(TALK, title=f"Talk {i}") for i in range(PREVIEW_ITEMS + 7)}
    changes = compare(old, {})
    text = visible(preview_text(changes, 4, 120, "reload", "en"))
    assert text.count("Cancelled:") == PREVIEW_ITEMS
    assert "… and 7 more" in text and "(#4)" in text and "120 attendee(s)" in text
