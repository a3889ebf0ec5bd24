"""The kinds of item a request in another language names, read in a bilingual dictionary.

A small translating model gets single product nouns wrong ("Wasserkocher" → coffee pot,
"Nähmaschine" → dishwasher, "pinceaux" → pencils), and the small multilingual encoder places
single foreign nouns poorly; a dictionary lists every sense of a word, and the catalogue picks
the one it sells: "Koffer" has a dozen English senses, and in a travel shop one of them,
"suitcase", is a value of its column of kinds. This is dictionary-based query translation, the
classic cross-language retrieval method, used for one thing only: the value of a column of
kinds (:func:`~xmr_agent.agent.columns.kind_columns`) that a request's words name. Words the
request negates ("keine Chips") name no kind.

The dictionaries (and their lookup: plurals, German compounds by their last part, "Fahrradlicht"
→ "Licht" → light) are :mod:`~xmr_agent.agent.dictionaries`; none installed: nothing is found,
and requests are read as before. Chinese is cut into the dictionary's longest words first.
Written by hand: no maintained library segments Chinese with a dictionary of senses in a few
lines, and the matching with a catalogue's values is this project's own.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping, Sequence

from xmr_agent.agent import lexicon, naming, phrases
from xmr_agent.agent.audience import audience_columns
from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.dictionaries import MIN_PART, Dictionary, load, senses, spelt_like
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.naming import MAX_SENSE_WORDS
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import head_group, stem_phrase
from xmr_agent.agent.values import english_word, folded, value_words, with_combos

#: Words for properties of an item: a word one of whose senses is one of these ("couleur": dye,
#: paint, colour) names no kind, nor one whose first sense is a column's name ("persiana": roller
#: blind first, then shade, in a shop with a column "Shade", still names blinds).
PROPERTIES = ("colour", "color", "size", "price", "material", "shape", "brand", "flavour", "flavor", "style")
#: How many of a word's first senses are read for a property ("couleur": dye, paint, colour; not "Form": baking
#: dish, cake tin, tin, …, shape, mould).
PROPERTY_SENSES = 4
#: The most words of a headword read whole ("tienda de campaña", "planche à découper").
MAX_PHRASE_WORDS = 4
#: Words of degree: the word after one is an adjective ("más ligero", "plus chaud"), named by no kind.
#: A colour in any language the lexicon reads ("gelber", "rouges"): no kind, whatever the dictionary's other senses.
_COLOUR = re.compile("|".join(f"(?:{names})" for names in lexicon.COLOURS.values()), re.IGNORECASE)
DEGREE = frozenset("más menos muy tan plus moins très trop assez mehr weniger sehr zu ganz more less very 最 更 很 比较".split())
_WORD = re.compile(r"[^\W\d_][\w\-']*", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]+")


def kinds(text: str, language: str, facets: Facets, *, negated: Sequence[str] = (),
          besides: Iterable[str] = (), translation: str = "",
          heads: Mapping[str, Mapping[str, frozenset[str]]] | None = None,
          titled: list[Filter] | None = None, known: Container[str] | None = None,
          generic: Container[str] = (), heads_only: bool = False) -> list[Filter]:
    """Conditions on the columns of kinds that the words of ``text`` (in ``language``) name by
    one of their dictionary senses, one per column where the request names a single value of it
    other than ``besides`` (the kinds the wanted thing goes with: "mein Fahrrad"); none for words
    of the ``negated`` phrases or after a word of degree (an adjective: "más ligero"), or without
    a dictionary for the language, nor for a word the ``translation`` keeps as written (a name:
    "nichts von Daft Punk"). A sense that names no value may be the head noun of titles of one kind
    (``heads``: column → title head stem → kinds, :func:`~xmr_agent.agent.values.title_kinds`):
    "Zelt" is a tent, and the tents are camping gear; such conditions are also added to ``titled``.
    Of a word's senses, the one its ``translation`` chose is read alone when it is a word of the
    catalogue (``known`` stems; any, when not given): "香水" translated "perfume" asks for no cologne,
    "colonia" translated "colony" still names the colognes. A word one of whose senses is a
    ``generic`` stem (the table's own thing: "课程", a course, in a table of courses; "reloj", a
    watch or a clock, in a watch shop) names a kind only by another sense its ``translation`` uses
    ("tienda", a shop or a tent, translated "tent"). ``heads_only``: a sense names a value by its
    head noun only ("alfarero", a stove fitter, names no stove)."""
    dictionary = load(language)
    if dictionary is None:
        return []
    people = audience_columns(facets)  # "knee" names no age group by the titles: :mod:`~xmr_agent.agent.audience`
    columns = [f for c, f in facets.items() if c.lower() in kind_columns(facets) and f.categorical and c not in people]
    if not columns:
        return []
    skip = {folded(w.lower()) for phrase in negated for w in split_words(phrase, language)}  # "no sea panamá": Panama
    named_columns = {c.replace("_", " ") for c in facets}
    found: dict[str, set[str]] = {}
    via_titles: set[str] = set()
    by_word: dict[str, list[tuple[int, set[str]]]] = {}  # column → (word's place, values it names)
    groups: dict[str, list[str]] = {}  # column → the values a sense names by the last word they share
    words = split_words(text, language)
    told = phrases.context_words(text, lambda part: split_words(part, language))  # "Meine Pilze im Zelt trocknen aus, womit …": no tent
    for i, word in enumerate(words):
        if _named_so(words, i, translation, language, dictionary) or folded(word.lower()) in skip or (i and words[i - 1].lower() in DEGREE) or phrases.owned(words, i) or i in told \
                or not lexicon.has_cjk(word) and _COLOUR.fullmatch(word):  # "ein gelber Textmarker": yellow, no booking
            continue  # "el candado más ligero", "mein Fahrrad wurde geklaut"
        if phrases.after_head(words, i, language, text):  # "une entrée phono": an input for a record player, no record
            for facet, value in _linked_value(words, i, senses(word, language, dictionary), language, dictionary, columns,
                                              text, adjacent=True):
                found.setdefault(facet.column, set()).add(value)  # player; "un nettoyant intérieur": Interior cleaner
                by_word.setdefault(facet.column, []).insert(0, (i, {value}))
            continue
        piece, joined = bool(translation) and phrases.fragment(words, i, text), None  # "磨豆机" (a grinder) cut into
        if piece:  # 磨 豆 机: 豆 is no bean, the translation reads the whole; but "皂基": soap and base, a Soap base
            joined = next(((f.column, v) for f, v in _linked_value(words, i, senses(word, language, dictionary), language,
                                                                   dictionary, columns, text)), None)
        elif language == "de":  # "Eisensatz": Iron set
            joined = _compound_value(word, dictionary, columns)
        if piece or joined:
            for column, value in [joined] if joined else ():
                found.setdefault(column, set()).add(value)
                by_word.setdefault(column, []).append((i, {value}))
            continue
        meanings = naming.one_spelling(tuple(dict.fromkeys(_QUALIFIED.sub("", m) for m in senses(word, language, dictionary)))) \
            or (spelt_like(word, {w for f in columns for v in f.values for w in v.split()}) if language != "zh" else ())
        # ("fragancia", no word of the dictionary: fragrance)
        if any(stem_phrase(m) in generic for m in meanings):  # "reloj" in a watch shop: a watch, not a clock
            if linked := _linked_value(words, i, meanings, language, dictionary, columns, text):  # "ordinateur de
                found.setdefault(linked[0][0].column, set()).add(linked[0][1])  # plongée" in a diving shop: a dive
                by_word.setdefault(linked[0][0].column, []).append((i, {linked[0][1]}))  # computer
                continue
            meanings = tuple(m for m in _chosen(meanings, translation) if stem_phrase(m) not in generic)
        if not meanings or any(naming.named(sense, PROPERTIES) and " " not in sense.strip() for sense in meanings[:PROPERTY_SENSES]) \
                or naming.named(meanings[0], named_columns):
            continue  # "couleur": dye, paint, colour — a word for a property names no kind ("小号": trumpet, small size)
        meanings = phrases.in_context(words, i, meanings)  # "persianas venecianas": the Venetian blind
        if language == "de" and not any(naming.named(m, f.values) or naming.headed(m, f.values) for m in meanings for f in columns):
            meanings = (*meanings, *_last_part(word, dictionary))  # "Teedose": tea caddy, no kind; Dose: a can (茶叶罐)
        linked = _linked_value(words, i, meanings, language, dictionary, columns, text)  # "verres à vin": wine glass
        for facet, value in linked:  # the head's reading ("aceite de fragancia": Fragrance oil, not the oils)
            found.setdefault(facet.column, set()).add(value)
            by_word.setdefault(facet.column, []).insert(len(by_word[facet.column]) if language == "zh" else 0, (i, {value}))
        if linked or _describes(words, i, language, dictionary, facets, text):
            continue  # "拼图胶水", "une planche à fromage": the kind describes the thing named next to it
        chosen = [m for m in _chosen(meanings, translation)  # "香水": perfume, cologne; the translation: perfume
                  if known is None or stem_phrase(m).split()[-1:] and stem_phrase(m).split()[-1] in known]
        alone = not (i and words[i - 1].lower() in ("à", "au", "aux"))  # "une pierre à encre": no ink
        by_name = any(naming.named(sense, f.values) for f in columns for sense in meanings)  # "Schwarzweißfilm": the
        for facet in columns:  # Film, not the format of the one item titled "… sheet film"  # by all the words of a sense, else by its head noun alone
            if chosen and not any(naming.named(sense, facet.values) or naming.headed(sense, facet.values, alone) for sense in chosen):
                continue
            named = [v for sense in meanings for v in naming.named(sense, facet.values)]
            titled_heads = (heads or {}).get(facet.column, {})  # "Rohrzange": a pipe wrench, the wrenches' kind, no pipe
            named = [v for sense in meanings for v in naming.named(sense, facet.values) if naming.head_of(sense, v)] or \
                ([] if heads_only or any(set(titled_heads.get(stem_phrase(m).split()[-1], named)) - set(named)
                                         for m in meanings if " " in m.strip() and naming.named(m, facet.values)) else named) or \
                [v for sense in meanings for v in naming.headed(sense, facet.values, alone)] or \
                naming.titled_kind([m for m in meanings if not naming.named(m, named_columns)],  # "Zelt": tent; "比例" (ratio, scale)
                        {} if by_name else (heads or {}).get(facet.column, {}), facet.values, via_titles)  # is no "N Scale" tree
            first = next((n for n, m in enumerate(meanings) if any(naming.head_of(m, v) for v in naming.named(m, facet.values))), 0)
            if heads_only and any(naming.heads_many(m, facet.values) for m in meanings[:first]):
                named = []  # "Schirm": an umbrella (of several kinds) before a shade, a Parasol: no one kind
            if word.lower() in lexicon.FILLER:
                named = [v for v in named if v not in via_titles]  # "quelque chose": no "case" is meant
            if not named and meanings and (group := head_group(facet, meanings[0])):  # "Essig" (vinegar first): Balsamic,
                groups.setdefault(facet.column, group)  # Cider and Wine vinegar; not "Mütze" (a cap first, then a hat)
            for value in named:
                found.setdefault(facet.column, set()).add(facet.canonical[value])
            if named:
                by_word.setdefault(facet.column, []).append((i, {facet.canonical[v] for v in named}))
    other = {str(b).lower() for b in besides}
    found = {c: {v for v in values if v.lower() not in other} for c, values in found.items()}
    for column, named_at in by_word.items():  # two kinds named: the head noun's ("配奶酪吃的饼干": crackers)
        head = named_at[-1 if language == "zh" else 0]
        between = " ".join(words[min(i for i, _ in named_at):max(i for i, _ in named_at)])
        if len(found.get(column, ())) > 1 and len(named_at) > 1 and not _EITHER.search(between) \
                and len(head[1] - other) == 1:
            found[column] = head[1] - other
    kept = [Filter(column=c, op="contains" if facets[c].kind == "list" else "=", value=each)  # "Olivenöl": extra
            for c, v in found.items() if len(v) == 1 for each in _narrowed(facets[c], next(iter(v)), translation)]
    if titled is not None:
        titled += [f for f in kept if str(f.value).lower() in via_titles]
    said = f" {stem_phrase(translation)} "
    return [*kept, *(Filter(column=c, op="=", value=v, hard=False) for c, group in groups.items() if c not in found
                     and not any(f" {stem_phrase(v)} " in said for v in facets[c].values) for v in group)]


def _compound_value(word: str, dictionary: Dictionary, columns: Sequence[Facet]) -> tuple[str, str] | None:
    """(column, value) of the one kind of two words that a German compound the dictionary lacks
    joins a sense of each of its parts into ("Eisensatz": Eisen + Satz, iron + set: Iron set;
    "Gaskocher": gas + stove: Gas stove), read the English way, the modifier first."""
    low = word.lower()
    if len(low) < 7 or low in dictionary:
        return None
    values = {stem_phrase(v): (f.column, f.canonical[v]) for f in columns for v in f.values if len(v.split()) == 2}
    found = set()
    for cut in range(3, len(low) - 2):
        first, last = low[:cut], low[cut:]
        firsts = [f for f in (first, first[:-1] if first[-1:] in "sn" else "", first + "e") if len(f) >= 3 and f in dictionary]
        lasts = [x for x in (last, *(last[:-len(e)] for e in ("n", "en", "e", "s") if last.endswith(e))) if x in dictionary]
        if not firsts or not lasts:  # "Münzmagie": Münze + Magie; "Münztricks": the trick's plural
            continue
        for a in dict.fromkeys(m for f in firsts[:2] for m in dictionary.senses(f)[:COMPOUND_SENSES]):  # "Schiffs": ship's, ship
            for b in dict.fromkeys(x for s in dictionary.senses(lasts[0])[:COMPOUND_SENSES] for x in (s, s.split()[-1])):
                # ("Bausatz": construction kit, a kit: "Schiffsbausatz", a Ship kit)
                if (hit := values.get(stem_phrase(f"{a} {b}"))) is not None:
                    found.add(hit)
    return next(iter(found)) if len(found) == 1 else None


#: How many senses of a German compound's last part :func:`_last_part` reads.
LAST_PART_SENSES = 4


def _last_part(word: str, dictionary: Dictionary) -> tuple[str, ...]:
    """The first senses of the longest last part of a German compound that the dictionary has as a word."""
    low = word.lower()
    tail = next((low[cut:] for cut in range(MIN_PART - 1, len(low) - MIN_PART + 1) if low[cut:] in dictionary), None)
    return dictionary.senses(tail)[:LAST_PART_SENSES] if tail else ()


#: How many senses of each part of a German compound :func:`_compound_value` joins.
COMPOUND_SENSES = 24


def _narrowed(facet: Facet, value: str, translation: str) -> list[str]:
    """``value`` and the narrower values that end with its words ("olive oil": extra virgin olive
    oil too), or only the values with its words that the ``translation`` names ("特级初榨橄榄油":
    extra virgin olive oil; "马鞍垫", a saddle pad, not a saddle)."""
    said, words = f" {stem_phrase(translation)} ", set(stem_phrase(value).split())
    named = [facet.canonical[v] for v in sorted(facet.values) if facet.canonical[v] != value
             and words < set(stem_phrase(v).split()) and f" {stem_phrase(v)} " in said]
    return named or with_combos(facet, value)


def _chosen(meanings: Sequence[str], translation: str) -> list[str]:
    """The senses of a word that its ``translation`` uses (the sense the translator chose)."""
    said = f" {stem_phrase(translation)} " if translation else ""
    return [m for m in meanings if said and f" {stem_phrase(m)} " in said]


def head_nouns(text: str, language: str, heads: Mapping[str, Mapping[str, frozenset[str]]] | None,
               translation: str | None = None, also: Iterable[str] = ()) -> list[str]:
    """The senses of words of ``text`` that are head nouns of the catalogue's titles (``heads``:
    column → title head stem → kinds): all of them (``keine Tassen``: no cups, no mugs), or, given
    a ``translation``, the first of each word the translation lost ("ein billiges Zelt" → "a
    cheap mat": "Zelt" means tent, and tents are sold), or whose last word is one of ``also`` (the
    shop's own word: "Sommerreifen" read as "summer jeans" in a tyre shop): the words the search should use."""
    dictionary = load(language) if heads else None
    if dictionary is None or heads is None:
        return []
    stems = {stem for index in heads.values() for stem in index} | set(also)
    said = f" {stem_phrase(translation or '')} "
    found: list[str] = []
    words = split_words(text, language)
    told = phrases.context_words(text, lambda part: split_words(part, language))  # the situation's words: the user's things
    for i, word in enumerate(words):
        adjective = i > 0 and words[i - 1].lower() in DEGREE or i in told  # "el trípode más ligero": light, the weight
        fragment = translation is not None and phrases.fragment(words, i, text)  # "登机箱": no box, the translation's suitcase
        meanings = () if word.lower() in lexicon.FILLER or adjective or fragment else senses(word, language, dictionary)
        if translation is not None and (_chosen(meanings, translation) or f" {stem_phrase(word)} " in said and english_word(word)):
            continue  # the translation has one of its senses, or the word itself ("une baguette"; not "Essig")
        named = sorted((m for m in meanings if 0 < len(w := stem_phrase(m).split()) <= MAX_SENSE_WORDS
                        and w[-1] in stems and f" {w[-1]} " not in said),  # "Sommerreifen" read as "summer jeans":
                       key=lambda m: (-sum(f" {w} " in said for w in stem_phrase(m).split()),  # the summer tyre first;
                                      -sum(len(index.get(stem_phrase(m).split()[-1], ())) for index in heads.values())))
        # of the others, the one heading the titles of more kinds ("patines" in a skating shop: skates, not brake pads)
        found += [m for m in named[:1 if translation is not None else None] if m not in found]
    return found


def _describes(words: Sequence[str], i: int, language: str, dictionary: Dictionary, facets: Facets, text: str) -> bool:
    """Whether ``words[i]`` describes a thing named next to it, a noun that is no kind of the
    table nor a word of any value ("绿茶包": green tea bags, in a shop selling tea bags): the word before the head in Chinese ("拼图胶水": jigsaw glue), the word after "à", "de",
    "pour" or "para" in French and Spanish ("planche à fromage": a cheese board)."""
    if language == "zh":
        after = next((j for j in range(i + 1, min(i + 4, len(words))) if words[j] not in _OF), i + 1)
        head = words[after] if after < len(words) and words[after] not in _NO_HEAD else ""  # "绑毛钩用的剪刀": scissors
        # for tying flies; not "杯子的话" (as for cups)
        if head in lexicon.FILLER or head in phrases.JOINS_NONE or head in _ASKING or head in _STUFF or _CJK_NEGATION.fullmatch(head) \
                or "".join(words[i:after + 1]) not in text:  # "跑鞋，不要拖鞋", "金酒，50瑞郎以内", "钢笔是哪支": the
            return False  # next word is no thing, or not next to it
    elif (linked := phrases.linked_head(words, i, language)) is not None:
        head = linked  # not after "de": "salle de bain", "fromage de chèvre" name one thing
    else:
        return False
    meanings = senses(head, language, dictionary) if head else ()
    valued = value_words(facets)
    if not meanings:  # "alimentador para la colmena": a thing the dictionary does not know, for a hive (a noun by
        return language != "zh" and phrases.NOUN_ENDING.search(head.lower()) is not None  # its ending; not "chaude")
    if language == "zh" and len(words[i]) == 1 and words[i] + head in text:
        return True  # a character before another word names what kind of it ("毛钩", a fly: a hook, not fur)
    return not any(set(stem_phrase(sense).split()) & valued for sense in meanings)


#: Chinese words between a thing's use and the thing ("绑毛钩用的剪刀": scissors used for tying flies).
_OF = frozenset({"用", "的", "用的", "专用", "专用的"})
#: Words after "的" that are no thing described ("杯子的话": as for cups; "露营的时候": when camping), nor after a thing
#: ("眼罩从便宜到贵排": eye masks from cheap to dear, sorted).
_NO_HEAD = frozenset({"话", "时候", "时", "话呢", "从", "到", "按", "按照", "排", "排序", "给", "比", "跟"})


def _linked_value(words: Sequence[str], i: int, meanings: Sequence[str], language: str, dictionary: Dictionary,
                  columns: Sequence[Facet], text: str = "", *, adjacent: bool = False) -> list[tuple[Facet, str]]:
    """The kind one of whose values is a sense of ``words[i]`` then one of the word it describes
    after "à", "para" ("des verres à vin": wine glass; "vasos para agua": water glass), or in
    Chinese the word written right after it, the compound's head ("窗帘杆", which the dictionary
    lacks: window curtains and pole, a curtain pole), when one names it (a value of two words or more)."""
    head = phrases.compound_head(words, i, text) if language == "zh" else phrases.linked_head(words, i, language, adjacent)
    if head is None:
        return []
    heads = senses(head, language, dictionary)
    meanings = [m for m in meanings if not m.startswith("to ")]  # a verb names no compound ("绑毛", to tie fur)
    found = [(facet, facet.canonical[v], sum(bool(set(stem_phrase(w).split()) & set(stem_phrase(v).split())) for w in (m, h)))
             for facet in columns for m in meanings for h in heads
             for v in naming.named(f"{m} {h}", facet.values) if len(stem_phrase(v).split()) > 1
             and set(stem_phrase(h).split()) & set(stem_phrase(v).split())]  # ("毛钩", a fur hook: no Feathers & fur)
    return [(facet, value) for facet, value, _ in sorted(found, key=lambda f: -f[2])][:1]  # both words' ("aceite de fragancia")


_CJK_NEGATION = re.compile(rf"(?:{lexicon.cjk_words(lexicon.NEGATION)}).*")


def _named_so(words: Sequence[str], i: int, translation: str, language: str, dictionary: Dictionary) -> bool:
    """Whether ``words[i]`` is part of a name: the translation keeps it as written, and a word
    next to it too, a capitalised one the dictionary does not know ("Daft Punk"). A word kept
    alone ("Knabberzeug", "Oxford-Hemd") is one the translator did not know, not a name."""
    def kept(word: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", translation) is not None

    if language == "zh" or not translation or not kept(words[i]):
        return False
    return any(0 <= j < len(words) and kept(words[j]) and words[j][:1].isupper()
               and not senses(words[j], language, dictionary) for j in (i - 1, i + 1))


#: Chinese characters that end a word as its stuff, no thing of their own ("釉料": glaze; "饮料": a drink).
_STUFF = frozenset("料品物类")
#: Chinese words that ask which or what: no thing another word describes ("最便宜的钢笔是哪支").
_ASKING = frozenset("哪 哪个 哪款 哪种 哪支 哪台 什么 多少 吗 呢".split())
def split_words(text: str, language: str) -> list[str]:
    """The words of ``text``, the dictionary's longest first: Chinese cut so, and in the other
    languages the headwords of several words kept whole ("tienda de campaña", "sac à dos")."""
    dictionary = load(language)
    text = phrases.ELIDED.sub(r"\1 ", text) if language in ("fr", "it") else text  # "l'hydromel": hydromel
    runs, joint = (_HAN.findall(text), "") if language == "zh" else ([_WORD.findall(text)], " ")
    longest = 6 if language == "zh" else MAX_PHRASE_WORDS
    words: list[str] = []
    for run in runs:
        i = 0
        while i < len(run):
            n, word = next(((n, w) for n in range(min(longest, len(run) - i), 1, -1) for w in _forms(run[i:i + n], joint)
                            if dictionary is not None and dictionary.has_phrase(w.lower())), (1, run[i]))
            words.append(word)
            i += n
    return words


def _forms(run: Sequence[str], joint: str) -> tuple[str, ...]:
    """``run`` written as one phrase, and with its elided articles joined again ("tuyau d'arrosage")."""
    phrase = joint.join(run)
    elided = phrases.ELIDED_WORD.sub(r"\1'", phrase) if joint else phrase
    return (phrase, elided) if elided != phrase else (phrase,)


#: What a dictionary adds after the thing a sense names ("van for carrying people", "bag used to …").
_QUALIFIED = re.compile(r"\s+(?:for|used|with|that|which|to|when)\s+.*$")


def own_word(translation: str, text: str, language: str, generic: Container[str]) -> str:
    """``translation`` with a word that another sense of a word of ``text`` names put back as that
    word's first sense when it is the shop's own thing (a ``generic`` stem): "最轻的帽子" read as "the
    lightest cap" in a hat shop is the lightest hat, any of them, not the caps."""
    dictionary = load(language) if generic else None
    if dictionary is None:
        return translation
    for word in split_words(text, language):
        meanings = senses(word, language, dictionary)
        if not meanings or stem_phrase(meanings[0]) not in generic:
            continue
        for other in (m for m in meanings[1:] if len(m.split()) == 1 and stem_phrase(m) not in generic):
            translation = re.sub(rf"(?<![^\W\d_]){re.escape(other)}s?(?![^\W\d_])", meanings[0], translation,
                                 flags=re.IGNORECASE)
    return translation


#: Words between two kinds that ask for both or either ("Wasserkocher und Toaster", "奶酪或者饼干").
_EITHER = re.compile(rf"(?:^|\s)(?:{lexicon.OR}|and|und|et|y|e|和|与|跟|以及)(?:\s|$)", re.IGNORECASE)
