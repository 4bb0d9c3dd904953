"""Starting the Telegram bot from the command line.

Kept apart from `cli` so `check` and `ask` never import python-telegram-bot: organisers
can try their content on a laptop without a token.
"""

from __future__ import annotations

from typing import TextIO

from bot.config import Settings
from bot.content import Content
from bot.matching.choice import MatcherChoice

NO_TOKEN_HELP = """\
BOT_TOKEN is not set, so the bot cannot connect to Telegram.

To run it on Telegram:
  1. Open Telegram, talk to @BotFather, send /newbot and follow the steps.
  2. Put the token it gives you in the environment or in a .env file here:
       BOT_TOKEN=123456789:AA...
       ORGANISER_IDS=your numeric Telegram id (ask @userinfobot)
  3. Run `python -m bot` again.

Meanwhile, try the bundled sample conference ({summary}) locally:
  python -m bot ask "registration kab band hogi"
  python -m bot ask "where is the forensics workshop"
  python -m bot check
"""


def run_bot(
    settings: Settings,
    content: Content,
    err: TextIO,
    choice: MatcherChoice | None = None,
) -> int:
    """`choice`: the matcher chosen (and its model loaded) at start-up; None is lexical."""
    if not settings.token:
        print(NO_TOKEN_HELP.format(summary=content.summary()), file=err)
        return 2
    from bot.app import run

    return run(settings, content, choice.vectors if choice else None)
