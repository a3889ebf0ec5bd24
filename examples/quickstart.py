"""The Python API in a dozen lines: ingest a catalogue, then search it.

    python examples/quickstart.py [--db DIR]
"""

import argparse
import tempfile
from pathlib import Path

from xmr_agent import Catalog, ingest

parser = argparse.ArgumentParser()
parser.add_argument("--db", default=tempfile.mkdtemp(prefix="xmr-"))
db = parser.parse_args().db
catalog_file = Path(__file__).parent / "demo" / "catalog.jsonl"

# Embed title + text with the default `text` encoder (all-MiniLM-L6-v2); upsert by id.
report = ingest(catalog_file, db, "shop")
print(f"{report.inserted} inserted, {report.unchanged} unchanged, {len(report.bad)} skipped")

# Reopen with no arguments: the encoder is rebuilt from the table's metadata.
catalog = Catalog.open(db, "shop")
for hit in catalog.search("calm music for reading", k=3, where="price < 5"):
    print(f"{hit.score:.3f}  {hit.id}  {hit.item['title']}")
