"""Measures with units in a request: "under a kilo", "lighter than 400g", "at least 100 m water
resistant", "1,5 kg maximum", "2 litres or more", "30厘米以下" → a bound on the number column
that measures that dimension (``weight_g``, ``capacity_l``, ``height_cm``, ``watts``), converted
into the column's own unit (read from its name: "weight_kg" counts kilograms).

A number with a unit is never a price: a measure whose dimension no column holds is still cut
from the request (with a note), so "a tripod under 1.5 kg" does not become "price under 1.5".
Written by hand: unit libraries (pint) convert units but do not read them in shoppers' words in
five languages, nor pick a table's column; the table of units below is all this needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial

from xmr_agent.agent import lexicon as lx
from xmr_agent.agent import numbers as nb
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.numbers import Parse, number_value
from xmr_agent.agent.query import CrossModalQuery, Filter, Op, loose_note

#: Unit words → (dimension, size in the dimension's base unit: g, mm, ml, minutes, W).
UNITS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("g", "gr", "gram", "grams", "gramme", "grammes", "gramm", "gramos", "gramo", "克"), ("mass", 1.0)),
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes", "kilogramm",
                     "kilogramos", "公斤", "千克"), ("mass", 1000.0)),
    **dict.fromkeys(("lb", "lbs"), ("mass", 453.6)), "oz": ("mass", 28.35),
    **dict.fromkeys(("mm", "millimetre", "millimetres", "millimeter", "millimeters", "毫米"), ("length", 1.0)),
    **dict.fromkeys(("cm", "centimetre", "centimetres", "centimeter", "centimeters", "zentimeter", "centímetros",
                     "厘米", "公分"), ("length", 10.0)),
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters", "mètre", "mètres", "metro", "metros", "米"),
                    ("length", 1000.0)),
    **dict.fromkeys(("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers", "kilomètre", "kilomètres",
                     "kilómetro", "kilómetros", "公里", "千米"), ("length", 1e6)),
    **dict.fromkeys(("mile", "miles", "mi", "milles", "meilen", "meile", "millas", "milla", "英里"), ("length", 1.609e6)),
    **dict.fromkeys(("inch", "inches", "zoll", "pouces", "pulgadas", "英寸"), ("length", 25.4)),
    **dict.fromkeys(("ft", "feet", "foot"), ("length", 304.8)),
    **dict.fromkeys(("ml", "millilitre", "millilitres", "milliliter", "milliliters", "毫升"), ("volume", 1.0)),
    "cl": ("volume", 10.0),
    **dict.fromkeys(("l", "litre", "litres", "liter", "liters", "litro", "litros", "升"), ("volume", 1000.0)),
    **dict.fromkeys(("min", "mins", "minute", "minutes", "minuten", "minutos", "分钟"), ("time", 1.0)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "heure", "heures", "stunde", "stunden", "hora", "horas", "小时"),
                    ("time", 60.0)),
    **dict.fromkeys(("day", "days", "jour", "jours", "tage", "tagen", "día", "días", "dia", "dias", "天"),
                    ("time", 1440.0)),
    **dict.fromkeys(("week", "weeks", "semaine", "semaines", "woche", "wochen", "semana", "semanas", "周", "星期",
                     "个星期"), ("time", 10080.0)),
    **dict.fromkeys(("month", "months", "mois", "monat", "monate", "monaten", "mes", "meses", "个月"), ("time", 43830.0)),
    **dict.fromkeys(("w", "watt", "watts", "vatio", "vatios", "瓦", "瓦特"), ("power", 1.0)), "kw": ("power", 1000.0),
    **dict.fromkeys(("mah", "毫安", "毫安时", "milliamps", "milliamp", "milliampere", "milliamperes"), ("charge", 1.0)),
    **dict.fromkeys(("mb", "megabyte", "megabytes"), ("data", 1.0)),
    **dict.fromkeys(("gb", "go", "gigabyte", "gigabytes", "gigaoctets", "giga"), ("data", 1024.0)),
    **dict.fromkeys(("tb", "terabyte", "terabytes", "téraoctets"), ("data", 1048576.0)),
    **dict.fromkeys(('"', "″", "寸"), ("length", 25.4)),
    **dict.fromkeys(("m²", "m2", "sqm", "square metres", "square meters", "mètres carrés", "quadratmeter", "qm",
                     "metros cuadrados", "平方米", "平米"), ("area", 1.0)), **dict.fromkeys(("sq ft", "sqft"), ("area", 0.0929)),
    **dict.fromkeys(("cm²", "cm2", "square centimetres", "square centimeters", "平方厘米"), ("area", 0.0001)),
    **dict.fromkeys(("knots", "kts", "nœuds", "noeuds", "knoten", "nudos", "节"), ("speed", 1.852)),
    **dict.fromkeys(("km/h", "kmh", "kph"), ("speed", 1.0)), "mph": ("speed", 1.609),
}
#: Years, read in a request only for a column that counts years (:func:`_in_years`): "10 years warranty".
YEARS = frozenset({"year", "years", "yr", "yrs", "ans", "année", "années", "jahr", "jahre", "jahren", "año", "años",
                   "anos", "年"})
#: Words of a column's name that make it a count of years ("Warranty", "Garantie (Jahre)").
_YEARS_COUNTED = frozenset({"warranty", "guarantee", "garantie", "garantía", "garantia", "gewährleistung"})
#: Units read from a column's name only, too short or common to be read in a request ("screen_in"),
#: except right after a number ("15in", "12kn").
NAME_UNITS = {"in": ("length", 25.4), "wk": ("time", 10080.0), "wks": ("time", 10080.0), "kn": ("speed", 1.852)}
#: Words of a column's name that say what dimension it measures when it names no unit.
DIMENSION_WORDS = {"weight": "mass", "mass": "mass", "poids": "mass", "gewicht": "mass", "peso": "mass",
                   "height": "length", "width": "length", "length": "length", "depth": "length", "diameter": "length",
                   "size": "length", "resistance": "length", "mileage": "length", "odometer": "length", "capacity": "volume", "volume": "volume",
                   "duration": "time", "runtime": "time", "battery": "time", "power": "power", "watts": "power"}
#: Words of a request that point at one of several columns of a dimension ("tall" → height).
HINTS = {"tall": "height", "high": "height", "grande": "height", "hoch": "height", "haut": "height", "高": "height",
         "wide": "width", "across": "diameter", "breit": "width", "large": "width", "ancho": "width",
         "deep": "depth", "long": "length", "lang": "length", "heavy": "weight", "light": "weight",
         "water": "water", "waterproof": "water", "dive": "water", "diving": "water", "étanche": "water",
         "wasserdicht": "water", "sumergible": "water", "防水": "water", "pot": "pot", "case": "case",
         "battery": "battery", "batterie": "battery", "akku": "battery", "batería": "battery", "电池": "battery",
         "carry": "load", "carries": "load", "rider": "load", "payload": "load", "rated": "load", "hold": "load",
         "holds": "load", "support": "load", "supports": "load", "withstand": "load", "withstands": "load", "take": "load",
         "takes": "load",
         "user": "load", "users": "load", "person": "load", "someone": "load", "runner": "load", "guy": "load",
         "aushält": "load", "aushalten": "load", "hält": "load", "trägt": "load", "belastbar": "load",
         "aguante": "load", "aguanta": "load", "soporta": "load", "soporte": "load", "alguien": "load",
         "supporte": "load", "supporter": "load", "quelqu'un": "load", "jemand": "load"}
#: The parts of a column's name that a hint of a load names ("User limit (kg)", "Max load (kg)").
LOAD_PARTS = frozenset({"load", "limit", "capacity", "user", "max", "payload", "rider"})
#: Comparatives before "than": lower or higher ("lighter than 400 g", "taller than 1 m").
_LESS = r"lighter|smaller|shorter|lower|thinner|slimmer|narrower|less|fewer|leichter|kleiner|kürzer|plus légère?s?|plus petite?s?|plus courte?s?|más liger[oa]s?|más pequeñ[oa]s?|más cort[oa]s?"
_MORE = r"heavier|bigger|larger|taller|longer|higher|wider|deeper|more|schwerer|größer|länger|höher|plus grande?s?|plus haute?s?|plus longu?e?s?|más grandes?|más alt[oa]s?|más larg[oa]s?"
_NUM = (r"(\d{1,3}(?:[ ,.]\d{3})+(?![\d])|\d+(?:[.,]\d{1,3})?(?:[kK](?![a-zA-Z]))?|half(?: an?)?|medio|media|demi|halbe[nm]?|半|"
        r"an?|one|une?|ein(?:e[mn]?)?|un[oa]?)")
_UNIT = "|".join(sorted((re.escape(u) for u in [*UNITS, *YEARS]), key=len, reverse=True))
_MEASURE = rf"{_NUM}(?:\s*|-)({_UNIT})(?![a-zA-Z\u00c0-\u024f])"  # "at least 10-year"
_CJK_UNIT = re.compile(r"[\u3400-\u9fff]")


def measures(parse: Parse, facets: Facets) -> None:
    """Bounds with units ("under a kilo", "5 kg or less", "mehr als 2 Liter") → conditions on the
    column of that dimension, in its unit; measures no column holds are cut and noted."""
    bounds: list[tuple[str, Op, bool]] = [
        (rf"(?:{_LESS})\s+(?:than|als|que)", "<", True), (rf"(?:{_MORE})\s+(?:than|als|que)", ">", True),
        (lx.AT_MOST, "<=", True), (lx.BELOW, "<", True), (lx.AT_LEAST, ">=", True), (lx.ABOVE, ">", True),
        (lx.BELOW_AFTER, "<=", False), (lx.ABOVE_AFTER, ">=", False),
        (r"(?:minimum|min|mínim[oa]|minimale?)\s+(?:[^\W\d_]+\s+){1,2}?(?:of|de|von|:)", ">=", True),  # "a minimum
        (r"(?:maximum|max|máxim[oa]|maximale?)\s+(?:[^\W\d_]+\s+){1,2}?(?:of|de|von|:)", "<=", True)]  # blade length of 22 cm"
    for words, op, prefix in bounds:
        found = lx.pattern(words, after=rf"\s*{_MEASURE}") if prefix else \
            re.compile(rf"(?<![^\W\u3400-\u9fff]|[.,]){_MEASURE}\s*(?:{words})", re.IGNORECASE)  # "电池5000毫安以上"
        for m in found.finditer(parse.scan):
            denied = _DENIED.search(parse.scan, 0, m.start()) if prefix else None  # "nothing longer than 4 weeks"
            if denied and op in _FLIPPED:
                parse.cut(denied.span())
            said = [g for g in m.groups() if g is not None][-2:]  # the Latin or the CJK alternative's groups
            _bound(parse, facets, _FLIPPED[op] if denied and op in _FLIPPED else op, said[0], said[1], m)
    loads = [f.column for f in facets.values() if f.kind == "number" and set(name_parts(f.column)) & {"load", "capacity", "payload"}]
    for m in _CARRIED.finditer(parse.scan) if loads else ():  # "can carry someone who weighs 130 kg": max load
        said = [g for g in m.groups() if g is not None][-2:]
        dimension, size = UNITS.get(said[1].lower(), ("", 0.0))
        own = own_size(loads[0], dimension) if dimension in dimensions(loads[0]) else None
        if own:
            flt = Filter(column=loads[0], op=">=", value=round(_value(said[0]) * size / own, 3))
            parse.filters.append(flt)
            parse.notes.append(f"{flt} from {m.group(0).strip()!r}")
            parse.cut(m.span())
    exact(parse, facets)


#: A measure of the item itself, with no bound: "a 12 m² kite", "16 inch tyres", "en 15 pouces", "15in".
_EXACT = re.compile(rf"(?<![\w.,/])(\d+(?:[.,]\d+)?)(?:\s*({_UNIT})|({'|'.join(NAME_UNITS)}))(?![a-zA-Z\u00c0-\u024f²])",
                    re.IGNORECASE)
#: ... unless it measures something of the user's ("my 30 kg dog", "mon sac de 40 l").
_THEIRS = re.compile(r"(?<![^\W\d_])(?:my|our|mon|ma|notre|mein\w*|unser\w*|mi|nuestr[oa])\s+(?:[^\W\d_]+\s+){0,3}$",
                     re.IGNORECASE)
#: The share of titles saying a column's value that makes it the measure people name ("Pot 17 cm": the diameter).
TITLED_SHARE = 0.3
#: How far from an exact measure an item may be ("a 15 inch laptop": 15.6 inches).
EXACT_SHARE = 0.05
#: Words of a column's name that make it what an item can do at most (a range, a maximum load): a measure said for it is a need.
CAPABILITY_PARTS = frozenset({"range", "max", "maximum", "reach", "autonomy", "reichweite", "autonomie", "autonomía"})


def exact(parse: Parse, facets: Facets) -> None:
    """A measure said with no bound ("a 12 m² kite", "16 inch tyres") → the items within
    :data:`EXACT_SHARE` of it on the column of that dimension, read loosely; on a pair of columns
    of a range ("wind_min_kn", "wind_max_kn": "about 8 knots") → the items whose range holds it.
    Durations are left to the words around them ("a 3 day trip" is no item's measure)."""
    for m in _EXACT.finditer(parse.scan):
        unit = m.group(2) or m.group(3)
        dimension, size = UNITS.get(unit.lower(), NAME_UNITS.get(unit.lower(), ("", 0.0)))
        if dimension in ("", "time") or _THEIRS.search(parse.scan[:m.start()]):
            continue
        amount = number_value(m.group(1)) * size
        said_in = partial(_in_unit, amount, dimension=dimension, size=size)
        ranged = _range_pair(facets, dimension)
        column = None if ranged else dimension_column(facets, dimension, parse.scan, size)
        if ranged:
            flts = [Filter(column=ranged[0], op="<=", value=said_in(ranged[0])),
                    Filter(column=ranged[1], op=">=", value=said_in(ranged[1]))]
        elif column is not None and set(name_parts(column)) & CAPABILITY_PARTS:  # "about 10 km each way": a range that
            flts = [Filter(column=column, op=">=", value=said_in(column))]  # covers it, not one of about 10 km
        elif column is not None:
            flts = [Filter(column=column, op=">=", value=said_in(column, -EXACT_SHARE)),
                    Filter(column=column, op="<=", value=said_in(column, EXACT_SHARE))]
        else:
            continue
        parse.filters += flts
        parse.notes += [*(loose_note(f) for f in flts), f"{' and '.join(map(str, flts))} from {m.group(0).strip()!r}"]
        parse.cut(m.span())


def _range_pair(facets: Facets, dimension: str) -> tuple[str, str] | None:
    """The one pair of number columns of ``dimension`` that bound a range (``wind_min_kn``,
    ``wind_max_kn``), if there is one."""
    columns = [f.column for f in facets.values() if f.kind == "number" and dimension in dimensions(f.column)]
    lows = {tuple(p for p in name_parts(c) if p != "min"): c for c in columns if "min" in name_parts(c)}
    pairs = [(lows[key], c) for c in columns if "max" in name_parts(c)
             for key in [tuple(p for p in name_parts(c) if p != "max")] if key in lows]
    return pairs[0] if len(pairs) == 1 else None


def _in_unit(amount: float, column: str, share: float = 0.0, *, dimension: str, size: float) -> float | int:
    """``amount`` (in the dimension's base unit) in ``column``'s own unit (else as said, of ``size``),
    ``share`` more or less, rounded."""
    value = round(amount / (own_size(column, dimension) or size) * (1 + share), 3)
    return int(value) if value == int(value) else value


#: A weight to carry, said without a bound: "someone who weighs 130 kg", "a rider of 90 kg".
_CARRIED = re.compile(rf"\b(?:weighs?|weighing|rider of|person of|someone of|pèse|wiegt|pesa)\s+(?:about\s+)?{_MEASURE}",
                      re.IGNORECASE)


#: A negation right before a comparative: "nothing longer than", "not heavier than", "rien de plus long que".
_DENIED = re.compile(r"(?<![^\W\d_])(?:nothing|not|no|nichts|nicht|rien(?: de)?|pas|nada)\s*$", re.IGNORECASE)
_FLIPPED: dict[Op, Op] = {"<": ">=", ">": "<="}


#: A percentage: "80% cocoa", "at least 40 %", "70 pour cent", "zu 85 Prozent".
_PERCENT = r"\s*(?:%|per ?cent|pour ?cent|prozent|por ?ciento)"


def percents(parse: Parse, facets: Facets) -> None:
    """A bound on a percentage ("at least 80% cocoa", "cocoa over 70%", "80 % or more") → a
    condition on the number column a word next to it names (``cocoa``), else on the one column
    named as a share (``abv``, ``cocoa_pct``); never a price."""
    numbers = [f.column for f in facets.values() if f.kind == "number"]
    shares = [c for c in numbers if set(name_parts(c)) & {"pct", "percent", "percentage", "abv", "share"}]
    bounds: list[tuple[str, Op, bool]] = [(lx.AT_MOST, "<=", True), (lx.BELOW, "<", True), (lx.AT_LEAST, ">=", True),
                                         (lx.ABOVE, ">", True), (lx.BELOW_AFTER, "<=", False), (lx.ABOVE_AFTER, ">=", False)]
    word = r"(?:\s+(?:of\s+|de\s+|d')?([^\W\d_]{3,}))?"
    for words, op, prefix in bounds:
        found = lx.pattern(words, after=rf"\s*(\d+(?:[.,]\d+)?){_PERCENT}{word}") if prefix else \
            re.compile(rf"(?<![\w.,])(\d+(?:[.,]\d+)?){_PERCENT}\s*(?:{words}){word}", re.IGNORECASE)
        for m in found.finditer(parse.scan):
            said = [g for g in m.groups() if g is not None]
            before = re.findall(r"[^\W\d_]{3,}", parse.scan[max(0, m.start() - 20):m.start()])[-1:]
            named = [c for c in numbers for w in [*said[1:], *before] if w.lower().rstrip("s") in name_parts(c)]
            column = named[0] if named else shares[0] if len(shares) == 1 else None
            parse.cut(m.span())
            if column is None:
                parse.notes.append(f"{m.group(0).strip()!r}: no one column of this table is a percentage")
                continue
            parse.filters.append(Filter(column=column, op=op, value=number_value(said[0])))
            parse.notes.append(f"{column} {op} {said[0]} from {m.group(0).strip()!r}")


def named_bounds(parse: Parse, facets: Facets) -> None:
    """A bound or range on a number said before (or just after) a word of a number column's name
    that no unit table holds ("over 50,000 SHU": ``heat_shu``, "1万到5万SHU之间", "at least 61 keys",
    "more keys, at least 61"): a condition on that column, never a price."""
    numbers = {p: f.column for f in facets.values() if f.kind == "number" for p in name_parts(f.column)
               if len(p) >= 2 and p not in UNITS and p not in NAME_UNITS and not p.isdigit()
               and not re.fullmatch(nb.CUR, f"{p}s", re.IGNORECASE)}  # `Peso (g)`: "1200 pesos" is a price
    if not numbers:
        return
    word = rf"\s*({'|'.join(sorted(map(re.escape, numbers), key=len, reverse=True))})s?(?![a-zA-Z\u00c0-\u024f])"
    between = re.compile(rf"(?:{lx.BETWEEN})?\s*{nb.NUM}\s*(?:{lx.AND})\s*{nb.NUM}{word}", re.IGNORECASE)
    for m in between.finditer(parse.scan):
        low, high, said = m.group(1), m.group(2), m.group(3)
        column = numbers[said.lower()]
        parse.filters += [Filter(column=column, op=">=", value=nb.number_value(low)),
                          Filter(column=column, op="<=", value=nb.number_value(high))]
        parse.notes.append(f"{column} {low}–{high} from {m.group(0).strip()!r}")
        parse.cut(m.span())
    named = rf"({'|'.join(sorted(map(re.escape, numbers), key=len, reverse=True))})s?"
    for words, op in ((lx.AT_MOST, "<="), (lx.BELOW, "<"), (lx.AT_LEAST, ">="), (lx.ABOVE, ">")):
        after = re.compile(rf"(?<![^\W\d_]){named}[\s,:]+(?:{words})\s*{nb.NUM}(?!\s*(?:{nb.CUR}|[^\W\d_]))", re.IGNORECASE)
        for m in [*lx.pattern(words, after=rf"\s*{nb.NUM}{word}").finditer(parse.scan), *after.finditer(parse.scan)]:
            found = [g for g in m.groups() if g is not None][-2:]
            number, said = found if found[0][:1].isdigit() or lx.has_cjk(found[0][:1]) else found[::-1]
            flt = Filter(column=numbers[said.lower()], op=op, value=nb.number_value(number))  # type: ignore[arg-type]
            parse.filters.append(flt)
            parse.notes.append(f"{flt} from {m.group(0).strip()!r}")
            parse.cut(m.span())


def _value(number: str) -> float:
    """"a" is one, "half a" a half; else as :func:`~xmr_agent.agent.numbers.number_value` reads it ("50k", "50,000")."""
    if number.lower() in ONE:
        return 1.0
    return 0.5 if number.lower().split()[0] in HALF else number_value(number)


#: One said as a word: "under a kilo", "moins d'un kilo", "unter einem Kilo", "menos de un kilo".
ONE = frozenset({"a", "an", "one", "un", "une", "ein", "eine", "einem", "einen", "uno", "una"})
#: "half a kilo", "medio kilómetro", "un demi-litre", "einen halben Meter", "半公斤".
HALF = frozenset({"half", "medio", "media", "demi", "halbe", "halben", "halbem", "半"})


def _bound(parse: Parse, facets: Facets, op: Op, number: str, unit: str, m: re.Match[str]) -> None:
    amount = _value(number)
    if unit.lower() in YEARS:  # "at least 10 years warranty"; not "less than 5 years old": a year of make, an age, read after
        if (years := _in_years(facets)) and not re.match(r"\s*(?:old|alt|vieux|de antigüedad)\b", parse.scan[m.end():]):
            parse.cut(m.span())
            parse.filters.append(Filter(column=years, op=op, value=int(amount) if amount == int(amount) else amount))
            parse.notes.append(f"{years} {op} {amount:g} from {m.group(0).strip()!r}")
        return
    dimension, size = UNITS.get(unit.lower(), UNITS.get(unit, ("", 0.0)))
    if not dimension or (len(unit) == 1 and not _CJK_UNIT.match(unit) and amount == 1.0 and number.isalpha()):
        return  # "under a m…": no measure
    column = dimension_column(facets, dimension, parse.scan, size)
    ranged = _range_pair(facets, dimension)  # "30 knots or more": wind_max_kn >= 30, "or less": wind_min_kn <= 30
    column = column or (None if ranged is None else ranged[1] if op in (">", ">=") else ranged[0])
    parse.cut(m.span())
    if column is None:
        parse.notes.append(f"{m.group(0).strip()!r}: no one column of this table is measured in {unit}")
        return
    own = own_size(column, dimension)
    value = round(amount * size / own, 3) if own else amount
    parse.filters.append(Filter(column=column, op=op, value=int(value) if value == int(value) else value))
    parse.notes.append(f"{column} {op} {value:g} from {m.group(0).strip()!r}")


def _in_years(facets: Facets) -> str | None:
    """The one number column counted in years ("warranty_yrs", "Garantie"): a bound of years said is on it ("at
    least 10 years warranty", "mindestens 10 Jahren Garantie"), never on a duration in hours or a year of make."""
    columns = [f.column for f in facets.values() if f.kind == "number" and (
        set(name_parts(f.column)) & _YEARS_COUNTED or len(name_parts(f.column)) > 1 and set(name_parts(f.column)) & YEARS)]
    return columns[0] if len(columns) == 1 else None


def _hint(word: str) -> str:
    """The part of a column's name ``word`` points at ("taller" → height), else the word."""
    return next((HINTS[w] for w in (word, word[:-1], word[:-2], word[:-3]) if w in HINTS), word)


def name_parts(column: str) -> list[str]:
    return [p for p in re.split(r"[_\W]+", column.lower()) if p]


def dimensions(column: str) -> set[str]:
    """What ``column`` measures: the dimensions of the units its name gives ("net_qty_ml_g": a volume
    or a mass), else of a word of it ("weight")."""
    parts, units = name_parts(column), {**NAME_UNITS, **UNITS}
    named = {units[p][0] for i, p in enumerate(parts) if p in units and (p != "min" or i == len(parts) - 1)} \
        if len(parts) > 1 else set()  # "wind_min_kn": no minutes
    if len(named) > 1 and named != {"volume", "mass"}:  # a rate ("coverage_m2_l") measures none of them
        return set()
    return named or {DIMENSION_WORDS[p] for p in parts if p in DIMENSION_WORDS}


def own_size(column: str, dimension: str) -> float | None:
    """The size of the unit ``column`` is counted in (from its name), or ``None`` when it names none."""
    parts = name_parts(column)
    units = {**NAME_UNITS, **UNITS}
    return next((units[p][1] for p in reversed(parts) if p in units and units[p][0] == dimension and len(parts) > 1),
                None)


def dimension_column(facets: Facets, dimension: str, text: str, size: float = 0.0) -> str | None:
    """The number column of ``dimension``; of several, the one counted in the unit said (of
    ``size``: "16 inch" → ``rim_in``, not ``width_mm``), else the one a word of ``text`` points at."""
    columns = [f.column for f in facets.values() if f.kind == "number" and dimension in dimensions(f.column)]
    if len(columns) <= 1:
        return columns[0] if columns else None
    counted = [c for c in columns if size and own_size(c, dimension) == size]
    if len(counted) == 1:
        return counted[0]
    said = {_hint(w) for w in re.findall(r"[^\W\d_]+", text.lower()) if w not in UNITS} | \
        {HINTS[c] for c in text if c in HINTS}
    said |= LOAD_PARTS if "load" in said else set()
    pointed = [c for c in columns if said & set(name_parts(c))]
    if len(pointed) == 1:
        return pointed[0]
    titled = [c for c in pointed or columns if facets[c].titled >= TITLED_SHARE]  # "a pot about 17 cm": the
    if len(titled) == 1:  # diameter, the measure the shop's titles say ("Classic Terracotta Pot 17 cm")
        return titled[0]
    main = [c for c in pointed or columns if {"height", "length", "size", "weight"} & set(name_parts(c))]  # "a plant
    # over 50 cm"; "a scooter under 12 kg": its weight, not its max load
    return main[0] if len(main) == 1 else None


def kind_measure(query: CrossModalQuery, facets: Facets) -> CrossModalQuery:
    """A bound on a measure moved to the column of its dimension that the titles of the kind asked
    for say ("a gas canister of at least 400 g": ``net_fuel_g``, the canisters' titles say "Power Gas
    450 g"; a stove under 50 g keeps ``weight_g``), converted to that column's unit."""
    kinds: dict[str, set[str]] = {}
    for flt in query.filters:
        if flt.hard and flt.op == "=" and isinstance(flt.value, str):
            kinds.setdefault(flt.column, set()).add(flt.value.lower())
    filters, notes = list(query.filters), list(query.notes)
    for i, flt in enumerate(filters):
        said = {(c, v) for c, values in kinds.items() for v in values}
        if not said or flt.op not in ("<", "<=", ">", ">=") or not (shared := dimensions(flt.column)) \
                or flt.column not in facets or said <= facets[flt.column].titled_in:
            continue
        other = [c for c, f in facets.items() if c != flt.column and f.kind == "number" and said <= f.titled_in
                 and dimensions(c) & shared]
        if len(other) != 1 or not isinstance(flt.value, (int, float)):
            continue
        dimension = next(iter(dimensions(other[0]) & shared))
        mine, theirs = own_size(flt.column, dimension), own_size(other[0], dimension)
        value = round(flt.value * mine / theirs, 3) if mine and theirs else flt.value
        filters[i] = flt.model_copy(update={"column": other[0], "value": int(value) if value == int(value) else value})
        notes.append(f"{other[0]} in place of {flt.column}: the measure the titles of {', '.join(sorted(v for _, v in said))} say")
    return query.model_copy(update={"filters": tuple(filters), "notes": tuple(notes)}) if len(notes) > len(query.notes) \
        else query


#: Words a one-letter size or scale stands next to: "N gauge", "Spur N", "talla M", "N比例".
SIZE_WORDS = ("size|sizes|scale|gauge|taille|pointure|échelle|echelle|talla|escala|größe|grösse|groesse|spur|maßstab|"
              "massstab|class|classe|clase|klasse|grade|尺码|尺寸|比例|号|级")


def lettered(text: str, facets: Facets) -> Iterable[tuple[Facet, str, tuple[int, int]]]:
    """Values of one or two letters written in capitals: two-letter ones anywhere ("CD", "XL", "OO"),
    one-letter ones next to a word of size or scale ("an N gauge loco", "en escala N", "taille S"),
    so that no "A" or "I" of a sentence names one."""
    for facet in facets.values():  # or a word of the column's own name ("Impulse class": "a class C motor")
        near = "(?i:" + "|".join([SIZE_WORDS, *(re.escape(w) for w in re.split(r"[_\W]+", facet.column) if len(w) > 3)]) + ")"
        for value in (v for v in facet.values if len(v) <= 2 and v.isalpha()) if facet.categorical else ():
            letters = rf"(?<![A-Za-z0-9])({re.escape(value.upper())})(?![A-Za-z0-9])"
            said = letters if len(value) == 2 else rf"{near}\s*[-:]?\s*{letters}|{letters}(?=[\s-]*{near})"
            for m in re.finditer(said, text):
                yield facet, facet.canonical[value], m.span()  # with the word of size: "en escala N" is a condition
