"""What the bot does with chatter, and the rules for repeats and bursts of handoffs.

Why a module of its own: the decisions here (a greeting gets the menu, "ok" gets silence,
"thanks" right after an answer is that answer's 👍, a repeat is not posted twice) are the
product's manners, and they must read the same whatever the Telegram layer looks like. The
handlers only carry them out. Nothing here imports `telegram`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from bot.answering.decide import Answered
from bot.matching.chatter import ChatterKind, Reading
from bot.storage.questions import Rejection

# The same unanswered question again within this time gets "still waiting", not a new post.
REPEAT_WINDOW = timedelta(minutes=30)
# "thanks" counts as a 👍 for the answer the attendee got at most this long before.
THANKS_VOTE_WINDOW = timedelta(minutes=10)
# An attendee's handoffs to the organisers: from the BATCH_FROM-th within HANDOFF_WINDOW
# on, they are gathered into one post instead of one post each.
HANDOFF_WINDOW = timedelta(minutes=10)
BATCH_FROM = 3


@dataclass(frozen=True, slots=True)
class ChatterAction:
    """The bot's answer to one chatter message.

    `reply` is a catalogue key (None: stay silent), `menu` adds the /start menu buttons,
    `help` sends the help text instead, `handoff` posts to the organisers, `feedback` marks
    the message for the organisers' /stats, and `upvote` makes it the last answer's 👍.
    """

    kind: ChatterKind
    reply: str | None
    menu: bool = False
    help: bool = False
    handoff: bool = False
    feedback: bool = False
    upvote: bool = False


def action_for(reading: Reading) -> ChatterAction:
    """What a pure-chatter message gets (see `Reading.is_chatter`)."""
    kind = reading.kind
    assert kind is not None, "a question is answered, not treated as chatter"
    if kind == "greeting":
        return ChatterAction(kind, "chatter.salam" if reading.salam else "chatter.greeting", True)
    if kind == "thanks":
        return ChatterAction(kind, "chatter.thanks", upvote=True)
    if kind == "acknowledgement":
        return ChatterAction(kind, None)
    if kind == "goodbye":
        return ChatterAction(kind, "chatter.goodbye", upvote="thanks" in reading.kinds)
    if kind == "help":
        return ChatterAction(kind, None, help=True)
    if kind == "anyone_there":
        return ChatterAction(kind, "chatter.anyone_there", True)
    if kind == "ask_for_person":
        return ChatterAction(kind, "chatter.handoff", handoff=True)
    if kind == "rudeness":
        return ChatterAction(kind, "chatter.rudeness", feedback=True)
    return ChatterAction(kind, "chatter.nonsense")


# What "🙋 Ask the organisers" under an answer does (see `ask_organisers_outcome`).
AskOutcome = Literal["pass_on", "with_organisers", "helpful", "expired"]
# The attendee's toast for each outcome but "pass_on" (catalogue keys).
ASK_TOASTS: dict[AskOutcome, str] = {
    "with_organisers": "cb.already_with_organisers",
    "helpful": "cb.marked_helpful",
    "expired": "cb.expired",
}


def ask_organisers_outcome(
    status: str, vote: int | None, answered_key: str | None, open_repeat: bool
) -> AskOutcome:
    """What the asker's press of "🙋 Ask the organisers" under an answer does.

    The button follows a 👎 and is pressed by the asker (checked before this). It passes
    the question on only while the answer is still the bot's (`answered_by_bot`) and the
    vote is still 👎: a 👍 since means the answer helped after all. A question already
    with the organisers (passed on, "None of these", answered or dismissed), or the same
    question still open from the last `REPEAT_WINDOW`, is not posted again: the same
    repeat rule as a question typed twice.
    """
    if status in ("open", "answered", "dismissed"):
        return "with_organisers"
    if status != "answered_by_bot" or answered_key is None:
        return "expired"
    if vote != -1:
        return "helpful"
    return "with_organisers" if open_repeat else "pass_on"


def withhold_rejected(answered: Answered, rejections: Collection[Rejection]) -> Answered | None:
    """What an attendee with answers passed on after a 👎 gets for a new question.

    `rejections` are the attendee's own, still open and passed on within `REPEAT_WINDOW`
    (`Store.open_rejections`). None means "still waiting": the question would be answered
    with the entry they rejected, so it is the same question again in the same or other
    words, already with the organisers, and it gets the reply a question typed twice while
    open gets, with nothing posted again. Once the organisers answer or dismiss it, or
    the window is over, the rejection is no longer open and the bot answers normally.

    An agenda list (the sessions for a time, a room or a topic) is named by its first
    session only, which "what's on now" and "day 1" may share; a list is withheld only for
    the same words (grouping key) as the rejected question, not for any list starting
    with the same session.

    "Did you mean" buttons drop the rejected entry (first choice or not): offering the
    answer the attendee just said did not help, while the organisers have their question,
    would be the bot ignoring them. The other choices stay, as does "None of these"; if
    none is left, it is "still waiting" too. Anything else (another entry's answer, a
    question the bot cannot answer) goes on as usual: the rule is about the rejected answer,
    not about the attendee.
    """
    if not rejections:
        return answered
    reply = answered.reply
    rejected = {rejection.key for rejection in rejections}
    if answered.decision == "answer" and reply.best is not None:
        key = reply.best.target.key
        if reply.agenda_view is None:
            same = key in rejected
        else:
            same = any(r.key == key and r.normalized == answered.grouping_key for r in rejections)
        return None if same else answered
    if answered.decision == "suggest":
        kept = tuple(c for c in reply.suggestions if c.target.key not in rejected)
        if len(kept) == len(reply.suggestions):
            return answered
        if not kept:
            return None
        return replace(answered, reply=replace(reply, suggestions=kept))
    return answered


# Reads an attendee's open rejections since a moment (`Store.open_rejections`).
RejectionLookup = Callable[[int, datetime], Awaitable[list[Rejection]]]


class PassedOn:
    """Who has an answer passed on after a 👎 still open: kept in memory, confirmed in the DB.

    Why not just ask the database: the check runs for every question the bot answers or
    suggests on, and through aiosqlite even an indexed lookup that finds nothing costs about
    a tenth of what deciding and storing the question costs, while a dict lookup is free
    (bench/retype.py prints both). Why not only memory: a rejection stops counting when the
    organisers answer or dismiss it (in the chat, /unanswered or the desk), when /forget or
    a purge removes it; following every one of those paths here would be a second record
    to keep right. So memory is a filter that may say "maybe" too often but never misses:
    a rejection is added when the attendee passes it on (`note`), the whole record is
    rebuilt from the database at start (`load`, so a restart forgets nothing) and entries
    leave once their `REPEAT_WINDOW` is over. Only when it says "maybe" for the answer at
    hand is the database asked, and what it no longer holds is dropped here too.
    """

    def __init__(self, window: timedelta = REPEAT_WINDOW) -> None:
        self.window = window
        self._open: dict[int, list[Rejection]] = {}

    def load(self, rejections: Iterable[Rejection]) -> None:
        """Rebuild from the database's open rejections (at start)."""
        self._open.clear()
        for rejection in rejections:
            self._open.setdefault(rejection.user_id, []).append(rejection)

    def note(self, rejection: Rejection) -> None:
        """The attendee just passed an answer on (after the database took it)."""
        self.prune(rejection.at)
        self._open.setdefault(rejection.user_id, []).append(rejection)

    def recent(self, user_id: int, now: datetime) -> list[Rejection]:
        """The attendee's rejections this record still holds within the window."""
        held = self._open.get(user_id)
        if not held:
            return []
        since = now - self.window
        kept = [rejection for rejection in held if rejection.at >= since]
        if len(kept) != len(held):
            self._set(user_id, kept)
        return kept

    def prune(self, now: datetime) -> None:
        """Drop what is past the window (keeps memory flat all event)."""
        for user_id in list(self._open):
            self.recent(user_id, now)

    async def withhold(
        self, answered: Answered, user_id: int, now: datetime, lookup: RejectionLookup
    ) -> Answered | None:
        """`withhold_rejected` for this attendee, asking the database only on a "maybe"."""
        maybe = self.recent(user_id, now)
        if not maybe or withhold_rejected(answered, maybe) is answered:
            return answered
        confirmed = await lookup(user_id, now - self.window)
        gone = [rejection for rejection in maybe if rejection not in confirmed]
        if gone:  # answered, dismissed or removed since: no longer a rejection to honour
            held = self._open.get(user_id, [])
            self._set(user_id, [rejection for rejection in held if rejection not in gone])
        return withhold_rejected(answered, confirmed)

    def _set(self, user_id: int, rejections: list[Rejection]) -> None:
        if rejections:
            self._open[user_id] = rejections
        else:
            self._open.pop(user_id, None)


def greeting_line(reading: Reading) -> str | None:
    """A question that came with a salam gets one back first ("Wa alaikum assalam!")."""
    return "chatter.salam_short" if reading.salam and reading.question is not None else None


class HandoffCounter:
    """Counts each attendee's handoffs to the organisers, to batch a burst of them.

    Why: an attendee typing five questions the bot can't answer in a row would otherwise
    fill the organisers' chat with five posts; from the third within ten minutes, their
    handoffs are gathered and posted together once the ten minutes are over. Times are
    plain seconds (a monotonic clock), so the counter works with any time source.
    """

    def __init__(
        self,
        window: float = HANDOFF_WINDOW.total_seconds(),
        batch_from: int = BATCH_FROM,
    ) -> None:
        self.window = window
        self.batch_from = batch_from
        self._times: dict[int, deque[float]] = {}

    def note(self, user_id: int, now: float) -> float | None:
        """Count one handoff; None to post it at once, else the time to post the batch.

        The batch time is the end of the window that made this handoff the third (or
        later): everything the attendee hands off until then joins the same post.
        """
        times = self._times.setdefault(user_id, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        times.append(now)
        if len(times) < self.batch_from:
            return None
        return times[0] + self.window

    def forget(self, user_id: int) -> None:
        self._times.pop(user_id, None)

    def prune(self, now: float) -> None:
        """Drop attendees with no handoff in the window (keeps memory flat all event)."""
        for user_id in [u for u, t in self._times.items() if not t or t[-1] <= now - self.window]:
            del self._times[user_id]


def is_recent(moment: datetime | None, now: datetime, window: timedelta) -> bool:
    return moment is not None and now - window <= moment <= now + timedelta(minutes=1)
