"""The Exchange (EWS) provider on exchangelib: page-by-page SyncFolderItems, categories as marks."""

from app.providers.ews.connect import EwsConnection, EwsSettings, ews_error
from app.providers.ews.mailbox import MARK, EwsMailbox

__all__ = ["MARK", "EwsConnection", "EwsMailbox", "EwsSettings", "ews_error"]
