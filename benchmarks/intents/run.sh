#!/usr/bin/env bash
# An intent suite end to end: draw the shop's pictures, ingest the suite's catalogues into a fresh
# database with the plain `xmr ingest FILE --db DB --table NAME`, and run `xmr eval --intents`.
#
#   benchmarks/intents/run.sh                          # suite.jsonl, all cases, rules only (no LLM)
#   benchmarks/intents/run.sh --split dev --llm local  # extra options go to `xmr eval`
#   benchmarks/intents/run_fresh.sh                    # the blind suite, fresh.jsonl
#
# XMR (the xmr command), PYTHON, DB (default: a temporary folder, removed at the end), OUT
# (default: reports/intents), SUITE (default: suite.jsonl) and TABLES (default: shop books cafe,
# each read from TABLE.csv here) may be set in the environment.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
XMR="${XMR:-xmr}"
PYTHON="${PYTHON:-python}"
OUT="${OUT:-reports/intents}"
SUITE="${SUITE:-suite.jsonl}"
TABLES="${TABLES:-shop books cafe}"
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}" TRANSFORMERS_OFFLINE="${TRANSFORMERS_OFFLINE:-1}"
if [ -z "${DB:-}" ]; then
  DB="$(mktemp -d)/intents"
  trap 'rm -rf "$(dirname "$DB")"' EXIT
fi

"$PYTHON" "$HERE/make_images.py"
for table in $TABLES; do
  $XMR ingest "$HERE/$table.csv" --db "$DB" --table "$table" --no-progress
done
$XMR eval --intents "$HERE/$SUITE" --db "$DB" --out "$OUT" "$@"
