"""Ranking by a column ("the cheapest", "cheap", "cheaper than the blue one").

A request's :class:`~xmr_agent.agent.query.Order` applies to the items that answer it: with no
subject, every item meeting the conditions ("the cheapest thing you have"); otherwise the fused
candidates close to the best vector similarity or keyword match (:func:`_answering`), and of
those only the ones meeting the request's preferences when some do ("a cheap red mug"). A superlative and a relative word
("cheap", against the prices of the items that answer) sort them by the column; a comparative ("cheaper") against a
reference item becomes a condition (``price < 120``). The rest follow: a list is never shorter than without the order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xmr_agent.agent import lexicon
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.preferences import groups, met
from xmr_agent.agent.query import CrossModalQuery, Filter, Order, titled_note
from xmr_agent.agent.ranged_over import of_one_kind, worded_so
from xmr_agent.agent.values import stem_phrase
from xmr_agent.types import Hit

#: Share of the best fused score a candidate needs to count as answering the request.
RELEVANT = 0.5
#: How far below the best vector similarity a candidate may answer the request, at most this share of the way to the median.
MARGIN, SPREAD = 0.1, 0.4
#: How a condition taken from the items a request asks to be like is noted (so it can give way).
LIKE_KIND = "same kind as the item asked to be like:"
#: Most excluded ids written into a ``where`` clause (more are left out after the search).
MAX_EXCLUDE_IN_WHERE = 500
#: Share of the best keyword (BM25) score that makes a candidate answer the request too.
KEYWORD = 0.8
#: Leading candidates that vote on the kind a request asks for, the share of the vote the leading kind needs, how far
#: down its items are brought forward, and how much closer a first candidate of another kind stays first (:func:`cohere`).
VOTERS, LEAD, WINDOW, CLEAR = 5, 0.5, 15, 1.1
#: Fewer candidates than this meeting a request's stated preferences is too few to show.
FEW = 3


def valid_order(order: Order | None, facets: Facets) -> Order | None:
    """``order`` if its column is a numeric column of the table, else ``None``."""
    if order is None:
        return None
    facet = facets.get(order.column)
    return order if facet is not None and facet.kind == "number" else None


def against(query: CrossModalQuery, reference: Mapping[str, Any] | None, *, likened: bool = False) -> CrossModalQuery:
    """A comparative ("cheaper") made a condition against ``reference`` (a named or shown item):
    ``price < its price``; with ``likened`` (the request asks for things like the reference), a
    relative word too ("like Noir Santal but not so expensive"). Without a reference value it
    stays a relative word ("cheap"); with a bound said on the column ("lighter, under 1.5 kg")
    the bound decides."""
    order = query.order
    if order is not None and likened and reference and order.mode in ("low", "high"):
        order = order.model_copy(update={"mode": "less" if order.mode == "low" else "more"})
    if order is None or order.mode not in ("less", "more"):
        return query
    said = ("<", "<=") if order.mode == "less" else (">", ">=")
    if any(f.hard and f.column == order.column and f.op in said for f in query.filters):  # "lighter, under 1.5 kg"
        return query.model_copy(update={"order": None})  # the bound said decides
    value = reference.get(order.column) if reference else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        condition = Filter(column=order.column, op="<" if order.mode == "less" else ">", value=value)
        name = (reference or {}).get("title") or (reference or {}).get("id")
        return query.model_copy(update={"filters": (*query.filters, condition), "order": None,
                                        "notes": (*query.notes, f"{condition} (than {name})")})
    relative = order.model_copy(update={"mode": "low" if order.mode == "less" else "high"})
    return query.model_copy(update={"order": relative})


def like_kinds(query: CrossModalQuery, items: Sequence[Mapping[str, Any]], facets: Facets, *,
               limit: int | None = None) -> CrossModalQuery:
    """"Books like The Hobbit": the kind of the items asked to be like (their values of
    category-like columns: genre, category) becomes a condition, unless the request names one.
    ``limit``: at most this many columns (the first of the table's)."""
    from xmr_agent.agent.columns import FOR_COLUMNS, kind_columns

    titled = {f for f in query.filters if f.hard and titled_note(f) in query.notes}  # "still two lines": not the lines
    said = {f.column for f in query.filters if f.hard and f not in titled}
    added: list[Filter] = []
    kinds = kind_columns(facets) - FOR_COLUMNS  # what it is, not who it is for
    for facet in facets.values():
        if facet.column.lower() not in kinds or not facet.categorical or facet.column in said:
            continue
        for item in items:
            value = item.get(facet.column)
            for v in value if isinstance(value, list) else [value]:
                if v is not None and str(v).lower() in facet.values:
                    added.append(Filter(column=facet.column, op="contains" if facet.kind == "list" else "=", value=v))
    if not added:
        return query
    added = list(dict.fromkeys(added))
    if limit is not None:
        columns = list(dict.fromkeys(f.column for f in added))[:limit]
        added = [f for f in added if f.column in columns]
    replaced = {f.column for f in added}
    return query.model_copy(update={"filters": (*(f for f in query.filters if f not in titled or f.column not in replaced),
                                                *added), "notes": (*query.notes, *(f"{LIKE_KIND} {f}" for f in added))})


def has_subject(query: CrossModalQuery) -> bool:
    """Whether the query says what is wanted (words, a file, items to be like)."""
    return bool(query.queries or query.like_ids or query.seed_ids)


def own_head(query: CrossModalQuery, scoped: bool) -> str | None:
    """The request's head noun a superlative ranges over (:func:`apply_order`): none when a kind the user named decides
    ("the priciest coffee": coffee beans too), unless it is no word of that kind ("the cheapest heat mat": of the heating
    kit, the mats), or when it is a kind's last word ("the dearest detector": every `Metal detectors`, titled so or not)."""
    if not scoped or query.head is None:
        return query.head
    said = [f for f in query.filters if f.hard and f.op in ("=", "contains") and titled_note(f) not in query.notes]
    kinds = {w for f in said for w in stem_phrase(str(f.value)).split()}  # (a kind read in the titles: the head's)
    kinds |= {stem_phrase(str(f.value)).split()[-1] for f in query.filters if f.hard and f.op == "=" and stem_phrase(str(f.value))}
    coloured = any(w in lexicon.COLOURS for f in query.filters for w in str(f.value).lower().split())  # "the priciest
    return query.head if query.head not in kinds and not coloured else None  # red wine": every red one


def apply_order(order: Order, fused: Sequence[Hit], sorted_rows: Sequence[dict[str, Any]] = (), *,
                scoped: bool = False, preferences: Sequence[Filter] = (),
                kind_rows: Callable[[bool], Sequence[dict[str, Any]]] | None = None,
                kinds: frozenset[str] = frozenset(), head: str | None = None, words: Sequence[str] = ()) -> list[Hit]:
    """``fused`` ranked by ``order`` (see the module docstring); ``sorted_rows`` are the items of
    a request with no subject, already in the column's order. ``scoped``: a condition on the kind
    of item ("the quickest lunch") already says which items answer: all candidates do. Candidates
meeting every ``preferences`` (soft filters: "red", a kind found by meaning) answer first.
    ``kind_rows(named)``: the items of the kind the request describes by meaning, in the column's order
    ("die teuerste Pflanze": every plant), ``named`` when the request's words name candidates outright (a
    keyword match: then only the values it prefers count); a superlative ranges over them too. ``kinds``: the table's columns of
    kinds (:func:`~xmr_agent.agent.rules.kind_columns`), whose preferred values a relative word
    ("a cheap lamp") is measured within. ``head``: the stem of the request's head noun as titles
    end (:func:`~xmr_agent.agent.values.head_noun`): every candidate whose title has it answers a
    superlative ("the cheapest tennis racket": the rackets, not the tennis balls; "the most expensive
    brush": every brush found, not only those closest to the words); the pipeline gives none when a kind the user named decides ("the priciest
    coffee": coffee beans too). ``words``: the stems of the request's describing words
    (:func:`described`); those that the titles of some answers have and others lack narrow a
    superlative to the first ("the cheapest electric trolley": the trolleys titled electric)."""
    if sorted_rows:
        ordered = [Hit(str(r["id"]), 1.0 / (n + 1), r, {f"order:{order.column}": float(r[order.column])})
                   for n, r in enumerate(sorted_rows)]
        seen = {h.id for h in ordered}
        return [*ordered, *(h for h in fused if h.id not in seen)]
    if not fused:
        return []
    answers = {h.id for h in fused} if scoped else _answering(fused)
    preferred = {h.id for h in fused if preferences and met(h.item, preferences) == groups(preferences)}
    within = [f for f in preferences if f.column.lower() in kinds]
    if order.mode in ("low", "high") and within and not any(f.hard for f in within) and sum(  # "a budget riding hat":
            h.id in (answers & preferred or answers) and _value(h, order.column) is not None for h in fused) < 2:  # every helmet
        answers |= {h.id for h in fused if met(h.item, within) == groups(within)}  # found answers, not only the one "hat"
    agree = bool((named := _named(fused)) and within and answers - named) and all(  # "the priciest rowing machine": all
        met(h.item, within) == groups(within) for h in fused if h.id in answers)  # of the kind guessed, named or close
    rows = kind_rows(bool(named) and not agree) if kind_rows is not None else []
    if not rows and kind_rows is not None and order.mode == "sort" and answers & preferred and answers - preferred:
        rows = kind_rows(False)  # "the biggest suitcase": words that name items of several kinds, one of them the
        # kind guessed: every item of it ("the cheapest power bank" names only power banks: they answer)
    if rows:  # "the cheapest rug": every rug, not only the ones the search found
        known = {h.id for h in fused}
        fused = [*fused, *(Hit(str(r["id"]), 0.0, r, {f"order:{order.column}": 0.0}) for r in rows
                           if str(r["id"]) not in known)]
        stated = [f for f in preferences if f.column.lower() not in kinds]  # "plutôt un ténor": of the ukuleles, the tenor
        preferred |= {str(r["id"]) for r in rows if met(r, stated) == groups(stated)} if any(
            met(r, stated) == groups(stated) for r in rows) else {str(r["id"]) for r in rows}
        answers = preferred if order.mode == "sort" else answers | preferred  # "a cheap watch for a boy": all watches
    if order.mode == "sort" and not (rows or within or head):  # "最便宜的鼓棒": the answers found are all drumsticks,
        answers |= of_one_kind(fused, answers, kinds)  # so every drumstick found answers
    headed = {h.id for h in fused if head and order.mode == "sort" and head in stem_phrase(str(h.item.get("title") or "")).split()}
    unheaded = answers - headed if headed else set()  # they come next, in the column's order
    answers = headed or answers  # "the most expensive brush": every brush found, however close to the words
    worded = worded_so(fused, answers, words) if order.mode == "sort" else set()
    unheaded |= answers - worded if worded else set()
    answers = worded or answers
    others = (answers - preferred if answers & preferred else set()) | unheaded  # "a cheap red mug": other mugs next
    answers = answers & preferred or answers  # the red ones among the mugs, if any
    relevant = [h for h in fused if h.id in answers]
    descending = order.descending if order.mode == "sort" else order.mode in ("high", "more")
    rest = [*_in_order([h for h in fused if h.id in others], order.column, descending),
            *(h for h in fused if h.id not in answers and h.id not in others)]
    valued = _in_order([h for h in relevant if _value(h, order.column) is not None], order.column, descending)
    missing = [h for h in relevant if _value(h, order.column) is None]
    if order.mode == "sort" and not valued:  # "the widest nib" where the kind guessed has no nib: the items that have one
        valued = _in_order([h for h in fused if _value(h, order.column) is not None], order.column, descending)
        rest = [h for h in rest if _value(h, order.column) is None]
    if order.mode in ("low", "high") and len(valued) > 1:
        within = within or list(preferences)
        stated = [f for f in preferences if f not in within]  # "cheap terracotta pots": other pots as cheap only in terracotta
        kind = {h.id for h in fused if within and met(h.item, within) == groups(within)
                and (not stated or met(h.item, stated) == groups(stated))}
        return _relative(valued, missing, rest, kind, order.column, descending,  # "une perceuse pas chère": the drills
                         named=bool(named) and {h.id for h in valued} <= named)  # its words name, the cheaper first
    return [*valued, *missing, *rest]


def _in_order(hits: list[Hit], column: str, descending: bool) -> list[Hit]:
    """``hits`` with a value in ``column`` sorted by it, then those without."""
    valued = sorted((h for h in hits if _value(h, column) is not None), key=lambda h: _value(h, column),  # type: ignore[arg-type,return-value]
                    reverse=descending)
    return [*valued, *(h for h in hits if _value(h, column) is None)]


def _relative(valued: list[Hit], missing: list[Hit], rest: list[Hit], kind: set[str], column: str,
              descending: bool, *, named: bool = False) -> list[Hit]:
    """"A cheap lamp": the lamps cheaper than their middle one (or the kind's), then other items of the kind the request
    prefers that are as cheap (a cheap light) or, with no kind preferred, the cheap ones of the next :data:`WINDOW`
    candidates, then the other lamps; each part in order. With no kind preferred and few lamps, the middle is that of
    them and those next candidates ("cheap eats": the cheap places, though only one of the three closest is cheap)."""
    if named and not kind:  # the request's words name these items outright: they are the kind ("une perceuse")
        kind = {h.id for h in valued}
    few = len(valued) < FEW + 2 and not kind
    sample = sorted(v for v in (_value(h, column) for h in [*valued, *rest[:WINDOW]]) if v is not None) if few else []
    middle = sample[len(sample) // 2] if sample else _value(valued[len(valued) // 2], column)
    of_kind = sorted(v for v in (_value(h, column) for h in [*valued, *rest] if h.id in kind) if v is not None)
    middle = (min if descending else max)(middle, of_kind[len(of_kind) // 2]) if len(of_kind) > FEW and middle is not None \
        else middle  # beyond the kind's middle counts too ("une grande illusion, haut de gamme": of the illusions)

    def beyond(hit: Hit) -> bool:
        value = _value(hit, column)
        return value is not None and middle is not None and (value > middle if descending else value < middle)

    head = [h for h in valued if beyond(h)]
    also = [h for h in (rest if kind else rest[:WINDOW]) if (not kind or h.id in kind) and beyond(h)]
    taken = {h.id for h in [*head, *also]}
    return [*head, *also, *(h for h in [*valued, *missing, *rest] if h.id not in taken)]


def demote(fused: Sequence[Hit], phrases: Sequence[str]) -> list[Hit]:
    """``fused`` with the items whose fields name a negated phrase ("not set on Mars", "not by
    Tolkien") after all the others, and those whose fields say they are without it ("no key to
    lose", "sugar-free", "cordless" for "without a cord") before them; each part in its order.
    Words joined by a hyphen count as words ("hard-shell" names "a hard shell one"); a class names
    its kinds ("meat": bacon, :mod:`~xmr_agent.agent.kinds_of`)."""
    from xmr_agent.agent import lexicon
    from xmr_agent.agent.kinds_of import covered
    from xmr_agent.agent.rules import stem_phrase

    wanted = [stem_phrase(p.replace("-", " ")).split() for p in covered(phrases)]  # "no meat": no bacon
    wanted = [w for w in wanted if w]
    if not wanted or not fused:
        return list(fused)
    negation = lexicon.pattern(lexicon.NEGATION)

    def said(hit: Hit) -> int:
        """-1: the item says it is without a phrase; 1: it names one; 0: neither."""
        found = 0
        for value in (hit.item or {}).values():
            if not isinstance(value, str) or len(value) < 3:
                continue
            words = re.findall(r"[^\W_]+(?:'[^\W_]+)?", value.lower())
            stems = [stem_phrase(w) for w in words]
            for phrase in wanted:
                if len(phrase) == 1 and any(_without_word(w, phrase[0]) for w in words):
                    return -1  # "cordless", "keyless"
                for at in range(len(stems) - len(phrase) + 1):
                    if all(_alike(a, b) for a, b in zip(stems[at:at + len(phrase)], phrase, strict=True)) or (
                            len(phrase) == 1 and len(phrase[0]) >= 5 and stems[at].startswith(phrase[0])):
                        before = " ".join(words[max(0, at - 3):at])
                        after = words[at + len(phrase)] if at + len(phrase) < len(words) else ""
                        if negation.search(before) or after == "free":
                            return -1
                        found = 1
        return found

    marks = {h.id: said(h) for h in fused}
    return [*(h for h in fused if marks[h.id] < 0), *(h for h in fused if marks[h.id] == 0),
            *(h for h in fused if marks[h.id] > 0)]


def _alike(said: str, wanted: str) -> bool:
    """The same word, or one a longer form of the other ("wheel" of "three-wheelers"), or another ending of it."""
    return said == wanted or min(len(said), len(wanted)) >= 5 and (said.startswith(wanted) or wanted.startswith(said)) \
        or len(said) == len(wanted) >= 6 and said[:-1] == wanted[:-1]  # "electronico", "electronica"


def _without_word(word: str, stem: str) -> bool:
    """Whether ``word`` says "without ``stem``" in one word: "cordless", "keyless", "wireless"."""
    return word.endswith("less") and len(word) > 5 and word[:-4].rstrip("-") in (stem, stem.rstrip("e"), stem + "e")


def prefer(fused: Sequence[Hit], preferences: Sequence[Filter], *, scoped: bool = False,
           guessed: Sequence[Filter] = ()) -> list[Hit]:
    """``fused`` with the candidates that answer the request and meet the stated preferences
    ("a red mug": the red mugs) first: those meeting more of them before those meeting fewer,
    and among equals those meeting more of the ``guessed`` ones (kinds found by meaning: "a
    stuffed animal": the plush toys among the answers first), each part in its fused order.
    ``scoped``: a condition on the kind of item already says which items answer ("summer
    plants": every plant). When fewer than :data:`FEW` of the candidates that answer meet the stated
    preferences, those of the first :data:`WINDOW` that do answer too ("any good Mexican place?": the one
    Mexican place, though a seafood house reads closer). Machine-made tags only weigh in the fusion."""
    from xmr_agent.agent.columns import DESCRIPTIVE_COLUMNS

    preferences = [f for f in preferences if f.column not in DESCRIPTIVE_COLUMNS]
    if not preferences or not fused:
        return list(fused)
    answers = {h.id for h in fused} if scoped else _answering(fused)
    stated = [f for f in preferences if f not in guessed]
    found = [f for f in preferences if f in guessed]

    def meets(hit: Hit) -> tuple[int, int]:
        return met(hit.item, stated), met(hit.item, found)

    def all_met(hit: Hit) -> bool:
        return bool(hit.item) and meets(hit)[0] == groups(stated)

    if stated and sum(all_met(h) for h in fused if h.id in answers) < FEW:  # "any good Mexican place?": the
        answers |= {h.id for h in fused[:WINDOW] if all_met(h)}  # Mexican one, though not the closest

    first = sorted((h for h in fused if h.id in answers and h.item and any(meets(h))), key=meets, reverse=True)
    chosen = {h.id for h in first}
    return [*first, *(h for h in fused if h.id not in chosen)]


def _named(fused: Sequence[Hit]) -> set[str]:
    """Candidates matching the request's words nearly as well as the best keyword match."""
    words = {h.id: h.scores["fts"] for h in fused if "fts" in h.scores}
    return {i for i, v in words.items() if v >= KEYWORD * max(words.values())} if words else set()


def _answering(fused: Sequence[Hit]) -> set[str]:
    """The candidates that answer the request: close to the best similarity of a vector search
    (raw cosines: within :data:`MARGIN`, and within :data:`SPREAD` of the way down to the median
    candidate) or matching its words nearly as well as the best keyword match (:data:`KEYWORD`),
    else at least :data:`RELEVANT` of the best fused score."""
    raw = {h.id: max((v for k, v in h.scores.items() if k.startswith("vector:")), default=None) for h in fused}
    known = [v for v in raw.values() if v is not None]
    named = _named(fused)
    if known:
        top, middle = max(known), sorted(known)[len(known) // 2]
        floor = top - min(MARGIN, SPREAD * (top - middle))  # encoders differ in how spread their cosines are
        return {i for i, v in raw.items() if v is not None and v >= floor} | named
    best = max(fused[0].score, 1e-9)
    return {h.id for h in fused if h.score >= RELEVANT * best}


def _value(hit: Hit, column: str) -> float | None:
    value = hit.item.get(column)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def cohere(fused: Sequence[Hit], facets: Facets, filters: Sequence[Filter], guessed: Sequence[Filter] = ()) -> list[Hit]:
    """``fused`` with the candidates of its leading kind first: shoppers who describe one thing ("a proper sports
    car", "something for above the cot") want that kind of thing, and a list that drifts into other kinds after its
    first answers reads as wrong. The kind (a value of the table's finest column of kinds) is the one the first
    :data:`VOTERS` candidates vote for, each by 1/rank; it leads when it holds at least :data:`LEAD` of the vote, and
    then its items among the first :data:`WINDOW` come first, in their fused order, but never ahead of an item that
    meets more of the request's preferences ("dog stuff in size small": the small things before a large bed), the
    stated ones before the ``guessed`` ones, nor, where conditions chose the candidates, of a first one of another kind
    :data:`CLEAR` times as close as its best ("Legenester", then "aus Holz": the wooden nest box, not the wooden coops).
    A request naming several kinds ("a tent or a tarp") or one already (a condition on the column) is left as it is."""
    column = _kind_column(facets)
    named = {str(f.value).lower() for f in filters if column and f.column == column and f.op in ("=", "contains")}
    if column is None or len(named) > 1 or len(fused) <= 1:
        return list(fused)
    votes: dict[str, float] = {}
    for rank, hit in enumerate(fused[:VOTERS]):
        value = (hit.item or {}).get(column)
        if isinstance(value, str) and value:
            votes[value.lower()] = votes.get(value.lower(), 0.0) + 1 / (rank + 1)
    if not votes:
        return list(fused)
    kind = max(votes, key=lambda v: votes[v])
    if votes[kind] < LEAD * sum(votes.values()) or any(f.hard for f in filters) and str((fused[0].item or {}).get(
            column, "")).lower() != kind and fused[0].score >= CLEAR * max(
            h.score for h in fused[:WINDOW] if str((h.item or {}).get(column, "")).lower() == kind):
        return list(fused)
    window = list(fused[:WINDOW])
    stated = [f for f in filters if not f.hard and f not in guessed]
    found = [f for f in guessed if not f.hard]

    def tier(hit: Hit) -> tuple[int, int]:  # as :func:`prefer` ranks them: stated preferences, then guessed ones
        return -met(hit.item or {}, stated), -met(hit.item or {}, found)

    tiers = {h.id: tier(h) for h in window}
    kinds = {h.id: str((h.item or {}).get(column, "")).lower() == kind for h in window}
    ranked: list[Hit] = []
    for hit in window:  # each item of the kind moves up past the others no better than it
        place = len(ranked)
        while kinds[hit.id] and place and not kinds[ranked[place - 1].id] and tiers[hit.id] <= tiers[ranked[place - 1].id]:
            place -= 1
        ranked.insert(place, hit)
    return [*ranked, *fused[WINDOW:]]


def _kind_column(facets: Facets) -> str | None:
    """The table's column of kinds with the most values, what items are before whom they are for and before their
    format (a ``Shelf`` of cameras before the ``Format`` that sets 35mm cameras apart from a 120 one)."""
    from xmr_agent.agent.columns import FOR_COLUMNS, MEDIA_COLUMNS, kind_columns

    kinds = kind_columns(facets)
    present = [f for f in facets.values() if f.column.lower() in kinds and f.kind == "string" and f.categorical]
    what = [f for f in present if f.column.lower() not in FOR_COLUMNS | MEDIA_COLUMNS] or \
        [f for f in present if f.column.lower() not in FOR_COLUMNS] or present
    return max(what, key=lambda f: len(f.values)).column if what else None
