"""The port contracts run against the real providers talking to their emulators over HTTPS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.salesforce import SalesforceCrm
from tests.contracts import crm_suite
from tests.contracts.harness import CrmHarness


@pytest.fixture(scope="module")
def sf_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=3, names=["salesforce"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


class SalesforceDoor:
    def __init__(self, service: Any) -> None:
        self.svc = service

    def add_person(self, object_type: str, first: str, last: str, email: str) -> str:
        with self.svc.lock:
            values: dict[str, Any] = {"FirstName": first, "LastName": last, "Email": email}
            if object_type == "Lead":
                values["Company"] = "Contract Co"
            return str(self.svc._create(object_type, values))

    def count(self, object_type: str, key: str) -> int:
        with self.svc.lock:
            return sum(1 for r in self.svc.records[object_type].values() if r.get("Syncbar_Key__c") == key)


def salesforce_harness(host: EmulatorHost) -> CrmHarness:
    creds = host.info()["services"]["salesforce"]
    crm = SalesforceCrm(
        creds["username"], lambda force: (creds["instance_url"], creds["access_token"]), ca_file=str(host.ca_path)
    )
    return CrmHarness("salesforce", crm, SalesforceDoor(host.services["salesforce"]))


@pytest.mark.parametrize("check", crm_suite.CHECKS, ids=lambda c: c.__name__)
def test_salesforce_crm(check: Callable[[CrmHarness], None], sf_host: EmulatorHost) -> None:
    sf_host.clear_faults()
    check(salesforce_harness(sf_host))
