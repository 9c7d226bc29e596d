"""The port contracts run against the real providers talking to their emulators over HTTPS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.core.catalog import load_default
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.ews import EwsConnection, EwsMailbox, EwsSettings
from app.providers.gmail import GmailClient, GmailMailbox
from app.providers.graph import GraphClient, GraphMailbox
from app.providers.salesforce import SalesforceCrm
from tests.contracts import crm_suite, mailbox_suite
from tests.contracts.harness import CrmHarness, MailboxHarness

CATALOG = load_default()


@pytest.fixture(scope="module", params=["standard", "custom-key"])
def sf_host(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[EmulatorHost]:
    """Both org variants: a standard org (no field of ours) and one where an admin installed Syncbar_Key__c."""
    certs = tmp_path_factory.mktemp("certs")
    with emulators(items=60, seed=3, names=["salesforce"], cert_dir=certs, org=request.param) as h:
        yield h


class SalesforceDoor:
    def __init__(self, service: Any) -> None:
        self.svc = service

    def add_person(self, object_type: str, first: str, last: str, email: str, converted: bool = False) -> str:
        with self.svc.lock:
            values: dict[str, Any] = {"FirstName": first, "LastName": last, "Email": email}
            if object_type == "Lead":
                values["Company"] = "Contract Co"
                values["IsConverted"] = converted
            return str(self.svc._create(object_type, values))

    def values(self, object_type: str, record_id: str) -> dict[str, object]:
        with self.svc.lock:
            return dict(self.svc.records[object_type][record_id])

    def count(self, object_type: str, field: str, value: str) -> int:
        with self.svc.lock:
            return sum(1 for r in self.svc.records[object_type].values() if r.get(field) == value)


def salesforce_harness(host: EmulatorHost) -> CrmHarness:
    creds = host.info()["services"]["salesforce"]
    crm = SalesforceCrm(
        creds["username"],
        lambda force: (creds["instance_url"], creds["access_token"]),
        ca_file=str(host.ca_path),
        catalog=CATALOG,
    )
    return CrmHarness("salesforce", crm, SalesforceDoor(host.services["salesforce"]))


@pytest.mark.parametrize("check", crm_suite.CHECKS, ids=lambda c: c.__name__)
def test_salesforce_crm(check: Callable[[CrmHarness], None], sf_host: EmulatorHost) -> None:
    sf_host.clear_faults()
    check(salesforce_harness(sf_host))


@pytest.fixture(scope="module")
def graph_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=4, names=["graph"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


class GraphDoor:
    def __init__(self, service: Any) -> None:
        self.svc = service

    def add_email(self, stream: str, subject: str, sender: str, to: str) -> str:
        return str(self.svc.add_message(stream, subject, sender, to))

    def delete(self, stream: str, item_id: str) -> None:
        self.svc.delete_item(item_id)

    def marks(self, stream: str, item_id: str) -> set[str]:
        return set(self.svc.categories_of(item_id))

    def expire_cursors(self) -> None:
        self.svc.expire_sync_state()


def graph_harness(host: EmulatorHost) -> MailboxHarness:
    creds = host.info()["services"]["graph"]
    client = GraphClient(
        lambda force: str(creds["access_token"]), base_url=host.url("graph"), ca_file=str(host.ca_path), catalog=CATALOG
    )
    mailbox = GraphMailbox(creds["username"], client, page_size=7, history_days=365)
    return MailboxHarness("graph", mailbox, GraphDoor(host.services["graph"]), "inbox")


@pytest.mark.parametrize("check", mailbox_suite.CHECKS, ids=lambda c: c.__name__)
def test_graph_mailbox(check: Callable[[MailboxHarness], None], graph_host: EmulatorHost) -> None:
    graph_host.clear_faults()
    check(graph_harness(graph_host))


@pytest.fixture(scope="module")
def gmail_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=6, names=["gmail"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


class GmailDoor:
    def __init__(self, service: Any) -> None:
        self.svc = service

    def add_email(self, stream: str, subject: str, sender: str, to: str) -> str:
        return str(self.svc.add_message("inbox", subject, sender, to))

    def delete(self, stream: str, item_id: str) -> None:
        self.svc.delete_message(item_id)

    def marks(self, stream: str, item_id: str) -> set[str]:
        return self.svc.label_names(item_id)  # type: ignore[no-any-return]

    def expire_cursors(self) -> None:
        self.svc.expire_history()


def gmail_harness(host: EmulatorHost) -> MailboxHarness:
    creds = host.info()["services"]["gmail"]
    client = GmailClient(
        lambda force: str(creds["access_token"]), base_url=host.url("gmail"), ca_file=str(host.ca_path), catalog=CATALOG
    )
    mailbox = GmailMailbox(creds["username"], client, page_size=7, history_days=365)
    return MailboxHarness("gmail", mailbox, GmailDoor(host.services["gmail"]), "mail")


@pytest.mark.parametrize("check", mailbox_suite.CHECKS, ids=lambda c: c.__name__)
def test_gmail_mailbox(check: Callable[[MailboxHarness], None], gmail_host: EmulatorHost) -> None:
    gmail_host.clear_faults()
    check(gmail_harness(gmail_host))


@pytest.fixture(scope="module")
def ews_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=8, names=["ews"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


class EwsDoor:
    def __init__(self, service: Any) -> None:
        self.svc = service

    def add_email(self, stream: str, subject: str, sender: str, to: str) -> str:
        return str(self.svc.add_message("inbox", subject, sender, to))

    def delete(self, stream: str, item_id: str) -> None:
        self.svc.delete_item(item_id)

    def marks(self, stream: str, item_id: str) -> set[str]:
        return set(self.svc.categories_of(item_id))

    def expire_cursors(self) -> None:
        self.svc.expire_sync_state()


def ews_harness(host: EmulatorHost) -> MailboxHarness:
    creds = host.info()["services"]["ews"]
    settings = EwsSettings(
        address=creds["address"], username=creds["username"], endpoint=creds["endpoint"], ca_file=str(host.ca_path)
    )
    mailbox = EwsMailbox(EwsConnection(settings, creds["password"], catalog=CATALOG), page_size=7, history_days=365)
    return MailboxHarness("ews", mailbox, EwsDoor(host.services["ews"]), "inbox")


@pytest.mark.parametrize("check", mailbox_suite.CHECKS, ids=lambda c: c.__name__)
def test_ews_mailbox(check: Callable[[MailboxHarness], None], ews_host: EmulatorHost) -> None:
    ews_host.clear_faults()
    check(ews_harness(ews_host))
