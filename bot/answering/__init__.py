"""Answering a question, in three modules a newcomer can tell apart:

- `decide`: from a question to the bot's decision, top-down (`Answerer.decide`);
- `text`: what an answer says, as plain text or Telegram HTML (FAQ entries, sessions,
  speakers, agenda lists);
- `recent`: recently decided questions, remembered for a minute (`RecentAnswers`).
"""

from bot.answering.decide import Answered, Answerer, Reading, Reply
from bot.answering.recent import RecentAnswers

__all__ = ["Answered", "Answerer", "Reading", "RecentAnswers", "Reply"]
