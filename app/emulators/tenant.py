"""The emulated Entra tenant's signed access tokens for Exchange Online, shared by its issuer and its reader.

The identity platform (on the Graph emulator) issues, for a scope of the
resource ``https://outlook.office365.com``, a JWT access token as Entra does
(v1 claims: ``aud``, ``iss`` ``https://sts.windows.net/<tenant>/``, ``scp``,
``upn``, ``appid``, ``exp``); Exchange Online (the EWS emulator in its online
mode) checks the signature, the audience, the scope and the expiry itself,
without calling the issuer, as a resource server does.  Entra signs with RS256
and publishes its keys at ``jwks_uri``; here one HS256 key per process stands
in for that key pair, which keeps the rule that matters: a token the tenant
did not sign is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

EXCHANGE = "https://outlook.office365.com"
EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000"  # Office 365 Exchange Online's first-party app id
EWS_SCOPE = "EWS.AccessAsUser.All"
_KEY = secrets.token_bytes(32)
_KID = "syncbar-emulated-tenant"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def resource_of(scope: str) -> str:
    """``https://outlook.office365.com/EWS.AccessAsUser.All`` -> its resource; a bare scope is Graph's."""
    if scope.startswith(("https://", "api://")):
        return scope.rsplit("/", 1)[0] if scope.count("/") > 2 else scope
    return "https://graph.microsoft.com"


def issue(claims: dict[str, Any], lifetime: float = 3599) -> str:
    now = int(time.time())
    body = {"iat": now, "nbf": now, "exp": now + int(lifetime), "uti": secrets.token_urlsafe(16), **claims}
    head = _b64(json.dumps({"typ": "JWT", "alg": "HS256", "kid": _KID}).encode())
    payload = _b64(json.dumps(body).encode())
    signature = hmac.new(_KEY, f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{_b64(signature)}"


def read(token: str) -> dict[str, Any] | None:
    """The claims of a token this tenant signed (expiry not checked here), or None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    expected = hmac.new(_KEY, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(expected, _unb64(parts[2])):
            return None
        claims = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None
