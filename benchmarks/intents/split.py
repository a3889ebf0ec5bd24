"""Assign each case of ``suite.jsonl`` to the ``dev`` or the ``test`` split, at random but
balanced: within each (kind, language) group the cases are shuffled with a fixed seed and dealt
alternately, so each split holds about half of every kind in every language.

    python benchmarks/intents/split.py             # rewrites suite.jsonl in place (same seed: same splits)

Work on understanding requests looks at ``dev`` failures only; ``test`` is the held-out measure.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

SEED = 20240617
SUITE = Path(__file__).resolve().parent / "suite.jsonl"


def assign(cases: list[dict]) -> list[dict]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for case in cases:
        groups[(case.get("kind", ""), case.get("lang", ""))].append(case)
    for (kind, lang), members in sorted(groups.items()):
        rng = random.Random(f"{SEED}:{kind}:{lang}")
        members = sorted(members, key=lambda c: c["id"])
        rng.shuffle(members)
        first = rng.choice(["dev", "test"])
        other = "test" if first == "dev" else "dev"
        for n, case in enumerate(members):
            case["split"] = first if n % 2 == 0 else other
    return cases


def main(path: Path = SUITE) -> int:
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assign(cases)
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    dev = sum(c["split"] == "dev" for c in cases)
    print(f"{len(cases)} cases: {dev} dev, {len(cases) - dev} test")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else SUITE))
