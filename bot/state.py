"""The running bot's state: settings, the content snapshot, the store and who speaks what.

Plain Python (no Telegram): the handlers reach it through their typed context
(`bot.handlers.context.BotContext.state`), the command line and benchmarks directly.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime

from bot import messages
from bot.answering import Answerer
from bot.answering.recent import RecentAnswers
from bot.change_notices import ChangeReviewer
from bot.clock import Clock
from bot.config import Settings
from bot.content import Content, Problem
from bot.content.reloader import ContentReloader
from bot.etiquette import PassedOn
from bot.feedback import CommentWaits
from bot.learning import Learner
from bot.live_qa import EditPacer, PendingAsks
from bot.live_qa_service import LiveBatches
from bot.matching.chatter import ChatterReader
from bot.matching.learned import Learned, with_learned
from bot.organiser_poster import OrganiserPoster, Post
from bot.pacing import Pacer
from bot.question_log import QuestionLog
from bot.storage import Store
from bot.update_slots import UpdateSlots

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class BotState:
    """Everything the handlers need, kept in `application.bot_data` under STATE_KEY.

    `answerer` is replaced whole by /reload; a handler reads it once per update so one
    question is always answered from one consistent content snapshot.
    """

    settings: Settings
    answerer: Answerer
    clock: Clock
    store_: Store | None = None
    owns_store: bool = False
    username: str = ""
    bot_id: int = 0
    answers: RecentAnswers = field(default_factory=RecentAnswers)
    # Attendees with an answer passed on after a 👎 still open (rebuilt in post_init).
    passed_on: PassedOn = field(default_factory=PassedOn)
    questions_: QuestionLog | None = None
    poster: OrganiserPoster | None = None
    chatter: ChatterReader = field(default_factory=ChatterReader)
    # The one pacer for every message the bot sends (bot.pacing), made with the application.
    pacer: Pacer | None = None
    # The updates being worked on at once (bot.update_slots), made with the application.
    update_slots: UpdateSlots | None = None
    # UI language per user: chosen with /lang (wins), else from the Telegram client's
    # language_code. Kept in memory (loaded at start) so every reply picks its language
    # without a database round trip; reminders and reports use it too.
    chosen_languages: dict[int, str] = field(default_factory=dict)
    client_languages: dict[int, str] = field(default_factory=dict)
    # Loads content for /reload and SIGHUP in a child process (made on first use).
    reloader: ContentReloader[Answerer] | None = None
    # Called after every successful content swap with its source ('reload', 'sync'): the
    # application shows the organisers what changed for attendees (bot.change_notices).
    on_programme_change: Callable[[str], Awaitable[None]] | None = None
    reviewer: ChangeReviewer | None = None
    # What the bot learned during the event (opened with the store in post_init).
    learner_: Learner | None = None
    # Live Q&A: what an attendee is in the middle of asking, and the pacer of the
    # moderators' live lists (made by the handler on first use: it needs the bot).
    live_asks: PendingAsks = field(default_factory=PendingAsks)
    live_pacer: EditPacer | None = None
    live_view_pacer: EditPacer | None = None  # an attendee's own list after their votes
    live_shown: dict[tuple[int, int], int] = field(default_factory=dict)  # (chat, msg) → hash
    live_: LiveBatches | None = None
    # Feedback: who is writing the comment on their rating now (bot.feedback).
    feedback_waits: CommentWaits = field(default_factory=CommentWaits)

    @property
    def store(self) -> Store:
        if self.store_ is None:
            raise RuntimeError("the store is opened in post_init; the bot is not started")
        return self.store_

    @property
    def questions(self) -> QuestionLog:
        """Question recording with group commit, over the same store."""
        if self.questions_ is None:
            self.questions_ = QuestionLog(self.store)
        return self.questions_

    def _lend_slot(self) -> AbstractAsyncContextManager[None]:
        """While a handler waits for a batch, its update slot works on the next update."""
        if self.update_slots is None:
            return contextlib.nullcontext()
        return self.update_slots.lent()

    @property
    def live(self) -> LiveBatches:
        """Upvotes with group commit (a burst of presses shares transactions, each press
        answered once its own vote is committed) and the live lists' shared reads; the
        Mini App's votes and lists go through the same ones (bot.web.telegram_side)."""
        if self.live_ is None:
            self.live_ = LiveBatches(self.store, while_waiting=self._lend_slot)
        return self.live_

    @property
    def learner(self) -> Learner:
        if self.learner_ is None:
            raise RuntimeError("learning starts in post_init; the bot is not started")
        return self.learner_

    def start_learning(self) -> Learner:
        """The learner over this state's store; its rebuilt indexes are swapped in here."""

        def current() -> Answerer:
            return self.answerer

        def swap(answerer: Answerer) -> None:
            self.answerer = answerer  # one assignment, as a reload does

        self.learner_ = Learner(
            self.store,
            current,
            swap,
            self.index_learned,
            min_picks=self.settings.learn_min_picks,
            auto=self.settings.learn_auto,
        )
        return self.learner_

    def index_learned(self, content: Content, learned: Learned) -> Answerer:
        """Index content plus what was learned (slow; runs in a daemon thread)."""
        current = self.answerer
        # The meaning layer's vectors come along: only the learned phrasings are encoded.
        return Answerer(
            with_learned(content, learned),
            current.clock,
            self.settings.match,
            vectors=current.vectors,
        )

    @property
    def content(self) -> Content:
        return self.answerer.content

    def now(self) -> datetime:
        return self.clock.now()

    def language_of(self, user_id: int | None, language_code: str | None = None) -> str:
        """The catalogue language for this user: /lang choice, else their client's."""
        if user_id is not None:
            chosen = self.chosen_languages.get(user_id)
            if chosen is not None:
                return chosen
            if language_code is None:
                return self.client_languages.get(user_id, messages.DEFAULT_LANGUAGE)
        return messages.language_for(language_code)

    def is_organiser(self, user_id: int | None) -> bool:
        """Checked on every organiser command and button: ids come from configuration."""
        return user_id is not None and user_id in self.settings.organiser_ids

    def post_to_organisers(
        self,
        question_id: int,
        name: str,
        user_id: int,
        text: str,
        guess: tuple[str, float] | None,
        *,
        handoff: bool = False,
        last_question: str | None = None,
        rejected: str | None = None,
    ) -> None:
        """Queue a new unanswered question (or a handoff) for the organisers' chat, if any.

        The post is in the catalogue's default language: it is for the organisers' group,
        not for the attendee.
        """
        if self.settings.organiser_chat_id is None or self.poster is None:
            return
        self.poster.enqueue(
            Post(
                question_id,
                name,
                user_id,
                text,
                guess,
                messages.DEFAULT_LANGUAGE,
                handoff=handoff,
                last_question=last_question,
                rejected=rejected,
            )
        )

    def _index(self, content: Content) -> Answerer:
        """Index freshly loaded content (slow; runs in a daemon thread)."""
        clock = self.clock
        if content.conference.timezone != clock.tz:
            # A new timezone needs a new clock; a rehearsal clock (BOT_NOW) runs on unbroken.
            now = clock.now() if self.settings.bot_now is not None else None
            clock = Clock(content.conference.timezone, now)
        if self.learner_ is not None:
            content = with_learned(content, self.learner_.snapshot)
        # The meaning layer's cache comes along: only phrasings that changed are encoded again.
        return Answerer(content, clock, self.settings.match, vectors=self.answerer.vectors)

    @property
    def change_reviewer(self) -> ChangeReviewer:
        """Compares programmes after each swap (bot.change_notices); made on first use."""
        if self.reviewer is None:
            organisers = sorted(self.settings.organiser_ids)
            self.reviewer = ChangeReviewer(
                self.store, self.language_of, self.now, organisers[0] if organisers else 0
            )
        return self.reviewer

    @property
    def content_reloader(self) -> ContentReloader[Answerer]:
        if self.reloader is None:
            settings = self.settings
            self.reloader = ContentReloader(
                settings.agenda_path, settings.faq_dir, settings.content_limits, self._index
            )
        return self.reloader

    async def reload_content(self) -> list[Problem]:
        """Re-read the content; swap it in only if valid. The problems, or [] on success.

        Shared by /reload and SIGHUP so both behave the same: on any problem (hostile files
        included, see bot.content.reloader) the running content stays and nothing else
        changes.
        """
        result = await self.content_reloader.reload()
        if result.value is None:
            logger.warning("reload refused: %d content problem(s)", len(result.problems))
            return list(result.problems)
        self.swap_in(result.value)
        return []

    def reload_in_background(self, report: Callable[[list[Problem]], Awaitable[None]]) -> None:
        """Reload, then `report` the problems ([] on success), in a task shutdown cancels.

        The framework waits for a handler before it stops; a reload (up to its time
        budget) must not hold up a stop, so the handler hands the work over and returns.
        """

        async def reload_and_report() -> None:
            problems = await self.reload_content()
            await report(problems)
            if not problems:
                await self.programme_changed("reload")

        self.content_reloader.in_background(reload_and_report())

    def swap_in(self, answerer: Answerer) -> None:
        """Serve new content from now on (one assignment: an update sees one snapshot)."""
        self.answerer = answerer
        self.clock = answerer.clock
        logger.info("content reloaded: %s", answerer.content.summary())

    async def programme_changed(self, source: str) -> None:
        """Tell the application the content changed (it compares the programmes)."""
        if self.on_programme_change is None:
            return
        try:
            await self.on_programme_change(source)
        except Exception:  # a failed preview must not undo or fail the reload
            logger.exception("could not review the programme change (%s)", source)

    async def close_live(self) -> None:
        """Finish writing pending votes; drop the live lists' pending edits (they are
        redone on the next change)."""
        if self.live_ is not None:
            await self.live_.close()
        for pacer in (self.live_pacer, self.live_view_pacer):
            if pacer is not None:
                await pacer.close()

    async def close_reloads(self) -> None:
        """Abandon reloads in progress (their child processes are killed)."""
        if self.reloader is not None:
            await self.reloader.close()
