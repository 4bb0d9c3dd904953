"""Telegram update handlers: attendees, organisers and inline mode."""
