"""Requests in another language than the catalogue's, read through a translation.

The rule-based parser reads price, negation, superlative and critique words in English, French,
German, Spanish and Chinese, but a request's subject ("eine Pflanze", "un réchaud", "登山杖") must
still be matched with the catalogue's own words (English most often; "Guitarra clásica" in a
Spanish shop); the small multilingual encoder places single foreign nouns poorly. So a request
whose language is not the catalogue's is also translated into the catalogue's language (by an
LLM: the offline Qwen2.5-Coder-1.5B by default) and parsed again, and
:func:`with_translation` joins the two parses: what the original says wins (its numbers, its
columns, its order), the translation adds the kinds, values, order and avoided words the
original parse missed, and its words become a second sub-query for the encoder of the
catalogue's language. A kind named in the translation is a condition, as it is in a request
written in the catalogue's language ("Gartenmöbel" → garden furniture → ``type = furniture``);
tried as a mere preference, the blind suite passed 13 points less. When a mistranslated
condition ("déjeuner" → breakfast) leaves nothing, the conditions give way as usual. A number
the original does not contain is never taken from the translation, and a translation that fails
or looks wrong (empty, many times longer) is dropped with a note: the request is then answered
from its own words, as without a translator.

A hand-written join, not a library's: it is the rules' own query shape that is merged.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Container, Sequence
from typing import Any

from xmr_agent.agent import lexicon
from xmr_agent.agent.lexicon import has_cjk
from xmr_agent.agent.query import CrossModalQuery, Filter, SubQuery
from xmr_agent.agent.values import stem_phrase
from xmr_agent.encoders.language import ENGLISH, catalogue_language, detect_closely
from xmr_agent.errors import LLMError
from xmr_agent.llm.base import LLM
from xmr_agent.prompts import Prompts
from xmr_agent.store.columns import TEXT_FIELDS

#: Language names for the prompt.
NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "zh": "Chinese", "it": "Italian",
         "pt": "Portuguese", "nl": "Dutch", "ja": "Japanese", "ko": "Korean", "ru": "Russian"}
#: Requests longer than this are not translated (the parse of the original words stands).
MAX_CHARS = 400
#: Translations kept per translator.
CACHE = 2048
#: The most kinds of item named to the translating model.
MAX_KINDS = 40
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


class Translator:
    """Translates requests into ``language`` with ``llm`` (its ``translate`` prompt), caching
    the answers. ``__call__`` gives ``None`` when there is nothing to do or the answer is unusable."""

    def __init__(self, llm: LLM, *, prompts: Prompts | None = None, language: str = ENGLISH) -> None:
        self.llm, self.prompts, self.language = llm, prompts or Prompts(), language
        self._cache: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()
        self.last_error: str | None = None

    def __repr__(self) -> str:
        return f"Translator({getattr(self.llm, 'name', type(self.llm).__name__)} → {self.language})"

    def __call__(self, text: str, language: str | None = None, kinds: Sequence[str] = ()) -> str | None:
        """``text`` in ``language`` (the catalogue's; by default this translator's own); ``kinds``: the catalogue's own
        names for its kinds of item, which the model uses where they name what is asked for ("un moulinet" → 渔轮)."""
        text, language = " ".join(text.split()), language or self.language
        if not text or len(text) > MAX_CHARS:
            return None
        named = ", ".join(kinds[:MAX_KINDS])
        key = f"{language}\n{named}\n{text}"
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        messages = self.prompts.render("translate", request=text, language=NAMES.get(language, language), kinds=named)
        try:
            answer = clean(self.llm.complete(messages, max_tokens=2 * len(text) + 24), text, language)
            self.last_error = None if answer else "the model gave no usable translation (empty, too long, a remark or words left untranslated)"
        except LLMError as e:  # not cached: the model may answer next time
            self.last_error = str(e)
            return None
        with self._lock:
            self._cache[key] = answer
            if len(self._cache) > CACHE:
                self._cache.popitem(last=False)
        return answer


def clean(reply: str, original: str, language: str = "") -> str | None:
    """The first line of ``reply`` without quotes and a final full stop, or ``None`` when it is
    empty or more than four times as long as ``original`` (a model that explains instead), or
    keeps Chinese characters in a translation into a ``language`` written without them
    ("Cheapest釉ware": the word it could not read is the one that mattered)."""
    line = next((x.strip() for x in reply.splitlines() if x.strip()), "")
    line = _LABEL.sub("", line).strip("\"'“”«»「」").rstrip(".。").strip()
    if not line or len(line) > 4 * len(original) + 40 or _REFUSAL.search(line):
        return None
    if language and language not in _CJK_LANGUAGES and has_cjk(line):
        return None
    return line


_CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})


#: "Translation: ..." before a reply.
_LABEL = re.compile(r"^\s*(?:english\s+)?translation\s*:\s*", re.IGNORECASE)
#: A reply that talks about the request instead of translating it ("Sorry, but 50 Pfund is not a
#: valid product name"): no translation.
_REFUSAL = re.compile(r"^(?:i'?m\s+)?sorry\b|^i\s+(?:can(?:'|no)t|cannot|am\s+unable)|^as\s+an\s+ai\b|"
                      r"\bnot\s+a\s+valid\b|\bcannot\s+be\s+translated\b|^(?:here\s+is|the)\s+translation\b",
                      re.IGNORECASE)


def needs_translation(text: str, catalogue_language: str | None) -> bool:
    """Whether ``text`` is in another language than the catalogue's (known; one :data:`NAMES` has)."""
    return catalogue_language in NAMES and bool(text.strip()) and detect_closely(text) != catalogue_language


def with_translation(base: CrossModalQuery, other: CrossModalQuery, original: str, translation: str,
                     numeric: Callable[[str], bool], kinds: Container[str] = (),
                     named_by: Callable[[str], bool] | None = None, avoided: Callable[[str], bool] | None = None
                     ) -> CrossModalQuery:
    """``base`` (the parse of the request's own words) with what ``other`` (the parse of its
    translation) adds: filters on columns ``base`` leaves free or, on a column of ``kinds``, only
    denies (a sun hat that is no Panama) (numbers only where ``original``
    has them; ``numeric(column)`` says which columns hold numbers), its order when ``base`` has
    none, its avoided and excluded words, and its words as a sub-query. A translation that leaves
    no subject, only an order, drops the original's leftover words too. ``named_by(value)``: whether the original's
    words name a value of a describing column the translation adds (a small model reads "白色的扇子" as "Silla de
    madera": no wood). ``avoided(value)``: whether a word the original avoids names a value the translation asks for
    ("不要塑料的洒水壶" read as "… en plastique": not plastic); that value is then left out."""
    named: dict[str, list[str]] = {}
    for f in other.filters:
        if f.hard and f.op in ("=", "contains"):
            named.setdefault(f.column, []).append(str(f.value))
    base = base.model_copy(update={"filters": tuple(  # "un casque de ski": "ski helmet" reads the ski as what
        f for f in base.filters if not (f.column in named and f.op in ("=", "contains") and str(f.value) not in named[f.column]
                                        and (str(f.value) in other.context or len(named[f.column]) == 1 and (_part_of(
                                            stem_phrase(str(f.value)).split(), stem_phrase(named[f.column][0]).split())
                                            or _narrows(f, named[f.column][0], base.filters)))))})
    # "chaussures de ski" read as "ski boots": one kind of longer name than the original's word; "un kit de coche":
    # "a car kit", of the kits the word "kit" named
    said = {f.column for f in base.filters}
    refused = {(f.column, str(f.value).lower()) for f in base.filters if f.op in _NEGATIVE}  # "que no sea azul": never blue
    stated = {f.column for f in base.filters if f.op not in _NEGATIVE}  # "un sombrero de paja que no sea panamá":
    denied = {f.column for f in base.filters if f.op in _NEGATIVE}  # a sun hat, not a Panama; "nicht in Creme oder
    described = {w for value in base.context for w in stem_phrase(value).split()}  # kinds that describe another thing
    numbers = {float(n.replace(",", ".")) for n in _NUMBER.findall(original)}  # Weiß": not white, and not cream
    added = [f for f in other.filters if (f.column not in said or f.column in denied and f.op in _NEGATIVE and f not in base.filters
                                          or f.op not in _NEGATIVE and f.column not in stated and f.column.lower() in kinds
                                          and (f.column, str(f.value).lower()) not in refused)
             and _grounded(f, numbers, numeric) and _coloured(f, original) and not _brand_made(f, original)
             and (named_by is None or f.op in _NEGATIVE or numeric(f.column) or f.column.lower() in kinds
                  or any(named_by(str(v)) for v in (f.value if isinstance(f.value, list) else [f.value])))
             and not (f.op not in _NEGATIVE and set(stem_phrase(str(f.value)).split()) & described)]  # "a boules
    # bag": boules describe the bag, whichever boules the translation names
    negated = [f for f in added if f.op in ("=", "contains") and f.column.lower() not in kinds and not numeric(f.column)
               and avoided is not None and avoided(str(f.value))]  # "不要塑料的" → "en plastique": not plastic
    added = [f.model_copy(update={"op": "!=" if f.op == "=" else "not_contains", "hard": True}) if f in negated else f
             for f in added]
    required = {(f.column, f.op, str(f.value).lower()) for f in other.filters if f.hard}
    filters = [f.model_copy(update={"hard": True}) if not f.hard and (f.column, f.op, str(f.value).lower()) in required
               else f for f in base.filters]  # "Tee aus Japan": "tea from Japan" makes it a condition
    queries = list(base.queries)
    words = [q for q in other.queries if q.text and q.modality == "text"]
    if words and any(q.text and q.modality == "text" for q in base.queries):  # the rules found a subject
        first = words[0]
        queries.insert(0, SubQuery(text=first.text, target=first.target, weight=first.weight))
    elif not words and not other.queries and other.order is not None and not (base.avoid or other.avoid):
        # "das längste Buch" → "the longest book" in a bookshop: no subject, only an order; the
        # original's leftover words ("das Buch") name nothing more
        queries = [q for q in queries if not (q.text and q.modality == "text")]
    order = base.order or (other.order if other.order is None or other.order.mode not in ("less", "more")
                           or _compares(original) else None)  # "un ampli" read as "a larger": no comparison
    if base.order and other.order and base.order.column != other.order.column and _names(other.order.column, translation) \
            and not _names(base.order.column, original):  # "die größte Reichweite": the range, not the weight
        order = other.order
    note = f"read in the catalogue's language as {translation!r}"
    return base.model_copy(update={
        "queries": tuple(queries), "filters": (*filters, *added), "order": order, "head": other.head or (  # "la loupe": the translation's head ("magnifier"),
            base.head if base.head and base.head in stem_phrase(translation).split() else None),  # not a title's "Loupe"
        "avoid": tuple(dict.fromkeys((*base.avoid, *other.avoid))),
        "exclude_words": tuple(dict.fromkeys((*base.exclude_words, *other.exclude_words))),
        "context": tuple(dict.fromkeys((*base.context, *other.context))),
        "notes": (*base.notes, note, *(n for n in other.notes if n not in base.notes))})


_NEGATIVE = ("!=", "not_contains", "not_in")


def _compares(text: str) -> bool:
    """Whether ``text`` has a comparative word of the five languages ("moins cher", "größer", "更轻")."""
    return any(lexicon.pattern(words).search(text) for words in (lexicon.CHEAPER, lexicon.PRICIER,
                                                                     *(c[0] for c in lexicon.COMPARATIVES)))


def _brand_made(flt: Filter, original: str) -> bool:
    """Whether ``flt`` names a brand that is an English word the translation made, the request not
    writing it ("要OO比例的" → "OO ratio": no maker Ratio). A translation keeps a brand's name as
    written; a brand written in other letters ("博士能": Bushnell) is no English word."""
    from xmr_agent.agent.columns import brand_column
    from xmr_agent.agent.values import folded

    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return False
    words = re.findall(r"[^\W\d_]+", str(flt.value).lower())
    return brand_column(flt.column) and bool(words) and folded(str(flt.value).lower()) not in folded(original.lower()) \
        and all(zipf_frequency(w, "en") >= COMMON_ZIPF for w in words)


#: How common (Zipf frequency) each word of a brand must be in English to be one a translation made ("ratio", not "Nike").
COMMON_ZIPF = 4.0


def _narrows(flt: Filter, value: str, filters: Sequence[Filter]) -> bool:
    """Whether the translation's kind ``value`` is one of the kinds the original's words name on ``flt``'s column, all
    of one head noun ("Car Kits" of the Aircraft, Armor, Car and Ship Kits "kit" names): that one alone is meant."""
    same = {str(f.value) for f in filters if f.column == flt.column and f.op in ("=", "contains")}
    heads = {stem_phrase(v).split()[-1] for v in same if stem_phrase(v)}
    return value in same and len(same) > 1 and len(heads) == 1


def _part_of(words: list[str], longer: list[str]) -> bool:
    """Whether ``words`` are some of ``longer``'s, fewer ("ski" of "ski boot")."""
    return 0 < len(words) < len(longer) and all(w in longer for w in words)


def _names(column: str, text: str) -> bool:
    """Whether ``text`` has a word of ``column``'s name (of four letters or more: "range" of "range_km")."""
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    return any(len(part) > 3 and (part in words or part + "s" in words) for part in re.split(r"[_\W]+", column.lower()))


def _coloured(flt: Filter, original: str) -> bool:
    """Whether a colour the translation asks for in a column of colours is one the request names in one of the
    five languages (a small model reads "un leurre fait main" as "a red shirt"); any other filter is."""
    from xmr_agent.agent import lexicon as lx

    if flt.op not in ("=", "contains") or not re.search(r"colou?r|couleur|coloris|farbe|颜色", flt.column.lower()):
        return True  # (a metal "silver" denied, "不要银的", is no colour)
    values = [str(v).lower() for v in (flt.value if isinstance(flt.value, list) else [flt.value])]
    for value in values:
        colour = next((c for c, names in lx.COLOURS.items() if value == c or lx.pattern(names).fullmatch(value)), None)
        if colour is not None and not lx.pattern(rf"{colour}|{lx.COLOURS[colour]}").search(original):
            return False
    return True


def _grounded(flt: Filter, numbers: set[float], numeric: Callable[[str], bool]) -> bool:
    """A filter of the translation that the original words support: any categorical value, and a
    number only when the original has it."""
    if not numeric(flt.column):
        return True
    values: list[Any] = flt.value if isinstance(flt.value, list) else [flt.value]
    return all(isinstance(v, int | float) and float(v) in numbers for v in values)



def language_of(catalog: Any, sample: int = 200) -> Callable[[], str | None]:
    """A function giving the language of ``catalog``'s titles and texts (read once, from a sample
    of ``sample`` rows, on first call): the catalogue's own, when it keeps one."""
    if callable(getattr(catalog, "text_language", None)):
        return catalog.text_language
    found: list[str | None] = []

    def language() -> str | None:
        if not found:
            rows = catalog.rows(list(TEXT_FIELDS), limit=sample)
            found.append(catalogue_language([" ".join(str(r.get(c) or "") for c in TEXT_FIELDS) for r in rows]))
        return found[0]

    return language
