#!/usr/bin/env python3
"""Check an intent suite against the catalogues beside it, without running the agent.

    python benchmarks/intents/check_suite.py benchmarks/intents/fresh.jsonl [more.jsonl ...]

For each case (and each turn of a conversation) it checks that the table's CSV (TABLE.csv in the
suite's folder) exists, that every id the expectations name is in that table, that every column
of `every` and `order` exists, that each `every` condition is met by at least one item, that the
`any_of`, `all_of` and `first` items meet all of the case's `every` conditions, that `all_of`
fits in `k`, and that at least `k` items (or as many as `all_of` needs) meet the `every`
conditions together. Exit status 1 when a problem is found. Standard library only.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from xmr_agent.ingestion.mapping import ID_NAMES

OPS = {"=", "!=", "<", "<=", ">", ">=", "contains", "not_contains"}


def number(value):
    if isinstance(value, (int, float)) or value is None:
        return value
    try:
        return float(value)
    except ValueError:
        return value


def meets(row: dict, cond: dict) -> bool:
    have, op, want = number(row.get(cond["column"])), cond["op"], cond["value"]
    wants = want if isinstance(want, list) else [want]
    if op in ("contains", "not_contains"):
        words = " ".join(map(str, wants)).lower().split()
        found = all(w in str(have).lower().split() or w in str(have).lower() for w in words)
        return found if op == "contains" else not found
    if op in ("=", "!="):
        same = any(str(have).lower() == str(number(w)).lower() or have == number(w) for w in wants)
        return same if op == "=" else not same
    have, want = number(have), number(want)
    if not isinstance(have, (int, float)) or not isinstance(want, (int, float)):
        return False
    return {"<": have < want, "<=": have <= want, ">": have > want, ">=": have >= want}[op]


def check_expect(where: str, expect: dict, k: int, table: dict[str, dict], columns: list[str]) -> list[str]:
    problems = []
    every = expect.get("every", [])
    first = expect.get("first")
    named = {"any_of": expect.get("any_of", []), "all_of": expect.get("all_of", []),
             "none_of": expect.get("none_of", []), "first": [first] if isinstance(first, str) else first or []}
    for key, ids in named.items():
        problems += [f"{where}: {key} id {i!r} is not in the table" for i in ids if i not in table]
    for cond in every:
        if cond.get("op") not in OPS:
            problems.append(f"{where}: unknown operator {cond.get('op')!r}")
        elif cond.get("column") not in columns:
            problems.append(f"{where}: every column {cond.get('column')!r} is not in the table")
        elif not any(meets(row, cond) for row in table.values()):
            problems.append(f"{where}: no item meets {cond['column']} {cond['op']} {cond['value']!r}")
    order = expect.get("order")
    if order and order.get("column") not in columns:
        problems.append(f"{where}: order column {order.get('column')!r} is not in the table")
    if problems:
        return problems
    for key in ("any_of", "all_of", "first"):
        for i in named[key]:
            problems += [f"{where}: {key} item {i!r} fails {c['column']} {c['op']} {c['value']!r} "
                         f"(it has {table[i].get(c['column'])!r})" for c in every if not meets(table[i], c)]
    if len(named["all_of"]) > k:
        problems.append(f"{where}: all_of names {len(named['all_of'])} items but k is {k}")
    if every:
        fitting = [i for i, row in table.items() if all(meets(row, c) for c in every) and i not in named["none_of"]]
        if len(fitting) < k:
            problems.append(f"{where}: only {len(fitting)} items meet every condition (and are not in none_of), "
                            f"but k is {k}")
    return problems


def check_suite(path: Path) -> list[str]:
    tables: dict[str, tuple[dict[str, dict], list[str]]] = {}
    problems, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        case = json.loads(line)
        where = f"{path.name}:{n} {case.get('id')}"
        if case.get("id") in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(case.get("id"))
        name = case.get("table")
        if name not in tables:
            csv_path = path.parent / f"{name}.csv"
            if not csv_path.exists():
                problems.append(f"{where}: no catalogue {csv_path.name}")
                continue
            with csv_path.open(encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                fields = list(reader.fieldnames or [])
                key = next((c for c in ("id", *ID_NAMES) if c in fields), fields[0] if fields else "id")
                rows = {row[key]: row for row in reader}  # the id column `xmr ingest` takes
                tables[name] = (rows, list(reader.fieldnames or []))
        rows, columns = tables[name]
        k = case.get("k", 3)
        if "turns" in case:
            for t, turn in enumerate(case["turns"], 1):
                if turn.get("expect"):
                    problems += check_expect(f"{where} turn {t}", turn["expect"], k, rows, columns)
        elif case.get("expect"):
            problems += check_expect(where, case["expect"], k, rows, columns)
    return problems


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip())
        return 2
    bad = 0
    for arg in argv:
        problems = check_suite(Path(arg))
        bad += len(problems)
        print(f"{arg}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for p in problems:
            print(f"  {p}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
