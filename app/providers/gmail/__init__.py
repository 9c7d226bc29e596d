"""The Gmail provider: history-based reads, labels as marks, red calendar events."""

from app.providers.gmail.client import GmailClient, gmail_error
from app.providers.gmail.mailbox import MARK, GmailMailbox, event_item, message_item

__all__ = ["MARK", "GmailClient", "GmailMailbox", "event_item", "gmail_error", "message_item"]
