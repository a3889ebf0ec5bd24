"""Reading catalogues: JSONL, CSV, JSON and folders of files, streamed record by record.

Readers yield ``(line, raw_dict)`` or ``(line, BadRecord)``; :func:`normalise` turns a raw dict
into an item with ``id``, ``title``, ``text``, media paths and typed metadata, or raises
:class:`RecordError` with the reason it must be skipped.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xmr_agent.errors import IngestError
from xmr_agent.media.roots import URL
from xmr_agent.types import BadRecord

MEDIA_EXTENSIONS: dict[str, frozenset[str]] = {
    "image": frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}),
    "audio": frozenset({".mp3", ".wav", ".flac", ".ogg", ".m4a", ".opus"}),
    "video": frozenset({".mp4", ".mov", ".mkv", ".webm", ".avi"}),
}
TEXT_EXTENSIONS = frozenset({".txt", ".md"})
MEDIA_FIELDS = tuple(MEDIA_EXTENSIONS)
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

Raw = tuple[int | None, dict[str, Any] | BadRecord]


class RecordError(ValueError):
    """A record that cannot be ingested; the message is the reason."""


@dataclass(frozen=True)
class FieldMap:
    """Where the core fields come from in the source records."""

    id: str = "id"
    title: str = "title"
    text: tuple[str, ...] = ("text",)
    drop: tuple[str, ...] = field(default_factory=tuple)
    #: Column types to use instead of inferring them, e.g. ``{"price": "float"}``.
    types: Mapping[str, str] = field(default_factory=dict)


def read_catalog(path: str | Path, *, raw_fields: Sequence[str] = ("id", "title", "text")) -> Iterator[Raw]:
    """Stream raw records from a JSONL, CSV or JSON file, or a folder of files.

    CSV cells are typed (numbers, booleans) except in ``raw_fields``, which stay strings
    (an id ``007`` stays ``"007"``).
    """
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if not path.is_file():
        raise IngestError(f"catalogue {path} does not exist; give a .jsonl, .csv or .json file or a folder")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(path)
    if suffix == ".csv":
        return read_csv(path, raw_fields)
    if suffix == ".json":
        return read_json(path)
    raise IngestError(f"cannot read {path}: expected .jsonl, .ndjson, .csv, .json or a folder, got {suffix!r}")


def count_records(path: str | Path) -> int | None:
    """A cheap record count for progress bars (lines of a JSONL/CSV, files of a folder)."""
    path = Path(path)
    if path.is_dir():
        return sum(1 for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if path.suffix.lower() in (".jsonl", ".ndjson", ".csv"):
        with path.open("rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        return max(lines - (path.suffix.lower() == ".csv"), 0)
    return None


def read_jsonl(path: Path) -> Iterator[Raw]:
    with path.open(encoding="utf-8", errors="replace") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                yield line_no, BadRecord(str(path), line_no, f"malformed JSON: {e.msg} at column {e.colno}")
                continue
            if not isinstance(record, dict):
                yield line_no, BadRecord(str(path), line_no, f"expected a JSON object, got {type(record).__name__}")
                continue
            yield line_no, record


def read_csv(path: Path, raw_fields: Sequence[str] = ()) -> Iterator[Raw]:
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            line_no = reader.line_num
            if None in row:
                yield line_no, BadRecord(str(path), line_no, f"{len(row[None])} more values than header columns")
                continue
            yield line_no, {k: (v if k in raw_fields else parse_cell(v)) for k, v in row.items() if k}


def read_json(path: Path) -> Iterator[Raw]:
    """A JSON array of objects, or an object mapping ids to objects (loaded whole)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IngestError(f"{path} is not valid JSON: {e}; for one object per line use .jsonl") from e
    if isinstance(data, dict):
        entries: Iterator[tuple[int, Any]] = (
            (n, {"id": key, **value} if isinstance(value, dict) and "id" not in value else value)
            for n, (key, value) in enumerate(data.items(), start=1)
        )
    elif isinstance(data, list):
        entries = enumerate(data, start=1)
    else:
        raise IngestError(f"{path} holds a JSON {type(data).__name__}; expected an array or an object")
    for n, value in entries:
        if isinstance(value, dict):
            yield n, value
        else:
            yield n, BadRecord(str(path), n, f"entry {n} is a {type(value).__name__}, not an object")


def read_folder(root: Path) -> Iterator[Raw]:
    """One item per file: id = relative path, title = file stem, modality from the extension."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    for path in files:
        rel = path.relative_to(root).as_posix()
        suffix = path.suffix.lower()
        record: dict[str, Any] = {"id": rel, "title": path.stem.replace("_", " ")}
        if suffix in TEXT_EXTENSIONS:
            try:
                record["text"] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                yield None, BadRecord(rel, None, f"unreadable text file: {e}", rel)
                continue
        else:
            modality = next((m for m, exts in MEDIA_EXTENSIONS.items() if suffix in exts), None)
            if modality is None:
                yield None, BadRecord(rel, None, f"unsupported file type {suffix or '(none)'!r}", rel)
                continue
            record[modality] = str(path.resolve())
        yield None, record


def parse_cell(value: str | None) -> Any:
    """A CSV cell as int, float, bool, None (empty) or the string itself."""
    if value is None:
        return None
    text = value.strip()
    if text == "":
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if not NUMBER.match(text):
        return value
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return value


def normalise(raw: dict[str, Any], fields: FieldMap, base_dir: Path) -> dict[str, Any]:
    """A raw record → an item dict, or :class:`RecordError` with the reason."""
    item_id = raw.get(fields.id)
    if item_id is None or (isinstance(item_id, str) and not item_id.strip()):
        raise RecordError(f"missing id (field {fields.id!r})")
    if isinstance(item_id, (dict, list)):
        raise RecordError(f"id must be a string or a number, got {type(item_id).__name__}")
    item: dict[str, Any] = {
        "id": str(item_id),
        "title": _as_text(raw.get(fields.title)),
        "text": compose_text(raw, fields.text),
    }
    for media in MEDIA_FIELDS:
        item[media] = _media_path(raw.get(media), media, base_dir)
    skip = {fields.id, fields.title, *MEDIA_FIELDS, "text", *fields.drop}
    for key, value in raw.items():
        if key not in skip:
            item[column_name(key)] = value
    return item


def compose_text(raw: dict[str, Any], text_fields: Sequence[str]) -> str:
    """The item's text: one field as is, or several as ``field: value`` sentences."""
    if len(text_fields) == 1:
        return _as_text(raw.get(text_fields[0]))
    parts = []
    for name in text_fields:
        value = _as_text(raw.get(name))
        if value:
            parts.append(value if name in ("text", "plot", "description") else f"{name}: {value}")
    return ". ".join(parts)


@functools.lru_cache(maxsize=4096)
def column_name(key: str) -> str:
    """A metadata key as a safe, lower-case column name (SQL filters need no quoting)."""
    name = re.sub(r"[^0-9a-z_]+", "_", str(key).lower()).strip("_") or "field"
    return f"f_{name}" if name[0].isdigit() or name.startswith("vec__") else name


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_as_text(v) for v in value if v is not None)
    return str(value).strip()


def _media_path(value: Any, media: str, base_dir: Path) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{media} must be a path or URL string, got {type(value).__name__}")
    if URL.match(value):
        return value
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base_dir / path
    if not path.is_file():
        raise RecordError(f"{media} file not found: {value} (looked at {path})")
    return str(path.resolve())
