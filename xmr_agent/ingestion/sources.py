"""What :func:`~xmr_agent.ingestion.pipeline.ingest` reads: a catalogue file or folder, or records
already in memory (an iterable of dicts, a pandas DataFrame, an Arrow table)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xmr_agent.errors import IngestError
from xmr_agent.ingestion.readers import Raw, count_records, read_catalog
from xmr_agent.types import BadRecord

#: A source: a path, or records.
Source = str | Path | Iterable[dict[str, Any]] | Any


@dataclass
class Records:
    """The records of a source, with where relative media paths start and a count for progress."""

    name: str
    base_dir: Path
    total: int | None
    stream: Iterator[Raw]
    notes: list[str] = field(default_factory=list)


def open_source(source: Source, *, raw_fields: Sequence[str], encoding: str | None = None) -> Records:
    """The records of ``source``; a path is streamed, in-memory records are numbered from 1."""
    if isinstance(source, str | Path):
        path = Path(source)
        notes: list[str] = []
        stream = read_catalog(path, raw_fields=raw_fields, encoding=encoding, notes=notes)
        return Records(str(path), path if path.is_dir() else path.parent, count_records(path), stream, notes)
    rows = _rows(source)
    total = len(rows) if isinstance(rows, Sequence) else None
    return Records("records", Path.cwd(), total, _numbered(rows))


def _rows(source: Any) -> Iterable[Any]:
    if hasattr(source, "to_dict") and hasattr(source, "columns"):  # a pandas DataFrame
        return list(source.to_dict("records"))
    if hasattr(source, "to_pylist"):  # an Arrow table
        return list(source.to_pylist())
    if isinstance(source, dict) or not isinstance(source, Iterable):
        raise IngestError(f"cannot ingest a {type(source).__name__}: give a catalogue path, an iterable of dicts "
                          "(one per item), a pandas DataFrame or an Arrow table")
    return source


def _numbered(rows: Iterable[Any]) -> Iterator[Raw]:
    for n, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            yield n, row
        else:
            yield n, BadRecord("records", n, f"item {n} is a {type(row).__name__}, not a dict")
