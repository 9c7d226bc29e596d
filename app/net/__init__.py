"""The network layer every service client and sign-in shares (imports ``app.core`` and third-party only).

``session`` is the HTTP session that keeps its trust setting, ``errors`` turns a transport failure into the
catalogue's network code, ``retry_after`` reads a throttled answer's wait, and ``bearer`` is the one
bearer-token request loop (one refresh on 401, throttling waits, JSON decoding) the Graph and Gmail clients use.
"""
