"""Countries by the names a catalogue writes them with ("UK", "United States", "Japan"), each with its names in
French, German, Spanish and Chinese ("Reino Unido", "Vereinigtes Königreich", "英国"): a column of origins written
in English is then named in any of the five languages, and one written in another language by its English name.

The names come from :mod:`pycountry` (ISO 3166 and its translations); without it (the ``multilingual`` extra is not
installed) no country has other names.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Languages whose country names are read (gettext locales of pycountry).
LOCALES = ("fr", "de", "es", "zh_CN")
#: Short or other English names catalogues use, by ISO 3166 alpha-2 code.
ALIASES = {"GB": ("uk", "britain", "great britain", "england"), "US": ("usa", "america", "united states of america"),
           "KR": ("korea", "south korea"), "NL": ("holland",), "CZ": ("czech republic",), "RU": ("russia",),
           "TW": ("taiwan",), "VN": ("vietnam",), "IR": ("iran",), "BO": ("bolivia",), "VE": ("venezuela",),
           "TZ": ("tanzania",)}

#: What is made in a country, in the five languages (stems of the adjectives; endings are read): "German glass",
#: "Glas aus deutscher Herstellung", "verre allemand", "fléchettes japonaises". Not "English" (a language too).
DEMONYMS = {"DE": ("german", "deutsch", "allemand", "alem[aá]n"), "FR": ("french", "franz[öo]sisch", "fran[çc]ais",
            "franc[ée]s"), "JP": ("japanese", "japanisch", "japonais", "japon[ée]s"), "IT": ("italian", "italienisch",
            "italien", "italian"), "ES": ("spanish", "spanisch", "espagnol", "español"), "GB": ("british", "britisch",
            "britannique", "brit[aá]nic[oa]"), "US": ("american", "amerikanisch", "am[ée]ricain", "estadounidense"),
            "CN": ("chinese", "chinesisch", "chinois", "chin[oa]"), "NL": ("dutch", "niederl[äa]ndisch", "n[ée]erlandais",
            "holand[ée]s"), "CH": ("swiss", "schweizer", "suisse", "suiz[oa]"), "SE": ("swedish", "schwedisch", "su[ée]dois",
            "suec[oa]"), "BE": ("belgian", "belgisch", "belge", "belga"), "CZ": ("czech", "tschechisch", "tch[èe]que", "chec[oa]"),
            "PL": ("polish", "polnisch", "polonais", "polac[oa]"), "TW": ("taiwanese", "taiwanisch", "taïwanais", "taiwan[ée]s"),
            "KR": ("korean", "koreanisch", "cor[ée]en", "corean[oa]"), "IN": ("indian", "indisch", "indien", "indi[oa]"),
            "CA": ("canadian", "kanadisch", "canadien", "canadiense"), "AU": ("australian", "australisch", "australien",
            "australian[oa]"), "MX": ("mexican", "mexikanisch", "mexicain", "mexican[oa]"), "AT": ("austrian",
            "[öo]sterreichisch", "autrichien", "austr[ií]ac[oa]"), "PT": ("portuguese", "portugiesisch", "portugais",
            "portugu[ée]s"), "IE": ("irish", "irisch", "irlandais", "irland[ée]s")}


@lru_cache(maxsize=1)
def names() -> dict[str, str]:
    """English country name (lower case, as a catalogue may write it) → a pattern of its other names, English ones
    included ("uk": "united kingdom|royaume-uni|reino unido|…"); empty without pycountry."""
    try:
        import gettext

        import pycountry
    except ImportError:
        return {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                    for lang in LOCALES]
    out: dict[str, str] = {}
    for country in pycountry.countries:
        english = [country.name, *(getattr(country, attr) for attr in ("common_name",) if hasattr(country, attr))]
        said = [t.gettext(country.name) for t in translations]
        keys = {n.lower() for n in english if "," not in n} | set(ALIASES.get(country.alpha_2, ()))
        forms = {n.lower() for n in [*english, *said] if "," not in n} | keys  # ("Corée, République de": which?)
        forms = {f for f in forms if f and len(f) >= 2}
        forms |= {rf"{d}(?:e[nrsm]?|s|a|as|o|os)?" for d in DEMONYMS.get(country.alpha_2, ())}  # "deutscher Herstellung"
        for key in keys:
            out[key] = "|".join(f if "(?:" in f else _inflected(f) for f in sorted(forms - {key}, key=len, reverse=True))
    return {k: v for k, v in out.items() if v}


def _inflected(name: str) -> str:
    """A pattern of ``name`` whose adjectives before a noun take any German ending ("Vereinigtes Königreich": "aus
    dem Vereinigten Königreich")."""
    words = name.split()
    return r"\s+".join(re.escape(w[:-len(m.group(0))]) + "(?:e[nrs]?)" if i < len(words) - 1 and (
        m := re.search(r"e[nrs]?$", w)) else re.escape(w) for i, w in enumerate(words))


@lru_cache(maxsize=1)
def translated() -> dict[str, str]:
    """:data:`~xmr_agent.agent.lexicon.TRANSLATED` (colours, languages, other words by their English name) with the
    countries (:func:`names`): read on first use, not when the words are imported."""
    from xmr_agent.agent.lexicon import TRANSLATED

    return {**TRANSLATED, **names()}


def of_demonym(word: str) -> str | None:
    """A pattern of the names of the country ``word`` (lower case) is the demonym of, in the five languages ("canadian":
    Canada, Kanada, canadien …), for a yes/no column "Canadian-made"; ``None`` for no demonym known."""
    code = next((c for c, stems in DEMONYMS.items() if any(re.fullmatch(rf"{s}(?:e[nrsm]?|s|a|as|o|os)?", word) for s in stems)), None)
    if code is None:
        return None
    try:
        import pycountry
    except ImportError:
        return "|".join(DEMONYMS[code])
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return "|".join(DEMONYMS[code])
    name = country.name.lower()
    return "|".join(filter(None, (names().get(name), re.escape(name))))


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Every name of a country in the five languages, lower case, accents kept ("japón", "deutschland", "日本")."""
    return frozenset(n for key, other in names().items() for n in (key, *other.split("|")) if not re.search(r"[\\(\[?]", n))


def countries_valued(values: frozenset[str]) -> bool:
    """Whether most ``values`` are names of countries ("Japón", "Ghana", "Turquía"): a column of origins, whatever its
    name ("Hecho en"), no column of kinds."""
    return sum(v.lower() in country_names() for v in values) * 2 > len(values)

