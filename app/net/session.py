"""``TrustedSession``: a ``requests`` session whose trust setting wins over the environment, with timeouts.

``requests`` lets ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE`` override a
session's own ``verify``; a client told to trust one CA file (the emulators'
CA in the demo, a company proxy's CA in real life) must keep trusting exactly
that, so ``TrustedSession`` puts its own setting back after the environment is
merged.  Proxies from the environment still apply.
"""

from __future__ import annotations

from typing import Any

import requests
import requests.adapters

DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read (seconds)


class TrustedSession(requests.Session):
    """A ``requests.Session`` whose ``verify`` wins over the environment, with default timeouts."""

    def __init__(self, ca_file: str | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        if ca_file:
            self.verify = ca_file
        self.default_timeout = timeout
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=8)
        self.mount("https://", adapter)

    def merge_environment_settings(
        self, url: str | bytes | None, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if isinstance(self.verify, str) and verify in (None, True):
            settings["verify"] = self.verify
        return settings

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, *args, **kwargs)
