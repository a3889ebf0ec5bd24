"""The rule-based rewriter: a user's words → a :class:`CrossModalQuery` with no LLM.

It reads what rules read reliably, in English, French, German, Spanish and Chinese (the words
are in :mod:`xmr_agent.agent.lexicon`): prices with currencies, bounds and ranges ("under $20",
"moins de 12 euros", "20元以下"), relative price words ("cheap", "pricey") and comparatives
("cheaper"), superlatives as sorts ("the cheapest", "the newest", "the longest"), years and
decades, "top 5", values of the table's categorical columns, and negations. A value of a
category-like column ("a comedy", "kitchen stuff") is a condition; any other value ("red") is a
preference unless the user makes it one ("only red ones"); a negated value or a negated word
that names items ("no mugs") is a hard exclusion, other negated phrases ("nothing scary") are
demoted. Words that carry no subject ("something like this") are dropped from the search. It is
deterministic, so the toolkit works with no LLM at all; with an LLM it is the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache, partial

from xmr_agent.agent import levels, units
from xmr_agent.agent import lexicon as lx
from xmr_agent.agent import numbers as nb
from xmr_agent.agent.audience import audiences
from xmr_agent.agent.columns import BRAND_COLUMNS, DESCRIPTIVE_COLUMNS, FOR_COLUMNS, attribute_columns, kind_columns
from xmr_agent.agent.compounds import class_values
from xmr_agent.agent.counts import counts
from xmr_agent.agent.distances import near
from xmr_agent.agent.filters import Facet, Facets, merge_filters
from xmr_agent.agent.flags import flags
from xmr_agent.agent.kinds_of import diet_avoids
from xmr_agent.agent.mentioned import category_of, hyphenated, narrowest
from xmr_agent.agent.mentioned import mentions as said_values
from xmr_agent.agent.negated import STOP_AFTER
from xmr_agent.agent.negated import phrase as negated_phrase
from xmr_agent.agent.numbers import Parse, ages, column_of_kind, prices, ratings, years
from xmr_agent.agent.packs import packs
from xmr_agent.agent.phrases import accessory_after, before_need, spoken_of, thing_for, thing_noun
from xmr_agent.agent.query import CrossModalQuery, Filter, Op, SubQuery, guessed_note, titled_note
from xmr_agent.agent.sorts import relative, sized, superlatives
from xmr_agent.agent.values import ADJECTIVE, head_group, head_noun, modified, stem_phrase, value_words, valued_word
from xmr_agent.agent.values import NOT_NOUNS as _NOT_NOUNS
from xmr_agent.agent.values import containing as _containing
from xmr_agent.agent.values import with_combos as _with_combos
from xmr_agent.encoders.language import ENGLISH, detect_closely

#: Verbs after "my son", "my wife": what follows is what they want, not what they have.
_WANTS = re.compile(r"\b(?:likes?|loves?|wants?|needs?|would|wears?|plays?|collects?|enjoys?|prefers?|uses?|asked|"
                    r"is|was|into)\b", re.IGNORECASE)
#: "looking for a puzzle": what follows "for" is the thing wanted.
_SEEKING = re.compile(r"(?:look(?:ing)?|search(?:ing)?|shop(?:ping)?|hunt(?:ing)?|ask(?:ing)?|go(?:ing)?|"
                      r"suche|sucht|busco|buscando|cherche)\s*$", re.IGNORECASE)
#: Most notes (for traces) and negative phrases kept from one request.
MAX_NOTES, MAX_AVOID = 32, 8
#: Words before a column value, at most this far, that make it a condition ("only in red").
CONDITION_REACH = 24


def rule_rewrite(text: str, facets: Facets, *, k: int = 10, hard_categories: bool = True,
                 named: Sequence[tuple[int, int]] = (), generic: frozenset[str] = frozenset(),
                 nouns: Mapping[str, Mapping[str, frozenset[str]]] | None = None) -> CrossModalQuery:
    """Parse ``text`` into a query for a table with ``facets``; see the module docstring.
    ``named``: spans of ``text`` that name catalogue items (their words are searched, never
    read as filters: the "orange" of "like the Orange Dome Tent"). ``generic``: word stems that
    name every item of the table ("book" in a table of books): no subject on their own."""
    parse = Parse(text, blank(text, named))
    for read in (ratings, ages, counts, nb.people, packs, units.percents, units.measures, near, units.named_bounds, flags, levels.said):  # "under a kilo": a weight; "pet safe"
        read(parse, facets)
    if price := column_of_kind(facets, "price"):
        prices(parse, price, facets[price].lower, facets[price].upper)
    if year := column_of_kind(facets, "time"):
        years(parse, year)
    superlatives(parse, facets)
    relative(parse, facets, measures=hard_categories)
    sized(parse, facets)
    k = nb.top_k(parse) or k
    nb.absent(parse, facets)
    _negatives(parse, facets, about=hard_categories)
    _categories(parse, facets, hard_categories, nouns, generic)
    _titled(parse, facets, nouns if hard_categories else None, generic)
    audiences(parse, facets)  # "for my wife": women
    said = {w for f in parse.filters for w in (f.column.lower(), str(f.value).lower())}
    parse.exclude += diet_avoids(parse.scan, said) if hard_categories else []  # "vegetarian please": no meat
    words = " ".join(parse.text.split()).strip(" ,.;:!?，。！？的")
    rest = blank(parse.text, parse.said)
    if hard_categories and not parse.said and not has_subject(blank(rest, parse.valued), generic):  # "red", "要粉色的"
        parse.filters = [f if f.hard or f.column in DESCRIPTIVE_COLUMNS or f in parse.preferred
                         else f.model_copy(update={"hard": True})
                         for f in parse.filters]
    if not has_subject(rest, generic):
        words = "" if (parse.filters or parse.order or parse.exclude or parse.avoid) else " ".join(text.split())
    queries = (SubQuery(text=words, target="any"),) if words else ()
    return CrossModalQuery(queries=queries, filters=tuple(merge_filters(parse.filters)),
                           avoid=tuple(dict.fromkeys(parse.avoid))[:MAX_AVOID], k=k, order=parse.order,
                           exclude_words=tuple(dict.fromkeys(parse.exclude))[:MAX_AVOID],
                           context=tuple(dict.fromkeys(parse.context)), head=parse.head,
                           notes=tuple(dict.fromkeys(parse.notes))[:MAX_NOTES])


def blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` made spaces (its other offsets unchanged)."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def has_subject(words: str, generic: frozenset[str] = frozenset()) -> bool:
    """Whether ``words`` say what is wanted (not only "something like this", "je cherche", or a
    ``generic`` word stem such as "book" in a bookshop)."""
    rest = words.lower()
    for filler in sorted((w for w in lx.FILLER if lx.has_cjk(w)), key=len, reverse=True):
        rest = rest.replace(filler, " ")
    tokens = re.findall(r"[^\W_]*[^\W\d_][^\W_]*(?:['’-][^\W\d_]+)*|\d+", rest)  # "A4", "X-T30": a model's words
    return any(t not in lx.FILLER and (len(t) > 1 or lx.has_cjk(t)) and (not generic or stem_phrase(t) not in generic)
               for t in tokens)


def _negatives(parse: Parse, facets: Facets, *, about: bool = True) -> None:
    for m in lx.pattern(lx.NEGATION, after=r"\s+(?:(?:in|en|à|a|im|de)\s+)?(\d[\w/.,:\-]*[\w/])").finditer(parse.scan):
        if hit := category_of(m.group(1), facets):  # "anything but 1/72", "pas en 1:35": a value written with digits
            parse.filters.append(Filter(column=hit[0].column, op="not_contains" if hit[0].kind == "list" else "!=", value=hit[1]))
            parse.notes.append(f"{hit[0].column} not {hit[1]!r} from {m.group(0).strip()!r}")
            parse.cut(m.span())
    paired = r"(?:and|or|nor|et|ni|und|oder|noch|y|o)\s+(?:no|not|pas|sans|ohne|keine?[nmrs]?|sin)\s+"  # "no X and no Y"
    latin = lx.pattern(lx.NEGATION, after=rf"\s+((?:(?!{paired})[^\W\d_][\w\-']*\s*){{1,5}}(?:{paired}(?:[^\W\d_][\w\-']*\s*){{1,3}})?)")
    cjk = re.compile(rf"(?:{lx.cjk_words(lx.NEGATION)})\s*(?:推荐|介绍|给我看|给我|考虑|买)?\s*([\u3400-\u9fff]{{1,6}}|[A-Za-z][\w\-&']*(?:\s[A-Z][\w\-&']*)?)"  # 不要Penn的
                     rf"|(?<![\u3400-\u9fff])([\u3400-\u9fff]{{1,6}}?)的?(?:不要|不用|不想要|就算了|就免了|不考虑)(?=\s*(?:[，。,.!！?？]|$))")  # 太硬的不要
    for m, phrase in [(n, p) for n in [*latin.finditer(parse.scan), *cjk.finditer(parse.scan)]  # "no feather or down"
                      for p in lx.ALTERNATIVE.split(next(g for g in n.groups() if g is not None).lower()) if p.strip()]:
        words = [_THAT_KIND.sub("", phrase.strip()).rstrip("的之呢吗吧")] if lx.has_cjk(phrase) else negated_phrase(phrase.split(), about)
        if not words or not words[0] or _WITHOUT_SOMETHING.match(m.group(0)) or words[0].startswith("的"):  # "not without
            continue  # something protecting my head": that thing is wanted; "不要太贵的扫帚": 太贵 read, a broom wanted
        span = m.span()
        hit = category_of(" ".join(words), facets) or category_of(words[0], facets) or hyphenated(words[0], facets) or \
            next(((f, v) for f, v, _ in units.lettered(m.group(0), facets)), None) or \
            next(filter(None, (category_of(w, facets) for w in words[1:] if w in lx.COLOURS)), None)  # "the boring grey ones"
        head = words[0].split("的")[0] if lx.has_cjk(words[0]) and "的" in words[0] else ""
        if head and (category_of(head, facets) or words[0].split("的", 1)[1]):  # "不要塑料的扫帚": a broom, not plastic
            hit, span = category_of(head, facets), (m.start(), m.start(1 if m.group(1) else 2) + len(head) + 1)
            words = words if hit else [head]  # 不要绿色的植物, 不要涤纶的浴袍: not green, not polyester; still a plant, a robe
        if hit and len(words) > 1 and not lx.has_cjk(words[0]) and re.search(  # "une presse, mais pas une presse à
                rf"(?<!\w){re.escape(words[0])}(?!\w)", parse.scan[:m.start()], re.IGNORECASE):  # relier": that one
            hit = None
        classed = class_values(words[0], facets) if len(words) == 1 else None  # "nicht aus Metall": 锡, 不锈钢
        if hit and hit[0].column.lower() in kind_columns(facets) and any(  # "hay, not straw": Heu & Stroh is
                f.column == hit[0].column and v == hit[1] for f, v, _ in said_values(blank(parse.scan, [span]), facets)):
            hit = None  # wanted, the items titled straw left out
        if hit:
            facet, value = hit  # "not made of plastic": Kunststoff, nor Nylon
            kin = classed[1] if classed and classed[0].column == facet.column and value in classed[1] else []
            parse.filters += [Filter(column=facet.column, op="not_contains" if facet.kind == "list" else "!=", value=each)
                              for each in dict.fromkeys([*_containing(facet, value), *(head_group(facet, words[0]) if _other_words(" ".join(words), value) else ()), *kin])]  # "kein Gold": nor gold-plated, nor rose gold; "pas en fibre de verre": that one
            parse.notes.append(f"{facet.column} not {value!r} from {m.group(0).strip()!r}")
            joined = re.search(rf"{re.escape(words[0])}\s+(?:and|et|und|y|&)\s+[^\W\d_]+", phrase)  # "noir et blanc"
            parse.exclude += [joined.group(0)] if joined and not lx.has_cjk(phrase) else []
            if not lx.has_cjk(words[0]):  # "a jumper that isn't wool, wool makes me itch": no wool searched
                for again in re.finditer(rf"(?<!\w){re.escape(words[0])}(?!\w)", parse.scan[span[1]:], re.IGNORECASE):
                    parse.cut((span[1] + again.start(), span[1] + again.end()))
        elif _ALLERGY.match(m.group(0)):  # "allergic to dust": about the user, no thing to leave out
            parse.cut(span)
            continue
        else:
            phrase = " ".join(words)
            described = None if lx.has_cjk(phrase) else next(  # "goat's milk": goat
                filter(None, (valued_word(w.removesuffix("'s"), facets) for w in [phrase, *words])), None)
            described = classed if classed and (not described or len(classed[1]) > len(described[1])) else described
            for column, value in [(described[0].column, v) for v in described[1]] if described else ():
                parse.filters.append(Filter(column=column, op="!=", value=value))  # "no down": nor goose down
                parse.notes.append(f"{column} not {value!r} from {phrase!r}")
            parse.avoid.append(phrase)
            parse.exclude.append(phrase)
            parse.notes.append(f"avoid {phrase!r} (items named so are left out)")
        parse.cut(span)


#: "…那种", "…这类的" after a Chinese negated thing ("不要药片那种": no tablets): that kind, no word of it.
_THAT_KIND = re.compile(r"的?(?:那种|这种|那类|这类|那款|这款|那样|这样)的?$")


def _other_words(said: str, value: str) -> bool:
    """Whether ``said`` names ``value`` in other words than its own ("kein Gold" of Gold-plated; "杯子" of 茶杯)."""
    return said != value if lx.has_cjk(value) else stem_phrase(said) != stem_phrase(value)


def _sold_for(scan: str, span: tuple[int, int], column: str, value: str, nouns: object) -> bool:
    """Whether the thing named before "for" and the kind at ``span`` is one the titles of other kinds mostly have ("a
    developer for black and white film": the developers are Chemistry, the film is what they are for)."""
    noun = thing_noun(scan[:span[0]], scan[span[1]:])
    counts = getattr(nouns, "counts", {}).get(column, {}).get(stem_phrase(noun), {}) if noun else {}
    return bool(counts) and 3 * counts.get(value.lower(), 0) < sum(counts.values())  # (items titled so, of other kinds)


#: "without something …", "sans quelque chose …": a thing wanted, described.
_WITHOUT_SOMETHING = re.compile(r"\s*(?:without|sans|ohne|sin)\s+(?:something|anything|quelque chose|etwas|algo)\b", re.IGNORECASE)
#: Negations that say why the user cannot have a thing: only a value of the table is left out.
_ALLERGY = re.compile(r"\s*(?:allerg|alérg|intoleran)", re.IGNORECASE)


def _categories(parse: Parse, facets: Facets, hard: bool, nouns: Mapping[str, Mapping[str, frozenset[str]]] | None,
                generic: frozenset[str] = frozenset()) -> None:
    taken, kinds = {(f.column, str(f.value).lower()) for f in parse.filters}, dict[str, int]()  # column → where its first required kind ended
    kinds_of, attributes = kind_columns(facets), attribute_columns(facets)
    mentions = list(said_values(parse.scan, facets))
    grouped = {n for n, (facet, _, span) in enumerate(mentions) if head_group(facet, parse.scan[span[0]:span[1]])}
    sorted_ = parse.order is not None and parse.order.mode == "sort"  # "the lightest drone", not "a cheap kite board"
    grouped_out = set() if sorted_ or any(facets[f.column].kind == "number" for f in parse.filters if f.column in facets) \
        else {n for n in grouped if stem_phrase(parse.scan[slice(*mentions[n][2])]) in generic  # "tea" in a tea shop,
              and 2 * len(head_group(mentions[n][0], parse.scan[slice(*mentions[n][2])])) >= len(mentions[n][0].values)}  # not
    # "racket" in a shop of rackets, balls, bags and strings
    groups = {mentions[n][2]: head_group(mentions[n][0], parse.scan[slice(*mentions[n][2])]) for n in grouped}
    described: set[tuple[int, int]] = set()  # "close-up magic": the kind Close-up, not each "… magic"
    named = {facet.column for n, (facet, _, _) in enumerate(mentions) if n not in grouped}
    mentions = [m for n, m in enumerate(mentions) if n not in grouped or n not in grouped_out and (  # "kayak or canoe"
        m[0].column not in named or hard and m[0].column.lower() in kinds_of)]
    for n, (facet, value, span) in enumerate(mentions):
        if (facet.column, value.lower()) in taken or span in described:
            continue
        after = [at for other, _, at in mentions[n + 1:]
                 if other.column == facet.column and re.fullmatch(r"[\s\-]*", parse.scan[span[1]:at[0]])]
        if hard and facet.column.lower() in kinds_of and after and after[0] in groups and not any(
                set(stem_phrase(value).split()) & set(stem_phrase(v).split()) for v in groups[after[0]]):
            described.add(after[0])  # (a "tent footprint" among Tent footprint, Tarp footprint: below)
        elif hard and facet.column.lower() in kinds_of and after:  # "a bike helmet": a helmet, not a bike
            parse.notes.append(f"{facet.column} {value!r} describes the kind named after it: no condition")
            parse.context.append(value)
            continue
        head = (modified(parse.scan, span, (nouns or {}).get(facet.column, {}), value, facets)
                or _english_head(parse.scan, span, facets, facet) or accessory_after(parse.scan, span, (nouns or {}).get(facet.column, {}), value)) if hard and facet.column.lower() in kinds_of else None
        if head and stem_phrase(head) not in generic:  # "a cheese knife set", "jigsaw glue": the last noun is the
            # thing wanted; not the shop's own word: "a double room" among rooms is a double
            parse.context.append(value)
            parse.notes.append(f"{facet.column} {value!r} describes the {head!r} named after it: no condition")
            continue
        if hard and facet.column.lower() in BRAND_COLUMNS and _names_maker(parse, span):
            parse.context.append(value)  # "so was wie das 370 Pro von Sea Eagle": the named item's maker
            parse.notes.append(f"{facet.column} {value!r} makes the item named: no condition")
            continue
        taken.add((facet.column, value.lower()))
        op: Op = "contains" if facet.kind == "list" else "="
        before = parse.scan[max(0, span[0] - CONDITION_REACH): span[0]]
        if hard and facet.column.lower() not in attributes and lx.pattern(lx.ALONGSIDE, after=r"\s+$").search(before):
            continue  # "to eat with my drink": not a drink
        said_as, singular = parse.scan[span[0]:span[1]].lower(), value.lower().removesuffix("s")
        activity = said_as.endswith("ing") and not singular.endswith("ing") and said_as not in (singular, value.lower(), *value.lower().split()) \
            and not _DETERMINED.search(before)  # "the most expensive painting" is a painting
        # "for mountain biking": no bike; "a lock for my suitcase": no suitcase
        if hard and (facet.column.lower() in kinds_of or facet.column.lower() in BRAND_COLUMNS) \
                and (activity or _goes_with(parse.scan, span, before, facet.column) or (before_need(parse.scan, span, stem_phrase(said_as) == stem_phrase(value)) or thing_for(parse.scan[:span[0]], parse.scan[span[1]:]) and value.lower() in getattr(nouns, "headed", lambda *_: ())(facet.column, stem_phrase(said_as)) or _sold_for(parse.scan, span, facet.column, value, nouns)) and facet.column.lower() not in FOR_COLUMNS or _FOR_ONE.search(before) and any(
                    other.column == facet.column and at[1] <= span[0] for other, _, at in mentions[:n])):  # "a spray deck for a kayak"
            taken.discard((facet.column, value.lower()))  # "my guitar broke, I need a new guitar"
            parse.context.append(value)
            parse.notes.append(f"{facet.column} {value!r} is what the thing wanted goes with: no condition")
            continue
        if hard and facet.column.lower() not in kinds_of | BRAND_COLUMNS and spoken_of(parse.scan, span, before):
            parse.notes.append(f"{facet.column} {value!r} is a thing the request speaks of: no preference")
            parse.context.append(value)
            continue
        marks = f"{lx.IN}|{lx.IN_REQUEST}" if hard else lx.IN  # in dialogues "but" and "by" are no conditions
        condition = bool(lx.pattern(lx.CONDITION).search(before) or lx.pattern(marks, after=r"\s+$").search(before))
        kind_of_item = facet.column.lower() in kinds_of or (
            facet.column.lower() not in attributes and _as_noun(parse.scan, span))
        required = facet.column not in DESCRIPTIVE_COLUMNS and (condition or (hard and kind_of_item))
        joined = facet.column in kinds and lx.pattern(lx.OR).search(parse.scan[kinds[facet.column]:span[0]])
        required = required and (condition or facet.column not in kinds or bool(joined)) \
            or bool(joined and any(f.column == facet.column and f.hard for f in parse.filters))  # "Italien oder Österreich"
        kinds.update({} if not required or facet.column in kinds else {facet.column: span[1]})
        group = head_group(facet, parse.scan[span[0]:span[1]])  # "a frame": any of them; "a kayak": only those
        said, shared = set(stem_phrase(parse.scan.replace("-", " ")).split()), stem_phrase(parse.scan[span[0]:span[1]])  # "je me mets au
        spelled = {c: [v for v in facet.values if facet.canonical[v] == c] for c in group}  # a German kind's glosses
        group = narrowest(group, shared, said, spelled=spelled) or group  # padel … des balles"; "una diana electrónica": no plain Dartboard
        partial = bool(re.search(r"\s&\s|/", value)) and stem_phrase(said_as) != stem_phrase(value)
        required = required and (not group or facet.column.lower() in kinds_of) and not (partial and parse.scan != parse.text)  # "like the Hawk Stunt
        # but still two lines": a kite, not "Bar & lines" (an item named: its kind decides)
        parse.filters += [Filter(column=facet.column, op=op, value=v, hard=required) for v in group or _with_combos(facet, value)]
        parse.preferred += [f for f in parse.filters[-len(group):] if not f.hard] if group else []  # kept preferences
        parse.notes += [guessed_note(f) for f in parse.filters[-len(group):] if not f.hard] if group else []  # as a kind guessed
        parse.valued.append(span)
        parse.notes.append(f"{facet.column} {op} {value!r} ({'required' if required else 'preferred'})")
        if condition and required:  # "only red ones": the condition says it, the words need not be searched
            parse.cut(span)
        elif required:  # "kitchen stuff": searched, but the words alone are no subject
            parse.said.append(span)


def _english_head(text: str, span: tuple[int, int], facets: Facets, facet: Facet) -> str | None:
    """The English noun that ends the phrase a kind of a catalogue in another language begins, no word of the
    catalogue's ("a boules bag" of Boules de loisir, Sacoche: a bag; the kind describes it), in an English request;
    none for a word that is no noun. (In an English catalogue the titles say which nouns are things:
    :func:`~xmr_agent.agent.values.modified`; "a rock album" is rock.)"""
    after = re.match(r"[ \-]+([a-z]{3,})(?=\s*(?:[,.;:!?)]|$|(\w+)))", text[span[1]:].lower())
    if after is None or (after.group(2) or "") not in STOP_AFTER | _NOT_HEAD | {""} or after.group(1) in _NOT_HEAD \
            or after.group(1) in lx.FILLER | _NOT_NOUNS or ADJECTIVE.search(after.group(1)) or after.group(1).endswith(("ly", "est", "er")) \
            or stem_phrase(after.group(1)) in value_words(facets) or _in_english(tuple(sorted(facet.canonical.values()))) \
            or detect_closely(text) != ENGLISH:  # (the cheap tests first: most kinds are followed by no noun)
        return None
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # (the ``spelling`` extra)
        return None
    return after.group(1) if zipf_frequency(after.group(1), "en") >= _HEAD_ZIPF else None


@lru_cache(maxsize=256)
def _in_english(values: tuple[str, ...]) -> bool:
    """Whether a column's values are written in English (read once per column)."""
    return detect_closely(" ".join(values)) == ENGLISH


#: Words after a kind that end no phrase as its noun ("a tent today", "a guitar please").
_NOT_HEAD = frozenset("today tonight tomorrow now asap please thanks here there again instead too either though anyway "
                      "anyways first then still also maybe perhaps okay yet soon online outdoors indoors inside outside "
                      "set pack kit pair range collection bundle lot selection one ones size sizes colour color style "
                      "is are was be that which who what you i we".split())
#: How common (Zipf frequency) an English word must be to be the noun a kind describes.
_HEAD_ZIPF = 3.0


def _titled(parse: Parse, facets: Facets, nouns: Mapping[str, Mapping[str, frozenset[str]]] | None, generic: frozenset[str]) -> None:
    """The request's head noun as the titles end (:func:`~xmr_agent.agent.values.head_noun`), when most titles with it
    are of the kinds of those it ends ("racket"; not "game" in a game shop, nor ``generic`` words: "watch" in a watch
    shop); a condition on its kind when it is one, on a column of kinds set by nothing else ("cheap paper plates")."""
    set_on = {f.column for f in parse.filters if f.hard and f.op in ("=", "contains")}
    for column, index in getattr(nouns, "heads", {}).items():
        found = head_noun(parse.scan, index, STOP_AFTER, partial(_goes_before, parse.scan, column))
        found = None if found and (any(a <= found[1][0] < b for a, b in parse.valued) or found[0] in {  # "Príncipe Real";
            stem_phrase(w) for c in facets for w in c.split("_")}) else found  # "OO scale": a column's name, no kind
        kinds = nouns.headed(column, found[0]) if found and found[0] not in generic and hasattr(nouns, "headed") else ()  # type: ignore[union-attr]
        before = re.search(r"([^\W\d_]+)\s+$", parse.scan[:found[1][0]]) if found and kinds else None
        other = nouns.headed(column, stem_phrase(before.group(1))) if before else ()  # type: ignore[union-attr]
        if other and set(other) != set(kinds):  # "knee protector": the knees' kind is titled so too ("POC Joint VPD Air
            continue  # Knee"), not only the body protectors'
        parse.head = parse.head or (found[0] if found and kinds else None)
        value = facets[column].canonical.get(next(iter(kinds))) if len(kinds) == 1 and column in facets else None
        if found and value and column not in set_on and value not in parse.context:  # (a kind told as the user's: none)

            parse.filters.append(Filter(column=column, op="contains" if facets[column].kind == "list" else "=", value=value))
            parse.notes += [titled_note(parse.filters[-1]), f"the items titled {parse.scan[slice(*found[1])]!r} are all {value!r}"]



#: The last function word before an "-ing" word is a determiner: it is a thing ("the dearest painting").
_DETERMINED = re.compile(r"\b(?:a|an|the|this|that|these|those|any|some|one)\b(?:(?!\b(?:for|to|go|do|of|about|with)\b).)*$|"
                         rf"\b(?:{'|'.join(lx.COLOURS)})\s+$", re.IGNORECASE)  # "white painting": paint, a colour


def _goes_with(text: str, span: tuple[int, int], before: str, column: str) -> bool:
    """Whether the kind at ``span`` of ``text`` (``before``: the words just before it) is one the
    thing wanted is for or goes with, not the thing itself: "a lock for my suitcase" (a subject
    comes first: not "I'm looking for a puzzle"), "something to stand my guitar on" (the user has
    one). Who or where a thing is for stays a condition: "a toy for my dog" (:data:`FOR_COLUMNS`)."""
    if column.lower() in FOR_COLUMNS:
        return False
    owned = lx.pattern(lx.POSSESSIVE, after=r"(\s*(?:[^\W\d_][\w\-']*\s+){0,2})$").search(before)  # "my old"
    if owned and not _WANTS.search(next((g for g in owned.groups() if g is not None), "")):
        return True  # ("my son loves watches" wants a watch)
    purpose = lx.pattern(lx.PURPOSE, after=r"\s+$").search(before)
    said = text[:span[0] - len(before) + purpose.start()] if purpose else ""
    return bool(purpose) and (has_subject(said) or bool(_THING.search(said))) and not _SEEKING.search(said)


#: A thing wanted named by no noun ("something to rest the boat on"): what the words after it name is no condition.
_THING = re.compile(r"\b(?:something|anything|stuff|thing|things)\s*$", re.IGNORECASE)
#: "for" before a kind, when another is named before: the kind the first is for ("a buoyancy aid for the canoe").
_FOR_ONE = re.compile(r"\bfor(?:\s+(?:the|a|an|his|her|their))?\s+$", re.IGNORECASE)


def _names_maker(parse: Parse, span: tuple[int, int]) -> bool:
    """Whether the value at ``span`` follows "by", "von", "de" … right after an item the request
    names (blanked in ``parse.scan``): the item's maker ("wie das 370 Pro von Sea Eagle")."""
    m = re.search(r"\b(?:by|from|of|von|vom|de|du|par|del|di)\s+$", parse.scan[:span[0]], re.IGNORECASE)
    at = len(parse.text[:m.start()].rstrip()) - 1 if m else -1  # the last character before the word
    return at >= 0 and parse.scan[at] == " " and not parse.text[at].isspace()


def _goes_before(text: str, column: str, span: tuple[int, int]) -> bool:
    return _goes_with(text, span, text[max(0, span[0] - CONDITION_REACH):span[0]], column)


def _as_noun(text: str, span: tuple[int, int]) -> bool:
    """Whether a value is written as the thing wanted ("lunch without meat", "kitchen stuff"),
    not as a word describing another ("vegan lunch", "a red mug"): nothing but filler, a stop
    word or the end of the phrase follows it."""
    following = re.match(r"\s*([^\W\d_][\w\-']*)?", text[span[1]:])
    word = (following.group(1) or "").lower() if following else ""
    return not word or word in lx.FILLER or word in STOP_AFTER or bool(lx.pattern(lx.NEGATION).fullmatch(word))
