"""Search the demo catalogue a few ways: run `make demo` (it ingests the catalogue first).

    python examples/demo.py --db .xmr-demo --table demo
"""

from __future__ import annotations

import argparse

from xmr_agent import Catalog

QUERIES = [
    ("something calm to listen to while studying", None, False),
    ("something calm to listen to while studying", "category = 'music' AND price < 1.0", False),
    ("a space opera about a rebellion against an empire", None, False),
    ("gear for a rainy hike", "array_has(tags, 'outdoor')", True),
    ("a book about baking bread", "year >= 2015", True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=".xmr-demo")
    parser.add_argument("--table", default="demo")
    args = parser.parse_args()
    catalog = Catalog.open(args.db, args.table)
    print(f"{catalog.count()} items in table {args.table!r}")
    for query, where, hybrid in QUERIES:
        hits = catalog.search(query, k=3, where=where, hybrid=hybrid)
        mode = "hybrid" if hybrid else "vector"
        print(f"\n» {query!r} ({mode}{', where ' + where if where else ''})")
        for rank, hit in enumerate(hits, start=1):
            print(f"  {rank}. {hit.item['title']:<28} {hit.item['category']:<6} "
                  f"${hit.item['price']:<7} score {hit.score:.3f}")


if __name__ == "__main__":
    main()
