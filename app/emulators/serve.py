"""``syncbar emulators serve``: run the emulators until interrupted, and the same in-process.

    starting -> serving (prints one JSON object / a summary) -> SIGINT/SIGTERM -> stopped (exit 0)

The seed is generated once; every service loads what it serves from it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from app.emulators.base import SeedData, Service
from app.emulators.host import EmulatorHost
from app.emulators.network import Network
from app.emulators.seed import generate

# name -> "module:Class"; imported on demand so one service's import cost is paid only when used.
SERVICES = {
    "salesforce": "app.emulators.sforce:SalesforceService",
    "graph": "app.emulators.graph:GraphService",
    "gmail": "app.emulators.gmail:GmailService",
    "ews": "app.emulators.ews:EwsService",  # Exchange on premises: NTLM (and Basic)
    "ews-online": "app.emulators.ews:EwsOnlineService",  # Exchange Online: Entra bearer tokens (needs "graph")
}
# Served when no list is given: one of each service ("ews-online" is "ews" in its other mode).
DEFAULT = ("salesforce", "graph", "gmail", "ews")


def build_services(seed: SeedData, names: Sequence[str] = DEFAULT) -> list[Service]:
    services: list[Service] = []
    for name in names:
        if name not in SERVICES:
            raise ValueError(f"unknown service {name!r}; choose from {', '.join(SERVICES)}")
        module_name, cls_name = SERVICES[name].split(":")
        cls = getattr(importlib.import_module(module_name), cls_name)
        services.append(cls(seed))
    return services


@contextlib.contextmanager
def emulators(
    items: int = 500,
    seed: int = 0,
    names: Sequence[str] = DEFAULT,
    *,
    port: int = 0,
    cert_dir: Path | None = None,
    data: SeedData | None = None,
    org: str | None = None,
    network: Network | None = None,
) -> Iterator[EmulatorHost]:
    """The emulators, seeded and served, for the duration of a ``with`` block.

    ``org``: ``standard`` (no field of ours, as a new customer's org) or ``custom-key`` (an admin
    installed the external-id field ``Syncbar_Key__c``); None keeps what the seed data says (standard).
    ``network``: the realistic network mode (``app.emulators.network``)."""
    seed_data = data or generate(items, seed)
    if org is not None:
        seed_data.org.custom_key_field = _org_variant(org)
    services = build_services(seed_data, names)
    host = EmulatorHost(services, port=port, cert_dir=cert_dir, seed=seed_data, network=network)
    host.start()
    try:
        yield host
    finally:
        host.stop()


ORG_VARIANTS = ("standard", "custom-key")


def _org_variant(name: str) -> bool:
    """Whether the org variant has our custom key field."""
    if name not in ORG_VARIANTS:
        raise ValueError(f"unknown org variant {name!r}; choose from {', '.join(ORG_VARIANTS)}")
    return name == "custom-key"


def _summary(info: dict[str, Any]) -> str:
    lines = [f"Syncbar emulators are running (CA file: {info['ca_file']})"]
    for name, details in info["services"].items():
        lines.append(f"  {name:<11} {details['base_url']}")
    lines.append(f"  {'control':<11} {info['control_url']}")
    lines.append("Credentials: run with --json.  Stop with Ctrl-C.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="syncbar emulators serve", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500, help="number of seeded emails (default 500)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the generated data (default 0)")
    parser.add_argument("--port", type=int, default=0, help="first port to use (default: any free ports)")
    parser.add_argument("--json", action="store_true", help="print one JSON object with URLs and credentials")
    parser.add_argument(
        "--services",
        default=",".join(DEFAULT),
        help=f"comma-separated, from {', '.join(SERVICES)} (default: {','.join(DEFAULT)})",
    )
    parser.add_argument("--cert-dir", type=Path, default=None, help="where the CA and certificate live")
    parser.add_argument(
        "--org",
        choices=ORG_VARIANTS,
        default="standard",
        help="Salesforce org: standard (no custom field of ours, default) or custom-key (Syncbar_Key__c installed)",
    )
    parser.add_argument(
        "--rtt",
        type=float,
        default=None,
        metavar="MS",
        help="realistic network mode: this round trip (milliseconds) per request, and each service's "
        "published rate and concurrency limits enforced (GET /violations on the control port lists breaches)",
    )
    args = parser.parse_args(argv)
    if args.items < 50:
        parser.error("--items must be at least 50")
    if not 0 <= args.port <= 65530:
        parser.error("--port must be between 0 and 65530")
    if args.rtt is not None and not 0 <= args.rtt <= 10_000:
        parser.error("--rtt must be between 0 and 10000 milliseconds")
    names = [n.strip() for n in args.services.split(",") if n.strip()]
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        seed_data = generate(args.items, args.seed)
        seed_data.org.custom_key_field = _org_variant(args.org)
        services = build_services(seed_data, names)
        network = Network(args.rtt / 1000) if args.rtt is not None else None
        host = EmulatorHost(services, port=args.port, cert_dir=args.cert_dir, seed=seed_data, network=network)
        host.start()
    except (ValueError, OSError) as exc:
        print(f"syncbar emulators: cannot start: {exc}", file=sys.stderr)
        return 2
    try:
        info = host.info()
        print(json.dumps(info) if args.json else _summary(info), flush=True)
        while not stop.is_set():
            time.sleep(0.1)
    finally:
        host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
