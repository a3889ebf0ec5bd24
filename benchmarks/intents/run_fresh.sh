#!/usr/bin/env bash
# The blind suite fresh.jsonl end to end: check it against its catalogues (garden.csv, records.csv,
# gear.csv), then run it as run.sh does, each catalogue ingested with the plain `xmr ingest FILE`.
# Extra options go to `xmr eval`; XMR, PYTHON, DB and OUT (default: reports/intents-fresh) as for run.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"${PYTHON:-python}" "$HERE/check_suite.py" "$HERE/fresh.jsonl"
SUITE=fresh.jsonl TABLES="garden records gear" OUT="${OUT:-reports/intents-fresh}" exec "$HERE/run.sh" "$@"
