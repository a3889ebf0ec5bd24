"""Reading catalogues: JSONL, CSV, JSON and folders of files, streamed record by record.

Readers yield ``(line, raw_dict)`` or ``(line, BadRecord)``; :func:`normalise` turns a raw dict
into an item with ``id``, ``title``, ``text``, media paths and typed metadata, or raises
:class:`RecordError` with the reason it must be skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xmr_agent.errors import IngestError
from xmr_agent.ingestion.csvfile import read_csv_rows
from xmr_agent.ingestion.decoding import MAX_DEPTH, column_name, file_encoding, value_problem
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

#: A price with its currency: "€12.50", "$1,299.00", "12,50 €", "CHF 60", "£7", "￥89", "45元", "NZ$ 30".
MONEY = re.compile(r"^(?:[$€£¥￥₹]|(?:US|A|AU|C|CA|NZ|HK)\$|(?:usd|eur|gbp|chf|cad|aud|nzd|cny|rmb|jpy|inr|mxn)\s?)\s*"
                   r"(\d[\d,.\s]*)$|^(\d[\d,.\s]*?)\s*(?:[$€£¥￥₹元円]|块钱?|(?:usd|eur|gbp|chf|cad|aud|nzd|cny|rmb|jpy|inr|"
                   r"mxn|kr|euros?|dollars?|pesos?|yuan)\.?)$", re.IGNORECASE)

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


def read_catalog(path: str | Path, *, raw_fields: Sequence[str] = ("id", "title", "text"), encoding: str | None = None,
                 notes: list[str] | None = None) -> Iterator[Raw]:
    """Stream raw records from a JSONL, CSV or JSON file, or a folder of files.

    CSV cells are typed (numbers, booleans) except in ``raw_fields``, which stay strings
    (an id ``007`` stays ``"007"``). ``encoding``: the files' text encoding (default: UTF-8, or
    detected when a file is not UTF-8); what the reader had to decide goes to ``notes``.
    """
    path = Path(path)
    notes = notes if notes is not None else []
    if path.is_dir():
        return read_folder(path)
    if not path.is_file():
        raise IngestError(f"catalogue {path} does not exist; give a .jsonl, .csv or .json file or a folder")
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv", ".json"):
        raise IngestError(f"cannot read {path}: expected .jsonl, .ndjson, .csv, .json or a folder, got {suffix!r}")
    chosen, note = file_encoding(path, encoding)
    if note:
        notes.append(note)
    if suffix == ".csv":
        return read_csv_rows(path, chosen, raw_fields, parse_cell, notes)
    return read_json(path, chosen) if suffix == ".json" else read_jsonl(path, chosen)


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


def read_jsonl(path: Path, encoding: str = "utf-8-sig") -> Iterator[Raw]:
    with path.open(encoding=encoding, errors="replace") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                yield line_no, BadRecord(str(path), line_no, f"malformed JSON: {e.msg} at column {e.colno}")
                continue
            except RecursionError:
                yield line_no, BadRecord(str(path), line_no, f"nested too deep to read (keep it under {MAX_DEPTH} levels)")
                continue
            if not isinstance(record, dict):
                yield line_no, BadRecord(str(path), line_no, f"expected a JSON object, got {type(record).__name__}")
                continue
            yield line_no, record


def read_json(path: Path, encoding: str = "utf-8-sig") -> Iterator[Raw]:
    """A JSON array of objects, or an object mapping ids to objects (loaded whole)."""
    try:
        data = json.loads(path.read_text(encoding=encoding, errors="replace"))
    except json.JSONDecodeError as e:
        raise IngestError(f"{path} is not valid JSON: {e}; for one object per line use .jsonl") from e
    except RecursionError:
        raise IngestError(f"{path} is nested too deep to read (keep it under {MAX_DEPTH} levels)") from None
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
    amount = _money(text)  # "€12.50", "$1,299.00", "12,50 €": the amount
    if amount is not text:
        return amount
    if not NUMBER.match(text):
        return value
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return value


def _amount(text: str | None) -> float | int | str | None:
    """The number of a price's digits: the last "," or "." followed by one or two digits is the
    decimal point, the others group thousands ("1,299.00", "1.299,00", "12,50")."""
    if text is None:
        return None
    digits = re.sub(r"\s", "", text)
    decimal = re.search(r"[.,](\d{1,2})$", digits)
    whole = digits[: decimal.start()] if decimal else digits
    whole = re.sub(r"[.,]", "", whole)
    if not whole.isdigit():
        return text
    number = float(f"{whole}.{decimal.group(1)}") if decimal else int(whole)
    return int(number) if isinstance(number, float) and number.is_integer() and not decimal else number


def normalise(raw: dict[str, Any], fields: FieldMap, base_dir: Path, notes: list[str] | None = None) -> dict[str, Any]:
    """A raw record → an item dict, or :class:`RecordError` with the reason. Keys that become
    the same column are kept under numbered names, with a line in ``notes``."""
    for key, value in raw.items():
        problem = value_problem(str(key), value)
        if problem:
            raise RecordError(problem)
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
        if key in skip:
            continue
        column = column_name(key)
        if column in item:
            column = _free_name(column, item, key, notes)
        item[column] = _money(value)
    return item


def _money(value: Any) -> Any:
    """A price written with its currency ("£12.00" in a JSON record) as its number; else ``value``."""
    if isinstance(value, str):
        money = MONEY.match(value.strip())
        if money and not NUMBER.match(value.strip()):
            return _amount(money.group(1) or money.group(2))
    return value


def _free_name(column: str, item: Mapping[str, Any], key: str, notes: list[str] | None) -> str:
    n = 2
    while f"{column}_{n}" in item:
        n += 1
    if notes is not None:
        note = f"field {key!r} is column {column!r} like an earlier field: stored as {column}_{n}"
        if note not in notes:
            notes.append(note)
    return f"{column}_{n}"


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
