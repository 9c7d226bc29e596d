"""Serves emulated services over HTTPS on 127.0.0.1, with call counters and fault injection.

Each service gets its own port (the real services live on different hosts),
plus one control port for tests, benchmarks and ``syncbar emulators serve``:

    GET    /info            what ``serve --json`` prints
    GET    /calls           {service: {operation: count}}
    GET    /calls/log       the last calls, oldest first: service, operation, method, path, query (and a
                            SOAP body); ?service=NAME for one service
    POST   /calls/reset     zero the counters and empty the log
    GET    /secrets         every token and password issued so far (for secret scans)
    POST   /reset           every service back to its seeded state (answers /info, with the new tokens)
    GET    /violations      limits the clients broke in the realistic network mode (app/emulators/network.py)
    GET    /network         that mode's round trip, the most requests each service had in flight, the violations
    POST   /faults          {"service": "graph", "kind": "throttle", "operation": "*", ...}
    DELETE /faults          clear every fault (?service=NAME for one service)

A request's life: parse -> name its operation -> (realistic network mode: counted in flight,
the service's concurrency limit, the round trip) -> count it -> the first matching fault (if
any) acts -> the service answers.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import socket
import ssl
import struct
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.emulators.base import Fault, Request, Response, SeedData, Service
from app.emulators.network import Network
from app.emulators.tls import CertFiles, ensure_certificates

MAX_BODY = 64 * 1024 * 1024
CALL_LOG_SIZE = 5000  # calls kept in the log (the oldest go first)
LOGGED_BODY = 16 * 1024  # characters of a SOAP body kept (its filters are in the body, not the URL)
_CONNECTIONS = itertools.count(1)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, port: int, handler: type[BaseHTTPRequestHandler], context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", port), handler)
        self.context = context
        self.connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = self.socket.accept()
        with self.conn_lock:
            self.connections.add(sock)
        return sock, addr

    def shutdown_request(self, request: Any) -> None:
        with self.conn_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gives up mid-handshake or mid-request is not our failure;
        # anything else is an emulator bug worth seeing.
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, ssl.SSLError | ConnectionError | TimeoutError | OSError):
            return
        super().handle_error(request, client_address)

    def close_all(self) -> None:
        with self.conn_lock:
            conns = list(self.connections)
            self.connections.clear()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()


class _Abort(Exception):
    """Raised inside a handler to drop the connection without an answer."""


class EmulatorHost:
    """Runs services on HTTPS ports of 127.0.0.1 until ``stop()``."""

    def __init__(
        self,
        services: Sequence[Service],
        *,
        port: int = 0,
        cert_dir: Path | None = None,
        certs: CertFiles | None = None,
        rng: random.Random | None = None,
        seed: SeedData | None = None,
        network: Network | None = None,
    ) -> None:
        names = [s.name for s in services]
        if len(set(names)) != len(names) or any(not n for n in names):
            raise ValueError(f"services need distinct non-empty names, got {names}")
        self.services = {s.name: s for s in services}
        self._port = port
        self._certs = certs or ensure_certificates(cert_dir)
        self._faults: dict[str, list[Fault]] = defaultdict(list)
        self._calls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._log: deque[dict[str, Any]] = deque(maxlen=CALL_LOG_SIZE)
        self._lock = threading.Lock()
        self._rng = rng or random.Random()
        self._servers: dict[str, _Server] = {}
        self._threads: list[threading.Thread] = []
        self.control_url = ""
        self.seed = seed  # what POST /reset rebuilds the services from
        self.network = network  # the realistic network mode, or None (answers at once)
        for service in services:
            service.network = network

    # -- life cycle ---------------------------------------------------------------

    @property
    def ca_path(self) -> Path:
        return self._certs.ca_path

    def start(self) -> EmulatorHost:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(str(self._certs.cert_path), str(self._certs.key_path))
        port = self._port
        try:
            for name, service in self.services.items():
                server = _Server(port, self._handler_for(name), context)
                self._servers[name] = server
                service.base_url = f"https://127.0.0.1:{server.server_address[1]}"
                port = port + 1 if port else 0
            control = _Server(port, self._control_handler(), context)
            self._servers["_control"] = control
            self.control_url = f"https://127.0.0.1:{control.server_address[1]}"
        except OSError:
            self.stop()
            raise
        for name, server in self._servers.items():
            thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=f"emulator-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.close_all()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> EmulatorHost:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, service: str) -> str:
        return self.services[service].base_url

    def info(self) -> dict[str, Any]:
        return {
            "ca_file": str(self.ca_path),
            "control_url": self.control_url,
            "services": {name: {"base_url": s.base_url, **s.credentials()} for name, s in self.services.items()},
        }

    # -- faults and counters ------------------------------------------------------------

    def inject(self, service: str, fault: Fault) -> None:
        if service not in self.services:
            raise KeyError(f"no emulated service named {service!r}; have {', '.join(self.services)}")
        with self._lock:
            self._faults[service].append(fault)

    def clear_faults(self, service: str | None = None) -> None:
        with self._lock:
            if service is None:
                self._faults.clear()
            else:
                self._faults.pop(service, None)

    def calls(self, service: str) -> dict[str, int]:
        with self._lock:
            return dict(self._calls.get(service, {}))

    def total_calls(self, service: str) -> int:
        return sum(self.calls(service).values())

    def all_calls(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {name: dict(ops) for name, ops in self._calls.items()}

    def call_log(self, service: str | None = None) -> list[dict[str, Any]]:
        """The last calls, oldest first, each ``{service, operation, method, path, query, body}``.

        ``body`` is kept for XML requests only (an EWS filter travels in its SOAP body); JSON and form
        bodies, which carry tokens and passwords, are never kept.
        """
        with self._lock:
            return [dict(c) for c in self._log if service is None or c["service"] == service]

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()
            self._log.clear()

    def secrets(self) -> list[str]:
        """Every token and password the services have issued (a secret scan looks for each)."""
        found: list[str] = []
        for service in self.services.values():
            found += list(getattr(service, "issued", []))
            password = service.credentials().get("password")
            if password:
                found.append(str(password))
        return found

    def reset(self) -> None:
        """Every service back to its freshly seeded state (new tokens too); faults and counters cleared."""
        if self.seed is None:
            raise ValueError("these emulators were started without seed data to reset to")
        for name, old in list(self.services.items()):
            fresh = type(old)(self.seed)  # type: ignore[call-arg]
            fresh.carry_over(old)
            self.services[name] = fresh
        self.clear_faults()
        self.reset_calls()

    def _take_fault(self, service: str, operation: str) -> Fault | None:
        with self._lock:
            for fault in self._faults.get(service, []):
                if fault.operation not in ("*", operation):
                    continue
                if fault.skip > 0:  # let this many matching calls through first
                    fault.skip -= 1
                    continue
                if fault.probability is not None:
                    if self._rng.random() < fault.probability:
                        return fault
                    continue
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults[service].remove(fault)
                    return fault
        return None

    def _dispatch(self, service: Service, request: Request) -> tuple[Response, str]:
        """Answer a request; the second value says how to send it (normal, truncate, reset)."""
        operation = service.operation(request)
        xml = "xml" in request.headers.get("content-type", "")
        entry = {
            "service": service.name,
            "operation": operation,
            "method": request.method,
            "path": request.path,
            "query": {k: list(v) for k, v in request.query.items()},
            "body": request.body[:LOGGED_BODY].decode("utf-8", "replace") if xml else "",
        }
        with self._lock:
            self._calls[service.name][operation] += 1
            self._log.append(entry)
        fault = self._take_fault(service.name, operation)
        if fault is None:
            return service.handle(request), "normal"
        kind = fault.kind
        if kind == "status":
            return service.error_response(fault.status, fault.code, fault.message), "normal"
        if kind == "throttle":
            return service.throttle_response(fault.retry_after), "normal"
        if kind == "reset":
            return Response(0), "reset"
        if kind == "drop_after_commit":
            # What a client sees when a slow write (triggers, flows) outlives its read timeout or a proxy cuts
            # it: the service committed, the answer never arrives.
            service.handle(request)
            return Response(0), "reset"
        if kind == "html":
            return Response(fault.status, _html_page(fault.status), {"Content-Type": "text/html"}), "normal"
        if kind == "delay":
            time.sleep(fault.delay)
        elif kind == "revoke":
            service.revoke_tokens()
        elif kind == "expire":
            service.expire_access_tokens()
        elif kind == "daily_limit":
            service.exhaust_daily_limit()
        response = service.handle(request)
        if kind == "truncate":
            return response, "truncate"
        if kind == "malformed":
            response.body = service.malformed_body()
        return response, "normal"

    # -- HTTP plumbing -------------------------------------------------------------------------

    def _handler_for(self, name: str) -> type[BaseHTTPRequestHandler]:
        host = self

        class Handler(_BaseHandler):
            def answer(self, request: Request) -> tuple[Response, str]:
                service = host.services[name]
                network = host.network
                if network is None:
                    return self.dispatch(service, request)
                started, refusal = network.enter(name, service.operation(request), service.limits())
                try:
                    network.travel()
                    if refusal is not None:
                        return refusal, "normal"
                    response, mode = self.dispatch(service, request)
                    network.reject(name, response)
                    return response, mode
                finally:
                    network.leave(name, started)

            def dispatch(self, service: Service, request: Request) -> tuple[Response, str]:
                try:
                    return host._dispatch(service, request)
                except Exception as exc:  # a bug in an emulator: answer 500 with the service's body
                    detail = f"{type(exc).__name__}: {exc}"
                    return service.error_response(500, "EmulatorBug", detail), "normal"

        return Handler

    def _control_handler(self) -> type[BaseHTTPRequestHandler]:
        host = self

        class Control(_BaseHandler):
            def answer(self, request: Request) -> tuple[Response, str]:
                return host._control(request), "normal"

        return Control

    def _control(self, request: Request) -> Response:
        path, method = request.path.rstrip("/"), request.method
        try:
            if method == "GET" and path == "/info":
                return Response.json(200, self.info())
            if method == "GET" and path == "/calls":
                return Response.json(200, self.all_calls())
            if method == "GET" and path == "/calls/log":
                return Response.json(200, self.call_log(request.arg("service") or None))
            if method == "POST" and path == "/calls/reset":
                self.reset_calls()
                return Response.json(200, {"ok": True})
            if method == "POST" and path == "/faults":
                data = request.json()
                if not isinstance(data, dict) or "service" not in data:
                    raise ValueError('a fault is a JSON object with "service" and "kind"')
                self.inject(str(data["service"]), Fault.from_json(data))
                return Response.json(201, {"ok": True})
            if method == "GET" and path == "/network":
                net = self.network
                return Response.json(
                    200,
                    {
                        "rtt": net.rtt if net is not None else None,
                        "peak": {name: net.peak(name) for name in self.services} if net is not None else {},
                        "violations": [v.to_json() for v in net.violations()] if net is not None else [],
                    },
                )
            if method == "GET" and path == "/violations":
                found = self.network.violations() if self.network is not None else []
                return Response.json(200, [v.to_json() for v in found])
            if method == "GET" and path == "/secrets":
                return Response.json(200, self.secrets())
            if method == "POST" and path == "/reset":
                self.reset()
                return Response.json(200, self.info())
            if method == "DELETE" and path == "/faults":
                self.clear_faults(request.arg("service") or None)
                return Response.json(200, {"ok": True})
        except (ValueError, KeyError, TypeError) as exc:
            return Response.json(400, {"error": str(exc)})
        return Response.json(404, {"error": f"no control endpoint {method} {path}"})


def _html_page(status: int) -> bytes:
    """What a reverse proxy or a captive portal answers in place of the service: HTML, not the API's format."""
    title = {200: "Sign in to the network", 502: "502 Bad Gateway", 503: "503 Service Unavailable"}.get(
        status, f"{status} Error"
    )
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode()


class _BaseHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    # Headers and body go out in two writes; without this, Nagle plus delayed
    # ACKs add ~40 ms to every call on loopback.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        # TLS handshake per connection, on the connection's own thread.  The raw
        # socket is detached by wrap_socket, so the server tracks the TLS one.
        self.connection_id = next(_CONNECTIONS)
        raw = self.request
        self.request = self.server.context.wrap_socket(raw, server_side=True)
        with self.server.conn_lock:
            self.server.connections.discard(raw)
            self.server.connections.add(self.request)
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.conn_lock:
                self.server.connections.discard(self.request)
            with contextlib.suppress(OSError):
                self.request.close()

    def answer(self, request: Request) -> tuple[Response, str]:
        raise NotImplementedError

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and the demo read counters, not access logs

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            connection=self.connection_id,
        )
        response, mode = self.answer(request)
        if mode == "reset":
            self.close_connection = True
            with contextlib.suppress(OSError):
                # linger 0: close sends RST, which is what "connection reset" means
                self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            raise _Abort
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if mode == "truncate":
            self.wfile.write(response.body[: len(response.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            raise _Abort
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except _Abort:
            self.close_connection = True
        except (ssl.SSLError, ConnectionError, TimeoutError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


@contextlib.contextmanager
def running(services: Sequence[Service], **kwargs: Any) -> Iterator[EmulatorHost]:
    """Serve ``services`` for the duration of a ``with`` block."""
    host = EmulatorHost(services, **kwargs)
    host.start()
    try:
        yield host
    finally:
        host.stop()


def control_request(control_url: str, ca_path: Path, method: str, path: str, body: Any = None) -> Any:
    """Talk to a running host's control port (used by ``serve`` clients and the CLI)."""
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(control_url + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    context = ssl.create_default_context(cafile=str(ca_path))
    with urllib.request.urlopen(req, context=context, timeout=10) as resp:
        return json.loads(resp.read() or b"null")
