"""Give a table that exists a new vector column: the demo shop, ingested with words only, gets
image vectors (photo → item) from the image paths it stores, while a reader keeps searching.

    python examples/backfill.py [--db DIR]
"""

import argparse
import json
import tempfile
from pathlib import Path

from xmr_agent import Catalog, backfill, ingest

parser = argparse.ArgumentParser()
parser.add_argument("--db", default=tempfile.mkdtemp(prefix="xmr-"))
db = parser.parse_args().db
demo = Path(__file__).parent / "demo"
catalog_file = Path(db) / "catalog.jsonl"  # the demo catalogue, with media paths made absolute
rows = [json.loads(line) for line in (demo / "catalog.jsonl").read_text(encoding="utf-8").splitlines()]
media = ("image", "audio", "video")
catalog_file.write_text("".join(json.dumps({**r, **{m: str(demo / r[m]) for m in media if r.get(m)}}) + "\n"
                                for r in rows))

first = ingest(catalog_file, db, "shop", vectors={"text": "text"})  # words only: one text column
print(f"{first.inserted} inserted with words only")
reader = Catalog.open(db, "shop")  # opened before the backfill: it keeps its version

# Fill an EfficientNet-Lite0 column from the stored image paths; one commit makes it searchable.
report = backfill(db, "shop", {"image": "efficientnet-lite0"})
print(f"{report.columns}: {report.encoded} embedded, {report.empty} without an image, {len(report.bad)} skipped")

photo = str(demo / "media" / "film-001.png")  # a poster: which items look like it?
for hit in Catalog.open(db, "shop").search(photo, modality="image", k=3):
    print(f"{hit.score:.3f}  {hit.id}  {hit.item['title']}")
print("the earlier reader still searches its version:", reader.search("space adventure", k=1)[0].item["title"])

# The same catalogue again: the stored hashes did not change, so nothing is embedded again.
print(f"{ingest(catalog_file, db, 'shop').unchanged} unchanged")
