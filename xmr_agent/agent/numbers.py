"""Numbers in a request: prices with currencies, bounds and ranges ("under $20", "moins de 12
euros", "20元以下"), years and decades ("from the 70s", "années 80"), star ratings ("rated 4.5
stars or more") and ages ("for my 8 year old"), each read into a condition on the table's
column that measures it (:func:`column_of_kind`). Part of the rule-based parse
(:mod:`xmr_agent.agent.rules`), which owns :class:`Parse`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from xmr_agent.agent import levels
from xmr_agent.agent import lexicon as lx
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.numerals import cjk_value
from xmr_agent.agent.numerals import in_digits as in_digits  # (read by the rewriter)
from xmr_agent.agent.query import Filter, Op, Order

#: A number: "20", "12.50", thousands grouped ("10 000", "12.000", "15,000"), "5k", "两万", "1.5万", "a tenner", "a hundred".
NUM = (r"(\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})+(?:[.,]\d{1,2})?(?![\d])|\d+(?:[.,]\d{1,2})?(?:\s?[kK](?![a-zA-Z])|\s?grand\b|\s?[万千])?"
       rf"|{lx.CJK_NUMBER}(?:[百千万][零一二两三四五六七八九十]{{0,2}}){{1,3}}|(?<![\w-])(?:a\s+)?(?:tenner|fiver)\b|(?<![\w-])(?:a|one)\s+(?:hundred|thousand|grand)\b(?!\s+and))")
CUR = rf"(?:{lx.CURRENCY})"
#: A price: a number with a currency before or after it ("$20", "20 €", "12 euros", "20元").
PRICE = rf"(?:{CUR}\s*{NUM}|{NUM}\s*{CUR}|{NUM})"
_DECADE = re.compile(r"\b(?:from |in )?(?:the )?(?:(19|20)?(\d)0'?s)\b", re.IGNORECASE)
DECADE_WORDS = {"sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990}




@dataclass
class Parse:
    """A request being read: each rule cuts out what it understood and adds its conditions."""

    text: str  #: what is left for the search
    scan: str  #: the same with named titles blanked: where filters are looked for
    filters: list[Filter] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    order: Order | None = None
    said: list[tuple[int, int]] = field(default_factory=list)  #: spans of values already made conditions
    valued: list[tuple[int, int]] = field(default_factory=list)  #: spans of every value named
    context: list[str] = field(default_factory=list)  #: kinds the thing wanted goes with ("my guitar")
    preferred: list[Filter] = field(default_factory=list)  #: preferences never made conditions ("the strongest")
    head: str | None = None  #: the stem of the head noun of the thing asked for, as the titles end ("racket")

    def cut(self, span: tuple[int, int]) -> None:
        blank = " " * (span[1] - span[0])
        self.text = self.text[: span[0]] + blank + self.text[span[1]:]
        self.scan = self.scan[: span[0]] + blank + self.scan[span[1]:]


#: Parts of a column's name that give its unit or bound, not what it measures ("play_time_min",
#: "weight_g", "max_players", "Price (€)").
UNIT_PARTS = frozenset({"min", "mins", "minutes", "max", "num", "no", "nb", "g", "kg", "mg", "ml", "l", "cl", "cm", "mm",
                        "m", "in", "inch", "inches", "h", "hrs", "hours", "s", "sec", "usd", "eur", "gbp", "chf",
                        "pct", "percent", "w", "lm", "k", "oz", "lb", "lbs", "total", "count", "days", "weeks", "months",
                        "mah", "wh", "gb", "tb", "mb", "mp", "hz", "m2", "cm2", "mm2", "m3", "cm3", "sqm", "sqft", "km"})


def core(column: str) -> str:
    """What a column measures, its units and bounds left out: "play_time_min" → "play_time",
    "max_players" → "players", "weight_g" → "weight" (the name itself when nothing else is left)."""
    parts = [p for p in re.split(r"[_\W]+", column.lower()) if p]
    kept = [p for p in parts if p not in UNIT_PARTS]
    return "_".join(kept) or column.lower()


def column_of_kind(facets: Facets, kind: str) -> str | None:
    """The numeric column that measures ``kind`` (price, time, length, rating, weight, size, brightness, power, strength,
    warmth, maturity, speed); a weight or a price also by its unit ("jar_g") or currency ("importe_mxn")."""
    numbers = [f.column for f in facets.values() if f.kind == "number"]
    names = lx.COLUMN_KINDS.get(kind, ())
    if exact := next((name for name in names if name in numbers), None) or next((c for c in numbers if core(c) in names), None):
        return exact
    found = next((c for n in names for c in numbers if any((name.startswith(n) or name.endswith(n)) and n not in lx.WHOLE_NAMES
                                                           or n in name.split("_") for name in {c.lower(), core(c)})), None)  # "packed_weight_kg" before "max_load_kg"
    massed = [c for c in numbers if kind == "weight" and {*c.lower().split("_")[1:]} & {"g", "kg", "lb", "lbs", "oz", "克", "千克", "公斤"}
              and c.split("_")[0].lower() not in {"fat", "sugar", "sugars", "protein", "carbs", "fibre", "fiber", "salt"}]
    coded = [c for c in numbers if kind == "price" and any(lx.pattern(lx.CURRENCY).fullmatch(p) for p in c.lower().split("_"))]
    return found or (massed[0] if len(massed) == 1 else None) or (coded[0] if len(coded) == 1 else None)


#: Sizes written as words, smallest first: a column of them is sorted by this scale.
SIZE_SCALE = ("xxs", "xs", "extra small", "s", "small", "petite", "m", "medium", "regular", "standard", "l", "large",
              "xl", "extra large", "xxl", "xxxl")


#: Levels written as words, lowest first ("caffeine": low, medium, high; "strength": mild … extra strong).
LEVEL_SCALE = ("none", "free", "decaf", "very low", "low", "very mild", "mild", "light", "medium", "moderate",
               "medium-high", "high", "strong", "very high", "very strong", "extra strong")
#: Ages of a cheese or a spirit, youngest first.
MATURITY_SCALE = ("fresh", "young", "mild", "medium", "semi-mature", "mature", "extra mature", "vintage")
_SCALES = {"size": (SIZE_SCALE,), "strength": (LEVEL_SCALE,), "power": (LEVEL_SCALE,), "brightness": (LEVEL_SCALE,),
           "warmth": (LEVEL_SCALE,), "maturity": (MATURITY_SCALE, LEVEL_SCALE),
           "difficulty": (tuple(sorted(levels.RANKS, key=levels.RANKS.__getitem__)),)}  # "the hardest": schwer


def extreme_size(facets: Facets, kind: str, descending: bool) -> Filter | None:
    """For "the biggest towel" in a table whose sizes are words ("Small", "Medium", "Large"), not
    numbers, or "the strongest cheese" whose strengths are ("mild" … "extra strong"): a preference
    for the largest (``descending``) or smallest value of the column that names the measure."""
    names = lx.COLUMN_KINDS.get(kind, levels.NAMES if kind == "difficulty" else ())
    for scale in _SCALES.get(kind, ()):
        for facet in facets.values():
            ranks = {v: scale.index(v.lower()) for v in facet.values if v.lower() in scale}
            if facet.categorical and core(facet.column) in names and len(ranks) >= 2 and len(ranks) == len(facet.values):
                value = (max if descending else min)(ranks, key=ranks.__getitem__)
                return Filter(column=facet.column, op="=", value=facet.canonical.get(value, value), hard=False)
    return None


def number_value(text: str) -> float:
    """The value of a :data:`NUM`: thousands separators dropped, "k" and 千 a thousand, 万 ten thousand."""
    text = text.strip()
    if text.endswith(("tenner", "fiver", "hundred", "thousand")) or text in ("a grand", "one grand"):  # "under a grand"
        return {"tenner": 10.0, "fiver": 5.0, "hundred": 100.0, "thousand": 1000.0, "grand": 1000.0}[text.split()[-1]]
    if lx.has_cjk(text) and (whole := cjk_value(text)) is not None:  # "一万五千", "两千五"
        return whole
    grand = text.endswith("grand")
    text = text.removesuffix("grand").strip()
    factor = 1e3 if grand else {"k": 1e3, "K": 1e3, "千": 1e3, "万": 1e4}.get(text[-1:], 1.0)
    text = text.rstrip("kK千万").strip()
    if (cjk := lx.cjk_number(text)) is not None:
        return cjk * factor
    if lx.has_cjk(text):  # "九九九万": read digit by digit (十 as ten)
        return float(sum(10 if c == "十" else lx.CJK_DIGITS.get(c, 0) * 10 ** (len(text) - 1 - i)
                         for i, c in enumerate(text))) * factor
    text = re.sub(r"[ \u00a0\u202f.,'’](?=\d{3}(?:\D|$))", "", text) if re.search(r"\d[ \u00a0\u202f.,'’]\d{3}(?:\D|$)", text) \
        else text
    return float(text.replace(",", ".")) * factor


def prices(parse: Parse, column: str, lowest: float | None = None, highest: float | None = None) -> None:
    """Prices: ranges, bounds, a budget. A bound said without a currency far below the ``lowest``
    price (a tenth of it: "two kids under 10" in flats to rent) or far above the ``highest`` (ten
    times: "over 50,000" of chilli heat in a spice shop) is no price: it stays words."""
    between = lx.pattern(lx.BETWEEN, after=rf"\s*{CUR}?\s*{NUM}\s*{CUR}?\s*(?:{lx.AND})\s*{PRICE}")
    # "20-40 €", "€50-€100", "$20 - 40": a currency before either number or after the second
    to = r"(?:\s*(?:-|–|到|至)\s*|\s+(?:to|à|au|bis|a)\s+)"  # "150 to 250 dollars", "de 150 a 250 euros"
    range_ = re.compile(rf"(?:{CUR}\s*{NUM}{to}{CUR}?\s*{NUM}|{NUM}{to}{CUR}\s*{NUM}|"
                        rf"{NUM}{to}{NUM}\s*{CUR})", re.IGNORECASE)
    for m in [*between.finditer(parse.scan), *range_.finditer(parse.scan)]:
        numbers = [g for g in m.groups() if g]
        if len(numbers) < 2 or (_years_only(numbers) and not re.search(CUR, m.group(0), re.IGNORECASE)):
            continue
        low, high = sorted((number_value(numbers[0]), number_value(numbers[-1])))
        parse.filters += [Filter(column=column, op=">=", value=low), Filter(column=column, op="<=", value=high)]
        parse.notes.append(f"{column} {low:g}–{high:g} from {m.group(0).strip()!r}")
        parse.cut(m.span())
    bounds: tuple[tuple[str, Op, bool], ...] = ((lx.AT_MOST, "<=", True), (lx.BELOW, "<", True), (lx.AT_LEAST, ">=", True),
                                                (lx.ABOVE, ">", True), (lx.BELOW_AFTER, "<=", False), (lx.ABOVE_AFTER, ">=", False))
    for words, op, prefix in bounds:
        value = rf"\s*(?:{CUR}\s*{NUM}|{NUM}(?!\d)\s*{CUR}?)(?!\s*(?:years?|minutes?|mins?|pages?|ans|jahre|años|年|分钟|页|"
        value += r"pieces?|pcs?|stück|stueck|stk|pièces?|piezas?|unidades|uds|units?|件|个|片|只|倍|x\b|×))"  # "au moins 200 pièces"
        found = lx.pattern(words, after=value) if prefix else \
            re.compile(rf"(?:{CUR}\s*{NUM}|(?<![a-zA-Z\u00c0-\u024f\d.,]){NUM}\s*{CUR}?){_PER_AREA}?\s*(?:{words})", re.IGNORECASE)  # "£10/m2 max"
        for m in found.finditer(parse.scan):
            number = next(g for g in m.groups() if g)
            if (lowest and number_value(number) < lowest / 10 or highest and number_value(number) > highest * 10) \
                    and not re.search(CUR, m.group(0), re.IGNORECASE):
                parse.notes.append(f"{m.group(0).strip()!r}: no {column} is that low, read as words")
                continue
            parse.filters.append(Filter(column=column, op=op, value=number_value(number)))
            parse.notes.append(f"{column} {op} {number} from {m.group(0).strip()!r}")
            parse.cut(m.span())
    for m in re.finditer(rf"(?:{CUR}\s*{NUM}|{NUM}\s*{CUR})", parse.scan, re.IGNORECASE):
        number = next(g for g in m.groups() if g)  # a price alone ("a gift for 20 euros"): the budget, unless a
        parse.cut(m.span())  # bound was said ("around a thousand dollars, I can stretch to 1200 max")
        if not any(f.column == column and f.op in ("<", "<=") for f in parse.filters):
            parse.filters.append(Filter(column=column, op="<=", value=number_value(number)))
            parse.notes.append(f"{column} <= {number} from {m.group(0).strip()!r} (a budget)")


#: A price said per square metre or metre ("£10/m2", "40 libras el metro"), its unit no number of its own.
_PER_AREA = (r"(?:\s*(?:/|per|pour|le|la|el|the|pro|por|al|a)\s*(?:m²|m2|㎡|sq\.?\s?m|square (?:metre|meter)|mètre carré|"
             r"metro cuadrado|quadratmeter|qm|metre|meter|mètre|metro|m)(?![^\W\d_]))")


def _years_only(numbers: Sequence[str]) -> bool:  # "from 1990 to 2000" is years, not prices
    return all(n.isdigit() and 1870 <= int(n) <= 2100 for n in numbers)


def years(parse: Parse, column: str) -> None:
    for m in [*_DECADE.finditer(parse.scan), *(m for p in lx.DECADES for m in p.finditer(parse.scan))]:
        century = m.group(1) or ("20" if m.group(2) in "012" else "19")
        start = int(f"{century}{m.group(2)}0")
        _year_range(parse, column, start, start + 9, m)
    for word, start in DECADE_WORDS.items():
        for m in re.finditer(rf"\b(?:from |in )?(?:the )?{word}\b", parse.scan, re.IGNORECASE):
            _year_range(parse, column, start, start + 9, m)
    span = re.compile(r"\b(?:from|between|de|von|entre|desde|du)\s+((?:19|20)\d\d)\s*(?:to|and|-|–|à|a|au|bis|und|y|"
                      r"hasta|et)\s*((?:19|20)\d\d)\b", re.IGNORECASE)
    for m in span.finditer(parse.scan):
        low, high = sorted((int(m.group(1)), int(m.group(2))))
        _year_range(parse, column, low, high, m)
    words = {"after": ">", "since": ">=", "newer than": ">", "before": "<", "older than": "<", "from": "=", "in": "=",
             "après": ">", "depuis": ">=", "avant": "<", "nach": ">", "seit": ">=", "vor": "<",
             "después de": ">", "desde": ">=", "antes de": "<", "en": "="}
    later = re.compile(r"\b((?:19|20)\d\d)\s*(?:(or (?:later|newer|after)|onwards?|and (?:later|newer|up)|\+|ou (?:après|plus récente?)|"
                       r"oder (?:neuer|später|jünger)|o (?:posterior|más nuevo|más reciente))|(or (?:earlier|older|before)|"
                       r"ou avant|ou plus ancien(?:ne)?|oder älter|oder früher|o anterior|o más antiguo))(?![\w+])", re.IGNORECASE)
    for m in later.finditer(parse.scan):  # "2016 or later", "2016 ou après"
        _year_bound(parse, column, ">=" if m.group(2) else "<=", int(m.group(1)), m)
    pattern = re.compile(rf"\b({'|'.join(sorted(words, key=len, reverse=True))})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
    for m in pattern.finditer(parse.scan):
        _year_bound(parse, column, words[m.group(1).lower()], int(m.group(2)), m)
    for m in re.finditer(r"((?:19|20)\d\d)年?(以后|之后|以来|以前|之前)", parse.scan):
        _year_bound(parse, column, "<" if m.group(2) in ("以前", "之前") else ">", int(m.group(1)), m)


def _year_bound(parse: Parse, column: str, op: str, year: int, m: re.Match[str]) -> None:
    parse.filters.append(Filter(column=column, op=op, value=year))  # type: ignore[arg-type]
    parse.notes.append(f"{column} {op} {year} from {m.group(0)!r}")
    parse.cut(m.span())


def _year_range(parse: Parse, column: str, start: int, end: int, m: re.Match[str]) -> None:
    parse.filters += [Filter(column=column, op=">=", value=start), Filter(column=column, op="<=", value=end)]
    parse.notes.append(f"{column} {start}–{end} from {m.group(0).strip()!r}")
    parse.cut(m.span())


def ratings(parse: Parse, facets: Facets) -> None:
    """"rated 4.5 stars or more", "at least 4 stars", "4+ stars", "4 étoiles", "4星以上" → the rating
    column at least that (at most, after "under"/"below")."""
    column = column_of_kind(facets, "rating")
    if column is None:
        return
    stars = re.compile(rf"(?:(?P<below>{lx.BELOW})\s+|(?:{lx.ABOVE}|rated|noté(?:e|s|es)?|bewertet|valorad[oa]s?)\s+)?"
                       rf"{NUM}\s*\+?\s*(?:{lx.STARS})(?:\s*(?:{lx.ABOVE_AFTER}|or (?:higher|better|above)))?"
                       rf"|rated\s+(?:at least\s+)?{NUM}\s*(?:\+|(?:or|and)\s+(?:more|higher|above|better|up))?",
                       re.IGNORECASE)
    scored = re.compile(rf"(?:{lx.RATED})\s*(?:(?P<below>{lx.BELOW})\s*|(?:{lx.ABOVE})\s*)?{NUM}\s*(?:分|\+)?\s*"
                        rf"(?:{lx.ABOVE_AFTER}|or (?:higher|better|above|more))?|{NUM}\s*分(?:\s*(?:{lx.ABOVE_AFTER}))",
                        re.IGNORECASE)  # "评分4.5以上", "a rating above 4.5", "4.5分以上"
    for m in [*stars.finditer(parse.scan), *scored.finditer(parse.scan)]:
        if parse.scan[m.start():m.end()] != m.group(0):
            continue  # already read by the first pattern
        number = next(g for g in m.groups()[1:] if g)
        if not 0 < number_value(number) <= 10:
            continue
        op: Op = "<=" if m.group("below") else ">="
        parse.filters.append(Filter(column=column, op=op, value=number_value(number)))
        parse.notes.append(f"{column} {op} {number} from {m.group(0).strip()!r}")
        parse.cut(m.span())


def ages(parse: Parse, facets: Facets) -> None:
    """"for my 8 year old", "a four-year-old", "pour un enfant de 5 ans", "für 6-Jährige", "5岁",
    "a 9 month old", "from birth" → an age column's bounds: a minimum age (``min_age``, ``age``)
    at most that, a maximum at least that; in months when the column's name says so
    (``age_months``)."""
    columns = [(f.column, set(re.split(r"[_\W]+", f.column.lower()))) for f in facets.values() if f.kind == "number"]
    lows = [(c, bool(parts & _MONTHS)) for c, parts in columns if "age" in parts and not parts & {"max", "to", "upper"}]
    highs = [(c, bool(parts & _MONTHS)) for c, parts in columns if "age" in parts and parts & {"max", "to", "upper"}]
    if not lows and not highs:
        return
    words = "|".join(lx.NUMBER_WORDS)
    age = re.compile(rf"\b(\d{{1,2}}|{words})\s*[- ]?\s*(?:{lx.AGES})|(?:ages?|aged|âge|alter|edad)\s+(\d{{1,2}})\s*\+?"
                     rf"|(\d{{1,2}}|{lx.CJK_NUMBER})\s*周?岁|\b(\d{{1,2}}|{words})\s*[- ]?\s*(?:{lx.MONTHS_OLD})"
                     rf"|(\d{{1,2}}|{lx.CJK_NUMBER})\s*个月"
                     rf"|({lx.FROM_BIRTH})", re.IGNORECASE)
    bound = re.compile(rf"(?:{lx.BELOW}|{lx.ABOVE})\s*$", re.IGNORECASE)
    for m in age.finditer(parse.scan):
        if bound.search(parse.scan[max(0, m.start() - 25):m.start()]):
            continue  # "mindestens 12 Monate gereift": a bound on the column, read with the other measures
        said = next(g for g in m.groups() if g)
        number = 0 if m.group(6) else int(said) if said.isdigit() else lx.cjk_number(said) or lx.NUMBER_WORDS.get(said.lower())
        if number is None:
            continue
        months = number if (m.group(4) or m.group(5) or m.group(6)) else number * 12
        parse.filters += [*(Filter(column=c, op="<=", value=_in_unit(months, in_months)) for c, in_months in lows),
                          *(Filter(column=c, op=">=", value=_in_unit(months, in_months)) for c, in_months in highs)]
        parse.notes.append(f"age {months} months from {m.group(0).strip()!r}")
        parse.cut(m.span())


#: Words in an age column's name that say it counts months ("age_months").
_MONTHS = frozenset({"month", "months", "mo", "mos", "monate", "monat", "mois", "meses", "mes"})


def _in_unit(months: int, in_months: bool) -> float | int:
    return months if in_months else (months // 12 if months % 12 == 0 else round(months / 12, 2))


_TOP = re.compile(r"\b(?:top|best|give me|show me|suggest|recommend)\s+(\d{1,3})\b", re.IGNORECASE)


def top_k(parse: Parse) -> int | None:
    """"top 5", "show me 3": how many items are asked for."""
    m = _TOP.search(parse.scan)
    if not m or not 1 <= int(m.group(1)) <= 200:
        return None
    parse.notes.append(f"k = {m.group(1)} from {m.group(0)!r}")
    parse.cut(m.span())
    return int(m.group(1))


#: Names of columns that count people (players of a game, persons a tent sleeps, servings).
PEOPLE_COLUMNS = frozenset({"players", "player", "persons", "person", "people", "sleeps", "berths", "seats", "servings",
                            "serves", "guests", "joueurs", "spieler", "personen", "jugadores", "personas", "couverts"})
#: "a group of 10", "une bande de six", "eine Gruppe von 8", "un grupo de 12".
_GROUP = r"group|party|crowd|family|team|groupe|bande|famille|équipe|gruppe|runde|familie|grupo|familia|equipo"
#: Words for people being counted ("4 people", "six joueurs").
PEOPLE_WORDS = (r"players?|people|persons?|guests|joueu(?:r|rs|se|ses)|personnes?|spieler(?:n|innen)?|personen|"
                r"jugadores|personas|comensales|人")


def people(parse: Parse, facets: Facets) -> None:
    """"a game for 4 players", "a 2-person tent", "für 5 Spieler", "para 6 personas", "四人",
    "there are 6 of us" → the columns that count people: a minimum (``min_players``) at most
    that, a maximum (``max_players``, ``sleeps``) at least that. Other things counted:
    :func:`xmr_agent.agent.counts.counts`, read before."""
    columns = [(f.column, set(re.split(r"[_\W]+", f.column.lower()))) for f in facets.values() if f.kind == "number"]
    counted = [(c, parts) for c, parts in columns if parts & PEOPLE_COLUMNS and "per" not in parts]  # "price_per_person"
    words = "|".join([*lx.NUMBER_WORDS, *NUMBER_WORDS_ELSEWHERE])
    said = re.compile(rf"(?:\b(?:for|pour|für|fuer|para|de|à|zu)\s+)?\b(\d{{1,2}}|{words})\s*(?:-\s*)?(?:{PEOPLE_WORDS})\b"
                      rf"|(\d{{1,2}}|[{_CHINESE_DIGITS}])\s*(?:个)?人"
                      rf"|\b(?:{_GROUP})\s+(?:of|de|von|aus)\s+(\d{{1,2}}|{words})\b(?:\s+(?:or more|ou plus|oder mehr|o más))?"
                      rf"|\b(\d{{1,2}}|{words})\s+(?:of us|de nous|von uns|de nosotros)\b"
                      rf"|\b(?:for|pour|für|para)\s+(\d{{1,2}}|{words})(?=\s*(?:[,.;!?](?!\d)|$)|\s+(?:with|avec|mit|con|and|et|und|y)\b)"
                      rf"|\b(?:we are|we're|nous sommes|on est|wir sind|somos|sleeps|accommodates|seats|serves|feeds)\s+"
                      rf"(?:at least\s+|up to\s+)?(\d{{1,2}}|{words})\b",
                      re.IGNORECASE)
    for m in said.finditer(parse.scan):
        word = next(g for g in m.groups() if g).lower()
        number = int(word) if word.isdigit() else NUMBER_WORDS_ELSEWHERE.get(word) or lx.NUMBER_WORDS[word]
        for column, parts in counted:
            op: Op = "<=" if parts & {"min", "minimum", "from"} else ">="
            parse.filters.append(Filter(column=column, op=op, value=number))
        parse.notes.append(f"{number} people from {m.group(0).strip()!r}" if counted else  # "4 of us": no price of 4
                           f"{m.group(0).strip()!r}: no column of this table counts people")
        parse.cut(m.span())


_CHINESE_DIGITS = "一二两三四五六七八九十"
#: Numbers written as words in French, German, Spanish and Chinese (English: :data:`~xmr_agent.agent.lexicon.NUMBER_WORDS`).
NUMBER_WORDS_ELSEWHERE = {
    **{w: n for n, w in zip((1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10), _CHINESE_DIGITS, strict=True)},
    **{w: n for n, w in enumerate("un deux trois quatre cinq six sept huit neuf dix".split(), 1)},
    **{w: n for n, w in enumerate("ein zwei drei vier fünf sechs sieben acht neun zehn".split(), 1)},
    **{w: n for n, w in enumerate("uno dos tres cuatro cinco seis siete ocho nueve diez".split(), 1)},
    "une": 1, "eine": 1, "una": 1}


#: Values that say an item has none of what its column measures ("caffeine": none).
NONE_VALUES = ("none", "free", "zero", "no", "nil", "0", "without", "decaf", "decaffeinated")


def absent(parse: Parse, facets: Facets) -> None:
    """"caffeine free", "no caffeine", "without added sugar" where a column is named so: the items
    whose column says none (``caffeine = 'none'``; a number column: at most 0)."""
    for facet in facets.values():
        name = "|".join(re.escape(n) for n in sorted({core(facet.column).replace("_", " "), core(facet.column).split("_")[0]},
                                                     key=len, reverse=True))  # the longest first, in any run
        nothing = sorted((v for v in facet.values if v.lower() in NONE_VALUES), key=lambda v: NONE_VALUES.index(v.lower())) \
            if facet.categorical else []
        if len(core(facet.column)) < 3 or not (nothing or (facet.kind == "number" and facet.lower is not None and facet.lower <= 0)) \
                or core(facet.column).endswith("free"):  # "gluten_free" of yes and no: :mod:`~xmr_agent.agent.flags`
            continue
        said = re.compile(rf"\b(?:{name})[- ]?free\b|\b(?:no|zero|without|sans|ohne|sin|kein|keine)\s+(?:added\s+)?"
                          rf"(?:{name})\b", re.IGNORECASE)
        for m in said.finditer(parse.scan):
            found = [Filter(column=facet.column, op="=", value=facet.canonical.get(v, v)) for v in nothing[:1]] or \
                [Filter(column=facet.column, op="<=", value=0)]
            parse.filters += found
            parse.notes.append(f"{found[0]} from {m.group(0).strip()!r}")
            parse.cut(m.span())
