"""Classes of material a request names ("nothing made of wood", "no metal", "pas de plastique" read through its
translation) and the materials of each, as a shop's column of materials names them (Oak, Pine; Brass, Steel; Nylon):
a class said no to leaves out each of its materials. Written by hand: a few classes shoppers name; WordNet's
hyponyms would bring a corpus download and many senses no shop means.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

#: Class word (stemmed) → materials of its class, as a shop's column of materials names them ("nothing made of wood":
#: not Oak, Pine, Mahogany).
MATERIALS: dict[str, tuple[str, ...]] = {
    "wood": ("oak", "pine", "beech", "walnut", "mahogany", "maple", "birch", "ash", "cherry", "teak", "bamboo", "cedar",
             "elm", "spruce", "poplar", "rosewood", "ebony", "plywood", "olivewood", "acacia", "wooden", "hardwood"),
    "metal": ("steel", "iron", "aluminium", "aluminum", "brass", "copper", "bronze", "zinc", "titanium", "tungsten",
              "chrome", "nickel", "pewter", "lead", "tin", "metallic"),
    "plastic": ("nylon", "polycarbonate", "acrylic", "abs", "pvc", "polypropylene", "polyethylene", "polystyrene", "vinyl",
                "resin", "polymer"),
}
MATERIALS["wooden"], MATERIALS["metallic"], MATERIALS["plastics"] = MATERIALS["wood"], MATERIALS["metal"], MATERIALS["plastic"]
MATERIALS["synthet"] = (*MATERIALS["plastic"], "polyester", "polyamide", "polyurethane", "microfibre", "microfiber",  # "pas en
                        "hollowfibre", "hollowfiber", "elastane", "spandex", "lycra", "neoprene")  # synthétique": no Microfibre
MATERIALS["natur"] = ("cotton", "wool", "linen", "silk", "down", "feather", "hemp", "cashmere", "jute", "merino", "alpaca",
                      "leather", "kapok", "latex", "bamboo")


def of_class(stem: str, words: Sequence[str], stemmed: Callable[[str], str]) -> bool:
    """Whether the ``stemmed`` ``words`` of a value are ``stem`` or, for a class of material, one of its kinds ("wood": Oak)."""
    return stem in words or any(stemmed(m) in words for m in MATERIALS.get(stem, ()))


#: Words that make a material an imitation of another ("Synthetic leather" is no leather).
IMITATION = frozenset({"synthetic", "faux", "imitation", "artificial", "fake", "vegan", "simili", "synthétique", "sintético",
                       "sintética", "kunstleder", "similicuir", "polipiel", "pu"})


def of_kind(words: Sequence[str], value: Sequence[str], stemmed: Callable[[str], str]) -> bool:
    """Whether a value of the ``stemmed`` words ``value`` is of the one said with ``words``: has them all ("gold": Rose
    gold) or is of the class of material they name ("plastic": Polycarbonate), but is no imitation of it ("leather":
    not Synthetic leather)."""
    return (set(words) <= set(value) or len(words) == 1 and of_class(words[0], value, stemmed)) \
        and not imitates(words, value, stemmed)


def imitates(words: Sequence[str], value: Sequence[str], stemmed: Callable[[str], str]) -> bool:
    """Whether a value of the ``stemmed`` words ``value`` is an imitation of the one said with ``words``."""
    return bool((set(value) - set(words)) & _imitation_stems(stemmed))


@lru_cache(maxsize=4)
def _imitation_stems(stemmed: Callable[[str], str]) -> frozenset[str]:
    """:data:`IMITATION` as ``stemmed`` writes it (once, not for every value compared)."""
    return frozenset(stemmed(w) for w in IMITATION)
