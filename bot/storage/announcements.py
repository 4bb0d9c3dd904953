"""Announcements and their deliveries: drafts, schedules, the audience fixed at confirm,
and one row per recipient that the broadcast engine walks until none is pending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.storage.change_notices import AUDIENCE_CHANGES, settle_notice
from bot.storage.connection import Database, _ts, from_row
from bot.storage.feedback import AUDIENCE_FEEDBACK

BroadcastStatus = Literal["draft", "scheduled", "sending", "done", "cancelled"]
DeliveryStatus = Literal["pending", "sent", "blocked", "failed"]
FinalDeliveryStatus = Literal["sent", "blocked", "failed"]


@dataclass(frozen=True, slots=True)
class Broadcast:
    """An organiser's announcement: its text, audience and where it is in its life.

    `audience` is 'all' (every subscribed attendee), 'session:ID' (those who starred
    it) or 'changes' (a change notice: bot.storage.change_notices). `late` marks a
    scheduled announcement that went out after its time because the bot was down then.
    """

    id: int
    created_by: int
    created_at: datetime
    text: str
    parse_mode: str | None
    audience: str
    status: BroadcastStatus
    scheduled_for: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None
    late: bool


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """Where a broadcast's recipients stand; `total` is the audience fixed at confirm."""

    pending: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sent + self.blocked + self.failed

    @property
    def done(self) -> int:
        return self.sent + self.blocked + self.failed


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    """One recipient still to be sent to, with the attempts already spent on them.

    `text` is this recipient's own text (change notices, feedback prompts), None for the
    broadcast's; `markup` their own buttons (feedback prompts: the Bot API's reply_markup
    as JSON), None for none.
    """

    user_id: int
    attempts: int
    text: str | None = None
    markup: str | None = None


AUDIENCE_ALL = "all"
AUDIENCE_SESSION_PREFIX = "session:"


def _audience_query(audience: str) -> tuple[str, tuple[object, ...]]:
    """SELECT user_id ... for an audience; raises ValueError for an unknown audience.

    Only subscribed attendees not known to have blocked the bot are reached, for a
    session's audience too: /stop means no announcements at all.
    """
    if audience == AUDIENCE_ALL:
        return ("SELECT user_id FROM users WHERE subscribed = 1 AND blocked_at IS NULL", ())
    if audience.startswith(AUDIENCE_SESSION_PREFIX) and len(audience) > len(
        AUDIENCE_SESSION_PREFIX
    ):
        session_id = audience[len(AUDIENCE_SESSION_PREFIX) :]
        return (
            "SELECT u.user_id FROM users AS u JOIN stars AS s ON s.user_id = u.user_id "
            "WHERE s.session_id = ? AND u.subscribed = 1 AND u.blocked_at IS NULL",
            (session_id,),
        )
    raise ValueError(f"unknown audience {audience!r}: 'all' or 'session:ID'")


class Announcements(Database):
    """The `broadcasts` and `deliveries` tables."""

    async def count_audience(self, audience: str) -> int:
        """How many attendees an audience reaches right now (the preview's number)."""
        query, params = _audience_query(audience)
        return await self._count(f"SELECT COUNT(*) FROM ({query})", params)

    async def create_broadcast(
        self,
        *,
        created_by: int,
        text: str,
        parse_mode: str | None,
        audience: str,
        now: datetime,
        scheduled_for: datetime | None = None,
        progress_chat_id: int | None = None,
        progress_message_id: int | None = None,
    ) -> int:
        """Store a draft (nothing is sent until it is confirmed); return its id."""
        _audience_query(audience)  # validate
        async with self._write() as db:
            return await self._insert(
                db,
                """
                INSERT INTO broadcasts (created_by, created_at, text, parse_mode, audience,
                                        status, scheduled_for, progress_chat_id,
                                        progress_message_id)
                VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?)
                """,
                (
                    created_by,
                    _ts(now),
                    text,
                    parse_mode,
                    audience,
                    None if scheduled_for is None else _ts(scheduled_for),
                    progress_chat_id,
                    progress_message_id,
                ),
            )

    async def set_broadcast_progress_message(
        self, broadcast_id: int, chat_id: int, message_id: int
    ) -> bool:
        """Remember the organiser's message that shows this broadcast's progress."""
        return await self._changed(
            "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
            (chat_id, message_id, broadcast_id),
        )

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = await self._select_one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return None if row is None else from_row(Broadcast, row)

    async def broadcasts_with_status(self, *statuses: BroadcastStatus) -> list[Broadcast]:
        """Broadcasts in any of these states, oldest first (the sender's work order)."""
        marks = ", ".join("?" for _ in statuses)
        rows = await self._select(
            f"SELECT * FROM broadcasts WHERE status IN ({marks}) ORDER BY id",
            statuses,
        )
        return [from_row(Broadcast, row) for row in rows]

    async def recent_broadcasts(self, limit: int = 10) -> list[Broadcast]:
        """Scheduled ones (soonest first), then the most recent others, newest first.

        Feedback prompt rounds (bot.storage.feedback) are the bot's own, not organisers'
        announcements, and are left out.
        """
        async with self._lock:
            scheduled = await self._all(
                self._db,
                "SELECT * FROM broadcasts WHERE status = 'scheduled' ORDER BY scheduled_for, id",
            )
            others = await self._all(
                self._db,
                "SELECT * FROM broadcasts WHERE status IN ('sending', 'done', 'cancelled') "
                "AND audience != ? ORDER BY id DESC LIMIT ?",
                (AUDIENCE_FEEDBACK, limit),
            )
        return [from_row(Broadcast, row) for row in (*scheduled, *others)]

    async def schedule_broadcast(self, broadcast_id: int) -> bool:
        """A confirmed draft with a time: wait for it (True on the draft -> scheduled move)."""
        return await self._changed(
            "UPDATE broadcasts SET status = 'scheduled' "
            "WHERE id = ? AND status = 'draft' AND scheduled_for IS NOT NULL",
            (broadcast_id,),
        )

    async def start_broadcast(
        self,
        broadcast_id: int,
        now: datetime,
        *,
        from_status: tuple[BroadcastStatus, ...] = ("draft",),
        late: bool = False,
    ) -> int | None:
        """Move to 'sending' and write one pending delivery per recipient, all at once.

        One transaction: either the broadcast is sending with its whole audience fixed in
        `deliveries`, or nothing changed. So a crash right after confirming still sends to
        everyone, and a second press of the button (or a second process) finds the status
        moved on and returns None instead of writing the audience twice.
        """
        marks = ", ".join("?" for _ in from_status)
        async with self._write() as db:
            row = await self._one(
                db,
                f"SELECT audience FROM broadcasts WHERE id = ? AND status IN ({marks})",
                (broadcast_id, *from_status),
            )
            if row is None:
                return None
            stamp = _ts(now)
            await db.execute(
                "UPDATE broadcasts SET status = 'sending', started_at = ?, late = ? WHERE id = ?",
                (stamp, int(late), broadcast_id),
            )
            if row["audience"] == AUDIENCE_CHANGES:
                # Its deliveries, one text each, were written with the draft.
                await settle_notice(db, broadcast_id, sending=True)
                return await self._scalar(
                    db,
                    "SELECT COUNT(*) FROM deliveries WHERE broadcast_id = ? AND status = 'pending'",
                    (broadcast_id,),
                )
            query, params = _audience_query(row["audience"])
            count = await self._rowcount(
                db,
                f"""
                INSERT INTO deliveries (broadcast_id, user_id, status, attempts, updated_at)
                SELECT ?, user_id, 'pending', 0, ? FROM ({query}) WHERE true
                ON CONFLICT (broadcast_id, user_id) DO NOTHING
                """,
                (broadcast_id, stamp, *params),
            )
        return count

    async def cancel_broadcast(self, broadcast_id: int, now: datetime) -> BroadcastStatus | None:
        """Stop a draft, scheduled or sending broadcast; return the status it had, or None.

        Pending deliveries stay as they are (the record of who was not reached); the sender
        only works on broadcasts that are 'sending'.
        """
        async with self._write() as db:
            row = await self._one(
                db,
                "SELECT status FROM broadcasts WHERE id = ? "
                "AND status IN ('draft', 'scheduled', 'sending')",
                (broadcast_id,),
            )
            if row is None:
                return None
            await db.execute(
                "UPDATE broadcasts SET status = 'cancelled', finished_at = ? WHERE id = ?",
                (_ts(now), broadcast_id),
            )
            if row["status"] == "draft":
                # An organiser chose not to send a change notice: attendees stay as they
                # are, and the next notice compares against the programme it covered.
                await settle_notice(db, broadcast_id, sending=False)
        previous: BroadcastStatus = row["status"]  # the CHECK constraint keeps it one of these
        return previous

    async def finish_broadcast(self, broadcast_id: int, now: datetime) -> bool:
        """'sending' -> 'done' once no delivery is pending; False otherwise."""
        return await self._changed(
            """
            UPDATE broadcasts SET status = 'done', finished_at = ?
            WHERE id = ? AND status = 'sending'
              AND NOT EXISTS (SELECT 1 FROM deliveries
                              WHERE broadcast_id = ? AND status = 'pending')
            """,
            (_ts(now), broadcast_id, broadcast_id),
        )

    async def pending_deliveries(
        self, broadcast_id: int, *, after_user: int | None = None, limit: int = 200
    ) -> list[PendingDelivery]:
        """The next pending recipients in user-id order, after `after_user`."""
        rows = await self._select(
            "SELECT user_id, attempts, text, markup FROM deliveries "
            "WHERE broadcast_id = ? AND status = 'pending' AND user_id > ? "
            "ORDER BY user_id LIMIT ?",
            (broadcast_id, -(2**63) if after_user is None else after_user, limit),
        )
        return [
            PendingDelivery(row["user_id"], row["attempts"], row["text"], row["markup"])
            for row in rows
        ]

    async def finish_delivery(
        self,
        broadcast_id: int,
        user_id: int,
        status: FinalDeliveryStatus,
        now: datetime,
        *,
        message_id: int | None = None,
        error: str | None = None,
        count_attempt: bool = True,
    ) -> bool:
        """Close a pending delivery as sent, blocked or failed; False if it was not pending.

        'blocked' also unsubscribes the attendee (and stamps blocked_at) in the same
        transaction, so later announcements skip them even if the process dies right here.
        """
        stamp = _ts(now)
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                """
                UPDATE deliveries
                SET status = ?, attempts = attempts + ?, telegram_message_id = ?,
                    last_error = ?, updated_at = ?
                WHERE broadcast_id = ? AND user_id = ? AND status = 'pending'
                """,
                (status, int(count_attempt), message_id, error, stamp, broadcast_id, user_id),
            )
            if changed and status == "blocked":
                await db.execute(
                    "UPDATE users SET subscribed = 0, blocked_at = ?, updated_at = ? "
                    "WHERE user_id = ?",
                    (stamp, stamp, user_id),
                )
        return changed > 0

    async def retry_delivery(
        self,
        broadcast_id: int,
        user_id: int,
        error: str,
        now: datetime,
        *,
        count_attempt: bool = True,
    ) -> int | None:
        """A try failed but may succeed later: note it; return the attempts so far.

        None if the delivery is no longer pending (e.g. the attendee was forgotten).
        """
        async with self._write() as db:
            row = await self._one(
                db,
                """
                UPDATE deliveries SET attempts = attempts + ?, last_error = ?, updated_at = ?
                WHERE broadcast_id = ? AND user_id = ? AND status = 'pending'
                RETURNING attempts
                """,
                (int(count_attempt), error, _ts(now), broadcast_id, user_id),
            )
        return None if row is None else int(row[0])

    async def delivery_counts(self, broadcast_id: int) -> DeliveryCounts:
        rows = await self._select(
            "SELECT status, COUNT(*) FROM deliveries WHERE broadcast_id = ? GROUP BY status",
            (broadcast_id,),
        )
        return DeliveryCounts(**{row[0]: int(row[1]) for row in rows})
