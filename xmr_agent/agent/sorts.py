"""Superlatives and relative words read as orders: "the cheapest", "die teuerste", "最贵" (a sort
on the price column), "the most water resistant" (a column named by its own words), "cheaper"
(a comparative: than an item), "cheap" (a relative word: against the catalogue's values).
The words are in :mod:`xmr_agent.agent.lexicon`.
"""

from __future__ import annotations

import re

from xmr_agent.agent import levels, units
from xmr_agent.agent import lexicon as lx
from xmr_agent.agent import numbers as nb
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.numbers import Parse, column_of_kind, extreme_size
from xmr_agent.agent.query import Filter, Order
from xmr_agent.agent.values import stem_phrase

#: "... pero más barato": a comparison, not "el más barato".
_BUT_BEFORE = re.compile(r"\b(?:pero|aunque|sino|y|o|mais|aber|but)\s*$", re.IGNORECASE)


def relative(parse: Parse, facets: Facets, *, measures: bool = True) -> None:
    """Comparatives ("cheaper") and relative words ("cheap", "a light tent", "a quick lunch") → an order
    (with ``measures`` off, as in dialogues, only the price words)."""
    compared = ((lx.CHEAPER, "price", "less"), (lx.PRICIER, "price", "more"), *(lx.COMPARATIVES if measures else ()))
    relative = ((lx.CHEAP, "price", "low"), (lx.PRICEY, "price", "high"), *(lx.RELATIVE if measures else ()))
    for table, against in ((compared, ""), (relative, " (against this catalogue's values)")):
        for words, kind, mode in table:
            column = column_of_kind(facets, kind)
            for m in lx.pattern(words).finditer(parse.scan) if column else ():
                if _a_value(m.group(0), parse.scan[m.end():], facets) or _in_value(parse.scan, m.span(), facets):
                    continue  # "light roast" where roasts are Light, Medium, Dark: a value, not a weight
                middle = facets[column].middle if column is not None and column in facets else None
                if parse.order is not None and column is not None and parse.order.column != column \
                        and mode in ("low", "high") and middle is not None:  # "légère pas chère": light, as a preference (the order is the price's)
                    parse.filters.append(Filter(column=column, op="<=" if mode == "low" else ">=", value=middle, hard=False))
                parse.order = parse.order or Order(column=column, mode=mode)  # type: ignore[arg-type]
                parse.notes.append(f"{mode} {column} from {m.group(0)!r}{against}")
                parse.cut(m.span())


#: Size words said of a thing ("a large dog bed", "大号的狗床"), larger first: where sizes are letters or words.
_SIZED = ((r"large|big|grande?s?|grosse?[nrs]?|große?[nrs]?|大号|大码|大型", True),
          (r"small|petite?s?|kleine?[nrs]?|pequeñ[oa]s?|小号|小码|小型", False))
#: ... but for a price ("un petit prix", "a small budget").
_NO_SIZE = r"(?!\s+(?:prix|budget|price|preis|precio|presupuesto))"


def sized(parse: Parse, facets: Facets) -> None:
    """"A large dog bed", "ein kleines Halsband" in a table whose sizes are letters or words (S, M, L, XL): a preference
    for the sizes from L up (from S down); every size at that end of the scale, as a shopkeeper shows them (a value
    beside the scale, "Única", may be one size for all)."""
    for facet in facets.values():
        ranks = {v: nb.SIZE_SCALE.index(v.lower()) for v in facet.values if v.lower() in nb.SIZE_SCALE}
        if not facet.categorical or nb.core(facet.column) not in lx.COLUMN_KINDS["size"] or len(ranks) < 3 \
                or len(ranks) < len(facet.values) - 1 or any(f.column == facet.column for f in parse.filters):
            continue
        for words, large in _SIZED:
            bound = nb.SIZE_SCALE.index("l" if large else "small")
            chosen = sorted(v for v, r in ranks.items() if (r >= bound if large else r <= bound))
            m = lx.pattern(words, after=_NO_SIZE).search(parse.scan) if 0 < len(chosen) < len(ranks) else None
            if m is not None:
                parse.filters += [Filter(column=facet.column, op="=", value=facet.canonical.get(v, v), hard=False) for v in chosen]
                parse.notes.append(f"{facet.column} {', '.join(facet.canonical.get(v, v) for v in chosen)} (preferred) "
                                   f"from {m.group(0)!r}")
                parse.cut(m.span())
                return


def _a_value(word: str, after: str, facets: Facets) -> bool:
    """Whether ``word`` is a value of the column the next word names ("light" before "roast")."""
    following = re.match(r"\s*([^\W\d_]+)", after)
    return following is not None and any(
        facet.categorical and word.lower() in facet.values
        and stem_phrase(following.group(1)) in stem_phrase(facet.column.replace("_", " ")).split()
        for facet in facets.values())


def _in_value(text: str, span: tuple[int, int], facets: Facets) -> bool:
    """Whether the words at ``span`` and the word before or after them are a value ("una salsa picante" where a kind is
    `Salsa picante`: no heat asked for)."""
    before, after = re.search(r"([^\W\d_]+)\s+$", text[:span[0]]), re.match(r"\s+([^\W\d_]+)", text[span[1]:])
    said = {f"{before.group(1)} {text[slice(*span)]}" if before else "", f"{text[slice(*span)]} {after.group(1)}" if after else ""}
    stems = {stem_phrase(s) for s in said if s}
    return any(stem_phrase(v) in stems for f in facets.values() if f.categorical for v in f.values if " " in v)


def superlatives(parse: Parse, facets: Facets) -> None:
    """Superlatives ("the cheapest", "die teuerste", "最贵") → a sort on the column of their kind; with no
    such column, the extreme size value ("the biggest towel": Large); before or after a numeric
    column's own words ("the most pages", "the longest battery life", "sleeps the most") → a sort on it."""
    _told_order(parse, facets)  # "from the most to the least expensive": the first end first
    _by_load(parse, facets)  # "the camp bed that holds the most weight": its load, not its own weight
    _by_column_words(parse, facets)  # "the biggest battery": the battery, before "biggest" as a size
    _by_measure(parse, facets)  # "the most metres", "para más gente"
    held = _HOLDS.search(parse.scan) if parse.order is None else None
    column = units.dimension_column(facets, "volume", parse.scan) if held else None
    if held and column:  # "which beer glass holds the most?": the largest capacity
        parse.order = Order(column=column, descending=True)
        parse.notes.append(f"{parse.order} from {held.group(0)!r}")
        parse.cut(held.span())
    unread: list[tuple[tuple[int, int], str]] = []
    for words, kind, descending in (*lx.SUPERLATIVES, *levels.SUPERLATIVES):  # "the hardest": of the levels
        column = column_of_kind(facets, kind)
        spanish = words.replace("(?:el|la|los|las|lo) m", "m")  # "la mochila más ligera": the article comes first
        found = [*lx.pattern(words).finditer(parse.scan),
                 *(m for m in lx.pattern(spanish).finditer(parse.scan) if lx.ARTICLE_BEFORE.search(parse.scan[:m.start()])
                   and not _BUT_BEFORE.search(parse.scan[:m.start()]))]  # "como el X pero más barato": cheaper
        for m in found:
            if column is None:
                size = extreme_size(facets, kind, descending)
                if size is None:  # said once no later reading ("strongest": strength, then power) takes it
                    unread.append((m.span(), f"{m.group(0)!r}: this table has no {kind} column to sort by"))
                else:  # "the biggest towel" among Small, Medium, Large
                    parse.filters.append(size)
                    parse.preferred.append(size)
                    parse.notes.append(f"{size} from {m.group(0)!r}")
                    parse.cut(m.span())
                continue
            parse.order = parse.order or Order(column=column, descending=descending)
            parse.notes.append(f"{parse.order} from {m.group(0)!r}")
            parse.cut(m.span())
    parse.notes += list(dict.fromkeys(note for (start, end), note in unread if parse.scan[start:end].strip()))


def _told_order(parse: Parse, facets: Facets) -> None:
    """An order told as a run of a column's values ("from the most to the least expensive", "de la plus chère à la
    moins chère", "from lightest to heaviest", "high to low") or by the column ("sorted by price", "nach Preis
    absteigend", "按价格从高到低") → a sort that starts at the end said first (ascending when none is said)."""
    price = column_of_kind(facets, "price")
    ends: list[tuple[int, int, str | None, bool]] = []  # (start, end, column, descending) of each superlative said
    for words, kind, descending in lx.SUPERLATIVES:
        ends += [(m.start(), m.end(), column_of_kind(facets, kind), descending) for m in lx.pattern(words).finditer(parse.scan)]
    if _OF_PRICE.search(parse.scan):  # ("from most to least popular": no price)
        ends += [(m.start(), m.end(), price, high) for high in (False, True) for m in lx.pattern(_PRICE_END[high]).finditer(parse.scan)]
    for start, end, column, descending in sorted(ends, key=lambda e: e[:2]):
        other = next((e for e in ends if e[0] > end and e[3] != descending and e[2] == column  # ("a la más ligera":
                      and _RUN_TO.fullmatch(parse.scan, end, e[0])), None)  # the article the other end's own)
        if column is None or other is None or parse.order is not None:
            continue
        before = _RUN_FROM.search(parse.scan[:start])
        parse.order = Order(column=column, descending=descending)
        parse.notes.append(f"{parse.order} from {parse.scan[before.start() if before else start:other[1]]!r}")
        parse.cut((before.start() if before else start, other[1]))
    by = _BY_PRICE.search(parse.scan) if price and parse.order is None else None
    if by and price:
        parse.order = Order(column=price, descending=bool(by.group("down")))
        parse.notes.append(f"{parse.order} from {by.group(0)!r}")
        parse.cut(by.span())


#: The ends of a run of prices ("from high to low", "vom teuersten zum billigsten", "从贵到便宜"): low, high.
_PRICE_END = {False: r"least(?: expensive)?|low(?:est)?|cheap|moins ch(?:er|[eè]re)s?|billig|günstig|menor|m[aá]s barat[oa]s?|"
                     r"barat[oa]s?|便宜|低",
              True: r"most(?: expensive)?|high(?:est)?|expensive|plus ch(?:er|[eè]re)s?|teuer|mayor|m[aá]s car[oa]s?|car[oa]s?|贵|高"}
_OF_PRICE = re.compile(r"pric|prix|preis|precio|expensive|cheap|ch[eè]re?s?\b|teuer|billig|günstig|car[oa]s?\b|barat|价|贵|便宜",
                       re.IGNORECASE)
#: Between the two ends of a run, and before it.
_RUN_TO = re.compile(r"\s*(?:to|à|au|aux|a|al|bis|zum|zur|hasta|到|->|→)\s*(?:(?:the|le|la|les|el|lo|los|las|der|die|das|den|dem)\s+|l['’])?",
                     re.IGNORECASE)
_RUN_FROM = re.compile(r"(?:\b(?:from|de|du|des|von|vom|desde)\s+(?:(?:the|le|la|les|el|lo|los|las|der|die|das|den|dem)\s+|l['’])?|[从由])$",
                       re.IGNORECASE)
_DOWN = r"descending|decreasing|(?:par ordre )?décroissante?s?|absteigend|descendente|de mayor a menor|降序|从高到低|由高到低"
_UP = r"ascending|increasing|(?:par ordre )?croissante?s?|aufsteigend|ascendente|de menor a mayor|升序|从低到高|由低到高"
#: Items put in the order of their prices ("sorted by price", "par prix décroissant", "按价格排序").
_BY_PRICE = re.compile(
    rf"(?:\b(?:sort(?:ed)?|order(?:ed)?|rank(?:ed)?|list(?:ed)?|tri(?:é|e)e?s?|class(?:é|e)e?s?|sortiert|geordnet|ordenad[oa]s?)\s+)?"
    rf"(?:\bby|\bpar|\bnach|\bpor|按)\s*(?:the\s+|le\s+|el\s+|dem\s+)?(?:price|prix|preis|precio|价格|价钱)"
    rf"(?:,?\s*(?:(?P<down>{_DOWN})|{_UP}))?(?:\s*(?:排序|排列))?", re.IGNORECASE)


def _by_column_words(parse: Parse, facets: Facets) -> None:
    """A superlative before or after a number column's own words ("the most pages", "the longest
    battery life", "sleeps the most") → a sort on that column."""
    numbers = [f.column for f in facets.values() if f.kind == "number"]
    for words, descending in ((lx.LOW_WORDS, False), (lx.HIGH_WORDS, True)):
        bound = "max" if descending else "min"  # "the most players": max_players before min_players
        for column in sorted(numbers, key=lambda c: bound not in re.split(r"[_\W]+", c.lower())):
            said = {column.replace("_", " ").removesuffix("s"), nb.core(column).replace("_", " ").removesuffix("s")}
            first = nb.core(column).split("_")[0]  # "the biggest tank": tank_size_l
            said |= {first} if len(first) >= 4 and "_" in nb.core(column) and first not in _NOT_FIRST else set()
            name = "|".join(r"[ _\-]".join(_loose(w) for w in n.split())  # the longest name first: "most water
                            for n in sorted(said, key=lambda n: (-len(n), n)) if len(n) > 2)  # resistant", not "most water"
            after = re.compile(rf"(?<![^\W\d_])(?:{name})s?\s+(?:the\s+)?(?:{_AFTER[descending]})(?:\s+(?:people|persons|guests|personnes|personen|personas))?(?![^\W\d_])",
                               re.IGNORECASE)
            for m in [*lx.pattern(words, after=rf"[\s\-]+(?:(?:{name})(?:s|n|en)?)\b(?:\s+life\b)?").finditer(parse.scan),
                      *after.finditer(parse.scan)] if name else ():  # "sleeps the most"
                if _BOUND.match(parse.scan, m.end()):
                    continue  # "a minimum blade length of 22 cm": a bound, read with the measures
                if m.group(0).lower().startswith("best") and (column == column_of_kind(facets, "price") or not any(
                        n.replace(" ", "") in re.sub(r"[\s_\-]", "", m.group(0).lower()) for n in said - {first})):
                    continue  # "the best price" is the lowest; "the best tank" is no tank_size
                compared = m.group(0).split()[0].lower() in _COMPARED  # "but with more keys": than the item named
                parse.order = parse.order or Order(column=column, descending=descending,
                                                   mode=("more" if descending else "less") if compared else "sort")
                parse.notes.append(f"{parse.order} from {m.group(0)!r}")
                kind = re.search(rf"(?<![^\W\d_]){re.escape(first)}s?(?![^\W\d_])", m.group(0), re.IGNORECASE)
                named = kind is not None and any(first in f.values for f in facets.values() if f.categorical) \
                    and not _SERVES.search(parse.scan[:m.start()])  # "handles the biggest tank": no tank wanted
                parse.cut((m.start(), m.start() + kind.start()) if named and kind else m.span())  # "the biggest
                # tank": a tank, the biggest by tank_size_l


def _by_load(parse: Parse, facets: Facets) -> None:
    """What bears the most weight ("holds the most weight", "que más peso aguante", "承重最大", "the
    highest load capacity") → a sort on the column of the load it takes (``max_load_kg``, ``carga_max_kg``,
    ``traglast_kg``), where the table has one."""
    m = _LOAD.search(parse.scan) if parse.order is None else None
    column = next((f.column for f in facets.values() if f.kind == "number" and _load_column(f.column)), None) if m else None
    if m is None or column is None:
        return
    parse.order = Order(column=column, descending=True)
    parse.notes.append(f"{parse.order} from {m.group(0)!r}")
    parse.cut(m.span())


def _load_column(column: str) -> bool:
    parts = set(re.split(r"[_\W]+", column.lower()))
    return bool(parts & _LOAD_WORDS) or bool(parts & {"max", "maximum", "maxi"} and parts & {"kg", "lb", "lbs"})


_LOAD_WORDS = frozenset("load loads payload charge carga last traglast belastung belastbarkeit zuladung tragkraft "
                        "tragfähigkeit tragfahigkeit 承重 载重".split())
_BEARS = (r"(?:holds?|supports?|carr(?:y|ies)|takes?|bears?|handles?|withstands?|aguant[ae]n?|soport[ae]n?|"
          r"supporte(?:nt)?|trägt|tragen|hält|halten|aushält|verträgt)")
#: Bearing the most weight, in the five languages.
_LOAD = re.compile(
    rf"\b{_BEARS}\s+(?:the\s+)?(?:(?:most|biggest|largest)\s+(?:weight|load|kilos?)|heaviest)\b|"
    rf"\b{_BEARS}\s+(?:le\s+)?plus\s+(?:de\s+)?(?:poids|charge|lourd)\b|\b{_BEARS}\s+(?:el\s+|lo\s+)?más(?:\s+peso)?\b|"
    rf"\bmás\s+(?:peso|carga)\s+{_BEARS}|\b(?:am\s+)?meisten\s+(?:gewicht\s+)?{_BEARS}|\b{_BEARS}\s+(?:am\s+)?meisten\b|"
    r"\b(?:heaviest|biggest|highest|greatest|largest|maximum|max)\s+(?:load|payload|weight capacity|load capacity|"
    r"carrying capacity|weight limit)\b|(?:la\s+)?plus\s+(?:grande|forte)\s+charge|(?:mayor|máxima)\s+carga|"
    r"höchste[nrs]?\s+(?:traglast|belastbarkeit|tragkraft|zuladung)|承重最[大高多]|载重最[大高多]|最大承重|最大载重|最能承重",
    re.IGNORECASE)


#: What holds the most: a sort on the column of volume.
_HOLDS = re.compile(r"\b(?:holds?|carr(?:y|ies)|takes?|contains?)\s+(?:the\s+)?most\b|\bcontient le plus\b|"
                    r"\bfasst (?:am )?meisten\b|\b(?:cabe|caben) más\b|装得最多|容量最大", re.IGNORECASE)
#: Comparatives among the words of degree before a column's name ("more keys", "weniger Gewicht").
_COMPARED = frozenset({"more", "less", "fewer", "mehr", "weniger"})
#: Words before a superlative that say the thing wanted serves what follows ("handles the biggest tank").
_SERVES = re.compile(r"\b(?:handles?|fits?|suits?|holds?|takes?|for|with|runs?|powers?|covers?)\s+(?:the\s+|a\s+)?$",
                     re.IGNORECASE)


#: After "minimum length", a number says a bound, not a superlative ("… of 22 cm", "max weight 5 kg").
_BOUND = re.compile(r"(?:\s+[^\W\d_]+){0,2}?\s*(?:of|de|von|:|=|is|est|ist|es)\s*(?:about|around|environ|etwa|unos|unas)?\s*\d"
                    r"|\s*\d")


#: First words of a column's name that say nothing of what it measures on their own.
_NOT_FIRST = frozenset({"price", "total", "number", "item", "unit", "base", "list", "avg", "average", "typical"})


def _by_measure(parse: Parse, facets: Facets) -> None:
    """A superlative before a unit, a word for a dimension or people ("the most metres per ball", "le
    plus grand volume", "para más gente", "最多人") → a sort on the column measured so."""
    people = [f.column for f in facets.values() if f.kind == "number" and
              set(re.split(r"[_\W]+", f.column.lower())) & nb.PEOPLE_COLUMNS and "per" not in f.column.lower()]
    for words, descending in ((lx.LOW_WORDS, False), (lx.HIGH_WORDS, True)):
        for m in lx.pattern(words, after=rf"(?:\s+(?:of|de|d'|an|von))?\s*({_MEASURES}|{_PEOPLE})(?![^\W\d_])").finditer(parse.scan):
            said = [g for g in m.groups() if g][-1].lower()
            if re.fullmatch(_PEOPLE, said, re.IGNORECASE):
                column = max(people, key=lambda c: "max" in c.lower(), default=None)
            else:
                dimension = units.UNITS[said][0] if said in units.UNITS else units.DIMENSION_WORDS.get(said)
                column = units.dimension_column(facets, dimension, parse.scan) if dimension else None
            if column is None or parse.order is not None or _BOUND.match(parse.scan, m.end()):
                continue
            parse.order = Order(column=column, descending=descending)
            parse.notes.append(f"{parse.order} from {m.group(0)!r}")
            parse.cut(m.span())


_MEASURES = "|".join(sorted((re.escape(u) for u in (*units.UNITS, *units.DIMENSION_WORDS) if len(u) > 2 or lx.has_cjk(u)),
                            key=len, reverse=True))
_PEOPLE = rf"{nb.PEOPLE_WORDS}|gente|leute|menschen|monde"


#: Superlatives after a numeric column's words ("sleeps the most"), low then high.
_AFTER = {False: r"least|fewest|le moins|am wenigsten|menos|最少", True: r"most|le plus|am meisten|más|最多"}


def _loose(word: str) -> str:
    """A column name's word as a pattern that also takes its other endings: "resistance" → "resistant"."""
    return re.escape(word[:-3]) + r"\w*" if len(word) >= 7 else re.escape(word)
