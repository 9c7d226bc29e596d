#!/bin/sh
# Build the one-folder bundle in dist/syncbar (see docs/packaging.md).  Usage: packaging/build.sh
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
[ -x "$VENV/bin/python" ] || ./dev lint >/dev/null  # sets up the venv
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "pyinstaller>=6.5"
"$VENV/bin/python" packaging/linux/render_icons.py packaging/linux/icons
"$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/pyinstaller/syncbar.spec
du -sh dist/syncbar | awk '{print "bundle size: " $1 " (dist/syncbar)"}'
