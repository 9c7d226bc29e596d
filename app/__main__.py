"""``python -m app`` runs the command-line entry point."""

from app.cli import main

raise SystemExit(main())
