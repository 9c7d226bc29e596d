"""Salesforce emulator: the traces other sync tools leave, and who may read them.

Read through SOQL like any object, with Salesforce's access rules (Object
Reference, "Special Access Rules" of each object):

    OauthToken             a user without "Customize Application" sees only their own tokens
    LoginHistory           every user may read their own login history (API 37.0 and later)
    UserEmailCalendarSync  exists only where Einstein Activity Capture is on (else INVALID_TYPE)

An object the running user's profile cannot see (``hidden``) answers
INVALID_TYPE, as Salesforce answers for objects a user has no access to.
Tests seed a competing tool with ``seed_tool`` and ``assign_eac``.  This module
imports nothing from the rest of ``app``.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

PREFIX = {"OauthToken": "0CR", "LoginHistory": "0Ya", "UserEmailCalendarSync": "0t5"}
NOT_SUPPORTED = (
    "sObject type '{0}' is not supported. If you are attempting to use a custom object, be sure to append "
    "the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
)


class SfAccessError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class SyncToolTraces:
    def __init__(self, records: dict[str, dict[str, dict[str, Any]]], user_id: str) -> None:
        self.records = records
        self.user_id = user_id
        self.eac_enabled = False
        self.hidden: set[str] = set()  # objects the running user's profile cannot see
        self._seq = itertools.count(1)

    def _id(self, object_type: str) -> str:
        return f"{PREFIX[object_type]}{next(self._seq):012d}AAA"

    # -- access ----------------------------------------------------------------------

    def check_access(self, object_type: str, version: str) -> None:
        if object_type in self.hidden or (object_type == "UserEmailCalendarSync" and not self.eac_enabled):
            raise SfAccessError(400, "INVALID_TYPE", NOT_SUPPORTED.format(object_type))
        if object_type == "LoginHistory" and float(version) < 37.0:
            raise SfAccessError(400, "INSUFFICIENT_ACCESS", "insufficient access rights on object id")

    def visible(self, object_type: str, row: dict[str, Any]) -> bool:
        """The running user is no admin: their own tokens and logins only."""
        if object_type in ("OauthToken", "LoginHistory"):
            return row.get("UserId") == self.user_id
        return True

    # -- back doors --------------------------------------------------------------------

    def seed_tool(self, app_name: str, *, user_id: str = "", token: bool = True, logins: int = 3) -> None:
        """A connected app the user granted (OauthToken) and signed in with lately (LoginHistory)."""
        user = user_id or self.user_id
        now = datetime.now(UTC)
        if token:
            token_id = self._id("OauthToken")
            self.records["OauthToken"][token_id] = {
                "Id": token_id,
                "AppName": app_name,
                "UserId": user,
                "LastUsedDate": _sf_time(now - timedelta(hours=2)),
                "UseCount": 40,
                "CreatedDate": _sf_time(now - timedelta(days=90)),
            }
        for n in range(logins):
            login_id = self._id("LoginHistory")
            self.records["LoginHistory"][login_id] = {
                "Id": login_id,
                "UserId": user,
                "Application": app_name,
                "LoginTime": _sf_time(now - timedelta(days=n, hours=1)),
                "LoginType": "Remote Access 2.0",
                "Status": "Success",
            }

    def assign_eac(self, configuration_id: str = "0Ya000000000001") -> None:
        """Einstein Activity Capture is on and the user is in one of its configurations."""
        self.eac_enabled = True
        row_id = self._id("UserEmailCalendarSync")
        self.records["UserEmailCalendarSync"][row_id] = {
            "Id": row_id,
            "AssignedId": self.user_id,
            "ConfigurationId": configuration_id,
        }


def _sf_time(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
