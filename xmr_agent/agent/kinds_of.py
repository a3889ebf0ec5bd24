"""Words a negated word covers: "no meat" leaves out the quiche whose description says bacon, "sans
alcool" the champagne truffles, "nut-free" the almond cake; "vegetarian" said where no column
says it avoids meat, "vegan" meat and what animals give.

A shop's descriptions name the thing (bacon, rum, hazelnut), seldom its class (meat, alcohol,
nuts), and a request says the class. Written by hand: a few food classes shoppers exclude, in
English (a request in another language is read through its translation); WordNet's hyponyms
would cover more classes but bring a large corpus download and many senses no shop means.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Class word (stemmed as :func:`~xmr_agent.agent.values.stem_phrase` stems it) → words of its kinds.
KINDS_OF: dict[str, tuple[str, ...]] = {
    "meat": ("bacon", "ham", "chicken", "beef", "pork", "lamb", "sausage", "chorizo", "salami", "pepperoni",
             "turkey", "duck", "prosciutto", "pancetta", "mince", "steak", "veal", "venison", "lardons", "gelatine"),
    "fish": ("salmon", "tuna", "anchovy", "anchovies", "cod", "mackerel", "sardine", "sardines", "prawn", "prawns",
             "shrimp", "crab", "lobster"),
    "alcohol": ("wine", "beer", "whisky", "whiskey", "rum", "champagne", "prosecco", "gin", "vodka", "brandy",
                "cognac", "liqueur", "kirsch", "bourbon", "sherry", "port", "calvados", "amaretto", "cider"),
    "nut": ("almond", "almonds", "hazelnut", "hazelnuts", "walnut", "walnuts", "pecan", "pecans", "pistachio",
            "pistachios", "cashew", "cashews", "peanut", "peanuts", "macadamia", "praline", "marzipan", "gianduja"),
    "dairy": ("milk", "cheese", "butter", "cream", "yoghurt", "yogurt"),
}
KINDS_OF["alcohol"] += ("alcoholic", "boozy")
#: What a diet said where no column holds it avoids ("vegetarian please": no meat, no fish).
DIETS = {"vegetarian": ("meat", "fish"), "veggie": ("meat", "fish"), "vegan": ("meat", "fish")}
_DIET = re.compile(r"\b(vegetarian|veggie|vegan)s?\b", re.IGNORECASE)


def covered(phrases: Sequence[str]) -> list[str]:
    """``phrases`` and the words of the kinds of each class word among them ("meat": bacon, ham …)."""
    from xmr_agent.agent.values import stem_phrase

    found = list(phrases)
    for phrase in phrases:
        stem = stem_phrase(phrase)
        found += [w for w in KINDS_OF.get(stem, KINDS_OF.get(stem.removesuffix("s"), ())) if w not in found]
    return found


def diet_avoids(text: str, said: set[str]) -> list[str]:
    """The classes a diet named in ``text`` avoids, unless a column says it (``said``: the columns
    and values the request's conditions name, lower case)."""
    m = _DIET.search(text)
    if m is None or any(m.group(1).lower() in s or "vegetarian" in s or "vegan" in s for s in said):
        return []
    return list(DIETS[m.group(1).lower()])
