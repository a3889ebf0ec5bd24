"""Rewriting: a user's request (words, optionally a photo or a clip) → a :class:`CrossModalQuery`.

The rule-based parse (:mod:`xmr_agent.agent.rules`) always runs. With an LLM, the parse is shown to it,
and its JSON wins: its conditions (each checked against the table; rejected ones noted) replace the
rule-based ones, and it adds sub-queries aimed at the right modality, an order, words naming unwanted
items, things to avoid and k. An LLM that fails or returns garbage leaves the rule-based query, noted.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from xmr_agent.agent import glossary, glosses, lexicon
from xmr_agent.agent.audience import audience_kinds
from xmr_agent.agent.backward import avoided_in
from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.languages import request_language
from xmr_agent.agent.llm_rewrite import merge
from xmr_agent.agent.meaning import Meanings
from xmr_agent.agent.mentioned import narrowed
from xmr_agent.agent.numerals import in_digits
from xmr_agent.agent.preferences import rehomed
from xmr_agent.agent.query import CrossModalQuery, Filter, LLMRewrite, SubQuery, guessed_note, loose_note, titled_note
from xmr_agent.agent.rules import blank, has_subject, rule_rewrite, stem_phrase
from xmr_agent.agent.senses import NEGATED_WORDS, sensed, titled_sense
from xmr_agent.agent.spelling import Speller, with_accents
from xmr_agent.agent.translate import Translator, needs_translation, with_translation
from xmr_agent.agent.units import kind_measure
from xmr_agent.encoders.base import well_formed
from xmr_agent.encoders.language import ENGLISH, detect, detect_closely
from xmr_agent.errors import ConfigError, LLMError
from xmr_agent.llm.base import LLM, complete_json
from xmr_agent.prompts import Prompts

log = logging.getLogger(__name__)

#: A negation and the word or two after it ("keine Tassen"): no words to search for.

#: Stems of the names of a table of everything, kept in the subject of a translation.
_SHOP_WORDS = frozenset({"shop", "store", "catalog", "catalogu", "product", "item", "articl", "good", "stuff"})



class Rewriter:
    """Turns requests into queries for one table (its ``facets``), with or without an LLM."""

    def __init__(self, facets: Facets, *, llm: LLM | None = None, prompts: Prompts | None = None,
                 hard_categories: bool = True, meanings: Callable[[], Meanings | None] | None = None,
                 table: str = "", translator: Translator | None = None,
                 language: Callable[[], str | None] | None = None,
                 speller: Callable[[], Speller | None] | None = None,
                 nouns: Callable[[], Mapping[str, Mapping[str, frozenset[str]]]] | None = None) -> None:
        """``translator`` reads requests whose language is not the catalogue's (``language()``,
        asked on the first request in another language than English) in the catalogue's;
        ``speller()`` puts misspelt words of an English request right (:mod:`xmr_agent.agent.spelling`)."""
        self.facets, self.llm, self.prompts, self.speller = facets, llm, prompts or Prompts(), speller
        self.hard_categories, self.meanings, self._read_nouns = hard_categories, meanings, nouns or dict
        self._nouns: Mapping[str, Mapping[str, frozenset[str]]] | None = None
        self.translator, self.language = translator, language
        #: "books" in a table named books: a word for every item, no subject on its own.
        self.generic = frozenset(stem_phrase(_compounds(table.replace("_", " ").replace("-", " "))).split())
        self._every: frozenset[str] | None = None

    def nouns(self) -> Mapping[str, Mapping[str, frozenset[str]]]:
        """Column of kinds → title word stem → the kinds of the items so titled (read once)."""
        if self._nouns is None:
            self._nouns = self._read_nouns()
        return self._nouns

    def every_item(self) -> frozenset[str]:
        """Word stems that name every item: the table's name and the words of the titles of most
        kinds (:meth:`~xmr_agent.agent.values.TitleNouns.common`: "knife" in a knife shop), unless a
        value is called so ("flat" where a property type is "Flat")."""
        if self._every is None:
            common: frozenset[str] = getattr(self.nouns(), "common", frozenset)()
            values = {stem_phrase(v) for f in self.facets.values() if f.categorical for v in f.values}
            heads: Mapping[str, Mapping[str, frozenset[str]]] = getattr(self.nouns(), "heads", {})
            counts: Mapping[str, Mapping[str, Mapping[str, int]]] = getattr(self.nouns(), "counts", {})
            kind_named = {s for s in self.generic for c, index in heads.items()  # "terrarium" in a shop named so: the
                          if len(index.get(s, ())) == 1 and len(self.facets[c].values if c in self.facets else ()) >= 3
                          and sum(counts.get(c, {}).get(s, {}).values()) >= 2  # titles of several (not one "… Yarn")
                          and s not in stem_phrase(c.replace("_", " ")).split()  # vivariums the titles call so; not
                          and not any(s in v.lower() for v in self.facets[c].values)}  # "room" where a "Room type" is
            self._every = (self.generic - kind_named - values) | (common - values)  # Family, "phone" where one is
            # "Smartphone"; "brush" of a table "inkbrush" names its Brushes
        return self._every

    def rewrite(self, text: str, *, image: str | None = None, audio: str | None = None, k: int | None = None,
                exclude_ids: Sequence[str] = (), named: Sequence[tuple[int, int]] = ()) -> CrossModalQuery:
        """The query for ``text`` plus attachments (``image``: a photo to match; ``audio``: a clip
        to match where the table has an audio encoder). ``named``: spans of ``text`` that name
        catalogue items (searched, never read as filters)."""
        text = well_formed(text)
        if not text.strip() and not image and not audio:
            raise ConfigError("the request is empty: give some words, a photo or an audio clip")
        if text.strip() and not any(c.isalnum() for c in text) and not image and not audio:
            raise ConfigError(f"the request {text.strip()[:40]!r} has no words, only signs or emoji: say in words "
                              "what you are looking for (for example \"green tea under £10\")")
        try:
            return self._read(text, image=image, audio=audio, k=k, exclude_ids=exclude_ids, named=named)
        except (ConfigError, LLMError):
            raise
        except Exception as e:  # a reading rule that fails on a catalogue's names is a bug, never a lost request:
            log.exception("the rules could not read %r; searched as written", text)  # the words are searched as they
            return CrossModalQuery(queries=(*([SubQuery(text=text)] if text.strip() else []), *_attached(image, audio)), k=k or 10,  # are
                                   exclude_ids=tuple(dict.fromkeys(exclude_ids)),
                                   notes=(f"the request's words could not be read ({type(e).__name__}): searched as written",))

    def _read(self, text: str, *, image: str | None, audio: str | None, k: int | None, exclude_ids: Sequence[str],
              named: Sequence[tuple[int, int]]) -> CrossModalQuery:
        text, named = in_digits(with_accents(text, named), named, detect(text))  # "under twenty bucks", "mas barato"
        text, named, fixed = self._spelled(text, named)
        base = rule_rewrite(text, self.facets, k=k or 10, hard_categories=self.hard_categories, named=named,
                            generic=self.every_item(), nouns=self.nouns())
        base = base.model_copy(update={"notes": (*(f"{a!r} read as {b!r}" for a, b in fixed), *base.notes)})
        translated, read = self._translated(text, base, k, named)
        translated = glosses.named_kinds(text, translated, self.facets, self.language() if self.language is not None
                                         and self.hard_categories else None, blank(text, named), self.every_item(), self.nouns())
        own = base.queries[0].text if read and base.queries and base.queries[0].text else None
        base = self._by_meaning(translated, own, guess_only=read is False, names=[text[a:b] for a, b in named])
        query = base if self.llm is None or not text.strip() else self._with_llm(text, base, bool(image or audio))
        moved, notes = rehomed(query.filters, self.facets)  # "un archet de violon": for the violin
        query = query.model_copy(update={"filters": tuple(moved), "notes": (*query.notes, *notes)}) if notes else query
        files = _attached(image, audio)
        explicit_k, query = k or (base.k if base.k != 10 else query.k), kind_measure(query, self.facets)
        kept, left = audience_kinds(query.filters, " ".join([text, *(q.text for q in query.queries[:1] if q.text)]),
                                     self.facets)
        query = query.model_copy(update={"filters": tuple(kept), "notes": (*query.notes, *left)}) if left else query
        return query.model_copy(update={"queries": (*query.queries, *files), "k": explicit_k,
                                        "exclude_ids": tuple(dict.fromkeys(exclude_ids))})

    def _spelled(self, text: str, named: Sequence[tuple[int, int]]
                 ) -> tuple[str, Sequence[tuple[int, int]], list[tuple[str, str]]]:
        """``text`` with its misspelt words put right, when it is in the catalogue's language
        (English), with the ``named`` spans moved along, and what was changed."""
        speller = self.speller() if self.speller is not None and text.strip() else None
        if speller is None or detect_closely(text) != ENGLISH or (self.language is not None and self.language() != ENGLISH):
            return text, named, []
        return speller.correct(text, named)

    def _translated(self, text: str, base: CrossModalQuery, k: int | None,
                    named: Sequence[tuple[int, int]]) -> tuple[CrossModalQuery, bool | None]:
        """``base`` joined with the parse of ``text`` translated into the catalogue's language
        (:mod:`xmr_agent.agent.translate`), when it is in another; and whether it was translated
        (``None``: no translation was needed or none is configured)."""
        if self.translator is None or self.language is None or not self.hard_categories:
            return base, None
        if not needs_translation(text, self.language()):
            return base, None
        kinds = sorted({v for c, f in self.facets.items() if c.lower() in kind_columns(self.facets) and f.categorical
                        for v in f.canonical.values()}) if self.language() != ENGLISH else []  # (an English catalogue's
        # kinds are read from English words well; named to the model, they were taken for other things: "marteau de
        # forge" → Forge)
        english = self.translator(text, self.language(), kinds) if isinstance(self.translator, Translator) else \
            self.translator(text, self.language())  # the catalogue's language ("english": most often); (a callable
        # of one's own is given the words and the language only)
        masked, said = blank(text, named), request_language(text)  # a title's digits are no price; "un pull": French
        heads = getattr(self.nouns(), "heads", None) if self.language() == ENGLISH else None  # senses are English
        titled: list[Filter] = []  # kinds read through the titles' head nouns: they give way
        known = {stem for index in self.nouns().values() for stem in index}  # the words of the titles
        denied = (*base.avoid, *(str(f.value) for f in base.filters if f.op in ("!=", "not_contains")))  # "que no sea panamá"
        glossed = glossary.kinds(masked, said, self.facets, negated=denied, translation=english or "",
                                 heads=heads, titled=titled, known=known, generic=self.every_item()) if self.language() == ENGLISH else []
        if english is None:
            why = self.translator.last_error or "no usable translation"
            base = _with_kinds(base, glossed, titled)
            return base.model_copy(update={"notes": (*base.notes, f"not translated ({why}): read as written")}), False
        priced = lexicon.pattern(f"{lexicon.CHEAP}|{lexicon.CHEAPER}").sub(" ", masked)  # "pas chère" denies nothing
        if not lexicon.has_cjk(text) and not lexicon.pattern(lexicon.NEGATION).search(priced):  # "Plutôt du lin":
            english = _undenied(english)  # no "Rather than linen" the words do not say
        english = glossary.own_word(english, masked, said, self.every_item())  # "帽子": a hat, not a cap
        other = rule_rewrite(english, self.facets, k=k or 10, hard_categories=True, generic=self.every_item(),
                             named=_spans_in(english, [text[a:b] for a, b in named]), nouns=self.nouns())
        named_kinds = {f.column for f in other.filters if f.hard and f.op in ("=", "contains")  # "a backpack": named
                       and not {titled_note(f), guessed_note(f)} & set(other.notes)}
        unsaid = {f.column for f in other.filters if f.hard and f.op == "=" and f.column in named_kinds and not glosses.said_value(
            str(f.value), self.language() or ENGLISH, masked, said, strict=True)}  # "胶卷" read as "film camera"
        other = _with_kinds(self._negated(base, other, k, said, known), [f for f in glossed if (
            str(f.value) not in other.context or f.column in unsaid) and not (f in titled and f.column in named_kinds)], titled)
        numeric = {c for c, f in self.facets.items() if f.kind == "number"}
        joined = with_translation(base, other, masked, english, numeric.__contains__, kind_columns(self.facets),
                                  partial(glosses.said_value, catalogue_language=self.language() or ENGLISH, original=masked, language=said),
                                  partial(glosses.said_value, catalogue_language=self.language() or ENGLISH, strict=True,
                                          original=" ".join(base.avoid), language=said) if base.avoid else None)
        invented = {(f.column, str(f.value)) for f in other.filters if f.column in unsaid} - {  # "what should I saw them with"
            (f.column, str(f.value)) for f in (*base.filters, *glossed)}  # read as "… mit den Schärfsteinen": a guess
        joined = joined.model_copy(update={"filters": tuple(f.model_copy(update={"hard": False}) if f.hard and f.op == "=" and (
            f.column, str(f.value)) in invented else f for f in joined.filters)})
        stated = {titled_note(f) for f in other.filters if f.hard and f.column in named_kinds and not {
            titled_note(f), guessed_note(f)} & set(other.notes)}  # "la lampe de bureau": named, no guess by the titles
        joined = joined.model_copy(update={"notes": tuple(n for n in joined.notes if n not in stated)})
        joined = sensed(joined, base, masked, said, self.facets)
        read = _dictionary_words(joined, base.avoid, other, masked, said, heads, None if named_kinds else english,
                                 self.every_item())
        read = read.model_copy(update={"filters": narrowed(read.filters, masked)})  # "pala de pádel": padel
        return _loosely(read, base, self.facets), True

    def _negated(self, base: CrossModalQuery, other: CrossModalQuery, k: int | None, said: str = ENGLISH,
                 known: frozenset[str] | set[str] = frozenset()) -> CrossModalQuery:
        """``other`` (the parse of a translation) with the words ``base`` (the parse of the
        original, in ``said``) avoids, each translated on its own, when the translation lost its negation
        ("algo para ciclismo que no sea un casco" → "cycling shoes": "casco" → "helmet"); a word read first
        in the dictionary when one of its senses is a word of the titles (``known``: "keinen Bausatz": kit)."""
        negative = ("!=", "not_contains", "not_in")
        theirs = avoided_in(base.avoid[:2], self.language() or "") if said == ENGLISH and self.language is not None else ()
        other = other.model_copy(update={"exclude_words": tuple(dict.fromkeys((*other.exclude_words, *theirs)))})  # Koffein
        kept = len(set(other.avoid) - set(base.avoid)) + len({(f.column, f.op) for f in other.filters if f.op in negative})
        if not base.avoid or kept >= len(base.avoid[:2]) or self.translator is None or self.language is None:  # "nicht in
            return other  # Creme oder Weiß": "not in cream or white" kept only the cream
        filters, avoid, notes = list(other.filters), list(other.avoid), list(other.notes)
        for phrase in base.avoid[:2]:
            own = glosses.backward_values(phrase, self.facets, self.language() or ENGLISH, set()) if said == ENGLISH else []
            word = str(own[0].value) if own else (titled_sense(phrase, said, known) if self.language() == ENGLISH  # 玻璃钢
                                                   else None) or self.translator(phrase, self.language())
            if not word:
                continue
            negated = rule_rewrite(f"not {word}", self.facets, k=k or 10, hard_categories=True)
            new = [f for f in negated.filters if f.op in negative and f not in filters]
            filters = [f for f in filters if not any(f.column == n.column and f.value == n.value for n in new)] + new
            avoid += [a for a in negated.avoid if a not in avoid]
            notes.append(f"{phrase!r} read in the catalogue's language as {word!r}")
        return other.model_copy(update={"filters": tuple(filters), "avoid": tuple(avoid),
                                        "exclude_words": tuple(dict.fromkeys((*other.exclude_words, *avoid))),
                                        "notes": tuple(notes)})

    def _by_meaning(self, query: CrossModalQuery, own: str | None = None, *, guess_only: bool = False,
                    names: Sequence[str] = ()) -> CrossModalQuery:
        """The kinds of item the request describes without naming them (:mod:`xmr_agent.agent.meaning`).
        ``own``: the subject in the request's own words, when ``query`` holds its translation. ``guess_only``:
        a request in another language that could not be translated, whose kinds found by meaning alone are
        preferences ("Ohrringe" read by the small multilingual encoder alone is no condition). ``names``: the
        words of the items the request names, read for no kind ("like Improv Battle": the named item's kind decides)."""
        meanings = self.meanings() if self.meanings is not None and query.queries else None
        if meanings is None:
            return query
        said = {f.column for f in query.filters}
        subject = _without(query.queries[0].text, query.context)  # "a lock for my suitcase": a lock
        for name in names:
            subject, own = subject.replace(name, " "), own.replace(name, " ") if own is not None else None
        generic = self.every_item() if own is None else self.every_item() - _SHOP_WORDS  # "any courses?" in courses:
        # no kind (in a translation, "shop" may be "tienda": a shop's own name is kept)
        worded = {w for text in [*(str(f.value) for f in query.filters), *query.avoid] for w in stem_phrase(text).split()}
        kept = [w for w in subject.split() if stem_phrase(w.strip(",.?!")) not in generic]  # "a cheap sheep cheese": no kind
        subject = " ".join(w for w in kept if stem_phrase(w.strip(",.?!")) not in worded)
        thinned = len(subject.split()) < len(kept) or any(  # fewer words: a guess, never a condition ("a woody perfume
            _SENSED.search(n) for n in query.notes)  # for men"; "plutôt en vrai duvet": duvet is the value Down)
        linked = " ".join(w for w in subject.split() if w.lower() not in _LINKING)  # "a stove by MSR": no subject
        found = meanings.preferences(subject, said) if has_subject(linked) else []
        if own is not None and query.queries[0].text != own and not _proper_names(query.queries[0].text):
            agreed = meanings.agreed(_without(own, query.context), subject, said)
            columns = {f.column for f in agreed}
            found = [*agreed, *(f for f in found if f.column not in columns)]
        found = [f for f in found if str(f.value) not in query.context]  # "meine Gitarre stimmen": no guitar
        if not found:
            return query
        if query.order is not None or guess_only or names or thinned:  # "the cheapest tent": the tents among the camping gear,
            # sorted; "dans le genre de Pink Moon": the named item's own kind decides
            found = [f.model_copy(update={"hard": False}) for f in found]
        return query.model_copy(update={"filters": (*query.filters, *found),
                                        "notes": (*query.notes, *(guessed_note(f) for f in found))})

    def _with_llm(self, text: str, base: CrossModalQuery, attached: bool) -> CrossModalQuery:
        parsed = json.dumps({"filters": [f.model_dump() for f in base.filters], "avoid": list(base.avoid)})
        messages = self.prompts.render("rewrite", request=text, columns=self.facets.describe() or "(none)",
                                       attachments="a file the user wants matched" if attached else "", parsed=parsed)
        try:
            reply = complete_json(self.llm, messages, LLMRewrite, max_tokens=300)  # type: ignore[arg-type]
        except LLMError as e:
            return base.model_copy(update={"notes": (*base.notes, f"LLM rewrite failed, rules only: {e}")})
        return merge(base, reply, self.facets, hard_categories=self.hard_categories, request=text)


#: The note :func:`~xmr_agent.agent.senses.sensed` leaves for a value a word of the request names.
_SENSED = re.compile(r"'(?: in a dictionary| as written)$")


def _dictionary_words(query: CrossModalQuery, avoided: Sequence[str], other: CrossModalQuery, original: str,
                      language: str, heads: Mapping[str, Mapping[str, frozenset[str]]] | None,
                      translation: str | None, generic: frozenset[str] = frozenset()) -> CrossModalQuery:
    """``query`` (a translated request's) with the dictionary senses of its words that name the
    catalogue's titles (:func:`~xmr_agent.agent.glossary.head_nouns`): those of the ``avoided``
    phrases are excluded ("keine Tassen": no cups, no mugs), unless a word of a kind asked for or of
    every item (``generic``: "不要白巧克力" in a chocolate shop); those ``translation`` lost are searched
    in place of its words (``other``'s: "ein billiges Zelt" read as "a cheap mat" searches a tent),
    unless the translation names a kind (``translation`` is ``None``: "un sac à dos" → "a backpack",
    though "sac" alone is a bag)."""
    wanted = {w for f in query.filters if f.hard and f.op in ("=", "contains") for w in stem_phrase(str(f.value)).split()}
    unwanted = [w for phrase in avoided if len(glossary.split_words(phrase, language)) == 1  # "keinen Pink Gin": pink
                # gin, not every gin; "pas un sac à dos": one word of the dictionary, a backpack
                for w in glossary.head_nouns(phrase, language, heads)  # "不要机械键盘" of a keyboard: not every
                if not set(stem_phrase(w).split()) & (wanted | generic)]  # keyboard; "不要白巧克力": not every chocolate
    query = query.model_copy(update={"exclude_words": tuple(dict.fromkeys((*query.exclude_words, *unwanted)))})
    lost = [] if translation is None else glossary.head_nouns(
        blank(original, [m.span() for m in NEGATED_WORDS.finditer(original)]), language, heads, translation, generic)
    if not lost or not query.queries:
        return query
    searched = SubQuery(text=" ".join(lost), target="any")
    kept = tuple(q for q in query.queries if q.text != (other.queries[0].text if other.queries else None))
    return query.model_copy(update={"queries": (searched, *kept), "notes": (
        *query.notes, f"searched for {searched.text!r} in place of the translation's words: the dictionary's "
        "sense of words the translation lost")})


def _undenied(translation: str) -> str:
    """A translation without the negations its original does not say ("Plutôt du lin" read as "Rather than linen"),
    but for those of its price words ("nicht teuer" stays cheap)."""
    priced, out, at = lexicon.pattern(f"{lexicon.CHEAP}|{lexicon.CHEAPER}"), [], 0
    for m in priced.finditer(translation):
        out += [lexicon.pattern(lexicon.NEGATION).sub(" ", translation[at:m.start()]), m.group(0)]
        at = m.end()
    return "".join([*out, lexicon.pattern(lexicon.NEGATION).sub(" ", translation[at:])])


def _loosely(query: CrossModalQuery, base: CrossModalQuery, facets: Facets) -> CrossModalQuery:
    """``query`` with the kinds of item read only through a translation or a dictionary (not in
    ``base``, the parse of the request's own words) noted as read loosely: they give way when
    nothing meets them ("Ferienhaus am Meer in Italien": no cottage in Italy, other houses)."""
    said = {(f.column, str(f.value)) for f in base.filters}
    kinds = kind_columns(facets)
    loose = [loose_note(f) for f in query.filters if f.hard and f.op in ("=", "contains") and f.column.lower() in kinds
             and (f.column, str(f.value)) not in said and loose_note(f) not in query.notes]
    return query.model_copy(update={"notes": (*query.notes, *loose)}) if loose else query


def _with_kinds(query: CrossModalQuery, found: Sequence[Filter], titled: Sequence[Filter] = ()) -> CrossModalQuery:
    """``query`` with the kinds a dictionary found in the request's own words
    (:mod:`xmr_agent.agent.glossary`) as conditions, in place of its own positive conditions on
    those columns ("Wasserkocher" is a kettle, whatever the translation made of it); those of
    them read through the titles' head nouns (``titled``) give way as the rules' do."""
    columns = {f.column for f in found}
    if not columns:
        return query
    kept = [f for f in query.filters if f.column not in columns or f.op in ("!=", "not_contains", "not_in")]
    notes = [f"{f.column} = {f.value!r}: named in the request's words, read in a dictionary" for f in found]
    notes += [titled_note(f) for f in found if f in titled]
    return query.model_copy(update={"filters": (*kept, *found), "notes": (*query.notes, *notes)})


def _without(text: str, kinds: Sequence[str]) -> str:
    """``text`` without the words that name ``kinds`` (compared by stem) nor what the user has
    ("my bicycle has been stolen twice": has been stolen twice), to be read for its kind."""
    from xmr_agent.agent import lexicon as lx

    rest = lx.pattern(lx.POSSESSIVE, after=r"\s+[^\W\d_][\w\-']*").sub(" ", text)
    names = {stem_phrase(k) for k in kinds} | {w for k in kinds for w in stem_phrase(k).split()}
    return " ".join(w for w in rest.split() if stem_phrase(w) not in names) or text


def _proper_names(text: str) -> bool:
    """Whether ``text`` (a translation into English) has a capitalised word after its first: a
    title or brand ("the album Jazz by Queen"), whose words name no kind of item."""
    words = re.findall(r"[^\W\d_][\w'-]*", text)
    return any(w[0].isupper() and w != "I" for w in words[1:])


def _compounds(name: str) -> str:
    """A table's name with the last word of each compound of English words added ("usedcars": cars,
    "boardgames": games); as written without :mod:`wordfreq`."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return name
    found = [name]
    for word in (w for w in name.lower().split() if zipf_frequency(w, "en") < COMPOUND_ZIPF):  # not "laptops"
        splits = [(min(zipf_frequency(word[:i], "en"), zipf_frequency(word[i:], "en")), word[i:])
                  for i in range(3, len(word) - 3)]  # the split into the most common words: "board|sports"
        found += [last for common, last in sorted(splits)[-1:] if common >= COMPOUND_ZIPF]
    return " ".join(found)


_LINKING = frozenset("by from on at off about von vom par made".split())  #: words that link others, naming nothing
#: How common (Zipf frequency) both parts of a table's name must be in English to be read as two words.
COMPOUND_ZIPF = 3.5


def _spans_in(text: str, names: Sequence[str]) -> list[tuple[int, int]]:
    """Where the item names of the original request appear in its translation: whole, else each
    of their words written in capitals or with digits, in any case ("类似Shun Classic Nakiri的刀" → "a
    similar Nakiri from Shun Classic"; "el Folding Lock 85cm" → "a folding lock")."""
    lowered = text.lower()
    spans = []
    for name in names:
        at = lowered.find(name.lower()) if name.strip() else -1
        if at >= 0:
            spans.append((at, at + len(name)))
            continue
        for word in re.findall(r"\b[A-Z0-9][\w\-]+", name):
            spans += [m.span() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)]
    return spans


def _attached(image: str | None, audio: str | None) -> list[SubQuery]:
    """The sub-queries of a request's attachments: a photo to match, a clip to match where the table has audio."""
    return [*([SubQuery(file=image, modality="image", target="any")] if image else []),
            *([SubQuery(file=audio, modality="audio", target="audio")] if audio else [])]
