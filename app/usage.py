"""``UsageError``: a command or a setting that cannot be used as given; the message says what to do instead.

Its own module so that what raises it (the profile's registrations, the wiring, setup) need not import the
command-line module (``app.commands``), which itself reaches the wiring: that made an import cycle.
The CLI turns it into exit code 2 (``app.commands.EXIT_USAGE``).
"""

from __future__ import annotations


class UsageError(Exception):
    """A command that cannot run as asked; the message says what to do instead."""
