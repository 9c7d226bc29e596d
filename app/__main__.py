"""The ``syncbar`` command (and ``python -m app``).

``emulators serve`` is started directly: the emulators import nothing from the rest of ``app``,
so they need not wait for the app's own imports (a third of a second on a busy 2-core machine).
Everything else goes to the command line of the composition root.
"""

import sys


def main() -> int:
    if sys.argv[1:3] == ["emulators", "serve"]:
        from app.emulators.serve import main as serve

        return serve(sys.argv[3:])
    from app.compose.cli import main as cli

    return cli()


if __name__ == "__main__":
    raise SystemExit(main())
