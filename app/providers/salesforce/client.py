"""``SalesforceCrm``: the CRM port on simple-salesforce, spending as few API calls as Salesforce allows.

- Matching: one SOQL ``IN`` query per object and address chunk, up to five
  queries packed into one ``composite`` request (one API call).
- Writing: sObject Collections of up to 200 records and at most 10 runs of
  one type, up to five collections packed into one ``composite`` request;
  updates carry only the fields describe calls updateable.  Where the org
  has the external-id field ``Syncbar_Key__c``, creates carry the item's key.
- Reconciling: after an interrupted write, ``reconcile`` finds what
  Salesforce committed (see ``docs/state.md``), so nothing is sent twice.
- Every call is checked against our own allocation first and logged after;
  ``Sforce-Limit-Info`` updates the org's usage.
- A 401 refreshes the session once through ``session_source(True)`` and
  rebuilds the client (simple-salesforce cannot refresh a direct session).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from app.core.catalog import Catalog
from app.core.competitors import LOGIN_DAYS, Sighting, Traces, tool_for_app
from app.core.errors import AccountError
from app.core.model import ApiUsage, CrmMatch, CrmRecord, PushResult
from app.net.errors import network_error
from app.net.session import TrustedSession
from app.providers.salesforce.budget import Allocation, CallLog, MemoryCallLog
from app.providers.salesforce.errors import classify_salesforce_error, record_error
from app.providers.salesforce.reconcile import assign, probe_queries
from app.providers.salesforce.soql import in_chunks, in_list, quote

T = TypeVar("T")
KEY_FIELD = "Syncbar_Key__c"
COLLECTION_SIZE = 200
COLLECTIONS_PER_COMPOSITE = 5  # Salesforce: at most 5 sObject Collections or queries per composite
MAX_CHUNKS = 10  # Salesforce: a collection holds at most 10 runs of consecutive same-type records
DEFAULT_VERSION = "59.0"
KEYED_TYPES = ("Task", "Event", "Contact")

# force_refresh -> (instance_url, access_token); raises AccountError when sign-in is needed.
SessionSource = Callable[[bool], tuple[str, str]]


def collections_of(items: Sequence[tuple[int, CrmRecord]]) -> list[list[tuple[int, CrmRecord]]]:
    """Records in sObject Collections Salesforce accepts: at most 200 each, and at most 10 chunks
    (runs of consecutive same-type records).  Records are grouped by type first, so a usual mix of
    Tasks, Events and Contacts is 3 chunks; more types than 10 spill into the next collection."""
    ordered = sorted(items, key=lambda pair: pair[1].object_type)  # stable: each type keeps its order
    out: list[list[tuple[int, CrmRecord]]] = []
    part: list[tuple[int, CrmRecord]] = []
    chunks = 0
    for pair in ordered:
        new_chunk = not part or part[-1][1].object_type != pair[1].object_type
        if part and (len(part) == COLLECTION_SIZE or (new_chunk and chunks == MAX_CHUNKS)):
            out.append(part)
            part, chunks, new_chunk = [], 0, True
        part.append(pair)
        chunks += new_chunk
    if part:
        out.append(part)
    return out


class SalesforceCrm:
    """Implements ``app.core.ports.CrmPort``."""

    def __init__(
        self,
        account: str,
        session_source: SessionSource,
        *,
        catalog: Catalog,
        ca_file: str | None = None,
        version: str = DEFAULT_VERSION,
        call_log: CallLog | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        allocation_percent: float = 10.0,
        cache: MutableMapping[str, Any] | None = None,
    ) -> None:
        self.account = account
        self._source = session_source
        self.catalog = catalog
        self._ca_file = ca_file
        self._version = version
        self._clock = clock
        self._cache: MutableMapping[str, Any] = cache if cache is not None else {}
        self.allocation = Allocation(call_log or MemoryCallLog(), account, clock, allocation_percent)
        self._sf: Salesforce | None = None
        self._usage: ApiUsage | None = None
        self.calls = 0  # API calls made by this object (benchmarks read it)

    # -- plumbing -----------------------------------------------------------------------

    def _build(self, force_refresh: bool) -> Salesforce:
        instance_url, token = self._source(force_refresh)
        self.instance_url = instance_url.rstrip("/")
        session = TrustedSession(self._ca_file)
        self._sf = Salesforce(instance_url=self.instance_url, session_id=token, session=session, version=self._version)
        return self._sf

    @property
    def api_prefix(self) -> str:
        return f"/services/data/v{self._version}/"

    def _call(self, fn: Callable[[Salesforce], T]) -> T:
        self.allocation.check(1)
        sf = self._sf or self._build(False)
        try:
            try:
                result = self._counted(fn, sf)
            except SalesforceExpiredSession:
                result = self._counted(fn, self._build(True))
        except SalesforceExpiredSession as exc:
            problem = classify_salesforce_error(401, exc.content, catalog=self.catalog)
            raise AccountError(
                problem.code,
                "Salesforce refused the refreshed session: " + problem.message,
                service_code=problem.service_code,
            ) from exc
        except SalesforceError as exc:
            raise self._account_error(exc.status, exc.content) from exc
        except requests.RequestException as exc:
            raise network_error(exc, "Salesforce", self.catalog) from exc
        usage = (self._sf.api_usage if self._sf else {}).get("api-usage")
        if usage is not None:
            used, total = getattr(usage, "used", 0), getattr(usage, "total", 0)
            self._usage = ApiUsage(int(used), int(total), self._clock())
            self.allocation.observe_limit(int(total))
        return result

    def _counted(self, fn: Callable[[Salesforce], T], sf: Salesforce) -> T:
        self.calls += 1
        try:
            return fn(sf)
        finally:
            self.allocation.spent(1)

    def _account_error(self, status: int, body: Any) -> AccountError:
        problem = classify_salesforce_error(status, body, catalog=self.catalog)
        resume_at = None
        if problem.service_code == "REQUEST_LIMIT_EXCEEDED":
            # The org's limit is a rolling 24 h window; look again in an hour.
            from datetime import timedelta

            resume_at = self._clock() + timedelta(hours=1)
        return AccountError(problem.code, problem.message, resume_at=resume_at, service_code=problem.service_code)

    def composite(self, subrequests: Sequence[Mapping[str, Any]]) -> list[tuple[int, Any]]:
        """One composite call; answers (status, body) per subrequest, in order."""
        body = {"allOrNone": False, "compositeRequest": list(subrequests)}
        answer = self._call(lambda sf: sf.restful("composite", method="POST", json=body))
        results = (answer or {}).get("compositeResponse", [])
        by_ref = {r.get("referenceId"): r for r in results}
        out: list[tuple[int, Any]] = []
        for sub in subrequests:
            res = by_ref.get(sub["referenceId"], {})
            out.append((int(res.get("httpStatusCode", 500)), res.get("body")))
        return out

    def _packed(self, subrequests: list[dict[str, Any]], extra: Sequence[dict[str, Any]] = ()) -> list[tuple[int, Any]]:
        """Send queries/collections 5 per composite call.  ``extra`` subrequests (describes: neither
        query nor collection, so outside the limit of 5) ride along in the first call; their answers
        follow the others' in the result."""
        out: list[tuple[int, Any]] = []
        riders: list[tuple[int, Any]] = []
        for start in range(0, len(subrequests), COLLECTIONS_PER_COMPOSITE):
            group = subrequests[start : start + COLLECTIONS_PER_COMPOSITE]
            for i, sub in enumerate(group):
                sub["referenceId"] = f"r{start + i}"
            ride = list(extra) if start == 0 else []
            for i, sub in enumerate(ride):
                sub["referenceId"] = f"x{i}"
            answers = self.composite(group + ride)
            out.extend(answers[: len(group)])
            riders.extend(answers[len(group) :])
        return out + riders

    def _describe_sub(self, object_type: str) -> dict[str, Any]:
        return {"method": "GET", "url": f"{self.api_prefix}sobjects/{object_type}/describe", "referenceId": ""}

    def _remember_describe(self, object_type: str, body: Any) -> None:
        fields = (body or {}).get("fields", []) if isinstance(body, dict) else []
        self._cache[f"salesforce.describe.{object_type}.keyfield"] = any(
            f.get("name") == KEY_FIELD and f.get("externalId") for f in fields
        )
        # An update may send only what describe calls updateable (TaskSubtype, for one, is create-only).
        self._cache[f"salesforce.describe.{object_type}.updateable"] = sorted(
            str(f.get("name")) for f in fields if isinstance(f, dict) and f.get("updateable")
        )

    def _described(self, object_type: str) -> bool:
        return all(f"salesforce.describe.{object_type}.{part}" in self._cache for part in ("keyfield", "updateable"))

    def _describe_now(self, object_type: str) -> None:
        if not self._described(object_type):
            self._remember_describe(object_type, self._call(lambda sf: sf.restful(f"sobjects/{object_type}/describe")))

    def updateable_fields(self, object_type: str) -> frozenset[str]:
        self._describe_now(object_type)
        return frozenset(self._cache[f"salesforce.describe.{object_type}.updateable"])

    def _query_sub(self, soql: str) -> dict[str, Any]:
        from urllib.parse import quote_plus

        return {"method": "GET", "url": f"{self.api_prefix}query?q={quote_plus(soql)}", "referenceId": ""}

    def _rows(self, status: int, body: Any) -> list[dict[str, Any]]:
        if status >= 300:
            raise self._account_error(status, body)
        rows = list(body.get("records", []))
        next_url = body.get("nextRecordsUrl")
        while next_url:

            def more(sf: Salesforce, url: str = str(next_url)) -> Any:
                return sf.query_more(url, identifier_is_url=True)

            page: dict[str, Any] = self._call(more)
            rows.extend(page.get("records", []))
            next_url = page.get("nextRecordsUrl")
        return rows

    # -- CrmPort ----------------------------------------------------------------------------

    def match(self, addresses: Sequence[str]) -> Mapping[str, CrmMatch]:
        wanted = sorted({a.strip().lower() for a in addresses if a and a.strip()})
        if not wanted:
            return {}
        subs: list[dict[str, Any]] = []
        for chunk in in_chunks(wanted):
            subs.append(
                self._query_sub(f"SELECT Id, Email, AccountId, Name FROM Contact WHERE Email IN {in_list(chunk)}")
            )
            # A converted Lead is history: its person lives on as the Contact it became.
            subs.append(
                self._query_sub(
                    f"SELECT Id, Email, Company, Name FROM Lead WHERE Email IN {in_list(chunk)} AND IsConverted = false"
                )
            )
        # The describes push() needs (external-id field? updateable fields?) ride along with the first lookup.
        unknown = [t for t in KEYED_TYPES if not self._described(t)]
        answers = self._packed(subs, [self._describe_sub(t) for t in unknown])
        for object_type, (status, body) in zip(unknown, answers[len(subs) :], strict=True):
            if status < 300:
                self._remember_describe(object_type, body)
        found: dict[str, CrmMatch] = {}
        for status, body in answers[: len(subs)]:
            for row in self._rows(status, body):
                address = str(row.get("Email") or "").lower()
                object_type = str(
                    (row.get("attributes") or {}).get("type") or ("Contact" if "AccountId" in row else "Lead")
                )
                match = CrmMatch(
                    address,
                    str(row["Id"]),
                    object_type,
                    str(row.get("AccountId") or ""),
                    str(row.get("Name") or ""),
                )
                if address and (
                    address not in found or (object_type == "Contact" and found[address].object_type != "Contact")
                ):
                    found[address] = match
        return found

    def describe_fields(self, object_type: str) -> dict[str, Any]:
        """The object's fields as describe reports them (name -> describe entry); one API call."""
        described = self._call(lambda sf: sf.restful(f"sobjects/{object_type}/describe"))
        return {str(f.get("name")): f for f in (described or {}).get("fields", []) if isinstance(f, dict)}

    def has_key_field(self, object_type: str) -> bool:
        self._describe_now(object_type)
        return bool(self._cache[f"salesforce.describe.{object_type}.keyfield"])

    def push(self, records: Sequence[CrmRecord]) -> list[PushResult]:
        # Group records into collections: (path, method, object_type) -> [(index, record)]
        groups: dict[tuple[str, str], list[tuple[int, CrmRecord]]] = {}
        for index, record in enumerate(records):
            # An update by id is idempotent already.  A create is a plain create, never an upsert: the update
            # half of an upsert refuses create-only fields (TaskSubtype), and a replay never reaches here anyway,
            # since the engine reconciles an interrupted write before it sends anything again.
            route = ("composite/sobjects", "PATCH") if record.existing_id else ("composite/sobjects", "POST")
            groups.setdefault(route, []).append((index, record))
        subs: list[dict[str, Any]] = []
        members: list[list[tuple[int, CrmRecord]]] = []
        for (path, method), items in groups.items():
            for part in collections_of(items):
                payload = [self._payload(r) for _, r in part]
                subs.append(
                    {
                        "method": method,
                        "url": self.api_prefix + path,
                        "referenceId": "",
                        "body": {"allOrNone": False, "records": payload},
                    }
                )
                members.append(part)
        results: list[PushResult | None] = [None] * len(records)
        for (status, body), part in zip(self._packed(subs), members, strict=True):
            if status >= 300 or not isinstance(body, list):
                problem = classify_salesforce_error(status, body, catalog=self.catalog)
                entry_scope_account = status in (401, 403) and problem.service_code in (
                    "INVALID_SESSION_ID",
                    "REQUEST_LIMIT_EXCEEDED",
                    "API_DISABLED_FOR_ORG",
                )
                if entry_scope_account:
                    raise self._account_error(status, body)
                for index, record in part:
                    results[index] = PushResult(
                        record.item_key,
                        False,
                        code=problem.code,
                        message=problem.message,
                        fields=problem.fields,
                    )
                continue
            for (index, record), answer in zip(part, body, strict=False):
                results[index] = self._result(record, answer)
        return [
            r
            if r is not None
            else PushResult(
                records[i].item_key,
                False,
                code=record_error([], catalog=self.catalog).code,
                message="Salesforce returned no result for this record",
            )
            for i, r in enumerate(results)
        ]

    def _payload(self, record: CrmRecord) -> dict[str, Any]:
        values: dict[str, Any] = {"attributes": {"type": record.object_type}}
        if record.existing_id:
            allowed = self.updateable_fields(record.object_type)
            values.update((k, v) for k, v in record.values.items() if k in allowed)
            values["id"] = record.existing_id
        else:
            values.update(record.values)
            if record.object_type in KEYED_TYPES and self.has_key_field(record.object_type):
                # Where the org has our unique external-id field, the key makes reconcile one exact query
                # and a create that slipped through twice fail as a duplicate value instead of duplicating.
                values[KEY_FIELD] = record.idempotency_key
        return values

    def _result(self, record: CrmRecord, answer: Any) -> PushResult:
        if isinstance(answer, dict) and answer.get("success"):
            created = bool(answer.get("created", not record.existing_id))
            return PushResult(
                record.item_key, True, record_id=str(answer.get("id") or record.existing_id), created=created
            )
        problem = record_error(answer.get("errors") if isinstance(answer, dict) else None, catalog=self.catalog)
        return PushResult(
            record.item_key,
            False,
            code=problem.code,
            message=problem.message,
            fields=problem.fields,
            candidates=problem.candidates,
        )

    def reconcile(self, records: Sequence[CrmRecord]) -> Mapping[str, str]:
        """What Salesforce committed of these creates whose answer was lost (docs/state.md, per object).
        Where the org has our key field, one exact query on it; otherwise queries on the fields the sync
        set itself (``reconcile.PROBES``).  All queries go in as few composite calls as possible."""
        keyed = [r for r in records if r.object_type in KEYED_TYPES and self.has_key_field(r.object_type)]
        keys = sorted({r.idempotency_key for r in keyed})
        subs = [
            self._query_sub(f"SELECT Id, {KEY_FIELD} FROM {object_type} WHERE {KEY_FIELD} IN {in_list(chunk)}")
            for object_type in sorted({r.object_type for r in keyed})
            for chunk in in_chunks(keys)
        ]
        by_values = [r for r in records if r not in keyed]
        probes = list(probe_queries(by_values))
        subs += [self._query_sub(soql) for soql, _ in probes]
        answers = self._packed(subs)
        split = len(subs) - len(probes)
        found: dict[str, str] = {}
        for status, body in answers[:split]:
            for row in self._rows(status, body):
                found[str(row[KEY_FIELD])] = str(row["Id"])
        taken = set(found.values())
        for (_, members), (status, body) in zip(probes, answers[split:], strict=True):
            assign(members, self._rows(status, body), taken, found)
        return found

    def record_link(self, record_id: str) -> str:
        base = getattr(self, "instance_url", "")
        if not base:
            base = self._source(False)[0].rstrip("/")
        return f"{base}/{record_id}"

    def usage(self) -> ApiUsage | None:
        return self._usage

    def sync_tool_traces(self) -> Traces:
        """Other sync tools' traces this user may read, in one composite call (docs/competitors.md).

        The user's own record is found first and referenced (``@{me.records[0].Id}``) by the three
        queries after it: OauthToken (the user's own connected-app grants), LoginHistory (their own
        logins of the last 30 days; readable by every user since API 37.0) and UserEmailCalendarSync
        (their Einstein Activity Capture configuration; only where EAC is on).  An object the user
        cannot see answers INVALID_TYPE or INSUFFICIENT_ACCESS: that source is "not readable".
        """
        from urllib.parse import quote_plus

        since = (self._clock() - timedelta(days=LOGIN_DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ")
        me = "'@{me.records[0].Id}'"
        sources = {
            "Salesforce OAuth grants": f"SELECT AppName, LastUsedDate FROM OauthToken WHERE UserId = {me}",
            "Salesforce login history": (
                f"SELECT Application, LoginTime FROM LoginHistory WHERE UserId = {me} AND LoginTime > {since}"
            ),
            "Einstein Activity Capture": f"SELECT ConfigurationId FROM UserEmailCalendarSync WHERE AssignedId = {me}",
        }
        subs = [self._query_sub(f"SELECT Id FROM User WHERE Username = {quote(self.account)}")]
        subs[0]["referenceId"] = "me"
        for n, soql in enumerate(sources.values()):
            url = f"{self.api_prefix}query?q=" + quote_plus(soql).replace(quote_plus(me), me)
            subs.append({"method": "GET", "url": url, "referenceId": f"t{n}"})
        answers = self.composite(subs)
        if answers[0][0] >= 300 or not (answers[0][1] or {}).get("records"):
            raise self._account_error(answers[0][0], answers[0][1])
        sightings: list[Sighting] = []
        checked: list[str] = []
        unreadable: list[str] = []
        for (source, _), (status, body) in zip(sources.items(), answers[1:], strict=True):
            if status >= 300:
                problem = classify_salesforce_error(status, body, catalog=self.catalog)
                unreadable.append(f"{source} ({problem.service_code})")
                continue
            checked.append(source)
            for row in body.get("records", []) if isinstance(body, dict) else []:
                if source == "Einstein Activity Capture":
                    sightings.append(
                        Sighting("Einstein Activity Capture", source, "this user is assigned to a configuration")
                    )
                    break
                name = str(row.get("AppName") or row.get("Application") or "")
                tool = tool_for_app(name)
                if tool and not any(s.tool == tool and s.source == source for s in sightings):
                    sightings.append(Sighting(tool, source, name))
        return Traces(tuple(sightings), tuple(checked), tuple(unreadable))

    def send_email(self, to: str, subject: str, body: str) -> None:
        """One plain-text mail through the standard ``emailSimple`` invocable action (one API call).

        Salesforce sends it from the signed-in user; it counts against the org's daily
        single-email limit, and a refused send answers HTTP 400 with ``isSuccess: false``.
        """
        inputs = {"inputs": [{"emailAddresses": to, "emailSubject": subject, "emailBody": body}]}
        answer = self._call(lambda sf: sf.restful("actions/standard/emailSimple", method="POST", json=inputs))
        result = answer[0] if isinstance(answer, list) and answer else answer
        if not isinstance(result, dict) or not result.get("isSuccess"):
            errors = result.get("errors") if isinstance(result, dict) else None
            problem = record_error(errors, catalog=self.catalog)
            raise AccountError(problem.code, problem.message, service_code=problem.service_code)
