"""The schema: one migration sequence for the whole database, whatever aggregate owns a table.

Kept apart from the aggregates because a migration often touches several of them, and because
the order of `MIGRATIONS` is a contract with every database in the field: append only; never
edit a released entry, because databases in the field have already run it.
`tests/storage/test_schema.py` keeps a copy of the released scripts and checks that a
database they built still opens and works.
"""

from __future__ import annotations

import sqlite3

_SCHEMA_V1 = """
CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY,
    first_name    TEXT,
    username      TEXT,
    language_code TEXT,              -- what Telegram reports for the client
    lang          TEXT,              -- UI language the attendee chose; NULL = auto
    subscribed    INTEGER NOT NULL DEFAULT 1 CHECK (subscribed IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    blocked_at    TEXT               -- set when Telegram says the bot was blocked
);

CREATE TABLE questions (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id                   INTEGER NOT NULL,
    chat_id                   INTEGER NOT NULL,
    message_id                INTEGER NOT NULL,
    text                      TEXT NOT NULL,
    normalized                TEXT NOT NULL,  -- grouping key supplied by the caller
    asked_at                  TEXT NOT NULL,
    decision                  TEXT NOT NULL CHECK (decision IN ('answer', 'suggest', 'none')),
    best_kind                 TEXT,
    best_id                   TEXT,
    best_label                TEXT,
    score                     REAL,
    status                    TEXT NOT NULL CHECK (status IN
                                  ('answered_by_bot', 'suggested', 'open', 'answered',
                                   'dismissed')),
    chosen_key                TEXT,           -- suggestion the attendee pressed, 'faq:wifi'
    organiser_post_chat_id    INTEGER,
    organiser_post_message_id INTEGER,
    answer_text               TEXT,
    answered_at               TEXT,
    answered_by               INTEGER
);
CREATE INDEX questions_status_normalized ON questions (status, normalized, asked_at);
CREATE INDEX questions_user ON questions (user_id);
CREATE INDEX questions_organiser_post
    ON questions (organiser_post_chat_id, organiser_post_message_id);

CREATE TABLE votes (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    target_key  TEXT NOT NULL,
    value       INTEGER NOT NULL CHECK (value IN (-1, 1)),
    voted_at    TEXT NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE INDEX votes_user ON votes (user_id);
CREATE INDEX votes_target ON votes (target_key);

CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    created_by          INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    text                TEXT NOT NULL,
    parse_mode          TEXT,
    audience            TEXT NOT NULL DEFAULT 'all',  -- 'all' or 'session:ID'
    status              TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
                            ('draft', 'scheduled', 'sending', 'done', 'cancelled')),
    scheduled_for       TEXT,
    started_at          TEXT,
    finished_at         TEXT,
    progress_chat_id    INTEGER,
    progress_message_id INTEGER
);
CREATE INDEX broadcasts_status ON broadcasts (status, scheduled_for);

CREATE TABLE deliveries (
    broadcast_id        INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    user_id             INTEGER NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                            ('pending', 'sent', 'blocked', 'failed')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    telegram_message_id INTEGER,
    last_error          TEXT,
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, user_id)
);
CREATE INDEX deliveries_status ON deliveries (broadcast_id, status);
CREATE INDEX deliveries_user ON deliveries (user_id);

CREATE TABLE stars (
    user_id    INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    starred_at TEXT NOT NULL,
    PRIMARY KEY (user_id, session_id)
);
CREATE INDEX stars_session ON stars (session_id);

CREATE TABLE reminder_prefs (
    user_id        INTEGER PRIMARY KEY,
    minutes_before INTEGER CHECK (minutes_before IS NULL OR minutes_before >= 0)  -- NULL = off
);

CREATE TABLE reminders_sent (
    user_id    INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, session_id)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# MIGRATIONS[n] upgrades a database at user_version n to n + 1. Append only; never edit a
# released entry, because databases in the field have already run it.
# Version 2 (announcements): `late` marks a scheduled broadcast that went out after its time
# because the bot was down then; the index lets the sender walk a broadcast's pending rows in
# user order without sorting them all for every batch.
_SCHEMA_V2 = """
ALTER TABLE broadcasts ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1));
CREATE INDEX deliveries_pending ON deliveries (broadcast_id, status, user_id);
"""

# Version 3 (conversation etiquette): chatter ("hi", "shukriya", "you are useless") is kept
# apart from questions, with its kind, so /stats can count it and show complaints as
# feedback while the unanswered log holds only questions. The questions index serves
# "the attendee's last question" (thanks as a 👍, handoffs, repeats).
_SCHEMA_V3 = """
CREATE TABLE chatter (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL,
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    said_at    TEXT NOT NULL
);
CREATE INDEX chatter_kind ON chatter (kind, said_at);
CREATE INDEX chatter_user ON chatter (user_id);
CREATE INDEX questions_user_asked ON questions (user_id, asked_at);
"""

# Version 4 (change notices): a delivery may carry its own text (each attendee's notice lists
# their own changed sessions, in their language; NULL means the broadcast's text), and
# `change_notices` keeps, per notice, the programme it brings attendees up to and the
# cancelled sessions whose stars go when it is sent. `programme_baseline` in `settings`
# holds the programme attendees were last told about.
_SCHEMA_V4 = """
ALTER TABLE deliveries ADD COLUMN text TEXT;
CREATE TABLE change_notices (
    broadcast_id INTEGER PRIMARY KEY REFERENCES broadcasts (id) ON DELETE CASCADE,
    programme    TEXT NOT NULL,  -- JSON snapshot (bot.programme_changes) after the changes
    cancelled    TEXT NOT NULL   -- JSON list of cancelled session ids, unstarred on Send
);
"""

# Version 5 (learning, issue 17): phrasings and entries the bot learned while running, who
# proposed them by their picks, and which questions they answered. One row per (entry,
# wording): teaching a proposed or rejected phrasing updates that row.
_SCHEMA_V5 = """
CREATE TABLE learned (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id       TEXT NOT NULL,     -- an FAQ entry id (from the files, or a learned entry)
    text           TEXT NOT NULL,     -- the phrasing, as an attendee asked it
    normalized     TEXT NOT NULL,     -- its grouping key: near-identical wordings share it
    answer         TEXT,              -- set for a learned entry (text is its question)
    source         TEXT NOT NULL CHECK (source IN ('organiser', 'picks')),
    status         TEXT NOT NULL CHECK (status IN ('active', 'proposed', 'rejected')),
    taught_by      INTEGER,           -- the organiser who taught or approved it
    taught_by_name TEXT,
    question_id    INTEGER,           -- the question it was taught from (no foreign key:
                                      -- /forget and purge remove questions, not teaching)
    pickers        INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    decided_at     TEXT
);
CREATE UNIQUE INDEX learned_wording ON learned (entry_id, normalized);
CREATE TABLE learned_pickers (
    learned_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    PRIMARY KEY (learned_id, user_id)
);
CREATE INDEX learned_pickers_user ON learned_pickers (user_id);
CREATE TABLE learned_uses (
    question_id INTEGER PRIMARY KEY,
    learned_id  INTEGER NOT NULL
);
CREATE INDEX questions_picks ON questions (normalized, chosen_key);
"""

# Version 6 (live Q&A, issue 20): questions to a session's speaker, kept apart from the
# questions for the bot so they never reach the FAQ matcher or the unanswered log. A vote is
# a row under a primary key (question, voter): counts stay exact under concurrent presses
# because the database, not a read-modify-write, refuses the second vote.
_SCHEMA_V6 = """
CREATE TABLE live_questions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    asker_name TEXT NOT NULL,
    show_name  INTEGER NOT NULL DEFAULT 0 CHECK (show_name IN (0, 1)),
    text       TEXT NOT NULL,
    asked_at   TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'hidden')),
    pinned     INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    changed_at TEXT
);
CREATE INDEX live_questions_session ON live_questions (session_id, status);
CREATE INDEX live_questions_user ON live_questions (user_id, session_id, asked_at);

CREATE TABLE live_votes (
    question_id INTEGER NOT NULL REFERENCES live_questions (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    voted_at    TEXT NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE INDEX live_votes_user ON live_votes (user_id);

CREATE TABLE live_panels (
    session_id TEXT NOT NULL,
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    page       INTEGER NOT NULL DEFAULT 0,
    lang       TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX live_panels_session ON live_panels (session_id);
"""

# Version 7 (feedback after the session, issue 20): a delivery may carry its own buttons
# (`markup`, the Bot API's reply_markup as JSON: a feedback prompt's ⭐ buttons), so prompts
# go through the broadcast engine like any announcement. `feedback_sessions` records each
# ended session once (its audience fixed then, so a restart never asks twice);
# `feedback_owed` is who is owed a prompt for which session and when it was queued (the
# 2-hour spacing reads it); a rating is a row under a primary key (attendee, session), so
# rating twice is refused by the database.
_SCHEMA_V7 = """
ALTER TABLE deliveries ADD COLUMN markup TEXT;
CREATE TABLE feedback_sessions (
    session_id TEXT PRIMARY KEY,
    closed_at  TEXT NOT NULL,            -- when the bot saw it end and fixed who is asked
    asked      INTEGER NOT NULL DEFAULT 0  -- attendees owed a prompt (0: ended too long ago)
);
CREATE TABLE feedback_owed (
    user_id      INTEGER NOT NULL,
    session_id   TEXT NOT NULL,
    owed_at      TEXT NOT NULL,
    prompted_at  TEXT,                   -- NULL until a prompt is queued for it
    broadcast_id INTEGER,                -- the prompt round (a broadcast) it went out in
    PRIMARY KEY (user_id, session_id)
);
CREATE INDEX feedback_owed_waiting ON feedback_owed (prompted_at, user_id);
CREATE TABLE feedback_ratings (
    user_id       INTEGER NOT NULL,
    session_id    TEXT NOT NULL,
    stars         INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    rated_at      TEXT NOT NULL,
    comment       TEXT,
    commented_at  TEXT,
    comment_until TEXT,                  -- the next message until then is the comment
    PRIMARY KEY (user_id, session_id)
);
CREATE INDEX feedback_ratings_session ON feedback_ratings (session_id);
CREATE TABLE feedback_optout (
    user_id INTEGER PRIMARY KEY,
    since   TEXT NOT NULL
);
"""

# Version 8 (a 👎 passed on): the entry the bot answered with when the attendee pressed 👎
# and then "Ask the organisers". The question reopens like "None of these" does; this column
# keeps what was rejected, so the organisers' post can name it, /stats can count these and
# teaching never attaches the wording to the entry the attendee said did not help.
_SCHEMA_V8 = """
ALTER TABLE questions ADD COLUMN rejected_key TEXT;
"""

# Version 9 (the same question again after a 👎 passed on): `rejected_at` is when the
# attendee passed it on, which starts the repeat window (a question may be passed on long
# after it was asked; rows passed on before v9 take their asking time). The partial index
# holds only questions passed on after a 👎 and still open, so the lookup the bot makes for
# every question it answers ("has this attendee an open rejection?") reads an index of a
# handful of rows instead of the attendee's whole history (see bench/retype.py).
_SCHEMA_V9 = """
ALTER TABLE questions ADD COLUMN rejected_at TEXT;
UPDATE questions SET rejected_at = asked_at WHERE rejected_key IS NOT NULL;
CREATE INDEX questions_open_rejections ON questions (user_id, rejected_at)
    WHERE rejected_key IS NOT NULL AND status = 'open';
"""

MIGRATIONS: list[str] = [
    _SCHEMA_V1,
    _SCHEMA_V2,
    _SCHEMA_V3,
    _SCHEMA_V4,
    _SCHEMA_V5,
    _SCHEMA_V6,
    _SCHEMA_V7,
    _SCHEMA_V8,
    _SCHEMA_V9,
]


def split_statements(script: str) -> list[str]:
    """Split a migration script into single statements (sqlite3 runs one per execute).

    `executescript` would be simpler but commits first, which would break the
    one-transaction-per-migration guarantee. `complete_statement` keeps semicolons inside
    string literals or trigger bodies from splitting a statement.
    """
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if _has_code(pending):
                statements.append(pending.strip())
            pending = ""
    if _has_code(pending):
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:80]!r}")
    return statements


def _has_code(sql: str) -> bool:
    """False for chunks that are only whitespace, `--` comment lines and semicolons."""
    lines = (line.strip() for line in sql.splitlines())
    return any(line.strip(";").strip() for line in lines if not line.startswith("--"))
