#!/usr/bin/env bash
# The intent suite end to end: draw the shop's pictures, ingest the three catalogues into a fresh
# database with the plain `xmr ingest FILE --db DB --table NAME`, and run `xmr eval --intents`.
#
#   benchmarks/intents/run.sh                          # all cases, rules only (no LLM)
#   benchmarks/intents/run.sh --split dev --llm local  # extra options go to `xmr eval`
#
# XMR (the xmr command), PYTHON, DB (default: a temporary folder, removed at the end) and OUT
# (default: reports/intents) may be set in the environment.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
XMR="${XMR:-xmr}"
PYTHON="${PYTHON:-python}"
OUT="${OUT:-reports/intents}"
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}" TRANSFORMERS_OFFLINE="${TRANSFORMERS_OFFLINE:-1}"
if [ -z "${DB:-}" ]; then
  DB="$(mktemp -d)/intents"
  trap 'rm -rf "$(dirname "$DB")"' EXIT
fi

"$PYTHON" "$HERE/make_images.py"
for table in shop books cafe; do
  $XMR ingest "$HERE/$table.csv" --db "$DB" --table "$table" --no-progress
done
$XMR eval --intents "$HERE/suite.jsonl" --db "$DB" --out "$OUT" "$@"
