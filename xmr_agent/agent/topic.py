"""When a chat message starts a new subject ("a tent" after "a red mug") rather than refining
the current one ("in blue", "waterproof", "cheaper").

A message is a new subject when it describes, by meaning, another kind of item than the earlier
requests (another value of the same kind column: "une écharpe" after "a present for a child"),
or names a kind of item the conversation has not named: one of its words is a word of the
catalogue's titles (where item kinds are named: "Orange Dome Tent") and not a value of a
filterable column ("red"), and no such word of it was in the earlier requests; in another
language than the titles', when none of its words was (in Chinese: none of its characters). A message that starts like a refinement ("but", "with", "also", "mais", "aber",
"pero", "但"), refers to what was shown ("the second one", "cheaper") or compares with it
("something lighter, I walk miles") never is. A new subject
keeps what the user liked, disliked and was shown, and conditions on numbers (a budget); it drops
the earlier words, preferences, order and other conditions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from xmr_agent.agent import levels, lexicon
from xmr_agent.agent.filters import satisfies
from xmr_agent.agent.numbers import UNIT_PARTS
from xmr_agent.agent.query import CrossModalQuery, audience_note
from xmr_agent.agent.rules import stem_phrase
from xmr_agent.agent.values import title_words
from xmr_agent.encoders.language import ENGLISH, detect

#: Words asking for other items than those shown ("something else", "une autre", "otra cosa", "别的",
#: "something less stinky", "pas aussi fort").
OTHER = lexicon.pattern(
    r"else|others?|another|different|instead|autres?|différente?s?|differente?s?|andere[nrs]?|anderes|"
    r"otr[oa]s?|distint[oa]s?|diferentes?|别的|其他|其它|换一|不同|"
    r"(?:less|not (?:as|so)|moins|pas (?:aussi|si)|weniger|nicht so|menos|no tan)\s+[^\W\d_]{3,}")
#: Words asking for items besides those shown ("anything else", "autre chose", "还有别的吗"); "instead" is none.
ELSE = lexicon.pattern(r"else|autre chose|d'autres?|quoi d'autre|sonst(?: noch)?|etwas anderes|noch was|otra cosa|"
                       r"alguna otra|别的|其他|其它")  # not "algo más": "¿algo más barato?" is a comparison
#: Words that stand for the thing just talked about ("one that folds up", "celle qui", "welche, die").
ONE = lexicon.pattern(r"one|ones|it|they|them|those|these|(?:sollten|müssen|dürfen|können) sie|sie (?:sollten|müssen)|"
                      r"ils|elles|ellos|ellas|celui|celle|ceux|celles|welche[ns]?|un[oa] que|l[oa]s? que|une? qui|eine[ns]?,? (?:die|der|das)|这个|那个|这款|那款|"
                      r"of the two|des deux|der beiden|von beiden|de los dos|de las dos|两个")
#: Words that point at the items just shown as a whole ("which of those is the lightest?", "la moins
#: chère de celles-là", "welcher davon", "其中最便宜的"): a superlative ranges over them.
THOSE = lexicon.pattern(r"of (?:those|these|them|the two|the three)|among (?:those|these|them)|davon|von (?:denen|diesen)|"
                        r"der beiden|der drei|de ceux-(?:là|ci)|de celles-(?:là|ci)|parmi (?:eux|elles|ceux-ci|celles-ci|ces)|"
                        r"des deux|des trois|de (?:esos|esas|estos|estas|ellos|ellas|los dos|las dos|los tres|las tres)|"
                        r"entre (?:esos|esas|estos|estas|ellos|ellas)|其中|这几[个款]|这些|两个|三个|里面|当中|之中")
#: Words that count the items shown ("of the two", "of those two"): of those alone, whatever the conditions.
COUNTED = re.compile(r"\b(?:two|three|beiden|drei|deux|trois|dos|tres)\b|两|三", re.IGNORECASE)
#: Comparatives ("a bigger one?", "moins cher"): other items than those shown are asked for.
COMPARED = lexicon.pattern("|".join([lexicon.CHEAPER, lexicon.PRICIER, *(words for words, _, _ in lexicon.COMPARATIVES),
                                     levels.COMPARED]))
#: Words that amend what was asked ("actually, something that measures a whole room").
AMEND = lexicon.pattern(r"actually|in fact|rather|en fait|plutôt|eigentlich|lieber|doch|en realidad|mejor dicho|其实|还是")
#: Opening words of a message that refines the current subject.
REFINE = lexicon.pattern(
    r"but|and|with|without|in|more|less|also|only|make it|same|similar|preferably|ideally|maybe|perhaps|rather|uno|"
    r"for|für|fuer|pour|para|"
    r"mais|et|avec|sans|en|plutôt|plutot|aussi|seulement|aber|und|mit|ohne|lieber|eher|auch|nur|pero|y|con|sin|mejor|"
    r"también|solo|但|要|最好|还|只|"
    r"(?:it |they )?(?:has to|have to|must|needs? to|should)|(?:er|sie|es) (?:muss|müssen|sollte|sollten|soll)|"  # "has to be
    r"(?:il|elle) (?:doit|faut)|il faut que|tiene que|tienen que|debe|deben|必须|得是|一定要|"  # wool though": this subject
    r"one|ones|another|the same one|celui|celle|ceux|celles|un autre|une autre|einen anderen|eine andere|eins|"
    r"ein anderes|otro|otra|einen?,? (?:den|die|der)|eins,? das|une? qui|un[oa] que", before=r"^[\s¿¡«\"]*")
#: Opening words of a question about what there is ("Gibt's auch eins mit Glitzer?"): an item just
#: shown may be the answer.
ASKED = lexicon.pattern(r"is there|are there|any|anything|have you got|do you have|gibt'?s|gibt es|habt ihr|haben sie|"
                        r"y a-t-il|il y a|vous avez|hay|tienes|tenéis|tienen|有没有", before=r"^[\s¿¡«\"]*")

#: Opening words that move on to the next thing wanted ("and now a tea strainer", "und jetzt noch
#: ein Teesieb", "et maintenant une théière", "y ahora una tetera", "然后再要一个茶壶").
NEXT = re.compile(
    r"^[\s¿¡«\"]*(?:(?:ok(?:ay)?|right|great|cool|nice|thanks|vale|bueno|genial|perfecto|gracias|d'accord|bon|parfait|merci|"
    r"super|gut|prima|danke|好的|好)[,!.，。！]?\s*)?"  # "vale, ahora busco una cejilla"
    r"(?:(?:and |ok(?:ay)?,? |right,? )?(?:now|next|then)(?:,)? (?:i (?:also )?(?:need|want)(?: to find)? |"
    r"i'?m (?:looking|after) (?:for )?)?(?:also |too )?(?:a|an|some)\b|"
    r"(?:und )?(?:jetzt|nun|dann) (?:noch |brauche ich (?:noch )?|suche ich (?:noch )?)?(?:ein|eine|einen)\b|"
    r"(?:et )?maintenant,? (?:il me faut |je cherche |je voudrais )?(?:aussi )?(?:un|une|des)\b|"
    r"(?:y )?ahora,? (?:necesito |busco |quiero )?(?:tambi[ée]n )?(?:un|una|unos|unas)\b|"
    r"(?:然后|接下来|另外|现在)(?:再|还)?(?:要|想要|买|来)?(?:一个|一些|个|一套)|"
    r"(?:还有|还要|还想要|再来|再要)(?!点|一点|便宜|贵|更|别|其|没|吗|什么|哪)[\u3400-\u9fff]{2}|"  # "还有备用电池": also spare batteries
    r"(?:and|also|plus) (?:i (?:also )?need )?(?:a|an|some) [^,.;!?]+ (?:too|as well)(?:\s*[.!?]*\s*$|,)|"
    r"(?:(?:and|also|plus),? (?:i(?:'ll| will)? (?:also )?need |then )?|(?:i(?:'ll| will)? )?also need )(?:something|anything|a tool|one) to "
    r"(?!go with|match)[^\W\d_]+|"
    r"(?:y|et) (?:tambi[ée]n |aussi )?(?:algo|quelque chose|un truc) (?:para|pour) (?!(?:combinar|ir con|aller avec)\b)|"
    r"und (?:noch |dann )?(?:etwas|was) zum\b|"
    r"(?:et|und|y) (?:aussi|auch|noch|tambi[ée]n) (?:un|une|des|ein|eine|einen|un|una)\b|"
    r"(?:ok(?:ay)?,? )?(?:and|et|y) (?:also |aussi |tambi[ée]n )?(?:a|an|some|un|une|des|una|unos|unas|algún|alguna|algunos|algunas) "  # "and some goggles"
    r"(?!(?:bit|little|lot|more|less|peu|poco|poquito)\b)(?![^,.;!?]*\b(?:ones?|autre|otr[oa]|más|menos|plus|moins)\b)|"
    r"und dann noch (?!(?:etwas|was|ein bisschen|billiger|günstiger)\b)[^\W\d_]{4,})", re.IGNORECASE)
#: A wish about the thing asked for ("foldable would be great", "zusammenklappbar wäre toll"): the same subject.
WISH = lexicon.pattern(r"(?:would be|'d be) (?:great|good|nice|ideal|perfect|better|handy)|wäre (?:toll|gut|super|schön|"
                       r"ideal|besser|prima|praktisch)|serait (?:bien|top|génial|idéal|parfait|mieux|pratique)|"
                       r"sería (?:genial|bueno|ideal|perfecto|mejor|práctico)|(?:最好|更好)是?")
#: A Chinese message ending in 的 ("有没有袋泡的？", "do you have bagged ones?") asks for the same thing.
SAME_KIND_ZH = re.compile(r"的\s*[？?。！!]*\s*$")


def new_subject(state: Any, message: str, request: CrossModalQuery | None, critique: Any, agent: Any,
                shown: Sequence[Mapping[str, Any]] = ()) -> bool:
    """Whether ``message`` (rewritten as ``request``) starts a new subject in a session ``state``
    (``shown``: the items last shown)."""
    if not (state.topic or state.filters) or request is None:  # "knee pads" is a subject said by its kind alone
        return False
    if NEXT.search(message) and request.queries:  # "und jetzt noch ein Teesieb": the next thing wanted
        return True
    if critique.like_ids or critique.unlike_ids or critique.again or critique.boost or critique.filters \
            or critique.order is not None or REFINE.search(message) or SAME_KIND_ZH.search(message) \
            or COMPARED.match(message.strip()) or (request.order is not None and request.order.mode in ("less", "more")):
        return False
    if AMEND.search(message) and ONE.search(message):  # "actually make that one for snowboarding"
        return False
    if _other_value(request, shown, agent.facets):
        return True
    if _only_conditions(request, agent.facets) or _for_someone(request):  # "il faut qu'il soit compatible contact
        return False  # alimentaire": of the same thing; "c'est pour une petite fille de 8 ans": who it is for
    if not state.topic or not request.queries or WISH.search(message) or any(
            ONE.search(words) for words in (message, request.queries[0].text)):
        return False  # "do you have it in black?", "bruchfest sollten sie sein" (they), "zusammenklappbar wäre toll"
    if _other_kind(request.queries[0].text, " ".join(state.topic), agent):
        return True
    if lexicon.has_cjk(request.queries[0].text):
        return _new_cjk_subject(request.queries[0].text, " ".join(state.topic))
    if detect(request.queries[0].text) != ENGLISH:  # titles are no help in another language: words are, when
        return _new_words(request.queries[0].text, " ".join(state.topic)) and _names_kind(request, agent.facets)
        # they name a kind ("électrique, pour la brancher dans la voiture" says more of the cool box asked for)
    words = set(stem_phrase(request.queries[0].text).split())
    values = {stem_phrase(v) for facet in agent.facets.values() for v in facet.values}
    kinds = (words & title_words(agent.titles())) - values - _FILLER_STEMS
    earlier = set(stem_phrase(" ".join(state.topic)).split())
    return bool(kinds) and not kinds & earlier


def says_a_thing(text: str, agent: Any) -> bool:
    """Whether a chat message's words name something of the catalogue: a word of its titles (in
    English), or any word in another language; "should've said, my partner's vegetarian" names none,
    and a kind found by meaning in such words is noise."""
    if lexicon.has_cjk(text) or detect(text) != ENGLISH:
        return True
    return bool((set(stem_phrase(text).split()) - _FILLER_STEMS) & title_words(agent.titles()))


def fresh_topic(state: Any) -> Any:
    """``state`` with the current subject dropped (words, preferences, order, conditions): a
    budget said for knee pads is not one for the reflective vest asked next."""
    return state.model_copy(update={"topic": [], "boost": [], "filters": [], "avoid": [], "order": None,
                                    "exclude_words": [], "like_ids": [], "unlike_ids": [], "attachments": []})


def held(query: CrossModalQuery | None, critique: Any, facets: Any) -> CrossModalQuery | None:
    """``query`` whose kinds, read loosely in an earlier turn, hold when the message compares with what was shown
    ("太贵了，有便宜点的吗" after kick pads: cheaper kick pads, or the cheapest shown, not a cheaper belt)."""
    from xmr_agent.agent.columns import kind_columns
    from xmr_agent.agent.query import loose_note

    if query is None or not any(f.op in ("<", ">") for f in critique.filters):
        return query
    kinds = {loose_note(f) for f in query.filters if f.hard and f.column.lower() in kind_columns(facets)}
    return query.model_copy(update={"notes": tuple(n for n in query.notes if n not in kinds)})


def _other_value(request: CrossModalQuery, shown: Sequence[Mapping[str, Any]], facets: Any) -> bool:
    """The request requires a kind ("a stove") that none of the items last shown is ("shelter")."""
    from xmr_agent.agent.columns import kind_columns

    columns = kind_columns(facets)
    kinds = [f for f in request.filters if f.hard and f.op in ("=", "contains") and f.column.lower() in columns
             and f not in request.guessed()]  # a kind guessed by meaning is no kind said (:func:`_other_kind`)
    return bool(kinds and shown) and all(not any(satisfies(row, f) for row in shown) for f in kinds)


def _names_kind(request: CrossModalQuery, facets: Any) -> bool:
    """The request names a kind of item by its words (not one guessed by meaning)."""
    from xmr_agent.agent.columns import kind_columns

    kinds = kind_columns(facets)
    return any(f.column.lower() in kinds and f.op in ("=", "contains") for f in request.filters if f not in request.guessed())


def _only_conditions(request: CrossModalQuery, facets: Any) -> bool:
    """The request states conditions (a yes/no column, a price) and names no kind, by
    its words or by meaning: a condition on the thing talked about."""
    from xmr_agent.agent.columns import kind_columns

    kinds, guessed = kind_columns(facets), request.guessed()  # a preference alone ("for a campingaz bistro": the brand)
    return any(f.hard for f in request.filters) and not any(  # is no condition stated; a kind guessed by meaning
        f.column.lower() in kinds for f in request.filters if f.hard or f not in guessed)  # no kind said ("anything in
    # copper?"; a kind the titles give, a condition, is said: "a warm jacket")


def _for_someone(request: CrossModalQuery) -> bool:
    """The request's conditions all say who the thing is for, its kinds only guessed by meaning."""
    hard = [f for f in request.filters if f.hard and f not in request.guessed()]
    return bool(hard) and all(audience_note(f) in request.notes for f in hard)


def _other_kind(text: str, earlier: str, agent: Any) -> bool:
    """The message describes another kind of item than the earlier requests, by meaning (in any
    language the table's text encoder reads): "une écharpe" after "a present for a child"."""
    meanings = agent.meanings() if callable(getattr(agent, "meanings", None)) else None
    if meanings is None:
        return False
    new = {(f.column, str(f.value)) for f in meanings.preferences(text, set())}
    old = {(f.column, str(f.value)) for f in meanings.preferences(earlier, set())}
    return bool(new and old) and not new & old and {c for c, _ in new} & {c for c, _ in old} != set()


def _new_words(text: str, earlier: str) -> bool:
    """A message in another language than the titles': new when none of its words (colours and
    filler aside) was in the earlier requests."""
    for words in lexicon.COLOURS.values():
        text = lexicon.pattern(words).sub(" ", text)
    said = {w.lower() for w in _WORD.findall(earlier)}
    new = {w.lower() for w in _WORD.findall(text)} - lexicon.FILLER
    return bool(new) and not new & said


def _new_cjk_subject(text: str, earlier: str) -> bool:
    """Chinese has no spaces or stems: a message whose characters, once colours and filler are
    taken out, share none with the earlier requests names a new subject."""
    for words in lexicon.COLOURS.values():
        text = lexicon.pattern(words).sub(" ", text)
    for filler in (w for w in lexicon.FILLER if lexicon.has_cjk(w)):
        text, earlier = text.replace(filler, " "), earlier.replace(filler, " ")
    chars = {ch for ch in text if lexicon.has_cjk(ch)}
    return bool(chars) and not chars & set(earlier)


_WORD = re.compile(r"[^\W\d_]{2,}")
_FILLER_STEMS = frozenset(stem_phrase(w) for w in lexicon.FILLER)




#: Words for what an item comes in: "the bigger bag", "le plus gros paquet", "die große Packung".
PACKS = lexicon.pattern(r"packs?|packets?|packages?|bags?|sacks?|tubs?|jars?|bottles?|tins?|cans?|cartons?|sizes?|"
                        r"packung(?:en)?|pakete?|päckchen|tüten?|säcke?|sack|dosen?|flaschen?|gläser|glas|größe|"
                        r"paquets?|sachets?|sacs?|boîtes?|pots?|bouteilles?|flacons?|tailles?|"
                        r"paquetes?|bolsas?|sacos?|cajas?|botes?|botellas?|frascos?|tamaños?|包装|袋|盒|瓶|罐|装")
#: Sizes said with a definite article in place of a superlative: "the big one", "die große Packung".
_BIG = lexicon.pattern(r"big|large|huge|gro(?:ß|ss)e[nrs]?|gros|grosse|grand|grande|grandes|大")
_SMALL = lexicon.pattern(r"small|little|klein(?:e[nrs]?)?|petite?s?|pequeñ[oa]s?|小")
_SIZE_FILLER = lexicon.pattern(r"the|one|please|le|la|les|plus|die|das|der|den|bitte|am|el|los|las|más|por favor|"
                               r"most|est|biggest|largest|smallest|bigger|larger|smaller|größte[nrs]?|größere[nrs]?|"
                               r"kleinste[nrs]?|kleinere[nrs]?|最|的|要|请|一|个")


def packed(message: str, request: CrossModalQuery | None, agent: Any) -> tuple[CrossModalQuery | None, bool]:
    """A message that only picks a size of what was shown ("the bigger bag", "le plus gros paquet",
    "die große Packung bitte", "最大的那袋"): a sort by size among the items shown (then ``True``), no
    kind nor words of its own (the translation's "box" is no nest box); else ``request`` as it is."""
    if request is None or not PACKS.search(message):
        return request, False
    rest = _SIZE_FILLER.sub(" ", _SMALL.sub(" ", _BIG.sub(" ", PACKS.sub(" ", message))))
    if re.search(r"[^\W\d_]", rest) or (request.order is None and not (_BIG.search(message) or _SMALL.search(message))):
        return request, False
    order = request.order if request.order is not None and request.order.mode == "sort" else \
        agent.rewriter.rewrite("the smallest" if _SMALL.search(message) else "the biggest").order
    return CrossModalQuery(order=order, k=request.k, notes=(*request.notes, "a size of the items shown")), order is not None


def variants(shown: Sequence[Mapping[str, Any]]) -> list[str]:
    """The ids of the items ``shown`` that are sizes of one product ("Sunflower Hearts 1 kg", "… 2.55 kg"):
    those titled as the first of them that has another so titled, numbers and units aside; all of them
    when no two are."""
    def named(row: Mapping[str, Any]) -> str:
        return " ".join(w for w in re.findall(r"[^\W\d_]+", str(row.get("title") or "").lower()) if w not in _UNITS)

    names = [named(r) for r in shown]
    for name in names:
        same = [str(r["id"]) for r, n in zip(shown, names, strict=True) if n == name]
        if name and len(same) > 1:
            return same
    return [str(r["id"]) for r in shown]


#: Unit words of sizes in titles ("2 kg", "500 ml", "x5"): the units of column names and words for a pack.
_UNITS = UNIT_PARTS | frozenset("x pack pcs pieces stück st pièces".split())
