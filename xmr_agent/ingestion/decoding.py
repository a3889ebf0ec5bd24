"""Text files and values as they really come: which encoding a file is in, whether a value can
be stored at all (valid Unicode, bounded nesting, bounded size), and the column a key becomes.

A file is read as UTF-8 (a byte-order mark is dropped) unless its first megabyte is not UTF-8;
then its encoding is detected (``charset-normalizer``) and the ingest report says which one was
used, with the option that sets it. A value that cannot be stored makes its record a bad record
with the reason; it never aborts the other records.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

from xmr_agent.errors import IngestError

#: Bytes read to decide a file's encoding.
SNIFF_BYTES = 1 << 20
#: Deepest nesting of lists and objects kept in a value.
MAX_DEPTH = 32
#: Longest text (characters) of one field.
MAX_FIELD_CHARS = 1_000_000


def file_encoding(path: Path, given: str | None = None) -> tuple[str, str | None]:
    """The encoding to read ``path`` with, and a note for the report when it is not UTF-8."""
    if given:
        try:
            return codecs.lookup(given).name, None
        except LookupError:
            raise IngestError(f"unknown text encoding {given!r}: use a name such as utf-8, cp1252, latin-1") from None
    with path.open("rb") as f:
        sample = f.read(SNIFF_BYTES)
    if _is_utf8(sample, complete=len(sample) < SNIFF_BYTES):
        return "utf-8-sig", None
    found = _detect(sample)
    return found, (f"{path.name} is not UTF-8: read as {found} (detected); pass --encoding NAME if that is wrong")


def _is_utf8(sample: bytes, *, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=complete)  # a character cut at the end of the sample is fine
    except UnicodeDecodeError:
        return False
    return True


def _detect(sample: bytes) -> str:
    """Windows-1252 when the text reads as mostly ASCII letters with some accented ones (Western
    European catalogues, the usual non-UTF-8 case); otherwise charset-normalizer's first candidate
    that is not a Latin code page (it ranks those poorly on short samples)."""
    text = sample.decode("cp1252", errors="replace")
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if ord(c) > 127)
    if letters and accented <= 0.3 * len(letters):
        return "cp1252"
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency
        return "cp1252"
    names = [codecs.lookup(m.encoding).name for m in from_bytes(sample)]
    return next((n for n in names if n not in ("cp1250", "cp1252")), names[0] if names else "cp1252")


def value_problem(key: str, value: Any) -> str | None:
    """Why ``value`` of field ``key`` cannot be stored (``None`` when it can)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"field {key!r} is nested more than {MAX_DEPTH} levels deep"
        if isinstance(current, str):
            problem = _text_problem(key, current)
            if problem:
                return problem
        elif isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
            stack.extend((k, depth + 1) for k in current if isinstance(k, str))
        elif isinstance(current, list | tuple):
            stack.extend((v, depth + 1) for v in current)
    return None


def _text_problem(key: str, text: str) -> str | None:
    if len(text) > MAX_FIELD_CHARS:
        return f"field {key!r} holds {len(text):,} characters; the limit is {MAX_FIELD_CHARS:,}"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        bad = text[e.start:e.end].encode("unicode_escape").decode()
        return f"field {key!r} is not valid Unicode (an unpaired surrogate {bad} at character {e.start})"
    return None


@functools.lru_cache(maxsize=4096)
def column_name(key: str) -> str:
    """A metadata key as a lower-case column name: accents dropped (``Ünïcode`` → ``unicode``),
    other letters kept (``价格``), anything else an underscore."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", str(key)) if not unicodedata.combining(c))
    name = re.sub(r"\W+", "_", plain.lower()).strip("_") or "field"
    return f"f_{name}" if name[0].isdigit() or name.startswith("vec__") else name
