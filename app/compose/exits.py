"""How a command ends: ``UsageError`` and the process exit codes, in one small module.

Everything that raises ``UsageError`` (the registrations, the wiring, setup) or picks an exit code (the CLI,
the cycle child) imports this module and nothing heavier, so none of them needs the command-line module.
The exit codes are a promise to scripts and to the desktop app (README, "Exit codes").
"""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_ITEM_ISSUES = 1
EXIT_USAGE = 2
EXIT_REAUTH = 3
EXIT_UNAVAILABLE = 4
EXIT_BUSY = 5
EXIT_LOCAL = 6
EXIT_BUG = 70  # EX_SOFTWARE
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C or SIGTERM at a safe point (128 + SIGINT, as shells report it)


class UsageError(Exception):
    """A command that cannot run as asked; the message says what to do instead."""
