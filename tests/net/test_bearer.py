"""The shared bearer loop: one refresh on 401, short throttling waits, JSON or a code, the service's own mapping."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

import pytest
import requests

from app.core.catalog import load_default
from app.core.errors import AccountError, SyncbarError
from app.net.bearer import BearerClient, SharedPause

CATALOG = load_default()


def answer(status: int, body: object = None, headers: Mapping[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    response.headers.update(headers or {})
    return response


class Scripted(requests.Session):
    """Answers in order; remembers the Authorization header each request carried."""

    def __init__(self, *answers: requests.Response | Exception) -> None:
        super().__init__()
        self.answers = list(answers)
        self.sent: list[str] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        self.sent.append(kwargs["headers"]["Authorization"])
        step = self.answers.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


class Answers:
    name = "Test service"

    def throttle_wait(self, status: int, body: Any, headers: Mapping[str, str], tries: int) -> float | None:
        return float(headers.get("Retry-After", "1")) if status == 429 else None

    def error(self, status: int, body: Any, headers: Mapping[str, str], path: str) -> SyncbarError:
        code = {401: "MBX_AUTH_FAILED", 429: "MBX_THROTTLED"}.get(status, "MBX_SERVER_ERROR")
        return AccountError(code, f"{status} at {path}", service_code=str(status))


class Tokens:
    def __init__(self) -> None:
        self.asked: list[bool] = []

    def __call__(self, force_refresh: bool) -> str:
        self.asked.append(force_refresh)
        return f"token{len(self.asked)}"


def client(session: Scripted, tokens: Tokens, sleeps: list[float]) -> BearerClient:
    return BearerClient(session, tokens, CATALOG, Answers(), sleep=sleeps.append)


def test_a_401_refreshes_the_token_once_and_sends_again() -> None:
    tokens, sleeps = Tokens(), []
    session = Scripted(answer(401), answer(200, {"ok": 1}))
    got = client(session, tokens, sleeps).request("GET", "https://api.test/x")
    assert got.body == {"ok": 1} and tokens.asked == [False, True]
    assert session.sent == ["Bearer token1", "Bearer token2"]


def test_a_second_401_is_the_services_error() -> None:
    tokens = Tokens()
    session = Scripted(answer(401), answer(401))
    with pytest.raises(AccountError) as caught:
        client(session, tokens, []).request("GET", "https://api.test/x", path="/x")
    assert caught.value.code == "MBX_AUTH_FAILED" and tokens.asked == [False, True]


def test_short_throttling_is_waited_out_and_long_throttling_raised() -> None:
    sleeps: list[float] = []
    session = Scripted(answer(429, {}, {"Retry-After": "2"}), answer(200, {"ok": 1}))
    assert client(session, Tokens(), sleeps).request("GET", "https://api.test/x").body == {"ok": 1}
    assert sleeps == [2.0]
    sleeps.clear()
    session = Scripted(answer(429, {}, {"Retry-After": "120"}))
    with pytest.raises(AccountError) as caught:
        client(session, Tokens(), sleeps).request("GET", "https://api.test/x")
    assert caught.value.code == "MBX_THROTTLED" and sleeps == []


def test_throttling_waits_at_most_three_times() -> None:
    sleeps: list[float] = []
    session = Scripted(*[answer(429, {}, {"Retry-After": "1"}) for _ in range(4)])
    with pytest.raises(AccountError):
        client(session, Tokens(), sleeps).request("GET", "https://api.test/x")
    assert sleeps == [1.0, 1.0, 1.0]


def test_accepted_statuses_come_back_and_garbage_and_the_network_are_codes() -> None:
    got = client(Scripted(answer(404, {"gone": True})), Tokens(), []).request("GET", "https://a.test", accept=(404,))
    assert (got.status, got.body) == (404, {"gone": True})
    with pytest.raises(AccountError) as caught:
        client(Scripted(answer(200, b"<html>proxy</html>")), Tokens(), []).request("GET", "https://a.test")
    assert caught.value.service_code == "malformed" and "Test service" in caught.value.message
    with pytest.raises(AccountError) as caught:
        client(Scripted(requests.ConnectTimeout("timed out")), Tokens(), []).request("GET", "https://a.test")
    assert caught.value.code == CATALOG.lookup("network", "timeout").code


def test_threads_starting_together_ask_for_the_first_token_once() -> None:
    gate = threading.Event()
    asked: list[bool] = []

    def slow(force_refresh: bool) -> str:
        asked.append(force_refresh)
        gate.wait(5)
        return "t"

    bearer = BearerClient(Scripted(), slow, CATALOG, Answers())
    threads = [threading.Thread(target=bearer.token) for _ in range(4)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert asked == [False]


def test_a_shared_pause_holds_other_threads_but_not_the_one_that_slept_it() -> None:
    now = [100.0]
    slept: list[float] = []
    pause = SharedPause(slept.append, clock=lambda: now[0])
    pause.throttled(5.0)  # this thread was told to wait (the client sleeps it)
    pause.before("GET", "/x")
    assert slept == []
    worker = threading.Thread(target=pause.before, args=("GET", "/y"))
    worker.start()
    worker.join()
    assert slept == [5.0]  # another thread sleeps what is left of the pause
    now[0] = 106.0
    pause.before("GET", "/x")
    assert slept == [5.0]
