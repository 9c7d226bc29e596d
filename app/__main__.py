"""``python -m app`` runs the command-line entry point.

``emulators serve`` is started directly: the emulators import nothing from the rest of ``app``,
so they need not wait for the app's own imports (a third of a second on a busy 2-core machine).
"""

import sys

if sys.argv[1:3] == ["emulators", "serve"]:
    from app.emulators.serve import main as serve

    raise SystemExit(serve(sys.argv[3:]))

from app.compose.cli import main

raise SystemExit(main())
