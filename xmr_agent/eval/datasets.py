"""Evaluation data sets: detect the layout of a path and turn it into retrieval cases.

* ``redial`` — conversational recommendation: a folder with ``catalog.json`` (movies keyed by
  id) and a JSONL of turns (``context``, ``entity``, ``rec``), or that JSONL itself.
* ``image-text`` — a folder with ``images/`` and ``captions.csv`` (``image,caption``), as
  Flickr8k: each caption is a text query whose relevant item is its image (text → image).
* ``retrieval`` — a JSONL of ``{"query": ..., "relevant_ids": [...]}`` over a table you ingested.

Only what a live system would know goes into a case's query and ``exclude`` set (the dialogue
so far); gold labels (``rec``) only ever become ``relevant``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from xmr_agent.errors import ConfigError
from xmr_agent.ingestion.readers import FieldMap

KINDS = ("redial", "image-text", "retrieval")
REDIAL_FIELDS = FieldMap(title="name", text=("plot", "genre", "director", "star"))
#: Dialogue turns (most recent last) that make up a ReDial query.
REDIAL_CONTEXT_TURNS = 3


@dataclass(frozen=True)
class Case:
    """One query with its relevant ids; ``exclude`` are ids already known to the user, ``seeds``
    the items the user mentioned so far, oldest first (both known at inference time)."""

    query: str
    relevant: frozenset[str]
    exclude: frozenset[str] = frozenset()
    group: str = ""
    seeds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    """A located data set: its kind, its query file, and the catalogue to ingest (if any)."""

    kind: str
    queries: Path
    catalog: Path | None = None
    fields: FieldMap | None = None


def locate(path: str | Path, kind: str | None = None) -> Dataset:
    """Detect (or check) the data set kind from the layout at ``path``."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"data set {path} does not exist")
    if kind is not None and kind not in KINDS:
        raise ConfigError(f"unknown data set kind {kind!r}; expected one of {', '.join(KINDS)}")
    found = _detect(path)
    if found is None:
        raise ConfigError(
            f"cannot tell what kind of data set {path} is: expected a ReDial folder (catalog.json + "
            "turns .jsonl) or a JSONL of {query, relevant_ids}; pass --kind to say"
        )
    if kind is not None and found.kind != kind:
        raise ConfigError(f"{path} looks like a {found.kind!r} data set, not {kind!r}")
    return found


def _detect(path: Path) -> Dataset | None:
    if path.is_dir():
        if (path / "images").is_dir() and (path / "captions.csv").is_file():
            return Dataset("image-text", path / "captions.csv", path / "images")
        turns = sorted(path.glob("*.jsonl"))
        if (path / "catalog.json").is_file() and turns:
            preferred = [t for t in turns if t.stem in ("valid", "test")] or turns
            return Dataset("redial", preferred[0], path / "catalog.json", REDIAL_FIELDS)
        return None
    first = _first_record(path)
    if first is None:
        return None
    if {"context", "rec"} <= first.keys() and (path.parent / "catalog.json").is_file():
        return Dataset("redial", path, path.parent / "catalog.json", REDIAL_FIELDS)
    if {"query", "relevant_ids"} <= first.keys():
        return Dataset("retrieval", path)
    return None


def _first_record(path: Path) -> dict | None:
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        return None
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    return None
                return record if isinstance(record, dict) else None
    return None


def cases(dataset: Dataset, *, limit: int | None = None) -> list[Case]:
    """The data set's cases (the first ``limit`` of them)."""
    readers = {"redial": _redial_cases, "image-text": _caption_cases}
    reader = readers[dataset.kind](dataset) if dataset.kind in readers else _retrieval_cases(dataset.queries)
    out: list[Case] = []
    for case in reader:
        if limit is not None and len(out) >= limit:
            break
        out.append(case)
    return out


def _caption_cases(dataset: Dataset) -> Iterator[Case]:
    """Each caption of an image that exists → a text query for that image."""
    with dataset.queries.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            image, caption = (row.get("image") or "").strip(), (row.get("caption") or "").strip()
            if image and caption and dataset.catalog is not None and (dataset.catalog / image).is_file():
                yield Case(caption, frozenset({image}), group=image)


def image_items(dataset: Dataset, path: Path, *, limit: int | None = None) -> Path:
    """Write the images of an ``image-text`` data set as a JSONL catalogue (id = file name)."""
    if dataset.catalog is None:
        raise ConfigError(f"data set {dataset.queries} has no images folder")
    names = sorted({case.group for case in _caption_cases(dataset)})[:limit]
    with path.open("w", encoding="utf-8") as f:
        for name in names:
            f.write(json.dumps({"id": name, "title": "", "image": str((dataset.catalog / name).resolve())}) + "\n")
    return path


def redial_items(dataset: Dataset, path: Path) -> Path:
    """Write a ReDial ``catalog.json`` as a JSONL catalogue, with ``year`` read from names such
    as "Toy Story (1995)" so that requests like "from the 90s" can filter on it."""
    if dataset.catalog is None:
        raise ConfigError(f"ReDial data set {dataset.queries} needs a catalog.json beside it")
    movies = json.loads(dataset.catalog.read_text(encoding="utf-8"))
    with path.open("w", encoding="utf-8") as f:
        for movie_id, movie in movies.items():
            year = re.search(r"\((\d{4})\)\s*$", str(movie.get("name", "")))
            row = {"id": str(movie_id), **movie, "year": int(year.group(1)) if year else None}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def _retrieval_cases(path: Path) -> Iterator[Case]:
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                query, relevant = str(record["query"]), [str(i) for i in record["relevant_ids"]]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise ConfigError(f"{path}:{line_no}: expected {{query, relevant_ids}}: {e}") from e
            if relevant and query.strip():
                yield Case(query, frozenset(relevant), group=str(record.get("group", "")))


def _redial_cases(dataset: Dataset) -> Iterator[Case]:
    if dataset.catalog is None:
        raise ConfigError(f"ReDial data set {dataset.queries} needs a catalog.json beside it")
    ids_by_name = redial_name_index(dataset.catalog)
    with dataset.queries.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            turn = json.loads(line)
            relevant = {i for name in turn.get("rec", []) for i in ids_by_name.get(name, ())}
            if not relevant:
                continue
            mentioned = [i for name in turn.get("entity", []) for i in ids_by_name.get(name, ())]
            yield Case(redial_query(turn["context"]), frozenset(relevant), frozenset(mentioned),
                       str(turn.get("dialog_id", "")), tuple(dict.fromkeys(mentioned)))


def redial_sessions(path: Path, catalog: Path, *, skip: Iterable[str] = ()) -> list[list[str]]:
    """Past dialogues as interaction sessions: per dialogue, the movies in the order they came up
    (mentioned, then recommended, turn by turn), names matched in ReDial's ``catalog.json``.
    Dialogues whose id is in ``skip`` are left out."""
    from xmr_agent.recommend.signals import dialogue_sessions

    return dialogue_sessions(path, redial_name_index(catalog), skip=skip)


def in_holdout(group: str, fraction: float) -> bool:
    """A stable pseudo-random split by group (dialogue id): True for about ``fraction`` of groups."""
    digest = hashlib.blake2b(group.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2**64 < fraction


def redial_query(context: list[str]) -> str:
    """The dialogue so far as a query: its last few non-empty turns, oldest first."""
    turns = [t.strip() for t in context if t and t.strip()]
    return " ".join(turns[-REDIAL_CONTEXT_TURNS:]) or "a good movie"


def redial_name_index(catalog: Path) -> dict[str, list[str]]:
    """Movie name → catalogue ids (a name can belong to several ids)."""
    index: dict[str, list[str]] = {}
    for movie_id, movie in json.loads(catalog.read_text(encoding="utf-8")).items():
        index.setdefault(movie.get("name", ""), []).append(str(movie_id))
    return index
