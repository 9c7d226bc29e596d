"""Microsoft Graph emulator, with the Microsoft identity platform endpoints MSAL needs.

Shapes follow the public Microsoft Graph v1.0 reference ("message: delta",
"event: delta", "contact: delta", "Update message", "List/Create
masterCategories", "user: sendMail", "JSON batching", "Microsoft Graph error
responses and resource types", "Microsoft Graph throttling guidance") and the
identity platform's OpenID Connect discovery document and OAuth 2.0
authorization code flow (with PKCE, nonce and client_info).

    /<tenant>/v2.0/.well-known/openid-configuration    discovery (tenant: a GUID, common, organizations)
    /<tenant>/oauth2/v2.0/authorize                    auto-consents: 302 to redirect_uri with code and state
    /<tenant>/oauth2/v2.0/token                        authorization_code (PKCE checked), refresh_token
    /v1.0/me                                           the signed-in user
    /v1.0/me/mailFolders/{inbox|sentitems}/messages/delta
    /v1.0/me/calendarView/delta?startDateTime&endDateTime
    /v1.0/me/contactFolders/{id}/contacts/delta       (/me/contacts/delta is refused); GET /me/contactFolders/contacts
    /v1.0/me/{messages|events|contacts}/{id}           GET, PATCH (categories and other simple fields)
    /v1.0/me/outlook/masterCategories                  GET, POST (409 when the name exists)
    /v1.0/me/sendMail                                  202; saved to Sent Items unless saveToSentItems is false
    /v1.0/$batch                                       up to 20 requests, answered in one response; each
                                                       step throttled on its own (graph_batch.py)
    /v1.0/me/todo/lists[...]                           Microsoft To Do: lists, tasks and their delta (graph_todo.py)

Permissions: each access token carries the scopes it was granted (what was asked, less what
``withhold_consent`` names); To Do answers 403 ErrorAccessDenied to a token without Tasks.Read or
Tasks.ReadWrite (Tasks.ReadWrite for writes).  The other resources do not check scopes.

Delta: the first request may carry ``$select``; the ``$skiptoken`` of each
``@odata.nextLink`` and the ``$deltatoken`` of the final ``@odata.deltaLink``
are opaque and carry the selection, so later requests must not repeat it.
Every change (new item, edit, categories, deletion) is a step in a per-
collection log; a delta token names a step.  ``expire_sync_state()`` (or the
``expire`` control) makes every earlier token answer 410 ``syncStateNotFound``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from app.emulators import graph_todo, tenant
from app.emulators.base import (
    ChangeLog,
    Limits,
    Request,
    Response,
    SeedData,
    SeedPerson,
    Service,
    retry_after_text,
)
from app.emulators.graph_batch import MailboxBudget, retry_after_header

TENANT_ID = "72f988bf-0000-4000-8000-2d7cd011db47"
TENANT_ALIASES = ("common", "organizations", "consumers", TENANT_ID)
USER_OID = "8ae6f565-0d7f-4ead-853e-7db94c912a1f"
MAX_PAGE = 1000  # Graph caps odata.maxpagesize for messages
MAILBOX_CONCURRENCY = 4  # requests in flight per app and mailbox (realistic network mode)
DEFAULT_PAGE = 10  # Graph's default delta page size for messages
MAX_BATCH = 20
FILTERED_DELTA_LIMIT = 5000  # messages a $filter-ed delta round returns at most
RESERVED_SCOPES = {"openid", "profile", "offline_access", "email"}
# What Syncbar's sign-in asks for: the seeded token (tests, the demo) carries all of it.
SEEDED_SCOPES = [
    "Mail.ReadWrite",
    "Mail.Send",
    "Calendars.ReadWrite",
    "Contacts.ReadWrite",
    "Tasks.ReadWrite",
    "MailboxSettings.ReadWrite",
    "User.Read",
]
COLLECTIONS = ("inbox", "sentitems", "calendar", "contacts")
# The default Contacts folder.  Contacts delta is a function of a contact folder ("contact: delta":
# GET /me/contactFolders/{id}/contacts/delta); GET /me/contactFolders/contacts (the well-known
# name) gives the folder's id.  /me/contacts/delta is not a documented path and is refused.
CONTACTS_FOLDER_ID = "AQMkADAwATM0MDAAMS1jb250YWN0cwAuAAADsVyfxjDU406Ic4X7ill8xAEA9L6zTq2E006AAAIBDgAAAA=="
ODATA = "https://graph.microsoft.com/v1.0/$metadata"
MESSAGE_DEFAULT = (
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "changeKey",
    "categories",
    "receivedDateTime",
    "sentDateTime",
    "hasAttachments",
    "internetMessageId",
    "subject",
    "bodyPreview",
    "importance",
    "parentFolderId",
    "conversationId",
    "isDeliveryReceiptRequested",
    "isReadReceiptRequested",
    "isRead",
    "isDraft",
    "webLink",
    "inferenceClassification",
    "body",
    "sender",
    "from",
    "toRecipients",
    "ccRecipients",
    "bccRecipients",
    "replyTo",
    "flag",
)
PRESET_COLORS = {"none"} | {f"preset{i}" for i in range(25)}


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Entry:
    """One item of a collection in its current state."""

    collection: str
    data: dict[str, Any]
    seq: int  # the log step of its last change
    removed: bool = False


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _address(person: SeedPerson) -> dict[str, Any]:
    return {"emailAddress": {"name": person.name or person.address, "address": person.address}}


def _item_id(kind: str, seed_id: str) -> str:
    # Exchange ids are long base64 strings that start with AAMk; an immutable id is stable for the item's life.
    digest = hashlib.sha256(f"{kind}:{seed_id}".encode()).digest()
    return "AAMkAG" + base64.b64encode(digest + seed_id.encode("utf-8")[:24]).decode("ascii").replace("/", "-")


class GraphService(Service):
    name = "graph"

    def __init__(self, seed: SeedData) -> None:
        super().__init__()
        self.owner = seed.owner
        # A public-client app registration ("Mobile and desktop applications" platform) with the one
        # redirect URI an admin registers for a desktop app: http://localhost (any port, see _redirect_ok).
        self.registration = {"client_id": str(uuid.uuid4()), "redirect_uris": ["http://localhost"]}
        self.items: dict[str, Entry] = {}  # id -> entry
        self.logs: dict[str, ChangeLog] = {c: ChangeLog() for c in COLLECTIONS}
        self.seq = 0
        self.epoch = 1
        self.master: list[dict[str, str]] = [
            {"id": str(uuid.UUID(int=i + 1)), "displayName": name, "color": color}
            for i, (name, color) in enumerate(
                (("Red category", "preset0"), ("Orange category", "preset1"), ("Yellow category", "preset3"))
            )
        ]
        self.sent: list[dict[str, Any]] = []  # what sendMail sent, for tests
        self.access: dict[str, float] = {}  # token -> expiry (epoch seconds)
        self.scopes: dict[str, frozenset[str]] = {}  # access token -> the scopes it was granted
        self.withheld: frozenset[str] = frozenset()  # scopes the user (or the tenant's policy) did not consent to
        self._caller: frozenset[str] = frozenset()  # the scopes of the request being answered
        self.todo = graph_todo.TodoLists(seed.owner.address, lambda: self.epoch, lambda: self.base_url)
        self.refresh: set[str] = set()
        self.issued: list[str] = []  # every token ever issued (secret scans look for them)
        self.codes: dict[str, dict[str, str]] = {}
        self.throttled_until = 0.0
        self.budget = MailboxBudget()  # requests to this mailbox in the last 10 minutes (graph_batch.py)
        self.batch_steps: list[list[str]] = []  # the step ids of every $batch received (tests read them)
        self.filtered_delta_limit = FILTERED_DELTA_LIMIT  # tests may lower it
        for m in seed.messages:
            self._load_message(m.folder, m)
        for e in seed.events:
            self._put("calendar", _item_id("event", e.id), _event_data(e, e.start, e.end))
        for e in seed.series:
            self._load_series(e)
        for c in seed.contacts:
            data = {
                "displayName": f"{c.first_name} {c.last_name}".strip(),
                "givenName": c.first_name,
                "surname": c.last_name,
                "emailAddresses": [{"name": c.email, "address": c.email}] if c.email else [],
                "companyName": c.company,
                "jobTitle": c.title,
                "businessPhones": [c.phone] if c.phone else [],
                "mobilePhone": None,
                "categories": [],
            }
            self._put("contacts", _item_id("contact", c.id), data)
        for t in seed.tasks:
            self.todo.seed(t)
        self.token, self.refresh_token = self._issue(list(SEEDED_SCOPES))

    # --- the store and its change log ---

    def add_series(self, event: Any) -> str:
        """Back door: a recurring series (a ``SeedEvent`` with ``weekly`` > 0) is created; its id."""
        with self.lock:
            self._load_series(event)
            return _item_id("series", event.id)

    def _load_series(self, e: Any) -> None:
        """A series master (not listed by calendarView) and its occurrences and exceptions.

        Shapes from the recorded master and instances (wire samples event_get_seriesmaster.json,
        event_instances_values_exception_occurrence.json).
        """
        master_id = _item_id("series", e.id)
        occurrences = e.occurrences()
        master = _event_data(e, e.start, e.end)
        master.update(
            type="seriesMaster",
            seriesMasterId=None,
            recurrence={
                "pattern": {
                    "type": "weekly",
                    "interval": 1,
                    "month": 0,
                    "dayOfMonth": 0,
                    "daysOfWeek": [e.start.strftime("%A").lower()],
                    "firstDayOfWeek": "sunday",
                    "index": "first",
                },
                "range": {
                    "type": "numbered",
                    "startDate": e.start.strftime("%Y-%m-%d"),
                    "endDate": "0001-01-01",
                    "recurrenceTimeZone": "UTC",
                    "numberOfOccurrences": len(occurrences),
                },
            },
        )
        self._put("calendar", master_id, master)
        for n, (start, end, original) in enumerate(occurrences):
            instance = _event_data(e, start, end)
            instance.update(
                type="exception" if n == e.moved else "occurrence",
                seriesMasterId=master_id,
                recurrence=None,
                originalStart=_iso(original),
            )
            instance["iCalUId"] = master["iCalUId"][:32] + original.strftime("%Y%m%d") + master["iCalUId"][40:]
            self._put("calendar", _item_id("instance", f"{e.id}:{n}"), instance)

    def _load_message(self, folder: str, m: Any) -> str:
        collection = "sentitems" if folder in ("sent", "sentitems") else "inbox"
        at = _iso(m.sent_at)
        body = m.body
        data = {
            "receivedDateTime": at,
            "sentDateTime": at,
            "hasAttachments": False,
            "internetMessageId": m.internet_message_id or f"<{m.id}@mail.example>",
            "subject": m.subject,
            "bodyPreview": body[:255],
            "importance": "normal",
            "conversationId": "AAQkAG" + _b64(hashlib.sha1(m.subject.encode()).digest()),
            "isDeliveryReceiptRequested": False,
            "isReadReceiptRequested": False,
            "isRead": collection == "sentitems",
            "isDraft": False,
            "inferenceClassification": "focused",
            "body": {"contentType": "text", "content": body},
            "sender": _address(m.sender),
            "from": _address(m.sender),
            "toRecipients": [_address(p) for p in m.to],
            "ccRecipients": [_address(p) for p in m.cc],
            "bccRecipients": [],
            "replyTo": [],
            "flag": {"flagStatus": "notFlagged"},
            "categories": [],
        }
        return self._put(collection, _item_id("message", m.id), data)

    def _put(self, collection: str, item_id: str, data: dict[str, Any]) -> str:
        self.seq += 1
        now = _iso(datetime.now(UTC))
        data = dict(data)
        data["id"] = item_id
        data.setdefault("createdDateTime", now)
        data["lastModifiedDateTime"] = now
        data["changeKey"] = _b64(hashlib.sha1(f"{item_id}:{self.seq}".encode()).digest())
        data["@odata.etag"] = f'W/"{data["changeKey"]}"'
        if collection in ("inbox", "sentitems"):
            data["parentFolderId"] = "AQMkAD" + _b64(collection.encode())
        if collection == "contacts":
            data["parentFolderId"] = CONTACTS_FOLDER_ID
        if collection != "contacts":
            data["webLink"] = self._web_link(collection, item_id)
        self.items[item_id] = Entry(collection, data, self.seq)
        self.logs[collection].touch(item_id)
        return item_id

    def _web_link(self, collection: str, item_id: str) -> str:
        view = "ReadMessageItem" if collection in ("inbox", "sentitems") else "ReadEvent"
        return f"https://outlook.office365.com/owa/?ItemID={quote(item_id, safe='')}&exvsurl=1&viewmodel={view}"

    def add_message(self, folder: str, subject: str, sender: str, to: str, body: str = "") -> str:
        """Back door for tests and the demo: mail arrives in a folder."""
        from app.emulators.base import SeedMessage

        with self.lock:
            seed_id = f"new-{self.seq + 1}-{secrets.token_hex(4)}"
            message = SeedMessage(
                id=seed_id,
                folder=folder,
                subject=subject,
                body=body or subject,
                sender=SeedPerson(sender, sender.split("@")[0]),
                to=[SeedPerson(to, to.split("@")[0])],
                sent_at=datetime.now(UTC),
            )
            return self._load_message(folder, message)

    def delete_item(self, item_id: str) -> None:
        with self.lock:
            entry = self.items.get(item_id)
            if entry is None or entry.removed:
                raise KeyError(item_id)
            self.seq += 1
            entry.removed = True
            entry.seq = self.seq
            self.logs[entry.collection].touch(item_id)
            if entry.data.get("type") == "seriesMaster":  # a deleted series takes its instances with it
                for instance in self._instances(item_id):
                    self.delete_item(instance)

    def categories_of(self, item_id: str) -> list[str]:
        with self.lock:
            return list(self.items[item_id].data.get("categories") or [])

    def withhold_consent(self, scopes: list[str]) -> None:
        """Tokens issued from now on lack these scopes (consent not given); the ones issued keep theirs."""
        with self.lock:
            self.withheld = frozenset(scopes)

    def add_task(self, title: str, body: str = "", status: str = "notStarted", due: datetime | None = None) -> str:
        """Back door: a To Do task is created in the default list; its id."""
        with self.lock:
            return self.todo.add(title, body=body, status=status, due=due)

    def update_task(self, task_id: str, **values: Any) -> None:
        with self.lock:
            self.todo.update(task_id, **values)

    def delete_task(self, task_id: str) -> None:
        with self.lock:
            self.todo.delete(task_id)

    def expire_sync_state(self) -> None:
        """Every delta and skip token issued so far answers 410 syncStateNotFound."""
        with self.lock:
            self.epoch += 1

    # --- Service interface ---

    def operation(self, request: Request) -> str:
        path = request.path.rstrip("/")
        if "/oauth2/" in path:
            return "identity." + path.rsplit("/", 1)[-1]
        if path.endswith("/.well-known/openid-configuration"):
            return "identity.discovery"
        if not path.startswith("/v1.0"):
            return "other"
        rest = path[len("/v1.0") :]
        if rest == "/$batch":
            return "batch"
        if rest.startswith("/me/todo/"):
            if rest.endswith("/tasks/delta"):
                return "todo.tasks.delta"
            if "/tasks" in rest:
                return "todo.tasks." + ("list" if rest.endswith("/tasks") else request.method.lower())
            return "todo.lists"
        if rest.endswith("/delta"):
            if "/messages/" in rest + "/":
                return "messages.delta"
            return "events.delta" if "calendarView" in rest else "contacts.delta"
        if rest == "/me":
            return "me"
        if rest.startswith("/me/outlook/masterCategories"):
            return "masterCategories." + ("create" if request.method == "POST" else "list")
        if rest.lower().startswith("/me/contactfolders/"):
            return "contactFolders.get"
        if rest == "/me/sendMail":
            return "sendMail"
        for kind in ("messages", "events", "contacts"):
            if rest.startswith(f"/me/{kind}/"):
                return f"{kind}.{request.method.lower()}"
        return "other"

    def handle(self, request: Request) -> Response:
        with self.lock:
            path = request.path.rstrip("/") or "/"
            if path.endswith("/.well-known/openid-configuration"):
                return self._discovery(path)
            if "/oauth2/v2.0/" in path:
                return self._identity(request, path)
            if not path.startswith("/v1.0"):
                return self.error_response(404, "BadRequest", "Invalid version.")
            if request.bearer() not in self.access:
                return self.error_response(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
            if self.access[request.bearer()] < time.time():
                return self.error_response(
                    401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
                )
            if self.throttled_until > time.time():
                return self.throttle_response(max(1.0, self.throttled_until - time.time()))
            self._caller = self.scopes.get(request.bearer(), frozenset())
            try:
                body = request.json() if request.body else None
            except (ValueError, UnicodeDecodeError):
                return self.error_response(400, "BadRequest", "Unable to read JSON request payload.")
            rest = path[len("/v1.0") :]
            if rest == "/$batch" and request.method == "POST":
                return self._batch(body)
            wait = self.budget.take()
            if wait is not None:
                return self.throttle_response(round(wait, 3))
            try:
                status, obj, headers = self._route(request.method, rest, request.query, body, request.headers)
            except GraphError as exc:
                return self.error_response(exc.status, exc.code, exc.message)
            if obj is None:
                return Response.empty(status, headers)
            return Response.json(status, obj, headers)

    def error_response(self, status: int, code: str, message: str) -> Response:
        if not code:
            code = {
                400: "BadRequest",
                401: "InvalidAuthenticationToken",
                403: "ErrorAccessDenied",
                404: "ErrorItemNotFound",
                409: "Conflict",
                410: "syncStateNotFound",
                429: "TooManyRequests",
                503: "ServiceNotAvailable",
                504: "GatewayTimeout",
            }.get(status, "generalException")
        request_id = str(uuid.uuid4())
        body = {
            "error": {
                "code": code,
                "message": message or "An internal server error occurred. The operation failed.",
                "innerError": {
                    "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                    "request-id": request_id,
                    "client-request-id": request_id,
                },
            }
        }
        headers = {"request-id": request_id, "client-request-id": request_id}
        if status == 401:
            headers["WWW-Authenticate"] = (
                f'Bearer realm="", authorization_uri="{self.base_url}/{TENANT_ID}/oauth2/v2.0/authorize", '
                f'client_id="00000003-0000-0000-c000-000000000000"'
            )
        if status in (429, 503):
            headers["Retry-After"] = "2"
        return Response.json(status, body, headers)

    def limits(self) -> Limits:
        # "Outlook service limits" (Microsoft Graph throttling limits): 4 concurrent requests per app and
        # mailbox; the fifth is answered 429 ApplicationThrottled with a Retry-After.
        return Limits(concurrent=MAILBOX_CONCURRENCY, refuse=self._over_concurrency, wait=1.0)

    def _over_concurrency(self, wait: float) -> Response:
        response = self.error_response(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
        response.headers["Retry-After"] = retry_after_text(wait)
        return response

    def throttle_response(self, retry_after: float) -> Response:
        response = self.error_response(429, "TooManyRequests", "Please retry again later.")
        # The published 429 (throttling.md, "Sample response") also names the status inside innerError.
        body = json.loads(response.body)
        body["error"]["innerError"].update(code="429", message="Please retry after", status="429")
        response.body = json.dumps(body).encode()
        response.headers["Retry-After"] = retry_after_text(retry_after)
        return response

    def malformed_body(self) -> bytes:
        return b'{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(message)","value":[{"id":'

    def revoke_tokens(self) -> None:
        with self.lock:
            self.access.clear()
            self.refresh.clear()

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access = dict.fromkeys(self.access, 0.0)

    def exhaust_daily_limit(self) -> None:
        # Graph has no daily budget; a mailbox over its limits is throttled for a while instead.
        with self.lock:
            self.throttled_until = time.time() + 60

    def credentials(self) -> dict[str, Any]:
        return {
            "authority": f"{self.base_url}/{TENANT_ID}",
            "tenant_id": TENANT_ID,
            "client_id": self.registration["client_id"],
            "redirect_uri": self.registration["redirect_uris"][0],
            "username": self.owner.address,
            "access_token": self.token,
            "refresh_token": self.refresh_token,
            "token_url": f"{self.base_url}/{TENANT_ID}/oauth2/v2.0/token",
        }

    # --- identity platform ---

    def _discovery(self, path: str) -> Response:
        tenant = path.strip("/").split("/")[0]
        if tenant not in TENANT_ALIASES:
            return Response.json(
                400,
                {
                    "error": "invalid_tenant",
                    "error_description": f"AADSTS90002: Tenant '{tenant}' not found.",
                    "error_codes": [90002],
                    **_trace(),
                },
            )
        base = f"{self.base_url}/{TENANT_ID}"
        return Response.json(
            200,
            {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "response_modes_supported": ["query", "fragment", "form_post"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "issuer": f"{base}/v2.0",
                "request_uri_parameter_supported": False,
                "userinfo_endpoint": f"{self.base_url}/oidc/userinfo",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "http_logout_supported": True,
                "frontchannel_logout_supported": True,
                "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
                "claims_supported": [
                    "sub",
                    "iss",
                    "aud",
                    "exp",
                    "iat",
                    "nonce",
                    "name",
                    "preferred_username",
                    "oid",
                    "tid",
                ],
                "tenant_region_scope": "EU",
                "cloud_instance_name": "microsoftonline.com",
            },
        )

    def _issue(self, scopes: list[str]) -> tuple[str, str]:
        refresh = "M.C5" + secrets.token_urlsafe(64)
        if {tenant.resource_of(s) for s in scopes if s not in RESERVED_SCOPES} == {tenant.EXCHANGE}:
            # A token for Exchange Online: a JWT that EWS checks by itself; Graph refuses it (wrong audience).
            access = tenant.issue(
                {
                    "aud": tenant.EXCHANGE,
                    "iss": f"https://sts.windows.net/{TENANT_ID}/",
                    "tid": TENANT_ID,
                    "oid": USER_OID,
                    "upn": self.owner.address,
                    "unique_name": self.owner.address,
                    "scp": " ".join(sorted({s.rsplit("/", 1)[-1] for s in scopes if s not in RESERVED_SCOPES})),
                    "ver": "1.0",
                }
            )
        else:
            access = "EwB" + secrets.token_urlsafe(48)
            self.access[access] = time.time() + 3600
            self.scopes[access] = frozenset(self._granted(scopes))
        self.refresh.add(refresh)
        self.issued += [access, refresh]
        return access, refresh

    def _granted(self, scopes: list[str]) -> list[str]:
        return [s for s in scopes if s not in RESERVED_SCOPES and s not in self.withheld]

    def _identity(self, request: Request, path: str) -> Response:
        tenant = path.strip("/").split("/")[0]
        if tenant not in TENANT_ALIASES:
            return _grant_error("invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.", 90002)
        what = path.rsplit("/", 1)[-1]
        if what == "authorize":
            q = {k: v[-1] for k, v in request.query.items()}
            redirect = q.get("redirect_uri", "")
            # Neither an unknown app nor an unregistered redirect URI gets a redirect: Entra shows its own
            # sign-in error page with the AADSTS text.
            client_id = q.get("client_id", "")
            if client_id != self.registration["client_id"]:
                return _error_page(self._app_not_found(client_id))
            if not _redirect_ok(redirect, self.registration["redirect_uris"]):
                return _error_page(
                    f"AADSTS50011: The redirect URI '{redirect}' specified in the request does not match the "
                    f"redirect URIs configured for the application '{client_id}'. Make sure the redirect URI "
                    "sent in the request matches one added to your application in the Azure portal. Navigate "
                    "to https://aka.ms/redirectUriMismatchError to learn more about how to fix this."
                )
            if q.get("response_type") != "code":
                return _redirect(redirect, {"error": "unsupported_response_type", "state": q.get("state", "")})
            if q.get("code_challenge_method", "S256") != "S256" or not q.get("code_challenge"):
                return _redirect(
                    redirect,
                    {
                        "error": "invalid_request",
                        "error_description": "AADSTS9002325: PKCE is required.",
                        "state": q.get("state", ""),
                    },
                )
            code = "0.A" + secrets.token_urlsafe(40)
            self.codes[code] = q
            params = {"code": code, "state": q.get("state", ""), "session_state": str(uuid.uuid4())}
            if q.get("client_info") == "1":
                params["client_info"] = self._client_info()
            return _redirect(redirect, params)
        if what == "token" and request.method == "POST":
            form = request.form()
            grant = form.get("grant_type", "")
            if form.get("client_id") != self.registration["client_id"]:
                return _grant_error("unauthorized_client", self._app_not_found(form.get("client_id", "")), 700016)
            scopes = [s for s in form.get("scope", "").split() if s]
            if grant == "authorization_code":
                asked = self.codes.pop(form.get("code", ""), None)
                if asked is None:
                    return _grant_error(
                        "invalid_grant",
                        "AADSTS70008: The provided authorization code or refresh token has expired due to "
                        "inactivity. Send a new interactive authorization request for this user and resource.",
                        70008,
                    )
                if asked.get("redirect_uri") != form.get("redirect_uri"):
                    return _grant_error("invalid_grant", "AADSTS50148: The redirect_uri does not match.", 50148)
                verifier = form.get("code_verifier", "")
                if _b64(hashlib.sha256(verifier.encode("ascii")).digest()) != asked.get("code_challenge"):
                    return _grant_error(
                        "invalid_grant", "AADSTS501481: The Code_Verifier does not match the code_challenge.", 501481
                    )
                return self._tokens(scopes or asked.get("scope", "").split(), asked.get("nonce", ""))
            if grant == "refresh_token":
                old = form.get("refresh_token", "")
                if old not in self.refresh:
                    return _grant_error(
                        "invalid_grant",
                        "AADSTS70008: The provided authorization code or refresh token has expired due to "
                        "inactivity. Send a new interactive authorization request for this user and resource.",
                        70008,
                    )
                # The identity platform "doesn't revoke old refresh tokens when used to fetch new access tokens"
                # (Microsoft identity platform, "Refresh tokens"): an answer lost on the way loses no grant.
                return self._tokens(scopes, "")
            return _grant_error(
                "unsupported_grant_type", f"AADSTS70003: The app requested an unsupported grant type '{grant}'.", 70003
            )
        return Response.json(404, {"error": "not_found"})

    def _app_not_found(self, client_id: str) -> str:
        directory = self.owner.address.partition("@")[2] or TENANT_ID
        return (
            f"AADSTS700016: Application with identifier '{client_id}' was not found in the directory "
            f"'{directory}'. This can happen if the application has not been installed by the administrator "
            "of the tenant or consented to by any user in the tenant. You may have sent your authentication "
            "request to the wrong tenant."
        )

    def _client_info(self) -> str:
        return _b64(json.dumps({"uid": USER_OID, "utid": TENANT_ID}).encode())

    def _tokens(self, scopes: list[str], nonce: str) -> Response:
        resources = {tenant.resource_of(s) for s in scopes if s not in RESERVED_SCOPES}
        if len(resources) > 1:
            # v2.0 endpoint: one token is for one resource ("Scopes and permissions": .default and resources).
            return _grant_error(
                "invalid_scope",
                "AADSTS28000: Provided value for the input parameter scope is not valid because it contains more "
                f"than one resource. Scope {' '.join(scopes)} is not valid.",
                28000,
            )
        access, refresh = self._issue(scopes)
        now = int(time.time())
        claims = {
            "aud": self.registration["client_id"],
            "iss": f"{self.base_url}/{TENANT_ID}/v2.0",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "name": self.owner.name or self.owner.address,
            "oid": USER_OID,
            "preferred_username": self.owner.address,
            "sub": _b64(hashlib.sha256(USER_OID.encode()).digest()),
            "tid": TENANT_ID,
            "ver": "2.0",
        }
        if nonce:
            claims["nonce"] = nonce
        id_token = ".".join(
            (_b64(json.dumps({"typ": "JWT", "alg": "none"}).encode()), _b64(json.dumps(claims).encode()), "")
        )
        granted = self._granted(scopes) or ["User.Read"]
        return Response.json(
            200,
            {
                "token_type": "Bearer",
                "scope": " ".join(granted + sorted(RESERVED_SCOPES - {"offline_access"})),
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": access,
                "refresh_token": refresh,
                "id_token": id_token,
                "client_info": self._client_info(),
            },
            {"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    # --- Graph resources ---

    def _route(
        self, method: str, rest: str, query: dict[str, list[str]], body: Any, headers: Any
    ) -> tuple[int, Any, dict[str, str]]:
        prefer = _prefer(headers.get("prefer", ""))
        applied: list[str] = []
        if prefer.get("idtype", "").strip('"').lower() == "immutableid":
            applied.append('IdType="ImmutableId"')
        out_headers = {"Preference-Applied": ", ".join(applied)} if applied else {}
        args = {k: v[-1] for k, v in query.items()}
        if rest == "/me" and method == "GET":
            return 200, self._me(), {}
        size = DEFAULT_PAGE
        if "odata.maxpagesize" in prefer and rest.endswith("/delta"):
            try:
                size = max(1, min(MAX_PAGE, int(prefer["odata.maxpagesize"])))
            except ValueError:
                raise GraphError(400, "BadRequest", "Invalid value for odata.maxpagesize.") from None
            applied.append(f"odata.maxpagesize={size}")
            out_headers["Preference-Applied"] = ", ".join(applied)
        if rest.startswith("/me/todo/"):
            if not self._caller & graph_todo.needed(method, rest):
                raise GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
            try:
                status, obj = self.todo.route(method, rest, args, body, size)
            except graph_todo.TodoError as exc:
                raise GraphError(exc.status, exc.code, exc.message) from None
            return status, obj, out_headers
        if rest.endswith("/delta") and method == "GET":
            collection = _delta_collection(rest)
            if collection is None:
                raise GraphError(400, "ErrorInvalidIdMalformed", "Id is malformed.")
            return 200, self._delta(collection, rest, args, size), out_headers
        folder = _contact_folder(rest)
        if folder and method == "GET":
            return (
                200,
                {
                    "@odata.context": self._context("contactFolders/$entity"),
                    "id": CONTACTS_FOLDER_ID,
                    "displayName": "Contacts",
                    "parentFolderId": "AQMkADAwATM0MDAAMS1yb290AC4AAAOxXJ-GMNTjTohzhfuKWXzEAQD0vrNOrYTTToAAAgEBAAAA",
                },
                {},
            )
        if rest == "/me/outlook/masterCategories":
            if method == "GET":
                return (
                    200,
                    {"@odata.context": self._context("outlook/masterCategories"), "value": list(self.master)},
                    {},
                )
            if method == "POST":
                return 201, self._create_category(body), {}
        if rest == "/me/sendMail" and method == "POST":
            self._send_mail(body)
            return 202, None, {}
        for kind, collections in (
            ("messages", ("inbox", "sentitems")),
            ("events", ("calendar",)),
            ("contacts", ("contacts",)),
        ):
            prefix = f"/me/{kind}/"
            if rest.startswith(prefix) and "/" not in rest[len(prefix) :]:
                item_id = rest[len(prefix) :]
                entry = self.items.get(item_id)
                if entry is None or entry.removed or entry.collection not in collections:
                    raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
                if method == "GET":
                    return 200, self._shape(entry, args.get("$select")), out_headers
                if method == "PATCH":
                    return 200, self._patch(entry, body), out_headers
                if method == "DELETE":
                    self.delete_item(item_id)
                    return 204, None, {}
        raise GraphError(400, "BadRequest", f"Resource not found for the segment '{rest.rsplit('/', 1)[-1]}'.")

    def _context(self, what: str) -> str:
        return f"{ODATA}#users('{USER_OID}')/{what}"

    def _me(self) -> dict[str, Any]:
        given, _, family = (self.owner.name or "Alex Morgan").partition(" ")
        return {
            "@odata.context": f"{ODATA}#users/$entity",
            "businessPhones": [],
            "displayName": self.owner.name or self.owner.address,
            "givenName": given,
            "jobTitle": "Account Executive",
            "mail": self.owner.address,
            "mobilePhone": None,
            "officeLocation": None,
            "preferredLanguage": "en-US",
            "surname": family,
            "userPrincipalName": self.owner.address,
            "id": USER_OID,
        }

    def _delta(self, collection: str, rest: str, args: dict[str, str], size: int) -> dict[str, Any]:
        token = args.get("$skiptoken") or args.get("$deltatoken")
        if token:
            try:
                state = json.loads(_unb64(token))
                since, upto, offset = int(state["s"]), int(state["u"]), int(state["o"])
                select, epoch, window = str(state.get("sel") or ""), int(state["e"]), state.get("w")
                if state["c"] != collection:
                    raise ValueError("another collection")
            except (ValueError, KeyError, TypeError):
                raise GraphError(400, "BadRequest", "The delta token is malformed.") from None
            if epoch != self.epoch:
                raise GraphError(
                    410,
                    "syncStateNotFound",
                    "The sync state generation is not found or is invalid. Start a full synchronization.",
                )
            if "$deltatoken" in args:  # a new round: everything after the step the token names
                since, upto, offset = upto, self.seq, 0
        else:
            select = args.get("$select", "")
            since, upto, offset, window = 0, self.seq, 0, None
            if "$filter" in args:
                if collection not in ("inbox", "sentitems"):
                    raise GraphError(400, "BadRequest", "The query parameter '$filter' is not supported with delta.")
                window = [_received_filter(args["$filter"]), "9999-12-31T23:59:59Z"]
            elif collection == "calendar":
                try:
                    window = [_parse_time(args["startDateTime"]), _parse_time(args["endDateTime"])]
                except KeyError:
                    raise GraphError(
                        400,
                        "ErrorInvalidParameter",
                        "This request requires a time window specified by the query string parameters "
                        "StartDateTime and EndDateTime.",
                    ) from None
                except ValueError:
                    raise GraphError(400, "ErrorInvalidParameter", "The time window is not a valid date.") from None
        ids = self._changed(collection, since, upto)
        if window is not None and collection == "calendar":
            # calendarView expands a series: its occurrences and exceptions are listed, the master is not.
            ids = [
                i
                for i in ids
                if self.items[i].removed
                or (self.items[i].data.get("type") != "seriesMaster" and _in_window(self.items[i].data, window))
            ]
        elif window is not None:  # a message filter: receivedDateTime ge (or gt) the bound
            ids = [i for i in ids if self.items[i].removed or _received_after(self.items[i].data, window[0])]
            if since == 0:  # a filtered first round returns at most this many messages (delta-query-messages)
                ids = ids[: self.filtered_delta_limit]
        page = ids[offset : offset + size]
        values = []
        for item_id in page:
            entry = self.items[item_id]
            if entry.removed:
                values.append(
                    {"@odata.type": _odata_type(collection), "id": item_id, "@removed": {"reason": "deleted"}}
                )
            elif entry.data.get("seriesMasterId"):
                values.append(_delta_instance(entry.data))
            else:
                values.append(self._shape(entry, select))
        base = f"{self.base_url}/v1.0{rest}"
        state = {"c": collection, "s": since, "u": upto, "e": self.epoch, "sel": select, "w": window}
        body: dict[str, Any] = {"@odata.context": f"{ODATA}#Collection({_odata_type(collection)[17:]})"}
        if offset + size < len(ids):
            state["o"] = offset + size
            body["@odata.nextLink"] = base + "?" + urlencode({"$skiptoken": _b64(json.dumps(state).encode())})
        else:
            state["o"] = 0
            body["@odata.deltaLink"] = base + "?" + urlencode({"$deltatoken": _b64(json.dumps(state).encode())})
        body["value"] = values
        return body

    def _changed(self, collection: str, since: int, upto: int) -> list[str]:
        return self.logs[collection].between(since, upto, lambda i: self.items[i].seq, lambda i: self.items[i].removed)

    def _shape(self, entry: Entry, select: str | None) -> dict[str, Any]:
        data = entry.data
        if entry.collection in ("inbox", "sentitems"):
            fields = [f.strip() for f in select.split(",") if f.strip()] if select else list(MESSAGE_DEFAULT)
            out: dict[str, Any] = {"@odata.type": "#microsoft.graph.message", "@odata.etag": data["@odata.etag"]}
            for name in fields:
                if name not in data and name not in MESSAGE_DEFAULT:
                    raise GraphError(
                        400,
                        "RequestBroker--ParseUri",
                        f"Could not find a property named '{name}' on type 'microsoft.graph.message'.",
                    )
                out[name] = data.get(name)
            out["id"] = data["id"]
            return out
        out = {"@odata.type": _odata_type(entry.collection)}
        if select:
            out.update({f: data.get(f) for f in select.split(",") if f})
            out["id"] = data["id"]
            return out
        out.update({k: v for k, v in data.items() if k != "@odata.etag"})
        out["@odata.etag"] = data["@odata.etag"]
        return out

    def _patch(self, entry: Entry, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise GraphError(400, "BadRequest", "Empty Payload. JSON content expected.")
        writable = {
            "categories",
            "isRead",
            "subject",
            "flag",
            "importance",
            "body",
            "location",
            "givenName",
            "surname",
            "companyName",
            "jobTitle",
        }
        unknown = set(body) - writable
        if unknown:
            raise GraphError(
                400, "ErrorInvalidProperty", f"The property '{sorted(unknown)[0]}' does not exist or cannot be set."
            )
        if "categories" in body:
            cats = body["categories"]
            if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
                raise GraphError(400, "BadRequest", "Invalid value for property 'categories'.")
            if any(len(c) > 255 for c in cats):
                raise GraphError(400, "ErrorInvalidArgument", "A category name exceeds 255 characters.")
        data = dict(entry.data)
        data.update(body)
        self._put(entry.collection, entry.data["id"], data)
        if data.get("type") == "seriesMaster" and set(body) - {"categories"}:
            # An edited series changes every instance: calendarView/delta lists them again.
            for instance in self._instances(data["id"]):
                self._put("calendar", instance, self.items[instance].data)
        return self._shape(self.items[entry.data["id"]], None)

    def _instances(self, master_id: str) -> list[str]:
        return [i for i, e in self.items.items() if e.data.get("seriesMasterId") == master_id and not e.removed]

    def _create_category(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not str(body.get("displayName") or "").strip():
            raise GraphError(400, "ErrorInvalidArgument", "The displayName property is required.")
        name = str(body["displayName"])
        color = str(body.get("color") or "none")
        if color not in PRESET_COLORS:
            raise GraphError(400, "BadRequest", f"Requested value '{color}' was not found.")
        if any(c["displayName"].lower() == name.lower() for c in self.master):
            raise GraphError(409, "ErrorDuplicateCategory", "A category with that name already exists.")
        category = {"id": str(uuid.uuid4()), "displayName": name, "color": color}
        self.master.append(category)
        return {"@odata.context": self._context("outlook/masterCategories/$entity"), **category}

    def _send_mail(self, body: Any) -> None:
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, dict):
            raise GraphError(400, "ErrorInvalidRecipients", "At least one recipient is not valid.")
        to = message.get("toRecipients") or []
        addresses = [str((r.get("emailAddress") or {}).get("address") or "") for r in to if isinstance(r, dict)]
        if not addresses or not all("@" in a for a in addresses):
            raise GraphError(400, "ErrorInvalidRecipients", "At least one recipient is not valid.")
        for attachment in message.get("attachments") or []:
            _check_file_attachment(attachment)
        self.sent.append(message)
        if body.get("saveToSentItems", True) not in (False, "false"):
            content = (message.get("body") or {}).get("content", "")
            self.add_message("sentitems", str(message.get("subject") or ""), self.owner.address, addresses[0], content)

    def sent_attachments(self, index: int = -1) -> list[tuple[str, str, bytes]]:
        """Back door: (name, contentType, bytes) of each file attached to a mail sendMail sent."""
        message = self.sent[index]
        return [
            (str(a["name"]), str(a.get("contentType") or ""), base64.b64decode(a["contentBytes"]))
            for a in message.get("attachments") or []
        ]

    def _batch(self, body: Any) -> Response:
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list) or not requests:
            return self.error_response(400, "BadRequest", "Invalid batch payload format.")
        if len(requests) > MAX_BATCH:
            return self.error_response(
                400, "BadRequest", f"Number of batch request steps exceeds the maximum of {MAX_BATCH}."
            )
        ids = [str(r.get("id", "")) for r in requests if isinstance(r, dict)]
        if len(ids) != len(requests) or len(set(ids)) != len(ids) or not all(ids):
            return self.error_response(400, "BadRequest", "Batch request ids must be present and unique.")
        self.batch_steps.append(ids)
        answers = []
        for sub in requests:
            wait = self.budget.take()  # each step is weighed on its own; a throttled one gets its own 429
            if wait is not None:
                throttled = _sub_answer(sub["id"], self.throttle_response(wait))
                throttled["headers"]["Retry-After"] = retry_after_header(wait)
                answers.append(throttled)
                continue
            url = str(sub.get("url", ""))
            parts = urlsplit(url if url.startswith("/") else "/" + url)
            headers = {str(k).lower(): str(v) for k, v in (sub.get("headers") or {}).items()}
            sub_body = sub.get("body")
            if sub_body is not None and "content-type" not in headers:
                answers.append(
                    _sub_answer(
                        sub["id"],
                        self.error_response(
                            400, "BadRequest", "Content-Type header must be specified for a request with a body."
                        ),
                    )
                )
                continue
            try:
                status, obj, out_headers = self._route(
                    str(sub.get("method", "GET")).upper(),
                    parts.path.rstrip("/"),
                    parse_qs(parts.query),
                    sub_body,
                    headers,
                )
                answer: dict[str, Any] = {"id": sub["id"], "status": status, "headers": out_headers}
                if obj is not None:
                    answer["headers"] = {**out_headers, "Content-Type": "application/json"}
                    answer["body"] = obj
                answers.append(answer)
            except GraphError as exc:
                answers.append(_sub_answer(sub["id"], self.error_response(exc.status, exc.code, exc.message)))
        return Response.json(200, {"responses": answers})


def _sub_answer(sub_id: Any, response: Response) -> dict[str, Any]:
    return {
        "id": sub_id,
        "status": response.status,
        "headers": {"Content-Type": "application/json"},
        "body": json.loads(response.body.decode("utf-8")),
    }


def _trace() -> dict[str, str]:
    return {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ"),
        "trace_id": str(uuid.uuid4()),
        "correlation_id": str(uuid.uuid4()),
    }


def _grant_error(error: str, description: str, code: int) -> Response:
    trace = _trace()
    text = (
        f"{description}\r\nTrace ID: {trace['trace_id']}\r\nCorrelation ID: {trace['correlation_id']}\r\n"
        f"Timestamp: {trace['timestamp']}"
    )
    return Response.json(
        400,
        {
            "error": error,
            "error_description": text,
            "error_codes": [code],
            **trace,
            "error_uri": f"https://login.microsoftonline.com/error?code={code}",
        },
    )


def _error_page(text: str) -> Response:
    trace = _trace()
    body = (
        "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>"
        "<div id='login_workload_logo_text'>Sorry, but we're having trouble signing you in.</div>"
        f"<div id='exceptionMessageContainer'>{html.escape(text)}</div>"
        f"<div>Request Id: {trace['trace_id']}<br>Correlation Id: {trace['correlation_id']}<br>"
        f"Timestamp: {trace['timestamp']}</div></body></html>"
    )
    return Response(400, body.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})


def _redirect_ok(uri: str, registered: list[str]) -> bool:
    """Entra's matching: exact, except that the port of a localhost (or 127.0.0.1) URI is ignored and
    a registered URI without a path stands for "/"."""
    asked = urlsplit(uri)
    for known in map(urlsplit, registered):
        if (asked.scheme, asked.hostname, asked.path or "/", asked.query) != (
            known.scheme,
            known.hostname,
            known.path or "/",
            known.query,
        ):
            continue
        if known.hostname in ("localhost", "127.0.0.1") or asked.port == known.port:
            return True
    return False


def _redirect(uri: str, params: dict[str, str]) -> Response:
    joiner = "&" if "?" in uri else "?"
    return Response(302, b"", {"Location": uri + joiner + urlencode(params)})


def _prefer(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            out[name.strip().lower()] = value.strip()
    return out


def _contact_folder(rest: str) -> bool:
    """``/me/contactFolders/{id}``: the default Contacts folder, by its id or its well-known name."""
    prefix = "/me/contactfolders/"
    if not rest.lower().startswith(prefix):
        return False
    name = unquote(rest[len(prefix) :])
    return name == CONTACTS_FOLDER_ID or name.lower() in ("contacts", "('contacts')")


def _delta_collection(rest: str) -> str | None:
    if rest == "/me/calendarView/delta":
        return "calendar"
    suffix = "/contacts/delta"
    if rest.endswith(suffix) and _contact_folder(rest[: -len(suffix)]):
        return "contacts"
    prefix, suffix = "/me/mailFolders/", "/messages/delta"
    if rest.startswith(prefix) and rest.endswith(suffix):
        folder = rest[len(prefix) : -len(suffix)].lower()
        return {"inbox": "inbox", "sentitems": "sentitems"}.get(folder)
    return None


def _odata_type(collection: str) -> str:
    return {"calendar": "#microsoft.graph.event", "contacts": "#microsoft.graph.contact"}.get(
        collection, "#microsoft.graph.message"
    )


def _parse_time(text: str) -> str:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return _iso(value)


def _in_window(data: dict[str, Any], window: list[str]) -> bool:
    start = str((data.get("start") or {}).get("dateTime") or "")[:19] + "Z"
    end = str((data.get("end") or {}).get("dateTime") or "")[:19] + "Z"
    return end > window[0] and start < window[1]


FILTER_REFUSED = (
    "The '$filter' parameter value is not supported for 'Messages' resource; "
    "only a value of 'receivedDateTime ge value' is supported."
)


def _received_filter(text: str) -> str:
    """The bound of a message delta ``$filter``: only ``receivedDateTime ge|gt <time>`` is accepted.

    The bound is kept as ``"=<time>"`` for ge and ``"><time>"`` for gt.
    """
    parts = text.split()
    if len(parts) != 3 or parts[0] != "receivedDateTime" or parts[1] not in ("ge", "gt"):
        raise GraphError(400, "ErrorInvalidUrlQuery", FILTER_REFUSED)
    try:
        bound = _parse_time(parts[2])
    except ValueError:
        raise GraphError(400, "BadRequest", f"The DateTimeOffset text '{parts[2]}' is not valid.") from None
    return ("=" if parts[1] == "ge" else ">") + bound


def _received_after(data: dict[str, Any], bound: str) -> bool:
    received = str(data.get("receivedDateTime") or "")
    return received >= bound[1:] if bound[0] == "=" else received > bound[1:]


def _event_data(e: Any, start: datetime, end: datetime) -> dict[str, Any]:
    return {
        "subject": e.subject,
        "body": {"contentType": "text", "content": e.body},
        "start": {"dateTime": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"},
        "end": {"dateTime": end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"},
        "location": {"displayName": e.location},
        "organizer": _address(e.organizer),
        "attendees": [
            {"type": "required", "status": {"response": "none", "time": "0001-01-01T00:00:00Z"}, **_address(a)}
            for a in e.attendees
        ],
        "isAllDay": False,
        "isCancelled": False,
        "type": "singleInstance",
        "seriesMasterId": None,
        "iCalUId": "040000008200E00074C5B7101A82E008" + hashlib.md5(e.id.encode()).hexdigest().upper(),
        "categories": [],
    }


def _delta_instance(data: dict[str, Any]) -> dict[str, Any]:
    """An occurrence or exception as calendarView/delta lists it: times and its series, nothing else.

    Source: wire sample calendarview_delta_occurrence_item.json (a live response pasted in
    microsoft-graph-docs-contrib#34) and the thread's key set.
    """
    return {
        "@odata.type": "#microsoft.graph.event",
        "@odata.etag": data["@odata.etag"],
        "id": data["id"],
        "seriesMasterId": data["seriesMasterId"],
        "type": data["type"],
        "start": data["start"],
        "end": data["end"],
    }


def _check_file_attachment(attachment: Any) -> None:
    """A ``fileAttachment`` in ``sendMail``: its @odata.type, a name, and contentBytes in base64."""
    if not isinstance(attachment, dict) or attachment.get("@odata.type") != "#microsoft.graph.fileAttachment":
        raise GraphError(
            400, "ErrorInvalidRequest", "Attachments must name their @odata.type (#microsoft.graph.fileAttachment)."
        )
    if not str(attachment.get("name") or "").strip():
        raise GraphError(400, "ErrorInvalidRequest", "The attachment's name is required.")
    try:
        base64.b64decode(str(attachment.get("contentBytes") or ""), validate=True)
    except ValueError:
        raise GraphError(
            400, "RequestBodyRead", "Cannot convert the literal to the expected type 'Edm.Binary'."
        ) from None
    if not attachment.get("contentBytes"):
        raise GraphError(400, "ErrorInvalidRequest", "The attachment's contentBytes are required.")
