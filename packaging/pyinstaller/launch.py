"""Entry point of the frozen app: the same command line as the ``syncbar`` console script."""

import sys

from app.compose.cli import main

if __name__ == "__main__":
    sys.exit(main())
