"""Persistence: attendees, questions and votes, stars and reminders, announcements and
deliveries, settings, and maintenance. The only package that speaks SQL.

The rest of the bot deals in frozen dataclasses and never imports `telegram` from here: the
storage layer must be testable, and usable from admin scripts, without the bot framework.

Layout, and why:
- `connection.Database` owns the one aiosqlite connection, its lock, the transactions and
  the migration run; `schema` holds the one migration sequence for every table.
- Each aggregate module holds its dataclasses and a `Database` subclass with that
  aggregate's SQL: `attendees`, `questions` (and votes), `chatter` (what is not a
  question, and complaints), `schedule` (stars and reminders),
  `announcements` (and deliveries), `feedback` (prompts after a session, ratings and
  comments), `change_notices` (per-attendee notices of programme
  changes, and the programme baseline), `settings`, `stats` (the /stats snapshot, read across
  aggregates), `maintenance` (backup, purge, next year's FAQ) and `desk` (the Mini
  App's grouped log and questions per hour).
- `vectors` stands apart: the optional meaning layer's entry vectors, a cache in a file
  of its own, read and written synchronously from the thread that builds the index. It
  is not part of `Store` and never imported by it (it needs the `.[semantic]` extra).
- `Store` below combines them by inheritance (cooperative mixins over one `Database`)
  rather than as a facade of separate objects. Callers keep one object with the same
  method names as before the split (`store.record_questions(...)`, `store.toggle_star(...)`),
  so no caller had to change, and every aggregate shares one connection, one lock and one
  transaction discipline without handing them around. A facade (`store.questions.record`)
  would have read a little better but would have changed every call site at the same time
  as the handlers were being rewritten. The aggregates never call each other's methods;
  they only share `Database`'s plumbing, so each module can be read on its own.
"""

from __future__ import annotations

from bot.matching.decision import Decision
from bot.storage.announcements import (
    AUDIENCE_ALL,
    AUDIENCE_SESSION_PREFIX,
    Announcements,
    Broadcast,
    BroadcastStatus,
    DeliveryCounts,
    DeliveryStatus,
    FinalDeliveryStatus,
    PendingDelivery,
)
from bot.storage.attendees import Attendees
from bot.storage.change_notices import AUDIENCE_CHANGES, ChangeNotices
from bot.storage.chatter import Chatter, ChatterStats, Feedback, NewChatter
from bot.storage.connection import BUSY_TIMEOUT_MS
from bot.storage.desk import Desk, DeskGroup, DeskStatus
from bot.storage.feedback import (
    AUDIENCE_FEEDBACK,
    Asked,
    FeedbackPrompts,
    QueuedPrompt,
    RateOutcome,
    Rating,
)
from bot.storage.learning import LearnedRow, LearnedSource, LearnedStatus, Learning, NewLearned
from bot.storage.live_qa import (
    LivePanel,
    LiveQa,
    LiveQuestion,
    LiveSnapshot,
    LiveStatus,
    VoteOutcome,
    VotePress,
)
from bot.storage.maintenance import Maintenance
from bot.storage.questions import (
    ExportStatus,
    NewQuestion,
    Question,
    QuestionGroup,
    Questions,
    QuestionStatus,
    RejectedAnswer,
    Rejection,
    handoff_key,
)
from bot.storage.schedule import ReminderCandidate, Schedules
from bot.storage.schema import MIGRATIONS
from bot.storage.settings import Settings
from bot.storage.stats import TOP_TARGETS, Statistics, Stats, TargetCount, VoteTally

__all__ = [
    "AUDIENCE_ALL",
    "AUDIENCE_CHANGES",
    "AUDIENCE_FEEDBACK",
    "AUDIENCE_SESSION_PREFIX",
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "TOP_TARGETS",
    "Asked",
    "Broadcast",
    "BroadcastStatus",
    "ChatterStats",
    "Decision",
    "DeliveryCounts",
    "DeliveryStatus",
    "DeskGroup",
    "DeskStatus",
    "ExportStatus",
    "Feedback",
    "FinalDeliveryStatus",
    "LearnedRow",
    "LearnedSource",
    "LearnedStatus",
    "LivePanel",
    "LiveQuestion",
    "LiveSnapshot",
    "LiveStatus",
    "NewChatter",
    "NewLearned",
    "NewQuestion",
    "PendingDelivery",
    "Question",
    "QuestionGroup",
    "QuestionStatus",
    "QueuedPrompt",
    "RateOutcome",
    "Rating",
    "RejectedAnswer",
    "Rejection",
    "ReminderCandidate",
    "Stats",
    "Store",
    "TargetCount",
    "VoteOutcome",
    "VotePress",
    "VoteTally",
    "handoff_key",
]


class Store(
    Attendees,
    Questions,
    Chatter,
    Schedules,
    Announcements,
    ChangeNotices,
    Settings,
    Statistics,
    Maintenance,
    Desk,
    Learning,
    LiveQa,
    FeedbackPrompts,
):
    """The bot's database. Open with `await Store.open(path)`; close it (or `async with`)."""
