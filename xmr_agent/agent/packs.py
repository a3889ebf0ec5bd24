"""How many pieces a set or pack holds: "a set of six", "pack of 12", "6-piece", "lot de 6",
"6er-Set", "juego de 6", "6件套" → the whole-number column that counts them (``pieces_per_set``,
``pack_size``, ``pcs``), that many, read loosely (when no item has that many, the count gives way).
The words are here, not in :mod:`~xmr_agent.agent.lexicon`, because nothing else reads them."""

from __future__ import annotations

import re

from xmr_agent.agent import lexicon as lx
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.numbers import NUMBER_WORDS_ELSEWHERE, Parse
from xmr_agent.agent.query import Filter, loose_note

#: Words of a column's name that say it counts the pieces of a set or pack.
PIECE_PARTS = frozenset({"pieces", "piece", "pcs", "pack", "set", "qty", "quantity", "count", "units"})
_WORDS = {**lx.NUMBER_WORDS, **NUMBER_WORDS_ELSEWHERE}
_N = rf"(\d{{1,3}}|{'|'.join(sorted((w for w in _WORDS if not lx.has_cjk(w)), key=len, reverse=True))})"
_SAID = re.compile(rf"\b(?:sets?|packs?|box(?:es)?|lots?|juegos?|paquetes?|packungen?|cajas?)\s+(?:of|de|von|mit)\s+{_N}\b"
                   rf"|\b{_N}[- ]?(?:pieces?|pcs|pack|piece set|er[- ]?(?:set|pack|packung)|teilig(?:e[nrs]?)?)\b"
                   rf"|(\d{{1,3}}|[一二两三四五六七八九十]+)\s*(?:件套|只装|个装|支装|件装)", re.IGNORECASE)


def packs(parse: Parse, facets: Facets) -> None:
    """"a set of six" where a whole-number column counts the pieces of a set: that many, read loosely."""
    columns = [c for c, f in facets.items() if f.kind == "number" and f.integer
               and PIECE_PARTS & set(re.split(r"[_\W]+", c.lower()))]
    for m in _SAID.finditer(parse.scan) if len(columns) == 1 else ():
        said = next(g for g in m.groups() if g).lower()
        number = int(said) if said.isdigit() else _WORDS.get(said) or lx.cjk_number(said)
        if not number:
            continue
        flt = Filter(column=columns[0], op="=", value=number)
        parse.filters.append(flt)
        parse.notes += [f"{flt} from {m.group(0).strip()!r}", loose_note(flt)]
        parse.cut(m.span())
