"""Which columns of a catalogue hold kinds of item, and which describe items.

A request that names a kind ("a comedy", "kitchen stuff", "a tent") makes it a condition; one that
names a describing value ("red", "wool") states a preference unless the user makes it a condition
("only red"). Columns are told apart by name (:data:`CATEGORY_COLUMNS`, :data:`ATTRIBUTE_COLUMNS`)
and, in a table that names none as kinds, by their values (:func:`kind_columns`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from xmr_agent.agent.countries import countries_valued
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.lexicon import has_cjk

#: Columns of free descriptive words: a word named from them is a preference, never a hard filter.
DESCRIPTIVE_COLUMNS = frozenset({"tags", "image_tags", "image_labels", "keywords", "labels", "moods", "mood"})
#: How many values a column of kinds found by its values (no known name) has.
MIN_KINDS, MAX_KINDS = 3, 60
#: Columns whose values are kinds of item: naming one ("a comedy", "kitchen stuff") is a condition.
CATEGORY_COLUMNS = frozenset({"category", "categories", "genre", "genres", "type", "kind", "department", "section",
                              "format", "medium", "product_type", "item_type", "class", "media_type", "section_name",
                              "sport", "sports", "activity", "animal", "animals", "species", "pet", "pets", "room",
                              "subcategory", "sub_category", "product_category", "family", "group"})
#: Columns of kinds that say who or what an item is for: "a toy for my dog" is a toy for dogs, "a men's
#: watch" is for men.
FOR_COLUMNS = frozenset({"sport", "sports", "activity", "animal", "animals", "species", "pet", "pets", "room",
                         "gender", "sex", "audience", "for", "target", "who", "age_group"})
#: Columns whose values describe an item (a colour, a language): a preference unless the user
#: makes it a condition ("only red", "in French").
ATTRIBUTE_COLUMNS = frozenset({"colour", "color", "colours", "colors", "material", "materials", "size", "sizes",
                               # the same in French, German, Spanish and Chinese headers
                               "couleur", "farbe", "colores", "颜色", "matiere", "materiau",
                               "stoff", "materiales", "材质", "taille", "große", "groesse", "talla", "tamano", "尺寸",
                               "marque", "marke", "marca", "品牌", "saveur", "geschmack", "sabor", "口味",
                               "brand", "style", "pattern", "finish", "flavour", "flavor", "scent", "shape",
                               "fabric", "language", "languages", "mood", "moods", "tags", "author", "artist",
                               "season", "seasons", "occasion", "theme", "themes", "origin", "country", "shade",
                               "shades", "tone", "hue", "diet", "diets", "dietary", "level", "skill_level",
                               "difficulty", "maker", "makers", "manufacturer", "make", "label", "house", "producer",
                               "vendor", "hersteller", "fabricant", "fabricante", "made_of", "made", "colourway",
                               "colorway", "colourways", "colorways", "teinte", "coloris", "farbton", "tono",
                               "supplier", "suppliers", "fabrikat", "produttore", "proveedor", "fournisseur",
                               "finition", "acabado", "ausfuhrung", "oberflache", "herkunft", "herkunftsland", "land",
                               "origine", "provenance", "pays", "origen", "procedencia", "pais", "产地", "国家", "made_in",
                               "niveau", "nivel", "stufe", "难度", "级别", "duft", "aroma", "parfum", "geruch",
                               "composition", "composicion", "zusammensetzung", "materialien", "materiaux", "成分",
                               "fabrication", "fabricacion", "herstellung", "herstellungsland", "manufacture", "manufactured"})
#: Words in the name of a column of kinds ("Gear type", "Instrument class", "Famille"): among columns
#: of unknown names, one named so holds the kinds.
KIND_WORDS = frozenset({"type", "types", "kind", "kinds", "category", "categories", "family", "group",
                        "famille", "familie", "catégorie", "categorie", "rubrique", "sortiment", "gattung", "kategorie",
                        "warengruppe", "tipo", "clase", "familia", "categoría", "categoria", "department", "dept",
                        "section", "range", "class", "classe", "rayon", "类别", "类型", "分类", "种类", "seccion", "sección",
                        "gama", "gamme", "linea", "línea", "rubro", "departamento", "abteilung", "bereich", "品类", "类目", "门类",
                        "shelf", "shelves", "aisle", "rayonnage", "pasillo", "estante", "regal", "货架"})
#: Names of a column of brands: a brand after "my" is what the thing wanted goes with ("meths for my Trangia").
BRAND_COLUMNS = frozenset({"brand", "brands", "maker", "makers", "manufacturer", "make", "label", "house", "marque",
                           "marke", "marca", "品牌", "hersteller", "fabricant", "fabricante", "producer", "vendor",
                           "supplier", "suppliers", "fabrikat", "produttore", "proveedor", "fournisseur"})


def brand_column(column: str) -> bool:
    """Whether ``column`` holds brands: named as in :data:`BRAND_COLUMNS`, whole or by a part ("brand_name")."""
    low = column.lower()
    return low in BRAND_COLUMNS or any(part in _BRAND_WORDS for part in re.split(r"[_\W]+", low) if part)


#: Words that make a column's name one of brands wherever they stand in it ("brand_name", "marque_fabricant";
#: not "make" of "make_up_type").
_BRAND_WORDS = frozenset({"brand", "brands", "maker", "manufacturer", "marque", "marke", "marca", "hersteller", "品牌"})


#: Describing names that a shop may give its column of kinds when it has no other ("style" of a wine
#: shop: red, white, sparkling, whisky, gin): taken as kinds only then.
KIND_LIKE_ATTRIBUTES = frozenset({"style", "styles", "theme", "themes"})


def kind_columns(facets: Facets) -> frozenset[str]:
    """The (lower-case) names of ``facets``' columns of kinds of item: those named so
    (:data:`CATEGORY_COLUMNS`), else, in a table with none of those names ("dept", "range",
    "line"), the categorical column of a few short values that is no attribute (colour, brand,
    …) nor free tags and has the most values ("dept" of 8 over "power" of 5: a shop sorts its
    items into more kinds than it has of any one property); a column
    named as in :data:`KIND_LIKE_ATTRIBUTES` ("style", "theme") counts among them ("theme" of 7 values over
    "orientation" of 4 in a shop of prints)."""
    names = {c.lower() for c in facets}
    named_so = names & (CATEGORY_COLUMNS - FOR_COLUMNS)
    if named_so - MEDIA_COLUMNS:
        return CATEGORY_COLUMNS | FOR_COLUMNS
    candidates = [c for c in _kind_candidates(facets) if c.lower() not in FOR_COLUMNS] + \
        [c for c in _kind_candidates(facets, named=True, described=True) if c.lower() in KIND_LIKE_ATTRIBUTES]
    if not candidates:
        return CATEGORY_COLUMNS | FOR_COLUMNS
    candidates = [c for c in candidates if not _graded(facets[c].values)] or candidates  # "Impulse class": A … G
    named = [c for c in candidates if _kind_named(c)]  # "gear_type" over "colourway"
    plain = [c for c in named if not set(re.split(r"[_\W]+", c.lower())) & {"class", "classe"}]
    candidates = plain or named or candidates  # "Kit section" over "Impulse class"
    most = max(len(facets[c].values) for c in candidates)
    best = next(c for c in candidates if len(facets[c].values) == most)
    if named_so and not _kind_named(best) and most <= max(len(f.values) for c, f in facets.items() if c.lower() in named_so):
        return CATEGORY_COLUMNS | FOR_COLUMNS  # a "Format" of the kinds' own (Hardcover, Paperback) beside a fewer
    return CATEGORY_COLUMNS | FOR_COLUMNS | {best.lower()}  # valued column; a "Shelf" of film, paper … beside it


#: Names of kinds that may also be a property of items of other kinds: a paper's or a film's "Format" (A4, 35mm)
#: beside a column of kinds ("Rayon", "Shelf"), which is then read as kinds too.
MEDIA_COLUMNS = frozenset({"format", "medium", "media_type"})


#: Words of a property measured in classes: "weight_class", "energy_class" are no kinds of item.
MEASURED_CLASSES = frozenset({"weight", "energy", "size", "age", "price", "power", "speed", "efficiency", "noise", "fire",
                              "protection", "water", "wind", "safety", "insulation", "load", "ip", "eu"})


def _graded(values: frozenset[str]) -> bool:
    """Whether most ``values`` are letters or codes of one or two characters (grades, sizes: "A", "F/G", "XL")."""
    return sum(len(v.replace("/", "").strip()) <= 2 for v in values) * 2 > len(values)


def _kind_named(column: str) -> bool:
    """Whether ``column``'s name says it holds kinds ("Gear type", "Gear class"; not "Weight class")."""
    parts = set(re.split(r"[_\W]+", column.lower()))
    compound = any(p.endswith(end) and len(p) >= len(end) + 3 for p in parts for end in KIND_ENDINGS) or any(  # "Grillart"
        p.endswith(w) for p in parts for w in _CJK_KINDS)  # "宝贝类目", "用品门类"
    return bool(parts & KIND_WORDS or compound) and not (parts & {"class", "classe"} and parts & MEASURED_CLASSES)


#: Last parts of German column names that hold kinds ("Grillart", "Produkttyp", "Artikelgruppe").
KIND_ENDINGS = ("art", "typ", "gruppe", "kategorie", "sorte")
#: The Chinese words of :data:`KIND_WORDS` and :data:`ATTRIBUTE_COLUMNS`: a column's name written without spaces ends
#: in one of kinds ("宝贝类目", "用品门类") and has one of an attribute anywhere ("材质成分").
_CJK_KINDS = tuple(sorted(w for w in KIND_WORDS if has_cjk(w)))
_CJK_ATTRIBUTES = tuple(sorted(w for w in ATTRIBUTE_COLUMNS if has_cjk(w)))


def attribute_columns(facets: Facets) -> frozenset[str]:
    """The (lower-case) names of ``facets``' columns that describe an item rather than say what
    it is: :data:`ATTRIBUTE_COLUMNS`, and, in a table whose kinds are known
    (:func:`kind_columns`), its other categorical columns of a few short values ("power":
    battery, mains, manual)."""
    kinds = kind_columns(facets)
    described = frozenset(c.lower() for c in facets if _described(c))  # "main_colour"
    if not {c.lower() for c in facets} & (kinds - FOR_COLUMNS):
        return ATTRIBUTE_COLUMNS | described
    others = frozenset(c.lower() for c in _kind_candidates(facets, named=True, described=True) if c.lower() not in kinds)
    return (ATTRIBUTE_COLUMNS | described | others) - kinds  # a wine shop's "style" holds its kinds


def _kind_candidates(facets: Facets, *, named: bool = False, described: bool = False) -> list[str]:
    """Categorical columns of a few short values that are no attribute (``described``: also those
    named as attributes) nor free tags (``named``: also those named as kinds)."""
    return [c for c, f in facets.items()
            if (named or c.lower() not in CATEGORY_COLUMNS) and (described or not _described(c))
            and c not in DESCRIPTIVE_COLUMNS and f.categorical and MIN_KINDS <= len(f.values) <= MAX_KINDS
            and all(len(v) <= 40 and len(v.split()) <= 4 for v in f.values) and (described or not colour_valued(f.values))
            and not countries_valued(f.values)]  # "Hecho en": Japón, Ghana …


@lru_cache(maxsize=256)
def colour_valued(values: frozenset[str]) -> bool:
    """Whether most ``values`` are colours ("Red", "Noir", "Grün"): a column of colours, whatever its name ("Finish")."""
    from xmr_agent.agent.lexicon import COLOURS, pattern

    said = pattern("|".join([*COLOURS, *COLOURS.values(), "white", "black", "grey", "gray", "silver", "gold", "brown",
                             "beige", "cream", "ivory", "multi", "multicolour", "multicolor", "clear"]))
    return sum(bool(said.search(v)) for v in values) * 2 > len(values)


def _described(column: str) -> bool:
    """Whether ``column`` is named as an attribute, whole or by a part ("main_colour", "frame_material")."""
    return column.lower() in ATTRIBUTE_COLUMNS or bool(set(re.split(r"[_\W]+", column.lower())) & ATTRIBUTE_COLUMNS) or \
        any(w in column for w in _CJK_ATTRIBUTES)
