"""The composition root: the only package that may import every other one of ours.

It turns a profile into a running app: the command line (``cli``, ``commands``), exit codes and
``UsageError`` (``exits``), the wiring of providers into the core (``wiring``), set-up and sign-in
(``setup``), the cycle child process (``sync_child``), the desktop entry, the support report and logging,
the company's registrations, paths and autostart.
"""
