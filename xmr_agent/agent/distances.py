"""Distances to places: "near the beach", "près de la plage", "in Strandnähe", "海边的" on a
column of distances to a place (``beach_km``, ``distance_to_centre_m``): at most :data:`NEAR_KM`,
read loosely; "closest to the beach", "the nearest café": sorted by it. The words are here, not
in :mod:`~xmr_agent.agent.lexicon`, because nothing else reads them."""

from __future__ import annotations

import re

from xmr_agent.agent import lexicon as lx
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.numbers import Parse
from xmr_agent.agent.query import Filter, Order, loose_note
from xmr_agent.agent.units import dimensions, name_parts, own_size

#: Places a distance column may be measured to, in other words and languages ("beach_km": la plage).
PLACES = {"beach": r"beach(?:es)?|sea|seaside|coast|plages?|mer|strand|meer|playas?|mar|海滩|沙滩|海边|海",
          "sea": r"sea|seaside|coast|beach|mer|meer|mar|海边|海",
          "centre": r"cent(?:re|er)|city cent(?:re|er)|town|downtown|centre-ville|zentrum|innenstadt|centro|市中心|市区",
          "center": r"cent(?:re|er)|city cent(?:re|er)|town|downtown|centre-ville|zentrum|innenstadt|centro|市中心|市区",
          "station": r"(?:train )?station|gare|bahnhof|estación|车站|火车站", "airport": r"airport|aéroport|flughafen|aeropuerto|机场",
          "lake": r"lakes?|lac|see|lago|湖", "slopes": r"slopes?|pistes?|lifts?|pistas?|skipisten?|滑雪场|雪道",
          "ski": r"slopes?|pistes?|lifts?|pistas?|skipisten?|滑雪场|雪道"}
PLACES.update({alias: PLACES[place] for place, aliases in {  # columns named in other languages: "entfernung_strand_km"
    "beach": ("strand", "plage", "playa", "meer", "mer", "mar", "plages", "playas"), "centre": ("zentrum", "centro", "centreville"),
    "station": ("bahnhof", "gare", "estacion"), "airport": ("flughafen", "aeroport", "aeropuerto"), "lake": ("see", "lac", "lago"),
}.items() for alias in aliases})
#: Words for being near: "near the beach", "près de la plage", "in Strandnähe", "cerca de la playa", "靠近海滩".
NEAR = (r"near|nearby|close to|next to|by|on|walk(?:ing distance)? to|steps from|minutes from|près d[eu]|proche d[eu]|"
        r"à côté d[eu]|au bord d[eu]|en bord d[eu]|à deux pas d[eu]|nahe|in der nähe (?:des|der|vom)|am|an der|beim|"
        r"cerca de(?:l| la| las| los)?|junto a(?:l| la)?|al lado de(?:l| la)?|a pasos de(?:l| la)?|靠近|邻近|离|在")
#: ... the nearest: "closest to the beach", "le plus proche de la plage", "am nächsten", "más cerca de", "离海滩最近".
NEAREST = (r"closest to|nearest(?: to)?|the least far from|le plus proche d[eu]|la plus proche d[eu]|les plus proches d[eu]|"
           r"am nächsten (?:am|an der|zum|zur)|am nächsten|más cerca de(?:l| la)?|最靠近|最近")
#: How near "near" is, in kilometres (read into the column's own unit).
NEAR_KM = 2.0


def near(parse: Parse, facets: Facets) -> None:
    """"near the beach", "cerca de la playa", "海边的" on a column of distances to a place
    (``beach_km``, ``distance_to_centre_m``): at most :data:`NEAR_KM` (giving way when nothing
    is that near); "closest to the beach": sorted by it."""
    for facet in (f for f in facets.values() if f.kind == "number" and "length" in dimensions(f.column)):
        place = next((PLACES[p] for p in name_parts(facet.column) if p in PLACES), None)
        if place is None:
            if set(name_parts(facet.column)) & DISTANCE_WORDS:
                _near_here(parse, facet.column)
            continue
        article = r"(?:\s+(?:the|la|le|les|l'|der|die|das|dem|den|el|la|los|las))?\s*"
        nearest = lx.pattern(NEAREST, after=rf"{article}(?:{place})(?![^\W\d_])").search(parse.scan) or \
            re.search(rf"(?:离|距离?)\s*(?:{place})\s*最近", parse.scan)
        if nearest:
            parse.order = parse.order or Order(column=facet.column, descending=False)
            parse.notes.append(f"{parse.order} from {nearest.group(0).strip()!r}")
            parse.cut(nearest.span())
            continue
        said = lx.pattern(NEAR, after=rf"{article}(?:{place})(?![^\W\d_])").search(parse.scan) or \
            re.search(rf"(?<![^\W\d_])(?:beach|sea)(?:front|side)\b|strandnah\w*|in strandnähe|(?:{place})(?:边|附近|旁)",
                      parse.scan, re.IGNORECASE)
        if said and not any(f.column == facet.column for f in parse.filters):
            own = own_size(facet.column, "length")
            flt = Filter(column=facet.column, op="<=", value=round(NEAR_KM * 1e6 / own, 3) if own else NEAR_KM)
            parse.filters.append(flt)
            parse.notes += [loose_note(flt), f"{flt} from {said.group(0).strip()!r}"]
            parse.cut(said.span())


#: A column of distances to nowhere named ("distance_km"): how far from the user.
DISTANCE_WORDS = frozenset({"distance", "dist", "away", "entfernung", "distancia", "距离"})
#: ... its nearest, said without a place: "the closest café", "离这里最近的", "la plus proche", "el más cercano".
NEAREST_HERE = (r"closest|nearest|least far|plus proches?|le plus près|nächstgelegene[nrs]?|am nächsten|"
                r"más cercan[oa]s?|离这里最近|离我最近|最近的")
#: ... and near: "nearby", "close by", "walking distance", "près d'ici", "in der Nähe", "cerca de aquí", "附近".
NEAR_HERE = (r"nearby|near (?:me|here|by)|close (?:by|to (?:me|here))|within walking distance|walking distance|"
             r"près d'ici|à proximité|pas loin|in der nähe|ganz nah|cerca de aquí|cerca de mí|por aquí cerca|附近|离这里近|离我近")


def _near_here(parse: Parse, column: str) -> None:
    """"the closest café" on a column of distances from the user: sorted by it; "nearby": at
    most :data:`NEAR_KM`, read loosely."""
    nearest = lx.pattern(NEAREST_HERE).search(parse.scan)
    if nearest and parse.order is None:
        parse.order = Order(column=column, descending=False)
        parse.notes.append(f"{parse.order} from {nearest.group(0).strip()!r}")
        parse.cut(nearest.span())
        return
    said = lx.pattern(NEAR_HERE).search(parse.scan)
    if said and not any(f.column == column for f in parse.filters):
        own = own_size(column, "length")
        flt = Filter(column=column, op="<=", value=round(NEAR_KM * 1e6 / own, 3) if own else NEAR_KM)
        parse.filters.append(flt)
        parse.notes += [loose_note(flt), f"{flt} from {said.group(0).strip()!r}"]
        parse.cut(said.span())
