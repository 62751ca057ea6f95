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
# Node sizes V8's young generation from the machine's memory (128 MB of it on a 24 GB host); a request's
# garbage is short-lived, and 8 MB semi-spaces cost about 110 MB less RSS at the same CPU per request
# (docs/performance.md, "Where the memory goes").
exec node --max-semi-space-size=8 dist/src/server.js
