"""Critiques in a conversation: "cheaper", "more like the second one", "less dark", "something different", "I like the
first one" — parsed into changes of the session state.

References to earlier results are resolved against the latest list shown: ordinals ("the second one", "#2",
"number 3", "the last one") or a shown item's title. Comparisons take their reference value from the referred item,
or from the median of the items shown when none is named; levels ("harder") are :mod:`~xmr_agent.agent.levels`'.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xmr_agent.agent import levels
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.query import CrossModalQuery, Filter, Op, Order

ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
            "fifth": 4, "5th": 4, "last": -1}
_ORDINAL = re.compile(r"\b(?:the\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)(?:\s+(?:one|item|result))?\b"
                      r"|#\s*(\d{1,2})\b|\bnumber\s+(\d{1,2})\b", re.IGNORECASE)
_LIKE = re.compile(r"\b(?:more\s+like|similar\s+to|something\s+like|like)\b", re.IGNORECASE)
_PRAISE = re.compile(r"\b(?:i\s+(?:really\s+)?(?:like|love|liked|loved|enjoyed)|(?:that|this)\s+one\s+is\s+great|sounds\s+(?:good|great))\b", re.I)
_DISLIKE = re.compile(r"\b(?:i\s+(?:don'?t|do\s+not|didn'?t)\s+(?:like|want)|i\s+(?:hate|hated|dislike)|"
                      r"not\s+(?:that|this)\s+one|no\s+to|(?:not|never)\s+(?:loving|liking|keen\s+on|a\s+fan\s+of|"
                      r"sure\s+about|into|crazy\s+about|mad\s+about|digging)|i\s+(?:don'?t|do\s+not)\s+love)\b",
                      re.IGNORECASE)
_CHEAPER = re.compile(r"\b(?:cheaper|less\s+expensive|lower\s+price|more\s+affordable|on\s+a\s+budget)\b(?:\s+than\b)?", re.IGNORECASE)
_TOO_DEAR = re.compile(r"\btoo\s+(?:expensive|pricey|dear|much)\b|\btrop\s+cher|\bzu\s+teuer|\bdemasiado\s+car[oa]|太贵|\b(?:out of|over|beyond|above)\s+(?:my|our|the)\s+budget|"
                       r"can'?t afford|(?:hors de|au-dessus de) (?:mon|notre) budget|über (?:meinem|unserem) budget|fuera de (?:mi|nuestro) presupuesto|超(?:出|过)?了?预算|买不起", re.I)
_PRICIER = re.compile(r"\b(?:pricier|more\s+expensive|higher\s+end|fancier|premium|more\s+(?:up-?market|upscale|high[- ]end|luxurious))\b(?:\s+than\b)?", re.I)
_NEWER = re.compile(r"\b(?:newer|more\s+recent|recent\s+ones?)\b(?:\s+than\b)?", re.IGNORECASE)
_OLDER = re.compile(r"\b(?:older|classic|earlier\s+ones?)\b(?:\s+than\b)?", re.IGNORECASE)
_LESS = re.compile(r"\b(?:less|not\s+so|not\s+as|too)\s+(?!than\b|expensive\b)([a-z][a-z\-]+)", re.IGNORECASE)
#: A number said next after "more keys": a bound on them ("more keys, at least 61"), not a comparison.
_NUMBER_NEXT = re.compile(r"[\s,:;]*(?:[^\W\d_]+\s+){0,3}\d")
_MORE = re.compile(r"\bmore\s+(?!like\b|expensive\b|recent\b|affordable\b|than\b)([a-z][a-z\-]+)", re.IGNORECASE)
_DIFFERENT = re.compile(r"\b(?:something\s+(?:else|different)|none\s+of\s+(?:these|those|them)|different\s+ones?|"
                        r"not\s+these)\b", re.IGNORECASE)
_AGAIN = re.compile(r"\b(?:again|once\s+more|back\s+to)\b", re.IGNORECASE)
_RESET = re.compile(r"^\s*(?:[\w'’]+[\s,]+){0,3}?"  # up to three words first: "let's", "lass uns nochmal"
                    r"(?:reset|start\s+(?:over|again|afresh)|(?:start\s+)?from\s+scratch|forget\s+(?:it|that|this|everything)(?!\s+ones?\b)|never\s*mind|scratch\s+that|new\s+search|"
                    r"(?:recommencer|on\s+recommence|recommençons|repartons|repartir)(?:\s+(?:à|de)\s+zéro)?|nouvelle\s+recherche|oublie(?:z)?\s+(?:tout|ça)|laisse(?:z)?\s+tomber|"
                    r"von\s+vorne?(?:\s+(?:anfangen|beginnen|los))?|neu\s+anfangen|fang(?:en\s+wir)?\s+neu\s+an|neue\s+suche|vergiss\s+(?:es|alles|das)|"
                    r"(?:empezar|empecemos|empezamos|comenzar|comencemos)\s+de\s+(?:nuevo|cero)|volver\s+a\s+empezar|"
                    r"nueva\s+búsqueda|olvídalo|olvida\s+eso|déjalo|(?:forget(?:\s+about)?|oubliez?|vergiss|olvida(?:te\s+de)?)\s+"  # "forget the wax, I
                    r"(?:the|that|those|these|les?|la|l'|den|die|das|el|los|las)(?!\s+ones?\b)\s*[^,.;!?]+(?=[,.;!?]\s*\S)|"  # need a leash"
                    r"重新开始|重来|重新搜索|算了)(?![A-Za-zÀ-ÿ])", re.IGNORECASE)


@dataclass
class Critique:
    """What a message changes: filters that replace earlier ones on the same column and
    direction, phrases to avoid or to add, items to find more / less like, feedback, flags."""

    filters: list[Filter] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    boost: list[str] = field(default_factory=list)
    like_ids: list[str] = field(default_factory=list)
    unlike_ids: list[str] = field(default_factory=list)
    liked: list[str] = field(default_factory=list)
    disliked: list[str] = field(default_factory=list)
    again: list[str] = field(default_factory=list)
    reset: bool = False
    #: The item comparisons are against: the one referred to, else the middle of those shown.
    anchor: dict[str, Any] | None = None
    #: A comparison with nothing to compare against ("cheaper" before anything was shown).
    order: Order | None = None
    rest: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.filters or self.avoid or self.boost or self.like_ids or self.unlike_ids or self.liked
                    or self.disliked or self.again or self.reset)


def parse_critique(message: str, shown: Sequence[Mapping[str, Any]], facets: Facets, *,
                   typical: Sequence[Mapping[str, Any]] | None = None) -> Critique:
    """The changes ``message`` asks for, given the items of the latest list ``shown`` (in order).
    ``typical``: the items an unnamed comparison ("cheaper") is against, when not the list's middle
    (the item the user asked to see by its title)."""
    out = Critique(reset=bool(_RESET.search(message)))
    refs, text = _references(message, shown)
    described: tuple[str, Any] | None = None
    if not refs:
        refs, text, described = _described(text, shown, facets)
    out.anchor = anchor = refs[0] if refs else _typical(typical or shown, lowest=bool(_TOO_DEAR.search(message)))
    ids = [str(r["id"]) for r in refs]
    if _PRAISE.search(text) and ids:
        out.liked += ids
        out.like_ids += ids
        out.notes.append(f"liked {ids}")
    elif _DISLIKE.search(text) and ids and described is not None:  # "not loving the yellow": not yellow
        out.disliked += ids
        out.filters.append(Filter(column=described[0], op="!=", value=described[1]))
        out.notes.append(f"disliked {ids}: {described[0]} != {described[1]!r}")
    elif _DISLIKE.search(text) and ids:
        out.disliked += ids
        out.unlike_ids += ids
        out.notes.append(f"disliked {ids}")
    elif _LIKE.search(text) and ids:
        out.like_ids += ids
        out.notes.append(f"more like {ids}")
    if _AGAIN.search(text) and ids:
        out.again += ids
    text = _another(out, text, refs[0] if refs else (dict(shown[0]) if shown else None), facets)
    text = levels.compared(out, _comparisons(out, text, anchor, facets), anchor, facets)  # "something harder"
    if _DIFFERENT.search(text):
        out.unlike_ids += [str(r["id"]) for r in shown]
        out.notes.append("something different: demote the items just shown")
        text = _DIFFERENT.sub(" ", text)
    for m in _LESS.finditer(text):
        if _NUMBER_NEXT.match(text, m.end()):  # "more keys, at least 61": the bound said decides
            continue
        if not _measured(out, m.group(1), "<", anchor, facets):  # "less caffeine": a number column's own thing
            out.avoid.append(m.group(1).lower())
            out.notes.append(f"less {m.group(1).lower()!r}")
    text = _LESS.sub(lambda m: f" {m.group(1)} " if _NUMBER_NEXT.match(m.string, m.end()) else " ", text)
    for m in _MORE.finditer(text):
        if _NUMBER_NEXT.match(text, m.end()):
            continue
        if not _measured(out, m.group(1), ">", anchor, facets):
            out.boost.append(m.group(1).lower())
            out.notes.append(f"more {m.group(1).lower()!r}")
    text = _MORE.sub(lambda m: f" {m.group(1)} " if _NUMBER_NEXT.match(m.string, m.end()) else " ", text)
    for pattern in (_PRAISE, _DISLIKE, _LIKE, _AGAIN, _RESET, _THAT_ONE) if ids else (_PRAISE, _LIKE, _AGAIN, _RESET):
        text = pattern.sub(" ", text)  # with no item referred to, "not loving yellow" is read as a negation
    out.rest = " ".join(text.split()).strip(" ,.;:!?。，！？吧啊呀")
    return out


def _typical(shown: Sequence[Mapping[str, Any]], lowest: bool = False) -> dict[str, Any] | None:
    """With no item named, comparisons ("cheaper") are against the middle of what was shown: each numeric field's
    median over the list, or the first item's when higher (``lowest``: its least, "too pricey, cheaper ones": all were
    too dear), and each other field's most common value (or the first item's, when no value is shared by most)."""
    if not shown:
        return None
    typical: dict[str, Any] = {"id": "the items shown", "title": "the items shown"}
    for name in shown[0]:
        values = sorted(v for v in (row.get(name) for row in shown) if isinstance(v, int | float) and not isinstance(v, bool))
        if values:  # (the first one's, the one looked at, when dearer: "bit cheaper please" after 2,100 and 650)
            first = value if isinstance(value := shown[0].get(name), int | float) and not isinstance(value, bool) else values[0]
            typical[name] = values[0] if lowest else max(values[(len(values) - 1) // 2], first)
            continue
        words = Counter(v for v in (row.get(name) for row in shown) if isinstance(v, str))
        if words and name not in typical:  # the kind most of them share ("cheaper" keeps to lamps),
            value, count = words.most_common(1)[0]  # else the first one's, the best match
            typical[name] = value if 2 * count > len(shown) else shown[0].get(name)
    return typical


def _references(text: str, shown: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    refs: list[dict[str, Any]] = []
    for m in _ORDINAL.finditer(text):
        word, hash_n, number_n = m.group(1), m.group(2), m.group(3)
        index = ORDINALS[word.lower()] if word else int(hash_n or number_n) - 1
        if shown and -len(shown) <= index < len(shown):
            refs.append(dict(shown[index]))
    text = _ORDINAL.sub(" ", text)
    lowered = text.lower()
    for item in shown:
        title = str(item.get("title") or "").strip()
        if len(title) >= 3 and title.lower() in lowered:
            refs.append(dict(item))
            lowered = lowered.replace(title.lower(), " ")
            text = re.sub(re.escape(title), " ", text, flags=re.IGNORECASE)
    if not refs and shown and _THAT_ONE.search(text):  # "not that one": the item on top, the one looked at
        refs.append(dict(shown[0]))
    unique = list({str(r["id"]): r for r in refs}.values())
    return unique, text


#: An item referred to without saying which: the first of those shown.
_THAT_ONE = re.compile(r"\b(?:that|this)\s+one\b|\bcelui-(?:ci|là)\b|\bcelle-(?:ci|là)\b", re.IGNORECASE)
#: Another value of a describing column than the item looked at has: "in another colour", "eine andere Farbe", "换个颜色".
_ANOTHER = re.compile(r"\b(?:(?:in|en|in\s+einer)\s+)?(?:another|a\s+different|other|different|une?\s+autres?|d'autres|andere[nrms]?|otr[oa]s?|"
                      r"distint[oa]s?)\s+(colou?rs?|sizes?|materials?|finish(?:es)?|shades?|couleurs?|tailles?|"
                      r"matières?|farben?|größen?|groessen?|materialien|material|colou?res|tallas?|materiales|"
                      r"brands?|makers?|marques?|marken?|marcas?)\b|"
                      r"(?:换个|换一个|别的|其他|其它)(颜色|尺寸|尺码|材质|牌子|品牌)", re.IGNORECASE)
SAME = re.compile(r"\b(?:(?:from|of|in|with|by|de|en|von|aus|in|con|del?)\s+)?(?:the\s+|la\s+|le\s+|der\s+|dem\s+|el\s+)?"
                   r"(?:same|même|gleichen?|selben?|mism[oa])\s+(colou?rs?|sizes?|materials?|finish(?:es)?|couleurs?|tailles?|"
                   r"matières?|farben?|größen?|groessen?|material|colou?res|tallas?|materiales|brands?|makers?|marques?|"
                   r"marken?|marcas?)\b|(?:同一?个?|一样的?)(颜色|尺寸|尺码|材质|牌子|品牌)|"
                   r"\b(same|même|gleiche[nrms]?|selbe[nrms]?|mism[oa])\s+([^\W\d_]{3,})\b", re.IGNORECASE)  # "same scale"
#: The words of :data:`_ANOTHER` and :data:`SAME` → the describing column they name.
_PROPERTY = {"colour": "colour", "color": "colour", "couleur": "colour", "farbe": "colour", "颜色": "colour",
             "size": "size", "taille": "size", "größe": "size", "groesse": "size", "talla": "size", "尺寸": "size",
             "尺码": "size", "material": "material", "matière": "material", "materiale": "material",
             "材质": "material", "finish": "finish", "shade": "colour", "brand": "brand", "maker": "brand",
             "marque": "brand", "marke": "brand", "marca": "brand", "牌子": "brand", "品牌": "brand"}


_THE = r"(?:the|that|this|le|la|l'|der|die|das|el|lo)\s+"
#: Words after an article that make a superlative or a comparison, never name an item shown.
_NOT_DESCRIBING = {"plus", "moins", "más", "mas", "menos", "most", "least", "best", "meilleur", "meilleure", "mejor",
                   "peor", "pire", "same", "même", "mismo", "misma", "other", "autre", "otro", "otra"}
_NOT_BEFORE = re.compile(r"\b(?:not|no|nicht|pas)\s*$", re.IGNORECASE)


def _described(text: str, shown: Sequence[Mapping[str, Any]], facets: Facets
               ) -> tuple[list[dict[str, Any]], str, tuple[str, Any] | None]:
    """A shown item referred to by what it is: "the blue one" (a value of a filterable column) or
    "the mug" (a word of its title), when exactly one item shown fits; with the (column, value)
    that named it, if a value did."""
    from xmr_agent.agent.rules import stem_phrase

    categorical = [f.column for f in facets.values() if f.categorical]
    for m in re.finditer(rf"\b(?:{_THE}|celui\s+|celle\s+)(?:(?:one|ones)\s+(?:from|by|of)\s+|de\s+|del\s+|von\s+)?"  # "el de Gre"
                         rf"([^\W\d_][\w\-']*)(?:\s+(?:one|item|un|une|eins|uno|una))?\b", text, re.IGNORECASE):
        word = stem_phrase(m.group(1))
        if not word or m.group(1).lower() in _NOT_DESCRIBING:  # "le plus lumineux": a superlative, not "the Plus"
            continue
        fits = [row for row in shown
                if any(stem_phrase(str(v)) == word for c in categorical for v in _values(row.get(c)))
                or word in stem_phrase(str(row.get("title") or "")).split()]
        if len(fits) == 1:
            valued = next(((c, v) for c in categorical for v in _values(fits[0].get(c)) if stem_phrase(str(v)) == word),
                          None)
            said = " that one " if _NOT_BEFORE.search(text[: m.start()]) else " "  # "not the tomato one": a dislike
            return [dict(fits[0])], text[: m.start()] + said + text[m.end():], valued
    return [], text, None


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def like_but_another(query: CrossModalQuery, text: str, anchor: Mapping[str, Any] | None, facets: Facets) -> CrossModalQuery:
    """``query`` for a request like a named item (``anchor``) but of another value of a column
    ("like the Bullpadel Vertex 04 but from a different brand": brand != Bullpadel)."""
    out = Critique()
    if anchor:
        _another(out, text, anchor, facets)
    found = [f for f in out.filters if f.column not in {g.column for g in query.filters if g.op == "="}]
    return query.model_copy(update={"filters": (*query.filters, *found), "notes": (*query.notes, *out.notes)}) if found else query


def _another(out: Critique, text: str, anchor: Mapping[str, Any] | None, facets: Facets) -> str:
    """"In another colour": the column of that property (``colour``, ``color``, ``colour_name``)
    other than the value of the item looked at (``anchor``)."""
    for m in _ANOTHER.finditer(text):
        word, column = _property(m, facets)
        value = anchor.get(column) if anchor and column else None
        named = re.match(r"\s*(?:than|que|als|de)\s+(?:the\s+|le\s+|la\s+)?([^\W\d_][\w\-]*)", text[m.end():], re.IGNORECASE)
        said_value = next((v for v in facets[column].values if named and v.lower() == named.group(1).lower()), None) \
            if column else None
        if column and named and said_value is None:  # "in einer anderen Farbe als Schwarz": Black
            from xmr_agent.agent.mentioned import category_of
            hit = category_of(named.group(1), Facets({column: facets[column]}))
            said_value = hit[1].lower() if hit else None
        if column and named and said_value is not None:  # "another colour than red"
            value = facets[column].canonical.get(said_value, said_value)
            text = text.replace(named.group(0), " ", 1)
        if column and value not in (None, ""):
            out.filters += [Filter(column=column, op="!=", value=v) for v in _values(value)]
            out.notes.append(f"another {word}: {column} != {value!r} (from {anchor.get('title') or anchor.get('id')})")  # type: ignore[union-attr]
        else:
            out.notes.append(f"another {word or (m.group(1) or m.group(2) or '').lower()}: no such column or no value to differ from")
        text = text.replace(m.group(0), " ")
    for m in SAME.finditer(text):  # "and elbow pads from the same brand": the brand of the item looked at
        word, column = _property(m, facets)
        value = anchor.get(column) if anchor and column else None
        if column and value not in (None, "") and not isinstance(value, list):
            out.filters.append(Filter(column=column, op="=", value=value))
            out.notes.append(f"the same {word}: {column} = {value!r} (from {anchor.get('title') or anchor.get('id')})")  # type: ignore[union-attr]
            text = text.replace(m.group(0), " ")
    return text


def _property(m: re.Match[str], facets: Facets) -> tuple[str | None, str | None]:
    """The property a match of :data:`_ANOTHER` or :data:`SAME` names ("colour", "brand") and the
    describing column of it (``colour``, ``color``, ``colour_name``), if any."""
    said = (m.group(1) or m.group(2) or "").lower()
    word = next((w for k, w in _PROPERTY.items() if said.startswith(k)), None)
    if word is None and m.re is SAME and m.lastindex == 4:  # "same scale", "même échelle": a column so named
        return m.group(4).lower(), _named_column(m.group(4), _SAME_LANGUAGE.get(m.group(3).lower()[:4], "en"), facets)
    if word is None:
        return None, None
    column = next((c for name in _COLUMN_NAMES.get(word, (word,)) for c in facets if facets[c].categorical and (
        c.lower().startswith(name) or name in re.split(r"[_\W]+", c.lower()))), None)  # "bowyer_maker": the maker
    if column is None and word == "colour":  # "Finish": Black, Walnut, Grey
        from xmr_agent.agent.columns import colour_valued
        column = next((c for c, f in facets.items() if f.categorical and colour_valued(f.values)), None)
    return word, column


#: The language of a word of sameness (its first four letters), for the column name after it.
_SAME_LANGUAGE = {"même": "fr", "mism": "es", "glei": "de", "selb": "de"}


def _named_column(word: str, language: str, facets: Facets) -> str | None:
    """The categorical column ``word`` names: by the column's own name ("scale": ``scale``,
    "scales", "Scale (gauge)"), or in French, German or Spanish by an English sense of it
    ("échelle", "escala": scale)."""
    from xmr_agent.agent import dictionaries
    from xmr_agent.agent.senses import spelt_alike

    low = word.lower()
    names = {low, low.removesuffix("s")}
    if language != "en" and (found := dictionaries.load(language)) is not None:
        names |= {s.lower() for s in dictionaries.senses(word, language, found) if " " not in s}
    cognate = re.sub(r"^es(?=[cpt])", "s", low)  # "escala": scale, "estilo": style

    def named(column: str) -> bool:
        parts = set(re.split(r"[_\W]+", column.lower()))
        return bool(names & parts) or language != "en" and any(
            len(p) > 3 and spelt_alike(cognate, p) for p in parts)

    return next((c for c in facets if facets[c].categorical and named(c)), None)


#: What a shop may call the column of a property ("Manufacturer", "Maker", "House" for the brand).
_COLUMN_NAMES = {"brand": ("brand", "maker", "manufacturer", "make", "label", "house", "marque", "marke", "marca",
                           "hersteller", "fabricant", "fabricante", "producer", "vendor", "designer", "made_by"),
                 "colour": ("colour", "color", "hue", "shade", "couleur", "farbe", "颜色")}


def _measured(out: Critique, word: str, op: Op, anchor: Mapping[str, Any] | None, facets: Facets) -> bool:
    """"less caffeine", "more pages": a comparison on the number column named by ``word`` (with the
    item referred to, or the one typical of those shown), or a sort on it with none; ``False`` when no
    such column is named so (then "less dark" is a word to avoid)."""
    from xmr_agent.agent.numbers import core

    said = word.lower().removesuffix("s")
    columns = [f.column for f in facets.values() if f.kind == "number" and len(said) > 3
               and said in (p.removesuffix("s") for p in core(f.column).split("_"))]
    if len(columns) != 1:
        return False
    value = anchor.get(columns[0]) if anchor else None
    if isinstance(value, int | float):
        out.filters.append(Filter(column=columns[0], op=op, value=value))
    else:
        out.order = out.order or Order(column=columns[0], mode="less" if op == "<" else "more")
    out.notes.append(f"{columns[0]} {op} {value if value is not None else 'the others'} (from {word!r})")
    return True


def _comparisons(out: Critique, text: str, anchor: Mapping[str, Any] | None, facets: Facets) -> str:
    from xmr_agent.agent.rules import column_of_kind

    price, year = column_of_kind(facets, "price"), column_of_kind(facets, "time")
    moves: tuple[tuple[re.Pattern[str], str | None, Op], ...] = (
        (_CHEAPER, price, "<"), (_PRICIER, price, ">"), (_NEWER, year, ">"), (_OLDER, year, "<"))
    for pattern, column, op in moves:
        if not pattern.search(text):
            continue
        picked = _DEFINITE.search(text) and not _THAN.search(text)  # "the cheaper one": the cheapest of them
        text = pattern.sub(" ", text)
        value = anchor.get(column) if anchor and column else None
        if column and picked:
            out.order = Order(column=column, mode="sort", descending=op == ">")
            out.notes.append(f"the {'lowest' if op == '<' else 'highest'} {column} of the topic first")
        elif column and isinstance(value, int | float):
            out.filters.append(Filter(column=column, op=op, value=value))
            out.notes.append(f"{column} {op} {value} (from {anchor.get('title') or anchor.get('id')})")  # type: ignore[union-attr]
        elif column and anchor is None:
            out.order = Order(column=column, mode="less" if op == "<" else "more")
            out.notes.append(f"nothing shown to compare with: the {'lowest' if op == '<' else 'highest'} {column} first")
        else:
            out.notes.append(f"cannot compare: no {column or 'such'} column or value to compare with")
    return text


#: "the cheaper one", "der günstigere bitte": a short message naming one of those shown by a comparative.
_DEFINITE = re.compile(r"^\W*(?:(?:and|so|ok|okay|und|dann|also|ja)\W+)?(?:the|der|die|das|den|dem)\s+\S+(?:\s+\S+){0,3}\W*$",
                       re.IGNORECASE)
_THAN = re.compile(r"\b(?:than|als|que|then)\b", re.IGNORECASE)


def definite(message: str, request: CrossModalQuery | None, *, those: bool = False) -> CrossModalQuery | None:
    """``request``, with its comparative made the superlative it means when the message picks one
    of those shown with a definite article ("the cheaper one", "der günstigere bitte") or asks
    which of ``those`` shown is ("welches davon ist günstiger?"): the cheapest of the topic, not
    one cheaper than the list's middle."""
    order = request.order if request is not None else None
    if request is None or order is None or order.mode not in ("less", "more") or not (those or _DEFINITE.search(message)) \
            or _THAN.search(message):
        return request
    return request.model_copy(update={"order": order.model_copy(update={"mode": "sort", "descending": order.mode == "more"})})


def tone(message: str) -> str:
    """How a message speaks of what it names: "dislike", "like" (praise or "more like"), or "neutral"."""
    if _DISLIKE.search(message):
        return "dislike"
    if _PRAISE.search(message) or _LIKE.search(message):
        return "like"
    return "neutral"


def besides_bounds(critique: Critique, request: CrossModalQuery | None) -> None:
    """Leave out the critique's conditions on a column the message bounds itself: "cheaper, under
    $400" is under $400, not cheaper than the cheapest item shown (which may leave nothing)."""
    bounded = {f.column for f in (request.filters if request is not None else ()) if f.op in ("<", "<=", ">", ">=")}
    critique.filters = [f for f in critique.filters if f.column not in bounded]
