"""``SalesforceCrm``: the CRM port on simple-salesforce, spending as few API calls as Salesforce allows.

- Matching: one SOQL ``IN`` query per object and address chunk, up to five
  queries packed into one ``composite`` request (one API call).
- Writing: sObject Collections of up to 200 records, up to five collections
  packed into one ``composite`` request; upsert on the external-id field
  ``Syncbar_Key__c`` (a hex key of the item) where the org has it, so a replay
  after a crash answers ``created: false`` instead of making a duplicate.
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

from app.core.competitors import LOGIN_DAYS, Sighting, Traces, tool_for_app
from app.core.errors import AccountError
from app.core.model import ApiUsage, CrmMatch, CrmRecord, PushResult
from app.providers.http import TrustedSession, network_error
from app.providers.salesforce.budget import Allocation, CallLog, MemoryCallLog
from app.providers.salesforce.errors import classify_salesforce_error, record_error
from app.providers.salesforce.soql import in_chunks, in_list, quote

T = TypeVar("T")
KEY_FIELD = "Syncbar_Key__c"
COLLECTION_SIZE = 200
COLLECTIONS_PER_COMPOSITE = 5  # Salesforce: at most 5 sObject Collections or queries per composite
DEFAULT_VERSION = "59.0"
KEYED_TYPES = ("Task", "Event", "Contact")

# force_refresh -> (instance_url, access_token); raises AccountError when sign-in is needed.
SessionSource = Callable[[bool], tuple[str, str]]


class SalesforceCrm:
    """Implements ``app.core.ports.CrmPort``."""

    def __init__(
        self,
        account: str,
        session_source: SessionSource,
        *,
        ca_file: str | None = None,
        version: str = DEFAULT_VERSION,
        call_log: CallLog | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        allocation_percent: float = 10.0,
        cache: MutableMapping[str, Any] | None = None,
    ) -> None:
        self.account = account
        self._source = session_source
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
            problem = classify_salesforce_error(401, exc.content)
            raise AccountError(
                problem.code,
                "Salesforce refused the refreshed session: " + problem.message,
                service_code=problem.service_code,
            ) from exc
        except SalesforceError as exc:
            raise self._account_error(exc.status, exc.content) from exc
        except requests.RequestException as exc:
            raise network_error(exc, "Salesforce") from exc
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
        problem = classify_salesforce_error(status, body)
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
            subs.append(self._query_sub(f"SELECT Id, Email, Company, Name FROM Lead WHERE Email IN {in_list(chunk)}"))
        # The describes push() needs (is there an external-id field?) ride along with the first lookup.
        unknown = [t for t in KEYED_TYPES if f"salesforce.describe.{t}.keyfield" not in self._cache]
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
        cache_key = f"salesforce.describe.{object_type}.keyfield"
        if cache_key not in self._cache:
            self._remember_describe(object_type, self._call(lambda sf: sf.restful(f"sobjects/{object_type}/describe")))
        return bool(self._cache[cache_key])

    def push(self, records: Sequence[CrmRecord]) -> list[PushResult]:
        # Group records into collections: (path, method, object_type) -> [(index, record)]
        groups: dict[tuple[str, str], list[tuple[int, CrmRecord]]] = {}
        for index, record in enumerate(records):
            if record.existing_id:  # an update by id is idempotent already; an upsert by key would create
                route = ("composite/sobjects", "PATCH")
            elif record.object_type in KEYED_TYPES and self.has_key_field(record.object_type):
                route = (f"composite/sobjects/{record.object_type}/{KEY_FIELD}", "PATCH")
            else:
                route = ("composite/sobjects", "POST")
            groups.setdefault(route, []).append((index, record))
        subs: list[dict[str, Any]] = []
        members: list[list[tuple[int, CrmRecord]]] = []
        for (path, method), items in groups.items():
            for start in range(0, len(items), COLLECTION_SIZE):
                part = items[start : start + COLLECTION_SIZE]
                payload = [self._payload(r, keyed=path.endswith(KEY_FIELD)) for _, r in part]
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
                problem = classify_salesforce_error(status, body)
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
                code=record_error([]).code,
                message="Salesforce returned no result for this record",
            )
            for i, r in enumerate(results)
        ]

    def _payload(self, record: CrmRecord, *, keyed: bool) -> dict[str, Any]:
        values: dict[str, Any] = {"attributes": {"type": record.object_type}}
        values.update(record.values)
        if keyed:
            values[KEY_FIELD] = record.idempotency_key
        elif record.existing_id:
            values["id"] = record.existing_id
        return values

    @staticmethod
    def _result(record: CrmRecord, answer: Any) -> PushResult:
        if isinstance(answer, dict) and answer.get("success"):
            created = bool(answer.get("created", not record.existing_id))
            return PushResult(
                record.item_key, True, record_id=str(answer.get("id") or record.existing_id), created=created
            )
        problem = record_error(answer.get("errors") if isinstance(answer, dict) else None)
        return PushResult(record.item_key, False, code=problem.code, message=problem.message, fields=problem.fields)

    def reconcile(self, idempotency_keys: Sequence[str]) -> Mapping[str, str]:
        keys = sorted(set(idempotency_keys))
        if not keys:
            return {}
        subs = [
            self._query_sub(f"SELECT Id, {KEY_FIELD} FROM {object_type} WHERE {KEY_FIELD} IN {in_list(chunk)}")
            for object_type in KEYED_TYPES
            if self.has_key_field(object_type)
            for chunk in in_chunks(keys)
        ]
        found: dict[str, str] = {}
        for status, body in self._packed(subs):
            for row in self._rows(status, body):
                found[str(row[KEY_FIELD])] = str(row["Id"])
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
                unreadable.append(f"{source} ({classify_salesforce_error(status, body).service_code})")
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
            problem = record_error(errors)
            raise AccountError(problem.code, problem.message, service_code=problem.service_code)
