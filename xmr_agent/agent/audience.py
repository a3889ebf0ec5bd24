"""Who an item is for, read from the words a request uses for people.

"a gift for her", "for my husband", "pour ma femme", "für meinen Vater", "para mi novia", "送女朋友",
"a men's watch", "Damen…", "kids costume" name a group of people: women, men or children. In a table
with a column of such groups (values "women", "men", "unisex", "kids": :func:`audience_columns`),
a word for the group itself ("men's", "homme", "Damen", "kids") asks for its items; a person of it
("for her", "my husband", "送女朋友") leaves the other groups out (items for everyone, "unisex", and
items that say nothing stay) and shows the group's own first. Either condition gives way when
nothing meets it (:func:`~xmr_agent.agent.query.audience_note`). In a table with a minimum-age
column (``min_age``), children bound it (at most :data:`CHILD_AGE` years); a child of the family ("for my son",
who may be grown up) only puts the children's items first. Grown-ups ("für Erwachsene") leave the
children's items out of a column of groups; a minimum age is left to the search (every item suits adults). A word
for a group itself keeps the items for everyone where the column has such a value ("homme": unisex too). Words of a negated phrase ("pas pour enfant") are left to the negation rules.
The words are in this module, not :mod:`~xmr_agent.agent.lexicon`, because nothing else reads them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xmr_agent.agent import lexicon as lx
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.numbers import Parse
from xmr_agent.agent.query import Filter, audience_note

#: A column value → the group it names (lower case, apostrophes dropped: "women's" → "womens").
VALUES = {
    "women": {"women", "womens", "woman", "ladies", "lady", "female", "females", "her", "femme", "femmes", "dames",
              "damen", "frauen", "frau", "mujer", "mujeres", "dama", "damas", "女", "女士", "女性", "女款", "女装"},
    "men": {"men", "mens", "man", "gents", "gentlemen", "male", "males", "him", "homme", "hommes", "herren", "männer",
            "mann", "hombre", "hombres", "caballero", "caballeros", "男", "男士", "男性", "男款", "男装"},
    "kids": {"kids", "kid", "children", "childrens", "child", "junior", "juniors", "youth", "boys", "girls", "enfant",
             "enfants", "kinder", "niños", "ninos", "infantil", "儿童", "童装", "童"},
    "adults": {"adult", "adults", "adulte", "adultes", "erwachsene", "erwachsener", "adulto", "adultos", "成人", "grown-up"},
    "unisex": {"unisex", "unisexe", "all", "everyone", "both", "neutral", "gender neutral", "alle", "für alle", "todos",
               "tous", "中性", "通用", "男女通用"},
}
_KIN_F = (r"wife|woman|girlfriend|mum|mom|mother|mummy|mommy|sister|grandma|granny|grandmother|aunt|auntie|fianc[ée]e|"
          r"femme|copine|m[èe]re|maman|s[œo]e?ur|grand-m[èe]re|mamie|tante|"
          r"frau|freundin|mutter|mama|schwester|oma|tante|"
          r"esposa|mujer|novia|madre|mam[áa]|hermana|abuela|t[íi]a")
_KIN_M = (r"husband|man|boyfriend|dad|daddy|father|brother|grandpa|grandad|granddad|grandfather|uncle|fianc[ée]|"
          r"mari|copain|p[èe]re|papa|fr[èe]re|grand-p[èe]re|papi|oncle|"
          r"mann|freund|vater|papa|bruder|opa|onkel|"
          r"marido|esposo|novio|padre|pap[áa]|hermano|abuelo|t[íi]o")
_KIN_C = (r"son|daughter|boy|girl|grandson|granddaughter|grandchild|grandkids?|nephew|niece|little one|"
          r"fils|fille|petit-fils|petite-fille|neveu|ni[èe]ce|sohn|tochter|enkel(?:in)?|neffe|nichte|"
          r"hij[oa]|niet[oa]|sobrin[oa]")
#: "for my wife", "pour ma femme", "für meinen Mann", "para mi novio": a relative, after "for".
_FOR_MY = r"\b(?:for|to|pour|à|für|fuer|para|a)\s+(?:my|your|his|our|their|the|a|an|ma|mon|mes|meine[nm]?|mein|mi|mis|la|le|die|den|der)\s+"
#: Words for a group of people → the group (checked in this order).
WORDS = {
    "women": re.compile(rf"\b(?:women['’]?s?|womens|ladies['’]?|lady['’]?s|womenswear|(?:for|to|pour|para|à)\s+(?:her|elle|ella)"
                        rf"|f[üu]r\s+sie(?=\s*[,.!?]|\s*$)|damen\w*|frauen|mujer(?:es)?|femmes?\b(?!\s+de\b)"
                        rf"|(?:i'?m|i am)\s+(?:a\s+)?(?:woman|girl|lady|gal))\b"
                        rf"|{_FOR_MY}(?:{_KIN_F})\b|女朋友|女友|女士|女性|女生|女款|女式|老婆|妻子|太太|妈妈|母亲|奶奶|外婆|姐姐|妹妹|闺蜜",
                        re.IGNORECASE),
    "men": re.compile(rf"\b(?:men['’]?s?|mens|gents['’]?|gentlemen|menswear|(?:for|to|pour|para)\s+(?:him|lui|él)"
                      rf"|f[üu]r\s+ihn|herren\w*|m[äa]nner|hombres?|hommes?|(?:i'?m|i am)\s+(?:a\s+)?(?:bloke|guy|man|lad|dude))\b"
                      rf"|{_FOR_MY}(?:{_KIN_M})\b|男朋友|男友|男士|男性|男生|男款|男式|老公|丈夫|爸爸|父亲|爷爷|外公|哥哥|弟弟",
                      re.IGNORECASE),
    "kids": re.compile(rf"\b(?:kids?['’]?s?|child(?:ren)?['’]?s?|toddlers?|little ones?|enfants?|kinder\w*|(?:[1-9]|1[0-2])[- ]years?[- ]olds?|"
                       rf"ni[ñn][oa]s?|infantil)\b|{_FOR_MY}(?:{_KIN_C})\b|儿童|孩子|小孩|小朋友|宝宝|童|儿子|女儿|孙子|孙女",
                       re.IGNORECASE),
}
#: A child of the family ("for my son"): may be grown up, so the children's items come first only.
KIN_CHILD = re.compile(rf"{_FOR_MY}(?:{_KIN_C})\b|儿子|女儿|孙子|孙女", re.IGNORECASE)
#: Words for grown-ups ("für Erwachsene"): the children's items are left out.
ADULTS = re.compile(r"\b(?:adults?|grown[- ]ups?|adultes?|erwachsenen?|adult[oa]s?|mayores)\b|成人|大人|成年人", re.IGNORECASE)
#: Words that name the group itself ("men's", "homme", "Damen", "女士"), not a person of it ("my husband"): the
#: group's items only.
DIRECT = re.compile(r"(?:women['’]?s?|womens|ladies['’]?|lady['’]?s|womenswear|damen\w*|frauen|mujer(?:es)?|femmes?"
                    r"|men['’]?s?|mens|gents['’]?|gentlemen|menswear|herren\w*|m[äa]nner|hombres?|hommes?"
                    r"|女士|女性|女生|女款|女式|男士|男性|男生|男款|男式)", re.IGNORECASE)
#: The groups of people an item is for, other than everyone ("unisex").
GROUPS = ("women", "men", "kids")
#: An age that says a son or a daughter is a child: "she's 6", "6 years old", "6 ans", "6 Jahre", "6 años", "6岁".
_YOUNG = re.compile(r"(?<!\d)(?:[1-9]|1[0-2])\s*(?:years?(?: old)?|yrs?|yo|ans|jahre?n?|años|岁|周岁)(?![^\W\d_])|"
                    r"\b(?:she|he)(?:'s| is) (?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b|"
                    r"\b(?:er|sie) ist (?:[1-9]|1[0-2]|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)\b|"
                    r"[一二三四五六七八九十]岁", re.IGNORECASE)
#: The oldest minimum age (in years) an item for children may ask.
CHILD_AGE = 10
_NEGATED = re.compile(rf"(?:\b(?:{lx.NEGATION})\b|不要|不是|别)\W*(?:\w+\W+){{0,2}}$", re.IGNORECASE)


def audiences(parse: Parse, facets: Facets) -> None:
    """Read the groups of people ``parse``'s request names into conditions (see the module docstring)."""
    columns = audience_columns(facets)
    ages = [c for c, f in facets.items() if f.kind == "number" and _low_age(c)]
    if not columns and not ages:
        return
    set_on = {f.column for f in parse.filters if f.hard}
    for group, words in WORDS.items():
        m = next((m for m in words.finditer(parse.scan) if not _NEGATED.search(parse.scan[: m.start()])), None)
        denied = None if m or group != "kids" else next((found for text in (parse.scan, *parse.avoid)
                                                         if (found := words.search(text))), None)
        for column, values in columns.items() if denied is not None else ():  # "for me, not my kid": no children's items
            if "kids" in values and column not in set_on and denied is not None:
                parse.filters.append(flt := Filter(column=column, op="!=", value=values["kids"]))
                parse.notes += [audience_note(flt), f"{flt} from {denied.group(0)!r}"]
        if not m:
            continue
        said = parse.scan[m.start(): m.end()].strip()
        for column, values in columns.items():
            if group in values and column not in set_on:  # "gloves for her": not the men's nor the kids'
                direct = group == "kids" or (DIRECT.fullmatch(said) is not None and "unisex" not in values)  # "homme": unisex too
                grown = KIN_CHILD.fullmatch(said) and not _YOUNG.search(parse.text)  # "for my daughter, she's 6": a child
                stated = [] if grown else [Filter(column=column, op="=", value=values[group])] if direct \
                    else [Filter(column=column, op="!=", value=values[g]) for g in GROUPS if g in values and g != group]
                direct = direct and bool(stated)
                first = [] if direct else [Filter(column=column, op="=", value=values[group], hard=False)]
                parse.filters += [*stated, *first]
                parse.notes += [*map(audience_note, stated), f"{values[group]!r} from {said!r}"]
                parse.said.append(m.span())
                parse.cut(m.span())  # "perfume for my girlfriend": perfumes, not the items that say "for her"
                set_on.add(column)
        for column in ages if group == "kids" and not set_on & set(ages) and not KIN_CHILD.fullmatch(said) else ():  # "3岁小孩": 3
            flt = Filter(column=column, op="<=", value=CHILD_AGE * (12 if "month" in column.lower() else 1))
            parse.filters.append(flt)
            parse.notes += [audience_note(flt), f"{flt} from {said!r}"]
    adults(parse, facets)


def audience_kinds(filters: Sequence[Filter], text: str, facets: Facets | None = None) -> tuple[list[Filter], list[str]]:
    """``filters`` without the kinds that are another's for a group of people when both are named
    ("Rain jacket", "Kids' rain jacket"): the group's own when ``text`` names the group ("for my son,
    he's eight", "women's"), the other otherwise ("a rain jacket"); "for my son" alone keeps both. With
    the notes saying what was left out. A kind named for another group than the one ``text`` names itself is
    put right in ``facets`` (:func:`_said_group`)."""
    found = [(g, m) for g, words in WORDS.items() for m in words.finditer(text) if not _NEGATED.search(text[: m.start()])]
    if any(g == "kids" and KIN_CHILD.fullmatch(m.group(0).strip()) for g, m in found) and not _YOUNG.search(text):
        return list(filters), []  # a son may be grown up
    said = found[0][0] if found else None
    by_column: dict[str, list[Filter]] = {}
    for f in filters:
        if f.op == "=" and f.hard and isinstance(f.value, str):
            by_column.setdefault(f.column, []).append(f)
    out, notes = list(filters), []
    for group in (g for g in by_column.values() if len(g) > 1):
        marked = {str(f.value): _group_of(str(f.value)) or _group_in(str(f.value)) for f in group}
        if said in marked.values():  # "a helmet for my husband": Casque homme of Casque homme, femme, enfant
            keep = [f for f in group if marked[str(f.value)] == said]
        elif not any(marked.values()) or all(marked.values()):
            continue
        else:
            keep = [f for f in group if not marked[str(f.value)]]
        drop = [f for f in group if f not in keep] if keep else []
        out = [f for f in out if f not in drop]
        notes += [f"{f} left out: {'for ' + said if said else 'no group of people said'}" for f in drop]
    out, notes = _said_group(out, notes, next((g for g, m in found if DIRECT.fullmatch(m.group(0).strip())), None), facets)
    return _with_everyone(out, notes, facets)


#: A value for every group of a column ("犬猫通用": dogs and cats; "All levels"; "Unisex").
_EVERYONE = re.compile(r"通用|^中性$|\b(?:all|both|any|universal|unisex|everyone|alle|tous|toutes|todos|todas)\b",
                       re.IGNORECASE)


def _with_everyone(filters: list[Filter], notes: list[str], facets: Facets | None) -> tuple[list[Filter], list[str]]:
    """``filters`` where a condition that a column (of properties, not kinds) is one value takes in its value for
    everyone too: "for my dog" of 狗, 猫, 犬猫通用 is 狗 or 犬猫通用; "for a beginner" takes in "All levels"."""
    from xmr_agent.agent.columns import FOR_COLUMNS, kind_columns

    kinds = kind_columns(facets) - FOR_COLUMNS if facets else set()  # ("species": who it is for, a group of values)
    out = list(filters)
    for column in dict.fromkeys(f.column for f in filters if f.op == "=" and f.hard and isinstance(f.value, str)):
        facet = facets.get(column) if facets is not None else None
        if facet is None or not facet.categorical or column.lower() in kinds or len(facet.values) < 3:
            continue
        said = {str(f.value).lower() for f in filters if f.column == column and f.op == "="}
        everyone = [facet.canonical.get(v, v) for v in sorted(facet.values)
                    if v not in said and len(v.split()) <= 3 and _EVERYONE.search(v)]
        if 0 < len(everyone) <= 2:
            added = [Filter(column=column, op="=", value=v) for v in everyone]
            out += added
            notes += [f"{f}: for everyone, so for what was asked too" for f in added]
    return out, notes


def _said_group(filters: list[Filter], notes: list[str], said: str | None, facets: Facets | None
                ) -> tuple[list[Filter], list[str]]:
    """``filters`` with a kind named for another group of people than the one the request names itself
    ("men's flamenco shoes" read as Zapato de mujer, the shoes its dictionary knows) put in the place of the
    column's one kind named for that group (Calzado de hombre), when it has one."""
    if said is None or facets is None:
        return filters, notes
    out = []
    for f in filters:
        other = _group_in(str(f.value)) if f.op == "=" and isinstance(f.value, str) and f.column in facets else None
        own = [v for v in facets[f.column].values if _group_in(v) == said] if other not in (None, said) else []
        if len(own) == 1:
            value = facets[f.column].canonical.get(own[0], own[0])
            out.append(f.model_copy(update={"value": value}))
            notes.append(f"{f} is for {other}: {value!r}, for {said}, in its place")
        else:
            out.append(f)
    return out, notes


def _group_in(value: str) -> str | None:
    """The one group of people any word of a kind names ("Calzado de hombre": men), if any."""
    words = {re.sub(r"['’]", "", w) for w in re.findall(r"[^\W\d_][\w'’]*", value.lower())}
    found = {g for g in GROUPS if words & VALUES[g]}
    return next(iter(found)) if len(found) == 1 else None


def _group_of(value: str) -> str | None:
    """The group of people a kind's first word names ("Kids' rain jacket": kids), if any."""
    first = re.sub(r"['’]", "", value.split()[0].lower()) if value.split() else ""
    return next((g for g in GROUPS if first in VALUES[g]), None)


def adults(parse: Parse, facets: Facets) -> None:
    """"die günstigste Sonnenbrille für Erwachsene": the children's items are left out."""
    m = ADULTS.search(parse.scan)
    if m is None or _NEGATED.search(parse.scan[: m.start()]):
        return
    for column, values in audience_columns(facets).items():
        if "kids" in values and not any(f.column == column and f.hard for f in parse.filters):
            flt = Filter(column=column, op="!=", value=values["kids"])
            parse.filters.append(flt)
            parse.notes += [audience_note(flt), f"{flt} from {m.group(0)!r}"]
            parse.cut(m.span())


def audience_columns(facets: Facets) -> dict[str, dict[str, str]]:
    """The categorical columns whose values name at least two groups of people (women, men, kids),
    each with its value for each group (and for items for everyone: "unisex")."""
    found: dict[str, dict[str, str]] = {}
    for column, facet in facets.items():
        if not facet.categorical:
            continue
        groups: dict[str, str] = {}
        for value in sorted(facet.values):  # (in one order: "Boys" and "Youth" are both kids)
            key = re.sub(r"['’]", "", value.strip().lower())
            group = next((g for g, names in VALUES.items() if key in names), None)
            if group and group not in groups:
                groups[group] = facet.canonical.get(value, value)
        if len(set(groups) - {"unisex"}) >= 2:
            found[column] = groups
    return found


def _low_age(column: str) -> bool:
    parts = set(re.split(r"[_\W]+", column.lower()))
    return "age" in parts and not parts & {"max", "to", "upper"}
