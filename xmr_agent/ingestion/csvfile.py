"""CSV catalogues, read so that nothing is lost without a word.

* The file's encoding is UTF-8 (a byte-order mark is dropped) or detected (:mod:`.decoding`).
* An unclosed quote would make Python's ``csv`` swallow every following line into one field: a
  record whose quoted field runs over lines that are themselves complete rows is reported as a
  bad record (the line where the quote opens), and reading goes on from the next line.
* Header names that become the same column (``Price``, ``price``, ``PRICE``) are all kept, as
  ``price``, ``price_2``, ``price_3``, and the report says so.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from xmr_agent.ingestion.decoding import column_name
from xmr_agent.types import BadRecord

Raw = tuple[int | None, dict[str, Any] | BadRecord]


#: Rows shorter than the header said in the report, at most.
MAX_SHORT_NOTES = 5


def read_csv_rows(path: Path, encoding: str, raw_fields: Sequence[str], parse: Any,
                  notes: list[str]) -> Iterator[Raw]:
    """``(line, raw record)`` for each row; bad rows as ``(line, BadRecord)``."""
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    if not lines:
        return
    header = next(csv.reader([lines[0]]))
    names = unique_names(header, notes, path.name)
    as_written = {*raw_fields, *worded_columns(names, lines[1:], parse)}  # sizes "38", "M": all words
    start = 1
    while start < len(lines):
        reader = csv.reader(io.StringIO("".join(lines[start:])))
        restart = None
        before = 0
        for cells in reader:
            first, before = start + before + 1, reader.line_num  # 1-based line where the record starts
            if not cells or all(not c.strip() for c in cells):
                continue
            swallowed = _swallowed(cells, len(names))
            if swallowed:
                yield first, BadRecord(str(path), first, f"unclosed quote: a field opened here runs over {swallowed} "
                                                         "lines that are rows of their own; close the quote")
                restart = max(first, start + 1)  # go on from the line after the opening one
                break
            if len(cells) > len(names):
                yield first, BadRecord(str(path), first, f"{len(cells) - len(names)} more values than header columns")
                continue
            if len(cells) < len(names):  # kept (the missing cells are empty), and said
                note = f"{path.name}:{first}: {len(cells)} of {len(names)} values; the last columns are left empty"
                if sum("the last columns are left empty" in n for n in notes) < MAX_SHORT_NOTES and note not in notes:
                    notes.append(note)
            row = {name: cells[i] if i < len(cells) else None for i, name in enumerate(names)}
            yield first, {k: (v if k in as_written else parse(v)) for k, v in row.items() if k}
        if restart is None:
            return
        start = restart


#: The share of a column's cells that are words (not numbers) from which all its cells are read as words.
WORDED_SHARE = 0.05


def worded_columns(names: Sequence[str], lines: Sequence[str], parse: Any) -> list[str]:
    """The columns whose cells are numbers and words alike (sizes "38", "40", "M", "One size"), words being at
    least :data:`WORDED_SHARE` of the filled cells (and, in a column named for a price, more than one or a third of
    them): every cell is then kept as written, so that no row is refused for a number where the column holds words,
    wherever in the file the words begin. (A number column with a rare word, "N/A" among prices, stays numbers, in a
    small file too; the row with the word is reported.)"""
    numbers, words = [0] * len(names), [0] * len(names)
    for cells in csv.reader(io.StringIO("".join(lines))):
        if len(cells) > len(names):  # a row refused (more values than columns): its cells are in no column
            continue
        for i, cell in enumerate(cells):
            value = parse(cell)
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, int | float):
                numbers[i] += 1
            else:
                words[i] += 1
    return [name for name, n, w in zip(names, numbers, words, strict=True)
            if name and n and w and w >= WORDED_SHARE * (n + w)
            and (w >= 2 or 3 * w >= n + w or not _PRICED.search(name))]  # one "douze euros" among 16 prices


#: A column named for a price (or a currency): one word among its numbers is a rare word, whatever the file's size.
_PRICED = re.compile(r"pri[cx]|preis|precio|importe|cost|co[uû]t|kosten|tarif|betrag|montant|monto|\b(?:eur|usd|gbp|chf|"
                     r"mxn|inr|aud|cad|jpy|cny)\b|[€$£¥₹]|价", re.IGNORECASE)


def unique_names(header: Sequence[str], notes: list[str], source: str) -> list[str]:
    """Header names, each given once: a name that becomes the same column as an earlier one gets
    a numbered suffix (and a note)."""
    taken: dict[str, str] = {}
    out = []
    for name in header:
        column = column_name(name) if name else ""
        if not column or column not in taken:
            taken.setdefault(column, name)
            out.append(name)
            continue
        n = 2
        while f"{column}_{n}" in taken:
            n += 1
        taken[f"{column}_{n}"] = name
        notes.append(f"{source}: columns {taken[column]!r} and {name!r} are both column {column!r}; "
                     f"{name!r} is stored as {column}_{n}")
        out.append(f"{column}_{n}")
    return out


def _swallowed(cells: Sequence[str], columns: int) -> int:
    """How many lines inside one field parse as complete rows (an unclosed quote), else 0."""
    if columns < 2:
        return 0
    inner = [line for cell in cells if "\n" in cell for line in cell.split("\n")[1:]]
    rows = 0
    for line in inner:
        try:
            parsed = next(csv.reader([line]), [])
        except csv.Error:
            continue
        if len(parsed) == columns:
            rows += 1
    return rows
