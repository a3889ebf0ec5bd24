"""What the agent returns: an :class:`Answer`, with a :class:`Recommendation` per item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xmr_agent.agent.explain import Evidence
from xmr_agent.agent.query import CrossModalQuery


@dataclass(frozen=True)
class Recommendation:
    """One recommended item, with the evidence for it and a sentence that explains it."""

    rank: int
    id: str
    score: float
    item: dict[str, Any]
    evidence: Evidence
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "id": self.id, "score": self.score, "item": self.item,
                "evidence": self.evidence.to_dict(), "explanation": self.explanation}


@dataclass
class Answer:
    """What :meth:`Agent.ask` returns."""

    request: str
    query: CrossModalQuery
    where: str | None
    recommendations: list[Recommendation]
    trace: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: Said to the user instead of (or beside) recommendations: why a turn has none, what to do.
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON data; its ``message`` also says what was given up to answer ("no
        other item meets price < 11: showing the closest instead")."""
        relaxed = [str(e["reason"]) for e in self.trace if e.get("step") == "relax" and e.get("reason")]
        message = "; ".join(dict.fromkeys(m for m in (self.message, *relaxed) if m))
        return {"request": self.request, "query": self.query.model_dump(mode="json"), "where": self.where,
                "recommendations": [r.to_dict() for r in self.recommendations], "trace": self.trace,
                "timings": self.timings, "message": message}
