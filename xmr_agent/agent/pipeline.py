"""The agent, as plain sequential code: rewrite → route → search → fuse → rerank → explain.

    agent = Agent(Catalog.open(".xmr", "catalog"), llm=None)        # rule-based, no LLM
    answer = agent.ask("an animated movie for kids about toys, nothing scary", k=5)
    for rec in answer.recommendations:
        print(rec.rank, rec.item["title"], "—", rec.explanation)

Every step appends to ``answer.trace`` (what it decided, how long it took).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from xmr_agent.agent.answer import Answer, Recommendation
from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.critique import like_but_another
from xmr_agent.agent.data import clean
from xmr_agent.agent.explain import Evidence, build_evidence, shorten, template_narrative
from xmr_agent.agent.filters import Facets, compile_where, satisfies
from xmr_agent.agent.fuse import FusionMethod, Ranked, fuse
from xmr_agent.agent.learn import learned_ranking
from xmr_agent.agent.meaning import Meanings, text_encoders
from xmr_agent.agent.mentions import TitleIndex, named_items, without_named
from xmr_agent.agent.order import (
    LIKE_KIND,
    MAX_EXCLUDE_IN_WHERE,
    against,
    apply_order,
    cohere,
    demote,
    has_subject,
    like_kinds,
    own_head,
    prefer,
    valid_order,
)
from xmr_agent.agent.phrases import described
from xmr_agent.agent.preferences import attainable
from xmr_agent.agent.query import CrossModalQuery, Filter, SubQuery, describe_query, guessed_note, titled_note
from xmr_agent.agent.ranged import kind_items, kind_scoped, sorted_items, unnamed
from xmr_agent.agent.rerank import Reranker, get_reranker
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.route import Route, route
from xmr_agent.agent.spelling import speller_of
from xmr_agent.agent.trace import Trace
from xmr_agent.agent.translate import Translator, language_of
from xmr_agent.agent.values import kinds_by_title
from xmr_agent.encoders.speech import DEFAULT_WHISPER, get_transcriber
from xmr_agent.errors import ConfigError, ModalityError
from xmr_agent.llm.base import LLM
from xmr_agent.prompts import Prompts
from xmr_agent.recommend.attributes import AttributeIndex
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.recommend.ranker import Ranker
from xmr_agent.store.catalog import Catalog
from xmr_agent.store.filters import all_of, ids_in
from xmr_agent.types import Hit

#: Candidates fetched per search before fusion and reranking.
CANDIDATES = 50
#: Seeds (latest first) whose stored vectors join the query when ``seed_weight`` > 0, and the
#: factor by which each older one counts less.
SEED_ITEMS, SEED_DECAY = 5, 0.7
#: Popular items meeting the request's preferences (soft filters) count this much more per
#: preference met: popularity within what the user asked for ("a horror movie"), not overall.
PREFERENCE_LIFT = 3.0
#: How many popular items are considered when preferences lift some of them.
POPULAR_POOL = 1000

#: A photo shows a catalogue item when its image similarity is at least this, and this far above
#: the next item's (near-duplicates score 0.93–0.96 with EfficientNet-Lite0, other items ≤ 0.90).
PICTURED = (0.9, 0.02)

#: Audio file → its words (a spoken request).
SpeechToWords = Callable[[str], str]


class Agent:
    """Answers requests over one catalogue. Every collaborator is an explicit argument:
    ``llm`` (``None``: rule-based rewriting and template explanations), ``reranker`` (a spec
    such as ``"mmr"`` or a :class:`~xmr_agent.agent.rerank.Reranker`), ``prompts``, the
    ``fusion`` method, ``transcriber`` (audio file → words) for spoken requests, and ``graph``
    (an :class:`~xmr_agent.recommend.graph.ItemGraph` learned from interaction logs) whose links
    from a query's ``seed_ids``, and whose popularity, join the fusion with their weights.
    ``named_seeds``: items a request names by title become seeds (and are not offered back).
    ``ranker``: a learned :class:`~xmr_agent.recommend.ranker.Ranker` that ranks the union of
    every list (all signals on) instead of the weighted fusion. ``translator``: reads requests
    in another language than the catalogue's (:mod:`xmr_agent.agent.translate`)."""

    def __init__(self, catalog: Catalog, *, llm: LLM | None = None, reranker: str | Reranker | None = None,
                 prompts: Prompts | None = None, fusion: FusionMethod = "relative",
                 transcriber: SpeechToWords | None = None, hard_categories: bool = True,
                 graph: ItemGraph | None = None, graph_weight: float = 1.0, popularity_weight: float = 0.0,
                 llm_explains: int = 5, seed_weight: float = 0.0, attribute_weight: float = 0.0,
                 preference_lift: float = PREFERENCE_LIFT, named_seeds: bool = False, ranker: Ranker | None = None,
                 translator: Translator | None = None) -> None:
        self.catalog, self.llm, self.fusion = catalog, llm, fusion
        self.graph, self.graph_weight, self.popularity_weight = graph, graph_weight, popularity_weight
        self.llm_explains, self.seed_weight = llm_explains, seed_weight
        self.attribute_weight, self.preference_lift = attribute_weight, preference_lift
        self.named_seeds, self.ranker = named_seeds, ranker
        self._titles: TitleIndex | None = None
        self._attributes: AttributeIndex | None = None
        self.prompts = prompts or Prompts()
        self.facets = Facets.of(catalog)
        self._meanings: Meanings | None = None
        self.rewriter = Rewriter(self.facets, llm=llm, prompts=self.prompts, hard_categories=hard_categories,
                                 meanings=self.meanings if hard_categories else None, table=catalog.label(),
                                 translator=translator, language=language_of(catalog),
                                 speller=speller_of(catalog, self.facets) if hard_categories else None,
                                 nouns=(lambda: kinds_by_title(catalog, self.facets)) if hard_categories else None)
        self.reranker = reranker if not isinstance(reranker, str | None) else \
            get_reranker(reranker, catalog, llm=llm, prompts=self.prompts)
        self.transcriber = transcriber

    def using(self, **changes: Any) -> Agent:
        """A copy of this agent with some settings changed (``graph``, ``popularity_weight``, ...);
        this one is left as it is, so it may keep serving other requests."""
        unknown = [name for name in changes if not hasattr(self, name)]
        if unknown:
            raise ConfigError(f"Agent has no setting {', '.join(unknown)}")
        other = copy.copy(self)
        other.__dict__.update(changes)
        return other

    def with_all_signals(self) -> Agent:
        """This agent, or with a ranker a copy whose every list is on (the ranker weighs them)."""
        if self.ranker is None:
            return self
        self.attributes()  # built here, once: a copy's own would be built again on every request
        return self.using(graph_weight=self.graph_weight or 1.0, popularity_weight=self.popularity_weight or 1.0,
                          attribute_weight=self.attribute_weight or 1.0, seed_weight=self.seed_weight or 1.0)

    def ask(self, text: str = "", *, image: str | None = None, audio: str | None = None, k: int | None = None,
            exclude_ids: Sequence[str] = (), seed_ids: Sequence[str] = (), explain: bool = True) -> Answer:
        """Recommendations for a request: words, and optionally a photo (``image``) or a spoken request / clip
        (``audio``, transcribed and added to the words). ``explain=False`` skips evidence and explanations (for
        bulk evaluation). ``seed_ids``: items the user mentioned or liked, oldest first, for the item graph."""
        run = Trace()
        if audio:
            with run.step("transcribe") as note:
                heard = self.transcribe(audio)
                note(heard=heard)
            text = f"{text} {heard}".strip()
        spans, like, named = named_items(self.titles(), text, seed_ids, seeds=self.named_seeds)
        seed_ids, exclude_ids = (*seed_ids, *like, *named) if self.named_seeds else seed_ids, (*exclude_ids, *named, *like)
        if image and not self.catalog.columns_for("image"):
            if not text.strip():
                raise ModalityError(self.catalog.cannot_search("image"))
            with run.step("relax") as note:
                note(reason=f"the photo was not used: {self.catalog.cannot_search('image')}", dropped=["photo"])
        with run.step("rewrite") as note:
            query = self.rewriter.rewrite(text, image=image, k=k, exclude_ids=exclude_ids, named=spans)
            query = query.model_copy(update={"seed_ids": tuple(seed_ids)}) if seed_ids else query
            query = query.model_copy(update={"like_ids": (*query.like_ids, *like)}) if like else query
            if like and self.rewriter.hard_categories:  # in dialogues kinds are preferences: no condition
                query = like_kinds(query, self.catalog.get(like), self.facets)
            reference = (like or named)[:1]
            if not reference and image and query.order is not None and query.order.mode in ("less", "more"):
                query, reference = self._pictured(query, image)  # "cheaper than this" (a photo)
            query = against(query, next(iter(self.catalog.get(reference)), None), likened=bool(like))  # "cheaper" than it
            query = like_but_another(query, text, next(iter(self.catalog.get(like[:1])), None), self.facets) if like else query
            note(query=query.model_dump(mode="json"))
        return self.run(query, text, explain=explain, trace=run)

    def run(self, query: CrossModalQuery, request: str = "", *, explain: bool = True, trace: Trace | None = None) -> Answer:
        """Answer an already-built query (sessions build theirs from the conversation state)."""
        run = trace or Trace()
        query = without_named(query, self.titles())
        where, routes, lists = self.with_all_signals().candidates(query, run)
        with run.step("fuse") as note:
            soft = attainable(query.filters)  # preferences the conditions leave possible
            if self.ranker is not None:
                fused = learned_ranking(self, lists, query, where, request)
            else:
                fused = fuse(lists, k=max(query.k, CANDIDATES), method=self.fusion, soft=soft)
            fused = [h for h in fused if h.id not in set(query.exclude_ids)]
            order = valid_order(query.order, self.facets)
            scoped, depth = kind_scoped(query), max(query.k, CANDIDATES)
            if order is not None:
                rows = [] if has_subject(query) and not query.within_ids and not unnamed(order, query, lists, scoped, soft) else \
                    sorted_items(self.catalog, order, query, where, k=depth, facets=self.facets,
                                 head=own_head(query, scoped) if order.mode == "sort" else None)
                titled = [f for f in query.filters if titled_note(f) in query.notes]  # "a cheap lamp": or a cheap light
                fused = apply_order(order, fused, rows, scoped=scoped, preferences=[*soft, *titled],
                                    kind_rows=lambda named: kind_items(self.catalog, self.facets, order, query, k=CANDIDATES, named=named),
                                    kinds=kind_columns(self.facets), head=own_head(query, scoped), words=described(query))
            elif not has_subject(query) and not fused:  # only conditions ("moins de 12 euros"): the items that meet them
                rows = sorted_items(self.catalog, None, query, where, k=depth)
                fused = prefer([Hit(r["id"], 1.0, r, {"filters": 1.0}) for r in rows], soft, scoped=True)  # "a large
                # jumper": the jumpers, the large ones first
            else:  # "a red mug": the red mugs first
                fused = prefer(fused, soft, scoped=scoped, guessed=query.guessed()) \
                    if self.rewriter.hard_categories else fused
            if has_subject(query) and self.rewriter.hard_categories and (order is None or order.mode != "sort"):
                fused = cohere(fused, self.facets, query.filters, query.guessed())  # "a proper sports car"
            fused = demote(fused, query.exclude_words if self.rewriter.hard_categories else ())  # "not set on Mars"
            note(method="learned ranker" if self.ranker is not None else self.fusion, candidates=len(fused),
                 order=str(order) if order else None, top=[(h.id, round(h.score, 4)) for h in fused[:10]])
        with run.step("rerank") as note:
            if self.reranker is None:
                ranked, notes = fused[: query.k], ["none"]
            else:
                ranked, notes = self.reranker.rerank(request, fused, k=query.k)
            note(reranker=getattr(self.reranker, "name", "none"), decisions=notes)
        kinds = [f for f in query.filters if f"{LIKE_KIND} {f}" in query.notes or f.hard and f in query.gives_way()]
        if not ranked and kinds:  # "like X" (or a kind guessed) but none of it left: kinds give way, the last first
            kept = tuple(n for n in query.notes if n not in (f"{LIKE_KIND} {kinds[-1]}", guessed_note(kinds[-1])))
            answer = self.run(query.model_copy(update={"filters": tuple(f for f in query.filters if f != kinds[-1]),
                                                       "notes": kept}), request, explain=explain)
            answer.trace.append({"step": "relax", "dropped": [str(kinds[-1])], "reason": "nothing (else) of that kind"})
            return answer
        with run.step("explain") as note:
            recommendations = self._explain(request, query, routes, ranked, explain, note, run.vectors)
        return Answer(request, query, where, recommendations, run.trace, run.timings)

    def candidates(self, query: CrossModalQuery, trace: Trace | None = None) -> tuple[str | None, list[Route], list[Ranked]]:
        """The ``where`` clause, the routes, and every search's ranked list, before fusion."""
        run = trace or Trace()
        with run.step("filters") as note:
            where, rejected = compile_where(query.filters, self.facets)
            where = all_of(where, ids_in(query.within_ids)) if query.within_ids else where  # "which of those"
            note(where=where, rejected=[f"{f}: {why}" for f, why in rejected])
        with run.step("route") as note:
            routes = route(self._with_seeds(query), self.catalog)
            note(routes=[{"source": r.source, "weight": r.weight,
                          "inputs": [shorten(s.text or s.file or s.item or "") for s in r.inputs],
                          "reason": r.reason} for r in routes])
        return where, routes, self._search(run, routes, query, where) + self._graph_lists(run, query, where)

    def _with_seeds(self, query: CrossModalQuery) -> CrossModalQuery:
        if not self.seed_weight or not query.seed_ids:
            return query
        latest = list(reversed(query.seed_ids))[:SEED_ITEMS]
        seeds = [SubQuery(item=i, modality="item", weight=self.seed_weight * SEED_DECAY**age) for age, i in enumerate(latest)]
        return query.model_copy(update={"queries": (*query.queries, *seeds)})

    # -- steps -------------------------------------------------------------------------------
    def titles(self) -> TitleIndex:
        """The catalogue's titles, for finding items named in a message (built once)."""
        if self._titles is None:
            self._titles = TitleIndex.of(self.catalog, self.facets)
        return self._titles

    def _pictured(self, query: CrossModalQuery, image: str) -> tuple[CrossModalQuery, list[str]]:
        """The item a photo shows, when one stands out (:data:`PICTURED`): the reference of "like
        this but cheaper", not offered back, and with a condition on its kind."""
        hits = self.catalog.search(image, modality="image", k=2) if self.catalog.columns_for("image") else []
        best, second = (hits + [None, None])[:2]
        if best is None or best.score < PICTURED[0] or (second is not None and best.score - second.score < PICTURED[1]):
            return query, []
        query = query.model_copy(update={"exclude_ids": (*query.exclude_ids, best.id)})
        return (like_kinds(query, [best.item], self.facets, limit=1) if self.rewriter.hard_categories else query), [best.id]

    def transcribe(self, audio: str) -> str:
        """The words of a spoken request (Whisper ``DEFAULT_WHISPER`` unless a transcriber was given)."""
        if self.transcriber is None:
            whisper = get_transcriber(DEFAULT_WHISPER)
            self.transcriber = lambda path: whisper.transcribe(path).text
        return " ".join(self.transcriber(audio).split())

    def _search(self, run: Trace, routes: Sequence[Route], query: CrossModalQuery, where: str | None) -> list[Ranked]:
        depth = max(CANDIDATES, query.k * 3)
        exclude = list(query.exclude_ids)
        if exclude and len(exclude) <= MAX_EXCLUDE_IN_WHERE:
            where = all_of(where, ids_in(exclude, negate=True))
        elif exclude:
            depth += len(exclude)
        lists = []
        with run.step("search") as note:
            counts = {}
            for r in routes:
                with run.clock("encode" if r.column else "search"):
                    vector = self._vector(r) if r.column else None
                if vector is not None and r.weight > 0:
                    if r.column is not None:  # to name a video's keyframe
                        run.vectors.setdefault(r.column, vector)
                with run.clock("search"):
                    hits = self._run_route(r, vector, depth, where)
                lists.append(Ranked(r.source, r.weight, hits))
                counts[r.source] = len(hits)
            note(hits_per_search=counts, where=where)
        return lists

    def _run_route(self, r: Route, vector: np.ndarray | None, depth: int, where: str | None) -> list[Hit]:
        if r.column is None:
            return self.catalog.search_text(" ".join(s.text for s in r.inputs), k=depth, where=where)
        if vector is None or not np.any(vector):
            return []  # a query the encoder maps to nothing (no known tokens) finds nothing here
        return self.catalog.search_vector(vector, column=r.column, k=depth, where=where)

    def meanings(self) -> Meanings | None:
        """The table's category values embedded for matching requests by meaning (built once)."""
        if self._meanings is None:
            encoders = text_encoders(self.catalog)
            self._meanings = Meanings(encoders, self.facets, self.catalog.rows, self.catalog.text_language() if len(encoders) > 1 else None) if encoders else None
        return self._meanings

    def attributes(self) -> AttributeIndex:
        """The catalogue's shared-metadata index (built once)."""
        if self._attributes is None:
            self._attributes = AttributeIndex.of(self.catalog)
        return self._attributes

    def _shared(self, seeds: Sequence[str], item: str) -> list[tuple[str, str, str]]:
        """(column, value, seed) of the metadata ``item`` shares with the seeds, latest seed first."""
        index = self.attributes()
        return [(column, value, seed) for seed in reversed(list(dict.fromkeys(seeds)))
                for column, value in index.shared(seed, item)]

    def _graph_lists(self, run: Trace, query: CrossModalQuery, where: str | None) -> list[Ranked]:
        """Lists that need no search: links from the seed items in the interaction logs, popularity
        (lifted by the request's preferences), and items sharing metadata with the seeds."""
        skip = set(query.exclude_ids)
        preferences = [f for f in query.filters if not f.hard] if self.preference_lift else []
        pairs = []
        if self.graph is not None and query.seed_ids and self.graph_weight:
            pairs.append(("graph", self.graph_weight, self.graph.related(query.seed_ids, exclude=skip, k=CANDIDATES * 2)))
        if self.graph is not None and self.popularity_weight:
            pool = POPULAR_POOL if preferences else CANDIDATES * 2
            pairs.append(("popular", self.popularity_weight, self.graph.popular(exclude=skip, k=pool)))
        if query.seed_ids and self.attribute_weight:
            related = self.attributes().related(query.seed_ids, exclude=skip, k=CANDIDATES * 2)
            pairs.append(("attributes", self.attribute_weight, related))
        if not pairs:
            return []
        with run.step("graph") as note:
            lists = []
            for source, weight, scored in pairs:
                items = {row["id"]: row for row in self.catalog.get([i for i, _ in scored], where=where)}
                if source == "popular" and preferences:
                    scored = self._lifted(scored, items, preferences)
                lists.append(Ranked(source, weight, [Hit(i, s, items[i], {source: s}) for i, s in scored if i in items]))
            note(seeds=list(query.seed_ids[-10:]), preferences=[str(f) for f in preferences],
                 **{r.source: len(r.hits) for r in lists})
        return lists

    def _lifted(self, scored: list[tuple[str, float]], items: dict[str, Any],
                preferences: Sequence[Filter]) -> list[tuple[str, float]]:
        """Popularity within the preferences: each preference an item meets multiplies its score."""
        def lift(item_id: str) -> float:
            row = items.get(item_id)
            met = sum(satisfies(row, f) for f in preferences) if row is not None else 0
            return 1.0 + self.preference_lift * met

        lifted = sorted(((i, s * lift(i)) for i, s in scored), key=lambda pair: -pair[1])
        return lifted[: CANDIDATES * 2]

    def _vector(self, r: Route) -> np.ndarray:
        if r.modality == "item":
            stored = self.catalog.vectors_of([s.item for s in r.inputs if s.item], r.column)  # type: ignore[arg-type]
            pairs = [(stored[s.item], w) for s, w in zip(r.inputs, r.weights, strict=True) if s.item in stored and w > 0]
            if not pairs:
                return np.zeros(self.catalog.vectors[r.column].dim, dtype=np.float32)  # type: ignore[index]
            vectors, weights = np.stack([v for v, _ in pairs]), np.asarray([w for _, w in pairs], dtype=np.float32)[:, None]
        else:
            encoder = self.catalog.encoder(r.column)  # type: ignore[arg-type]
            items = [s.text if s.modality == "text" else s.file for s in r.inputs]
            vectors = encoder.encode(items, modality=r.modality, role="query")
            weights = np.asarray(r.weights, dtype=np.float32)[:, None]
        mean = (vectors * weights).sum(axis=0) / max(float(weights.sum()), 1e-9)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 0 else mean


    def _explain(self, text: str, query: CrossModalQuery, routes: Sequence[Route], ranked: Sequence[Hit],
                 explain: bool, note: Callable[..., None], vectors: dict[str, np.ndarray] | None = None,
                 ) -> list[Recommendation]:
        if not explain:  # scores and matches only: no snippets, tags or narratives
            evidence = [Evidence(h.id, str(h.item.get("title") or ""), scores=dict(h.scores)) for h in ranked]
            note(explained=0, by="none")
            return [Recommendation(i + 1, h.id, h.score, h.item, e, "") for i, (h, e) in enumerate(zip(ranked, evidence, strict=True))]
        frames = self.catalog.match_keyframes(ranked, vectors or {})
        seeds = list(dict.fromkeys([*(s.item for r in routes for s in r.inputs if s.item), *query.seed_ids]))
        names = {row["id"]: clean(row.get("title"), 120)[0] for row in self.catalog.get(seeds) if row.get("title")}
        shared = {h.id: self._shared(query.seed_ids, h.id) for h in ranked if "attributes" in h.scores}
        evidence = [build_evidence(h, query, routes, frames.get(h.id), names, shared.get(h.id, ())) for h in ranked]
        words = [template_narrative(e) for e in evidence]
        head = min(self.llm_explains, len(evidence)) if self.llm is not None else 0
        if head:
            worded, rejected = self._narratives(text, evidence[:head], words[:head])
            words[:head] = worded
            note(llm_rejected=rejected)
        note(explained=len(evidence), by_llm=head)
        return [Recommendation(i + 1, h.id, h.score, h.item, e, w)
                for i, (h, e, w) in enumerate(zip(ranked, evidence, words, strict=True))]

    def _narratives(self, text: str, evidence: list[Evidence], fallback: list[str]) -> tuple[list[str], list[str]]:
        from xmr_agent.agent.explain import llm_narratives

        vocabulary = [v for f in self.facets.values() for v in f.values]
        return llm_narratives(self.llm, self.prompts, text, evidence, fallback, vocabulary)


__all__ = ["Agent", "Answer", "Filter", "Recommendation", "describe_query"]
