#!/usr/bin/env bash
# The held-out suite fresh.jsonl end to end: check it against its catalogues, ingest garden.csv,
# records.csv and gear.csv into a fresh database with the plain `xmr ingest FILE --db DB --table
# NAME` (as a user would; garden and gear name their items in a `name` column, not `title`), and
# run `xmr eval --intents`. Extra options go to `xmr eval`.
#
#   benchmarks/intents/run_fresh.sh                      # → reports/intents-fresh/report.md
#   TITLE_FIELD=name benchmarks/intents/run_fresh.sh     # ingest garden and gear with --title-field name
#
# XMR, PYTHON, DB (default: a temporary folder, removed at the end) and OUT may be set.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
XMR="${XMR:-xmr}"
PYTHON="${PYTHON:-python}"
OUT="${OUT:-reports/intents-fresh}"
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}" TRANSFORMERS_OFFLINE="${TRANSFORMERS_OFFLINE:-1}"
if [ -z "${DB:-}" ]; then
  DB="$(mktemp -d)/intents-fresh"
  trap 'rm -rf "$(dirname "$DB")"' EXIT
fi

"$PYTHON" "$HERE/check_suite.py" "$HERE/fresh.jsonl"
for table in garden records gear; do
  extra=()
  if [ -n "${TITLE_FIELD:-}" ] && [ "$table" != records ]; then extra=(--title-field "$TITLE_FIELD"); fi
  $XMR ingest "$HERE/$table.csv" --db "$DB" --table "$table" --no-progress "${extra[@]}"
done
$XMR eval --intents "$HERE/fresh.jsonl" --db "$DB" --out "$OUT" "$@"
