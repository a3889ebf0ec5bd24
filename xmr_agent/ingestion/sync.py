"""Keeping a table in step with its source: the items a source no longer has.

``xmr ingest FILE --sync`` ingests, then removes the table's items whose ids the source no
longer holds. A record that could not be read and has no id might be any item, so while the
source has one, nothing is removed (the report says why). ``--dry-run`` only lists what would go.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from xmr_agent.types import BadRecord


@dataclass(frozen=True)
class SyncPlan:
    """What a sync removes, or why it removes nothing."""

    remove: tuple[str, ...]
    blocked: str = ""

    def describe(self, table: str) -> str:
        if self.blocked:
            return f"nothing removed from table {table!r}: {self.blocked}"
        if not self.remove:
            return f"table {table!r} holds no item that the source lacks"
        shown = ", ".join(self.remove[:10]) + (f" and {len(self.remove) - 10} more" if len(self.remove) > 10 else "")
        return f"{len(self.remove)} items of table {table!r} are no longer in the source: {shown}"


def plan_sync(stored: Iterable[str], seen: Collection[str], bad: Iterable[BadRecord]) -> SyncPlan:
    """Stored ids the source did not hold (``seen``: ids read, good or bad)."""
    unknown = [b for b in bad if not b.id]
    if unknown:
        where = f"{unknown[0].source}:{unknown[0].line}" if unknown[0].line else unknown[0].source
        return SyncPlan((), f"{len(unknown)} source records could not be read and have no id (first at {where}); "
                            "fix them and sync again")
    return SyncPlan(tuple(sorted(set(stored) - set(seen))))
