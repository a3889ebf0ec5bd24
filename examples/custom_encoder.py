"""Writing an encoder plugin: a tiny character-trigram text encoder, checked and used.

    python examples/custom_encoder.py

A real plugin lives in its own package and registers itself in its pyproject.toml:

    [project.entry-points."xmr_agent.encoders"]
    trigram = "my_package.trigram:TrigramEncoder"

Without registering, the dotted path "custom_encoder:TrigramEncoder" works anywhere an
encoder name does (e.g. `xmr ingest ... --encoder text=custom_encoder:TrigramEncoder`
with this folder on PYTHONPATH).
"""

from __future__ import annotations

import tempfile
import zlib
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from xmr_agent import Catalog, EncoderBase, ingest
from xmr_agent.testing import check_encoder


class TrigramEncoder(EncoderBase):
    """Hashes lower-cased character trigrams into ``dim`` buckets."""

    name: ClassVar[str] = "trigram"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    @property
    def space(self) -> str:
        return f"trigram:{self.dim}"

    def config(self) -> dict[str, Any]:
        return {"dim": self.dim}

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        for row, text in enumerate(items):
            padded = f"  {str(text).lower()} "
            for i in range(len(padded) - 2):
                out[row, zlib.crc32(padded[i : i + 3].encode()) % self.dim] += 1.0
        return out  # EncoderBase L2-normalises and checks modality and role


if __name__ == "__main__":
    check_encoder(TrigramEncoder())  # raises PluginError listing every contract violation
    db = tempfile.mkdtemp(prefix="xmr-plugin-")
    ingest(Path(__file__).parent / "demo" / "catalog.jsonl", db, "shop", vectors={"text": TrigramEncoder()})
    hit = Catalog.open(db, "shop").search("espresso maker for camping", k=1)[0]
    print(f"trigram encoder top hit: {hit.id} {hit.item['title']}")
