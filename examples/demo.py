"""Search the demo catalogue a few ways, then ask the agent: run `make demo` (it ingests first).

    python examples/demo.py --db .xmr-demo --table demo [--llm none|local|openai:MODEL]
"""

from __future__ import annotations

import argparse

from xmr_agent import Agent, Catalog

QUERIES = [
    ("something calm to listen to while studying", None, False),
    ("something calm to listen to while studying", "category = 'music' AND price < 1.0", False),
    ("a space opera about a rebellion against an empire", None, False),
    ("gear for a rainy hike", "array_has(tags, 'outdoor')", True),
    ("a book about baking bread", "year >= 2015", True),
]

REQUESTS = [
    "a calm piano song under $1",
    "two sci-fi books or films, nothing about war",
    "waterproof gear for a rainy hike under $200",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=".xmr-demo")
    parser.add_argument("--table", default="demo")
    parser.add_argument("--llm", default="none", help="LLM for the agent (none: rule-based).")
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
    ask(catalog, args.llm)


def ask(catalog: Catalog, llm_spec: str) -> None:
    """The agent: the request is rewritten (filters, k, things to avoid), searched, fused, explained."""
    from xmr_agent.llm import get_llm

    agent = Agent(catalog, llm=get_llm(llm_spec))
    for request in REQUESTS:
        answer = agent.ask(request, k=3)
        print(f"\n? {request!r} → where {answer.where or '-'}; avoid {', '.join(answer.query.avoid) or '-'}")
        for rec in answer.recommendations:
            print(f"  {rec.rank}. {rec.item['title']:<28} ${rec.item['price']:<7} {rec.explanation}")


if __name__ == "__main__":
    main()
