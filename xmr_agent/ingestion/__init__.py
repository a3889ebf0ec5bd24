"""The write path: catalogue files → items → media work → vectors → the store.

* :mod:`.readers` — JSONL / CSV / JSON / folders → item dicts, bad records reported;
* :mod:`.pipeline` — :func:`~.pipeline.ingest`: stream, batch, hash, upsert by id;
* :mod:`.embedding` — the vector columns of a batch, and the hashes that detect change;
* :mod:`.engines`, :mod:`.ray` — where encoding runs (this process, or a Ray cluster);
* :mod:`.stages`, :mod:`.tags`, :mod:`.transcripts`, :mod:`.video` — per-row media work;
* :mod:`.backfill` — add or re-embed a vector column of a table that exists.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """``from xmr_agent.ingestion import ingest`` (imported on first use)."""
    if name == "ingest":
        from xmr_agent.ingestion.pipeline import ingest

        return ingest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
