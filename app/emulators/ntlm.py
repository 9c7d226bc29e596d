"""NTLM over HTTP as on-premises Exchange (IIS) answers it: a real handshake, checked by pyspnego's acceptor.

    no or other credentials  -> 401  WWW-Authenticate: NTLM
    Authorization: NTLM <NEGOTIATE_MESSAGE>     -> 401  WWW-Authenticate: NTLM <CHALLENGE_MESSAGE>
    Authorization: NTLM <AUTHENTICATE_MESSAGE>  (same connection) -> checked; the request is served
    later requests on that connection            -> served without a new handshake (IIS keeps the
                                                    connection authenticated, authPersistSingleRequest off)

NTLM authenticates a connection, not a request ([MS-NTHT] 2.2), so the host
tells each request which connection it came on.  pyspnego's NTLM acceptor
(``spnego.server(protocol="ntlm")``) verifies the NTLMv2 response against the
NT hash of the user's password; it reads the users from the file named by
``NTLM_USER_FILE``.  That variable is process-wide, so it is set only while a
context is built or stepped, under one lock; the file holds the hashes (the
smbpasswd format pyspnego reads), never the password.  Channel bindings
(Extended Protection) are not checked.
"""

from __future__ import annotations

import base64
import contextlib
import os
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import spnego
import spnego.exceptions
from spnego._ntlm_raw.crypto import lmowfv1, ntowfv1  # the hash functions pyspnego itself checks with

_ENV_LOCK = threading.Lock()
KEPT = 512  # connections remembered; older ones must authenticate again


@contextlib.contextmanager
def _user_file(path: str) -> Iterator[None]:
    with _ENV_LOCK:
        before = os.environ.get("NTLM_USER_FILE")
        os.environ["NTLM_USER_FILE"] = path
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("NTLM_USER_FILE", None)
            else:
                os.environ["NTLM_USER_FILE"] = before


def _message_type(token: bytes) -> int:
    return int.from_bytes(token[8:12], "little") if token.startswith(b"NTLMSSP\x00") and len(token) >= 12 else 0


class NtlmGate:
    """Which connections have authenticated, and the handshakes in progress."""

    def __init__(self, names: list[str], password: str) -> None:
        fd, self.path = tempfile.mkstemp(prefix="ews-ntlm-", suffix=".users")
        os.close(fd)
        weakref.finalize(self, _unlink, self.path)
        self.names = names
        self._lock = threading.Lock()
        self._pending: OrderedDict[int, Any] = OrderedDict()
        self._done: OrderedDict[int, str] = OrderedDict()
        self.set_password(password)

    def set_password(self, password: str) -> None:
        """The user changed their password: new hashes, and every connection authenticates again."""
        lm, nt = lmowfv1(password).hex().upper(), ntowfv1(password).hex().upper()
        lines = [f"{name}:1000:{lm}:{nt}:[U]:LCT-00000000" for name in self.names]
        with open(self.path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        with self._lock:
            self._pending.clear()
            self._done.clear()

    def user(self, connection: int) -> str | None:
        with self._lock:
            return self._done.get(connection)

    def step(self, connection: int, authorization: str) -> str | None:
        """Take an ``Authorization`` header; the 401's ``WWW-Authenticate`` value, or None once authenticated."""
        scheme, _, data = authorization.partition(" ")
        if scheme.lower() != "ntlm" or not data.strip():
            return "NTLM"
        try:
            token = base64.b64decode(data.strip(), validate=True)
        except ValueError:
            return "NTLM"
        kind = _message_type(token)
        with self._lock:
            context = self._pending.pop(connection, None)
        try:
            with _user_file(self.path):
                if kind == 1:
                    context = spnego.server(protocol="ntlm", options=spnego.NegotiateOptions.use_ntlm)
                    challenge = context.step(token)
                elif kind == 3 and context is not None:
                    context.step(token)
                    challenge = None
                else:
                    return "NTLM"
        except spnego.exceptions.SpnegoError:
            return "NTLM"  # a wrong password or a broken message: start again
        with self._lock:
            if challenge is not None:
                self._pending[connection] = context
                _trim(self._pending)
                return "NTLM " + base64.b64encode(challenge).decode("ascii")
            self._done[connection] = str(context.client_principal or "")
            _trim(self._done)
        return None


def _trim(table: OrderedDict[int, Any]) -> None:
    while len(table) > KEPT:
        table.popitem(last=False)


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
