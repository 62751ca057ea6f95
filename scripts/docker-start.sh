#!/bin/sh
# The image's start command (Dockerfile CMD). At first start DATA_DIR holds no civic data: import it
# (from the canonical URLs, or from CIVIC_DATA_FROM offline), and stop with the importer's message if that
# fails, so that a broken first start is reported as such and not as a server that cannot find its data.
# Then the server replaces this shell, so it receives SIGTERM itself.
set -eu
if [ ! -f "${DATA_DIR:-data}/civic-index.json" ]; then
  echo "First start: importing the public civic data into ${DATA_DIR:-data}"
  if ! node dist/scripts/data-update.js; then
    echo "The first-start data import failed (message above); the server was not started." >&2
    exit 1
  fi
fi
# Node sizes V8's heap from the machine's memory (a 128 MB young generation and a 4 GB limit on a 24 GB
# host, where the old generation grows to four times the live heap before it is collected). A request's
# garbage is short-lived: 8 MB semi-spaces. The live heap is 50-60 MB: a 160 MB old generation. Maglev's
# compiler memory stays in malloc's thread arenas once the template functions get hot: no Maglev
# (docs/performance.md, "Where the memory goes"; docs/decisions.md).
exec node --max-semi-space-size=8 --max-old-space-size=160 --no-maglev dist/src/server.js
