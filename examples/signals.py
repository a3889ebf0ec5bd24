"""A chat that learns from an interaction log: items liked together, and shared tags.

    python examples/signals.py [--db DIR]

The demo catalogue is ingested, a small log of who liked what is written beside it, and a
conversation names a film. The agent blends the words with the item graph learned from the log
(``Signals.interactions``) and with the tags the film shares with others, and says which signal
found each recommendation. The same from the shell:

    xmr chat --db DIR --table demo --interactions events.jsonl --graph-weight 2 --attribute-weight 1
"""

import argparse
import json
import tempfile
from pathlib import Path

from xmr_agent import Agent, Catalog, Session, ingest
from xmr_agent.recommend.signals import Signals

parser = argparse.ArgumentParser()
parser.add_argument("--db", default=tempfile.mkdtemp(prefix="xmr-"))
db = Path(parser.parse_args().db)
ingest(Path(__file__).parent / "demo" / "catalog.jsonl", db, "demo", progress=False)

# Who liked what: two people who liked "Star Lanes" also liked "Cold Equations of Mars".
log = db / "events.jsonl"
events = [("ann", "film-001"), ("ann", "book-004"), ("ann", "film-005"), ("bob", "film-001"), ("bob", "book-004"),
          ("cat", "film-001"), ("cat", "film-006"), ("dan", "film-004"), ("dan", "film-003")]
log.write_text("".join(json.dumps({"user": u, "item": i, "like": True, "time": n}) + "\n"
                       for n, (u, i) in enumerate(events)))

catalog = Catalog.open(db, "demo")
signals = Signals(interactions=log, graph_weight=2.0, attribute_weight=1.0)
chat = Session.open(Agent(catalog, **signals.agent_settings(catalog)), k=3)
answer = chat.send("I loved Star Lanes, what should I read or watch next?")
for rec in answer.recommendations:
    print(f"{rec.rank}. {rec.explanation}")
