"""Reranking the fused candidates: MMR for diversity, an LLM (listwise), or a cross-encoder.

Every reranker takes the request, the fused hits and ``k``, and returns the new order plus
notes for the trace. None may add an item: an LLM's ranking is checked against the candidate
ids, and candidates it leaves out keep their fused order after the ones it ranked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel, Field

from xmr_agent.agent.data import item_card
from xmr_agent.errors import ConfigError, LLMError
from xmr_agent.llm.base import LLM, complete_json
from xmr_agent.prompts import Prompts
from xmr_agent.store.catalog import Catalog
from xmr_agent.types import Hit


class Reranker(Protocol):
    name: str

    def rerank(self, request: str, hits: Sequence[Hit], *, k: int) -> tuple[list[Hit], list[str]]:
        """The top ``k`` of ``hits`` in a new order, and notes on what was decided."""
        ...


class MMRReranker:
    """Maximal marginal relevance: each pick trades relevance (the fused score, scaled to
    [0, 1]) against similarity to the items already picked, ``lambda_`` weighing relevance."""

    name = "mmr"

    def __init__(self, catalog: Catalog, *, column: str | None = None, lambda_: float = 0.7) -> None:
        if not 0.0 <= lambda_ <= 1.0:
            raise ConfigError(f"MMR lambda must be in [0, 1], got {lambda_}")
        self.catalog, self.lambda_ = catalog, lambda_
        self.column = column or next(iter(catalog.vectors), None)

    def rerank(self, request: str, hits: Sequence[Hit], *, k: int) -> tuple[list[Hit], list[str]]:
        if self.column is None or len(hits) <= 1:
            return list(hits[:k]), ["mmr: nothing to diversify"]
        vectors = self.catalog.vectors_of([h.id for h in hits], self.column)
        scores = np.array([h.score for h in hits], dtype=np.float64)
        spread = scores.max() - scores.min()
        relevance = (scores - scores.min()) / spread if spread > 1e-9 else np.ones_like(scores)
        picked: list[int] = []
        left = list(range(len(hits)))
        while left and len(picked) < k:
            best = max(left, key=lambda i: self._value(i, picked, hits, vectors, relevance))
            picked.append(best)
            left.remove(best)
        moved = sum(1 for rank, i in enumerate(picked) if i != rank)
        return [hits[i] for i in picked], [f"mmr (lambda {self.lambda_}) on {self.column}: {moved} moved"]

    def _value(self, i: int, picked: list[int], hits: Sequence[Hit], vectors: dict[str, np.ndarray],
               relevance: np.ndarray) -> float:
        mine = vectors.get(hits[i].id)
        similar = max((float(mine @ vectors[hits[j].id]) for j in picked
                       if mine is not None and hits[j].id in vectors), default=0.0)
        return self.lambda_ * float(relevance[i]) - (1.0 - self.lambda_) * similar


class _Ranking(BaseModel):
    ranking: list[str] = Field(default_factory=list, max_length=100)


class LLMReranker:
    """Listwise: the LLM orders the top ``window`` candidates (cleaned item cards as JSON)."""

    name = "llm"

    def __init__(self, llm: LLM, *, prompts: Prompts | None = None, window: int = 10) -> None:
        self.llm, self.prompts, self.window = llm, prompts or Prompts(), window

    def rerank(self, request: str, hits: Sequence[Hit], *, k: int) -> tuple[list[Hit], list[str]]:
        head, tail = list(hits[: self.window]), list(hits[self.window :])
        cards = json.dumps([item_card({**h.item, "id": h.id}, limit=200) for h in head], ensure_ascii=False, indent=1)
        messages = self.prompts.render("rerank", request=request, candidates=cards)
        try:
            answer = complete_json(self.llm, messages, _Ranking, max_tokens=300)
        except LLMError as e:
            return list(hits[:k]), [f"llm rerank skipped: {e}"]
        by_id = {h.id: h for h in head}
        order = [i for i in dict.fromkeys(answer.ranking) if i in by_id]
        ignored = [i for i in answer.ranking if i not in by_id]
        ranked = [by_id[i] for i in order] + [h for h in head if h.id not in set(order)]
        notes = [f"llm rerank: {len(order)} of {len(head)} ordered by the LLM"]
        if ignored:
            notes.append(f"llm rerank: ignored ids not among the candidates: {ignored[:5]}")
        return (ranked + tail)[:k], notes


class CrossEncoderReranker:
    """Scores (request, item text) pairs with a cross-encoder: a sentence-transformers model id
    or folder, or any object with ``predict(pairs) -> scores``."""

    name = "cross-encoder"

    def __init__(self, model: Any = "cross-encoder/ms-marco-MiniLM-L-6-v2") -> None:
        if isinstance(model, str):
            try:
                from sentence_transformers import CrossEncoder
            except ImportError as e:
                raise ConfigError("the cross-encoder reranker needs `pip install 'xmr-agent[text]'`") from e
            model = CrossEncoder(model, device="cpu")
        self.model = model

    def rerank(self, request: str, hits: Sequence[Hit], *, k: int) -> tuple[list[Hit], list[str]]:
        if not hits:
            return [], []
        pairs = [(request, f"{h.item.get('title') or ''}. {h.item.get('text') or ''}") for h in hits]
        scores = np.asarray(self.model.predict(pairs), dtype=np.float64).reshape(-1)
        order = np.argsort(-scores, kind="stable")
        ranked = [Hit(hits[i].id, float(scores[i]), hits[i].item, {**hits[i].scores, "cross_encoder": float(scores[i])})
                  for i in order[:k]]
        return ranked, [f"cross-encoder scored {len(hits)} pairs"]


def get_reranker(spec: str | None, catalog: Catalog, *, llm: LLM | None = None,
                 prompts: Prompts | None = None) -> Reranker | None:
    """``none``, ``mmr`` / ``mmr:0.5`` (lambda), ``llm`` (needs an LLM), ``cross-encoder[:MODEL]``."""
    name, _, arg = (spec or "none").partition(":")
    if name == "none":
        return None
    if name == "mmr":
        return MMRReranker(catalog, lambda_=float(arg) if arg else 0.7)
    if name == "llm":
        if llm is None:
            raise ConfigError("--rerank llm needs an LLM: give --llm (e.g. local, openai:MODEL)")
        return LLMReranker(llm, prompts=prompts)
    if name == "cross-encoder":
        return CrossEncoderReranker(arg) if arg else CrossEncoderReranker()
    raise ConfigError(f"unknown reranker {spec!r}: use none, mmr[:LAMBDA], llm or cross-encoder[:MODEL]")
