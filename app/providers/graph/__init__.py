"""The Microsoft 365 provider: Microsoft Graph delta reads, Outlook categories as marks."""

from app.providers.graph.client import GraphClient, TokenSource, graph_error
from app.providers.graph.mailbox import MARK, GraphMailbox, detail_category

__all__ = ["MARK", "GraphClient", "GraphMailbox", "TokenSource", "detail_category", "graph_error"]
