"""Starting the Telegram bot from the command line.

Kept apart from `cli` so `check` and `ask` never import python-telegram-bot: organisers
can try their content on a laptop without a token.
"""

from __future__ import annotations

import sys
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

And in your browser, a local preview of everything (the programme, the organisers'
desk, a chat with the bot), with no Telegram involved: http://127.0.0.1:{port}
"""

NOT_INTERACTIVE = (
    "(Not started from a terminal, so this looks like a deployment without its token: "
    "exiting.\n`python -m bot preview` serves the preview anyway.)"
)


def run_bot(
    settings: Settings,
    content: Content,
    err: TextIO,
    choice: MatcherChoice | None = None,
    *,
    interactive: bool | None = None,
) -> int:
    """The bot with a token; without one, the advice above and the local preview.

    `choice`: the matcher chosen (and its model loaded) at start-up; None is lexical.
    The preview only starts for a person at a terminal: a service started without its
    token (systemd, a container) still fails loudly with exit code 2 instead of quietly
    serving a preview on loopback.
    """
    if not settings.token:
        print(NO_TOKEN_HELP.format(summary=content.summary(), port=settings.web_port), file=err)
        if interactive is None:
            interactive = sys.stdin is not None and sys.stdin.isatty()
        if not interactive:
            print(NOT_INTERACTIVE, file=err)
            return 2
        return run_preview(settings, content, err)
    from bot.app import run

    return run(settings, content, choice.vectors if choice else None)


def run_preview(settings: Settings, content: Content, out: TextIO) -> int:
    """`python -m bot preview`: serve the preview on 127.0.0.1:WEB_PORT until Ctrl+C."""
    import asyncio

    from bot.web.preview import serve

    return asyncio.run(serve(settings, content, out))
