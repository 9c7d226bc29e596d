"""The composition root and command-line interface (``syncbar``).

Builds the store, providers, engine and UI and passes them in; nothing else in
``app`` constructs them.  Exit codes are documented in README.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import __version__

EXIT_CLEAN = 0
EXIT_ITEM_ISSUES = 1
EXIT_USAGE = 2
EXIT_REAUTH = 3
EXIT_UNAVAILABLE = 4
EXIT_BUSY = 5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="syncbar", description="Keep your mailbox and Salesforce in step.")
    parser.add_argument("--version", action="version", version=f"syncbar {__version__}")
    sub = parser.add_subparsers(dest="command")
    status = sub.add_parser("status", help="show the sync state")
    status.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "status":
        print("No account is set up yet.")
        return EXIT_CLEAN
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
