"""The organisers' files: data model, YAML loading and validation."""

from bot.content.loader import MAX_ANSWER_CHARS, agenda_problems, load_content
from bot.content.models import Conference, Content, FaqEntry, Room, Session, Speaker, Venue
from bot.content.problems import ContentError, Problem

__all__ = [
    "MAX_ANSWER_CHARS",
    "Conference",
    "Content",
    "ContentError",
    "FaqEntry",
    "Problem",
    "Room",
    "Session",
    "Speaker",
    "Venue",
    "agenda_problems",
    "load_content",
]
