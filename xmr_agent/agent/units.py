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

from xmr_agent.agent import lexicon as lx
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.numbers import Parse
from xmr_agent.agent.query import Filter, Op

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
    **dict.fromkeys(("w", "watt", "watts", "瓦"), ("power", 1.0)), "kw": ("power", 1000.0),
}
#: Words of a column's name that say what dimension it measures when it names no unit.
DIMENSION_WORDS = {"weight": "mass", "mass": "mass", "poids": "mass", "gewicht": "mass", "peso": "mass",
                   "height": "length", "width": "length", "length": "length", "depth": "length", "diameter": "length",
                   "size": "length", "resistance": "length", "capacity": "volume", "volume": "volume",
                   "duration": "time", "runtime": "time", "battery": "time", "power": "power", "watts": "power"}
#: Words of a request that point at one of several columns of a dimension ("tall" → height).
HINTS = {"tall": "height", "high": "height", "grande": "height", "hoch": "height", "haut": "height", "高": "height",
         "wide": "width", "across": "diameter", "breit": "width", "large": "width", "ancho": "width",
         "deep": "depth", "long": "length", "lang": "length", "heavy": "weight", "light": "weight",
         "water": "water", "waterproof": "water", "dive": "water", "diving": "water", "étanche": "water",
         "wasserdicht": "water", "sumergible": "water", "防水": "water", "pot": "pot", "case": "case",
         "battery": "battery", "batterie": "battery", "akku": "battery", "batería": "battery", "电池": "battery"}
#: Comparatives before "than": lower or higher ("lighter than 400 g", "taller than 1 m").
_LESS = r"lighter|smaller|shorter|lower|thinner|slimmer|narrower|less|fewer|leichter|kleiner|kürzer|plus légère?s?|plus petite?s?|más liger[oa]s?|más pequeñ[oa]s?"
_MORE = r"heavier|bigger|larger|taller|longer|higher|wider|deeper|more|schwerer|größer|länger|höher|plus grande?s?|plus haute?s?|más grandes?|más alt[oa]s?"
_THAN = r"than|als|que"
_NUM = r"(\d+(?:[.,]\d{1,3})?|an?|one)"
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_MEASURE = rf"{_NUM}\s*({_UNIT})(?![a-zA-Z\u00c0-\u024f])"
_CJK_UNIT = re.compile(r"[\u3400-\u9fff]")


def measures(parse: Parse, facets: Facets) -> None:
    """Bounds with units ("under a kilo", "5 kg or less", "mehr als 2 Liter") → conditions on the
    column of that dimension, in its unit; measures no column holds are cut and noted."""
    bounds: list[tuple[str, Op, bool]] = [
        (rf"(?:{_LESS})\s+(?:{_THAN})", "<", True), (rf"(?:{_MORE})\s+(?:{_THAN})", ">", True),
        (lx.AT_MOST, "<=", True), (lx.BELOW, "<", True), (lx.AT_LEAST, ">=", True), (lx.ABOVE, ">", True),
        (lx.BELOW_AFTER, "<=", False), (lx.ABOVE_AFTER, ">=", False)]
    for words, op, prefix in bounds:
        found = lx.pattern(words, after=rf"\s*{_MEASURE}") if prefix else \
            re.compile(rf"(?<![\w.,]){_MEASURE}\s*(?:{words})", re.IGNORECASE)
        for m in found.finditer(parse.scan):
            _bound(parse, facets, op, _value(m.group(1)), m.group(2), m)


def _value(number: str) -> float:
    return 1.0 if number.lower() in ("a", "an", "one") else float(number.replace(",", "."))


def _bound(parse: Parse, facets: Facets, op: Op, amount: float, unit: str, m: re.Match[str]) -> None:
    dimension, size = UNITS.get(unit.lower(), UNITS.get(unit, ("", 0.0)))
    if not dimension or (len(unit) == 1 and not _CJK_UNIT.match(unit) and amount == 1.0 and m.group(1).isalpha()):
        return  # "under a m…": no measure
    column = _column(facets, dimension, parse.scan)
    parse.cut(m.span())
    if column is None:
        parse.notes.append(f"{m.group(0).strip()!r}: no one column of this table is measured in {unit}")
        return
    own = _own_size(column, dimension)
    value = round(amount * size / own, 3) if own else amount
    parse.filters.append(Filter(column=column, op=op, value=int(value) if value == int(value) else value))
    parse.notes.append(f"{column} {op} {value:g} from {m.group(0).strip()!r}")


def _hint(word: str) -> str:
    """The part of a column's name ``word`` points at ("taller" → height), else the word."""
    return next((HINTS[w] for w in (word, word[:-1], word[:-2], word[:-3]) if w in HINTS), word)


def _parts(column: str) -> list[str]:
    return [p for p in re.split(r"[_\W]+", column.lower()) if p]


def _dimension(column: str) -> str | None:
    parts = _parts(column)
    for part in reversed(parts):
        if part in UNITS and len(parts) > 1:
            return UNITS[part][0]
    return next((DIMENSION_WORDS[p] for p in parts if p in DIMENSION_WORDS), None)


def _own_size(column: str, dimension: str) -> float | None:
    """The size of the unit ``column`` is counted in (from its name), or ``None`` when it names none."""
    parts = _parts(column)
    return next((UNITS[p][1] for p in reversed(parts) if p in UNITS and UNITS[p][0] == dimension and len(parts) > 1),
                None)


def _column(facets: Facets, dimension: str, text: str) -> str | None:
    """The number column of ``dimension``; of several, the one a word of ``text`` points at."""
    columns = [f.column for f in facets.values() if f.kind == "number" and _dimension(f.column) == dimension]
    if len(columns) <= 1:
        return columns[0] if columns else None
    said = {_hint(w) for w in re.findall(r"[^\W\d_]+", text.lower()) if w not in UNITS} | \
        {HINTS[c] for c in text if c in HINTS}
    pointed = [c for c in columns if said & set(_parts(c))]
    if len(pointed) == 1:
        return pointed[0]
    main = [c for c in pointed or columns if {"height", "length", "size"} & set(_parts(c))]  # "a plant over 50 cm"
    return main[0] if len(main) == 1 else None
