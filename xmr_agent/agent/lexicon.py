"""The words the rule-based rewriter reads, in English, French, German, Spanish and Chinese.

Each entry is a regular-expression alternation. Latin-script words are matched on word
boundaries and case-insensitively; Chinese ones anywhere (Chinese has no spaces). Keeping the
vocabulary here, as data, means a language is added by adding words, not code. Longer phrases
come first in each alternation so that "le moins cher" wins over "moins cher".
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Currency words and symbols; a number next to one is a price.
CURRENCY = (r"(?:a|au|c|ca|nz|hk|s|us)\$|(?:aud|cad|nzd|sgd|hkd|jpy|cny|sek|nok|dkk|pln|mxn|inr)(?![^\W\d_])|\$|€|£|¥|元|块钱?|美元|欧元|英镑|欧(?!洲)|镑|刀|dollars?|bucks|usd|euros?|eur|pounds?|gbp|dólares|dolares|"
            r"francs?|yuan|rmb|quid|chf|sfr|franken|francos|yen|livres?(?: sterling)?|pfund|libras?(?: esterlinas?)?|pesos|₹|"
            r"rupees?|rs\.?(?=\s?\d)|r\$|人民币|瑞郎|法郎|日元|澳元|澳币|加元|加币|港元|港币|新加坡元|比索|卢比")
#: "under 20": the number is an upper bound.
BELOW = (r"under|below|less than|cheaper than|at most|no more than|(?:nothing|none|nada|nichts|rien) (?:(?:that|which) (?:costs?|is) )?(?:over|above|more than|pricier than|dearer than|über|teurer als|au-dessus de|de plus de|por encima de|de más de)|not more than|up to|max(?:imum)?|within|(?:doesn'?t|does not|don'?t|do not|won'?t) cost more than|(?:can'?t|cannot|can not|won'?t|don'?t want to|do not want to|shouldn'?t|mustn'?t) (?:go|spend|pay) (?:over|above|more than|beyond)|no cuestes? más de|no cuesten más de|no valga más de|no supere (?:los |las )?|no pasen? de|"
         r"moins de|moins d'|moins que|en dessous de|au-dessous de|au plus|pas plus de|maximum|sous|"
         r"weniger als|höchstens|hoechstens|bis zu|bis|unter|maximal|nicht mehr als|nicht über|nicht teurer als|billiger als|günstiger als|not over|not above|pas au-dessus de|no más caro que|no por encima de|"
         r"menos de|menos que|por debajo de|como máximo|no más de|hasta|más barato que|más barata que|"
         r"低于|少于|不超过|不要超过|别超过|不能超过|不要高于|不到|不高于|便宜于")
#: "up to 20", "at most 20": the words of :data:`BELOW` that take the bound itself in.
AT_MOST = (r"at most|no more than|(?:nothing|none|nada|nichts|rien) (?:(?:that|which) (?:costs?|is) )?(?:over|above|more than|pricier than|dearer than|über|teurer als|au-dessus de|de plus de|por encima de|de más de)|not more than|up to|max(?:imum)?|within|au plus|pas plus de|maximum|(?:doesn'?t|does not|don'?t|do not|won'?t) cost more than|(?:can'?t|cannot|can not|won'?t|don'?t want to|do not want to|shouldn'?t|mustn'?t) (?:go|spend|pay) (?:over|above|more than|beyond)|no cuestes? más de|no cuesten más de|no valga más de|no supere (?:los |las )?|no pasen? de|"
           r"höchstens|hoechstens|bis zu|bis|maximal|nicht mehr als|nicht über|nicht teurer als|not over|not above|pas au-dessus de|no más caro que|no por encima de|como máximo|no más de|hasta|不超过|不要超过|别超过|不能超过|不要高于|不高于")
#: "at least 20": the words of :data:`ABOVE` that take the bound itself in.
AT_LEAST = r"at least|min(?:imum)?|au moins|minimum|mindestens|al menos|como mínimo|mínimo|不低于|至少"
#: "over 20": the number is a lower bound.
ABOVE = (r"over|above|more than|at least|min(?:imum)?|plus de|au-dessus de|au moins|minimum|mehr als|über|ueber|mindestens|"
         r"más de|por encima de|al menos|mínimo|高于|超过|多于|不低于")
#: Written after the number ("20元以下", "20 euros max").
BELOW_AFTER = (r"以下|以内|之内|或更少|or less|or under|or cheaper|max|maximum|tops|at (?:the )?most|au maximum|ou moins cher|"
               r"höchstens|maximal|oder weniger|como máximo|o menos|ou moins")
ABOVE_AFTER = (r"以上|或更多|or more|and up|and above|at (?:the )?least|ou plus|oder mehr|o más|minimum|au moins|au minimum|"
               r"mindestens|wenigstens|como mínimo|al menos|mínimo")
#: Stars of a rating ("4 stars or more").
STARS = r"stars?|étoiles?|sterne?n?|estrellas?|星"
#: A rating named before its number: "a rating above 4.5", "评分4.5以上", "note de 4,5", "Bewertung über 4".
RATED = (r"(?:rated|with a rating|a rating|rating|ratings?\s+of|scored?|noté(?:e|s|es)?|une note|note|bewertet|"
         r"bewertung|valorad[oa]s?|valoración|puntuación|nota|评分|评价|分数)(?:\s+(?:of|de|von|at least))?")
#: An age ("my 8 year old", "5 ans", "6-Jährige", "4 años").
MONTHS_OLD = r"months?[- ]olds?|months? of age|mois\b|monate[n]?\b|monats?\b|meses\b|mo\b"
FROM_BIRTH = (r"from birth|newborns?|new-borns?|dès la naissance|des la naissance|nouveau-nés?|ab (?:der )?geburt|"
              r"neugeborene[n]?|desde el nacimiento|recién nacidos?|recien nacidos?|新生儿|出生起")
AGES = r"years?[- ]olds?|yrs?[- ]olds?|y/?o\b|years? of age|ans\b|jahre\b|jahren\b|jährigen?|jährige[nr]?|años\b"
#: Small numbers written out (ages, mostly).
NUMBER_WORDS = {w: n for n, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)}
#: Chinese digits ("三岁", "十二个月"; 两 is two).
CJK_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九", 0)} | {"两": 2}
CJK_NUMBER = r"[零一二两三四五六七八九十]{1,3}"


def cjk_number(text: str) -> int | None:
    """A Chinese number up to 99 ("三" → 3, "十二" → 12, "二十" → 20), else ``None``."""
    if not text or any(c not in CJK_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return CJK_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:  # "十十" is no number
        return None
    return (CJK_DIGITS[tens] if tens else 1) * 10 + (CJK_DIGITS[ones] if ones else 0)
#: "between 10 and 20" — the words around the two numbers.
BETWEEN = r"between|entre|zwischen|from|de|von|desde|介于|在"
AND = r"and|to|et|à|a|und|bis|y|hasta|-|–|到|至|和"

#: Relative price words, against the catalogue's own prices: checked in this order.
CHEAP = (r"(?:won['’]?t|doesn['’]?t|does not|will not) break the bank|on a (?:tight |shoestring )?budget|cheap and cheerful|"
         r"not (?:too |very |so |that )?(?:expensive|pricey|dear)|inexpensive|cheap(?:ish)?|affordable|budget(?!,?\s+(?:is|isn't|n'est|c'est|ce|ist|spielt|doesn't|does|da|no|es)\b)|low[- ]cost|bargain|"
         r"low[- ]priced|pas (?:trop |très )?ch(?:er|[eè]re|ers|[eè]res)|bon marché|abordables?|économiques?|petits? prix|"
         r"nicht (?:zu |so |allzu )?teu(?:er|re[nrs]?)|günstige?[nrs]?|billige?[nrs]?|preiswerte?[nrs]?|"
         r"barat(?:it|ill)?[oa]s?|económic[oa]s?|asequibles?|no (?:(?:sea|salga|resulte|es|esté|está)\s+)?(?:muy |tan |demasiado )?car[oa]s?|"
         r"no cueste (?:mucho|demasiado)|reasonably priced|(?:at )?a reasonable price|(?:à )?(?:un )?prix (?:raisonnable|correct)|zu (?:einem )?vernünftigen preis|(?:a )?(?:un )?precio razonable|价格合理|价格适中|(?:doesn['’]?t|does not|won['’]?t|will not) cost (?:too much|much|a lot|a fortune|the earth)|不(?:太|很|怎么)?贵|便宜|实惠|平价|划算")
PRICEY = (r"money(?:'s| is)? no object|(?:the )?(?:budget|money|cost)(?: is(?: not|n't)|['’]s not) (?:an? |the )?(?:issue|problem)|(?:the )?(?:budget|money|cost) doesn't matter|"
          r"(?:le )?budget,? (?:n'est|c'est|ce n'est|est)? ?pas (?:un |le )(?:problème|souci)|pas de souci de budget|peu importe le budget|"
          r"(?:happy|willing|prepared|ready) to (?:spend|pay) (?:a bit |a little |a lot )?more|(?:i )?(?:don't|do not) mind (?:spending|paying) (?:a bit |a little )?more|up-?market|"
          r"darf (?:ruhig )?(?:etwas |was )?(?:mehr )?kosten|edel|edle[nrs]?|gehobene?[nrs]?|de (?:gama|calidad) alta|de alta gama|gama alta|puede costar más|高级|budget illimité|geld spielt keine rolle|das budget ist egal|"
          r"(?:el precio|el presupuesto) (?:me )?da igual|da igual lo que cuest\w+|sin límite de presupuesto|不差钱|预算不限|"
          r"(?:the )?price (?:doesn['’]?t|does not|won['’]?t) matter|price is no (?:object|issue)|"
          r"whatever it costs|regardless of (?:the )?price|le prix importe peu|peu importe le prix|"
          r"egal,? was es kostet|der preis (?:ist )?egal|cueste lo que cueste|el precio no importa|价格无所谓|不在乎价格|"
          r"top[- ]of[- ]the[- ]range|no expense spared|best money can buy|expensive|pricey|luxur(?:y|ious)|premium|high[- ]end|upscale|fancy|posh|swanky|splurge|top[- ]end|indulgent|special treat|"
          r"ch(?:er|[eè]re|ers|[eè]res)|de luxe|luxueu(?:x|se)s?|haut de gamme|"
          r"teuer|teure[nrs]?|luxuriöse?[nrs]?|hochwertige?[nrs]?|"
          r"car[oa]s?|de lujo|lujos[oa]s?|贵|昂贵|高档|奢华|高端")
#: Comparatives: against a shown or named item ("cheaper than the blue one"), else a relative word.
CHEAPER = (r"cheaper|less (?:expensive|pricey|costly)|not (?:as|that) (?:expensive|pricey|dear)|for less\b(?!\s+than)|lower[- ]priced|more affordable|(?<!not )(?:a )?(?:bit|little|tad) (?:too )?"
           r"(?:pricey|expensive|dear|steep|much)|(?<!not )too (?:pricey|expensive|dear|steep)|moins ch(?:er|[eè]re|ers|[eè]res)|"
           r"(?<!pas )trop ch(?:er|[eè]re|ers|[eè]res)|(?<!nicht )zu teu(?:er|re[nrs]?)|(?<!no )(?<!sea )demasiado car[oa]s?|(?<!不)太贵|"
           r"meilleur marché|billigere?[nrs]?|günstigere?[nrs]?|más barat[oa]s?|más económic[oa]s?|更便宜|便宜一?点|便宜些")
PRICIER = (r"pricier|more expensive|higher[- ]end|more (?:up-?market|high[- ]end|premium|upscale|luxurious)|plus ch(?:er|[eè]re|ers|[eè]res)|plus haut de gamme|"
           r"(?<!nicht )(?<!zu )(?<!allzu )(?<!so )(?<!sehr )(?<!ein )teurere?[nrs]?|hochwertigere?[nrs]?|más car[oa]s?|de (?:más|mejor) calidad|de gama más alta|更贵|贵一?点|更高档|高档一?点|更高端|高端一?点")
#: Comparatives of the other measures: (words, column kind, mode).
COMPARATIVES = (
    (r"lighter|less heavy|not (?:as|so) heavy|plus lég(?:er|ère)s?|moins lourde?s?|pas aussi lourde?s?|leichtere?[nrs]?|"
     r"nicht so schwer|más liger[oa]s?|menos pesad[oa]s?|no tan pesad[oa]s?|更轻",
     "weight", "less"),
    (r"heavier|plus lourde?s?|schwerere?[nrs]?|más pesad[oa]s?|更重", "weight", "more"),
    (r"newer|more recent|plus récente?s?|neuere?[nrs]?|más recientes?|más nuev[oa]s?|更新的", "time", "more"),
    (r"older|plus ancien(?:ne)?s?|plus vieux|plus vieille?s?|ältere?[nrs]?|más antigu[oa]s?|更老|更早", "time", "less"),
    (r"shorter|plus courte?s?|kürzere?[nrs]?|más cort[oa]s?|更短", "length", "less"),
    (r"longer|plus longu?e?s?|längere?[nrs]?|más larg[oa]s?|更长", "length", "more"),
    (r"smaller|more compact|plus petite?s?|kleinere?[nrs]?|más pequeñ[oa]s?|更小", "size", "less"),
    (r"bigger|larger|plus grande?s?|größere?[nrs]?|groessere?[nrs]?|más grandes?|更大", "size", "more"),
    (r"smaller|plus petite?s?|kleinere?[nrs]?|más pequeñ[oa]s?|更小", "weight", "less"),  # no column of sizes
    (r"bigger|larger|plus grande?s?|größere?[nrs]?|groessere?[nrs]?|más grandes?|更大", "weight", "more"),
    (r"brighter|plus lumineu(?:x|se|ses)|hellere?[nrs]?|más (?:brillante|luminos[oa])s?|更亮", "brightness", "more"),
    (r"more powerful|plus puissante?s?|leistungsstärkere?[nrs]?|más potentes?|功率更大", "power", "more"),
    (r"stronger|more intense|plus forte?s?|plus intense?s?|stärkere?[nrs]?|kräftigere?[nrs]?|más fuertes?|"
     r"más intens[oa]s?|spicier|hotter|plus (?:piquante?s?|épicée?s?)|schärfere?[nrs]?|más picantes?|更浓|更烈|更强|更辣", "strength", "more"),
    (r"milder|less intense|less spicy|plus doux|plus douces?|moins (?:piquante?s?|épicée?s?)|mildere?[nrs]?|weniger scharf|más suaves?|menos picantes?|更温和|更淡|不那么辣|没那么辣", "strength", "less"),
    (r"warmer|plus chaude?s?|wärmere?[nrs]?|más (?:calientes?|abrigad[oa]s?|cálid[oa]s?)|更暖和?|更保暖", "warmth", "more"),
    (r"cooler|plus fra(?:is|îche)s?|kühlere?[nrs]?|más fresc[oa]s?|更凉快?", "warmth", "less"),
    (r"more mature|more aged|longer[- ]aged|plus affinée?s?|reifere?[nrs]?|más curad[oa]s?|más madur[oa]s?",
     "maturity", "more"),
    (r"faster|quicker|plus rapides?|schnellere?[nrs]?|más rápid[oa]s?|更快", "speed", "more"),
    (r"closer|nearer|plus (?:près|proches?)|näher|más cerca(?:n[oa]s?)?|更近", "distance", "less"),
    (r"better[- ]rated|higher[- ]rated|better reviewed|better reviews|mieux notée?s?|meilleures? (?:notes|avis)|"
     r"besser bewertete?[nrs]?|besseren? bewertung(?:en)?|mejor valorad[oa]s?|mejores (?:valoraciones|reseñas|opiniones)|"
     r"mejor puntuad[oa]s?|评分更高|评价更好", "rating", "more"),
)

#: Relative words for other measures: (words, column kind, mode); "light" only before a noun ("a light
#: tent", not "a reading light"), and only on a table with a column of that kind.
RELATIVE = (
    (r"lightweight|ultra-?light|light(?=\s+(?!(?:that|which|for|with|to|is|isn't|isnt|are|under|over|in|on|"
     r"from|at|by|please|without|not|of)\b)[^\W\d_])|légère?s?|leichte?[nrs]?|liger[oa]s?|轻便|轻巧|(?:not|isn't|isnt|nicht|pas|"
     r"no)\s+(?:too|so|very|that|zu|so|trop|très|tan|muy|demasiado)\s+(?:heavy|schwer|lourde?s?|pesad[oa]s?)|不太重", "weight", "low"),
    (r"quick|fast|rapide?s?|schnelle?[nrs]?|rápid[oa]s?|快速?", "length", "low"),
    (r"short|courte?s?|kurze?[nrs]?|cort[oa]s?|短", "length", "low"),
    (r"recent|latest|récente?s?|neuere?[nrs]?|reciente?s?|新近|最近", "time", "high"),
    (r"warm|cosy|cozy|for (?:the )?winter|winter|chaude?s?|pour l'hiver|d'hiver|warme?[nrs]?|für den winter|"
     r"cálid[oa]s?|abrigad[oa]s?|calientes?|para el invierno|de invierno|暖和|保暖|冬天|冬季", "warmth", "high"),
    (r"cool|for (?:the )?summer|summer|lightweight|fra(?:is|îche)s?|pour l'été|d'été|kühle?[nrs]?|für den sommer|sommer|fresc[oa]s?|para el verano|de verano|凉快|夏天|夏季", "warmth", "low"),
    (r"mild(?:ly)?(?: hot| spicy)?|(?:not|nothing|non)[- ](?:too |very |so )?(?:spicy|hot)|rien de (?:trop )?(?:piquant|épicé)|nichts scharfes|nada (?:de )?picante|不要辣|pas (?:trop |très )?(?:piquante?s?|épicée?s?)|doux|douce|nicht (?:so |zu )?scharf|mild(?:e[nrs]?)?|poco picantes?|no (?:muy |tan )?picantes?|suaves?|不辣|微辣|不太辣|少辣", "heat", "low"),  # (before "piquante": "pas trop piquante")
    (r"spicy|(?:really |very |extra )?hot(?= (?:sauce|chil+i|one|oil|paste|pepper|curry|stuff)s?\b)|piquante?s?|épicée?s?|relevée?s?|scharf(?:e[nrs]?)?|picantes?|picos[oa]s?|很辣|特辣|超辣|够辣|重辣", "heat", "high"),
)

#: Superlatives → a sort: (words, column kind, descending).
SUPERLATIVES: tuple[tuple[str, str, bool], ...] = (
    (r"cheapest|least expensive|lowest[- ]price[d]?|most affordable|"
     r"(?:le|la|les) moins ch(?:er|[eè]re|ers|[eè]res)|"
     r"billigste[nrsm]?|günstigste[nrsm]?|am billigsten|am günstigsten|"
     r"(?:el|la|los|las|lo) más barat[oa]s?|"
     r"最便宜|最实惠|最低价", "price", False),
    (r"most expensive|priciest|dearest|highest[- ]price[d]?|(?:le|la|les) plus ch(?:er|[eè]re|ers|[eè]res)|"
     r"teuerste[nrsm]?|am teuersten|(?:el|la|los|las|lo) más car[oa]s?|"
     r"最贵|最昂贵|最高价", "price", True),
    (r"newest|latest|most recent|(?:le|la|les) plus récente?s?|(?:le|la|les) plus nouveaux|neueste[nrs]?|aktuellste[nrs]?|"
     r"(?:el|la|los|las|lo) más (?:reciente|nuev[oa])s?|最新", "time", True),
    (r"oldest|earliest|(?:le|la|les) plus (?:ancien(?:ne)?s?|vieux|vieille)|älteste[nrs]?|aelteste[nrs]?|"
     r"(?:el|la|los|las|lo) más (?:antigu[oa]|viej[oa])s?|最老|最早|最旧", "time", False),
    (r"thickest|(?:le|la|les) plus épaisse?s?|dickste[nrs]?|(?:el|la|los|las|lo) más grues[oa]s?|最厚", "thickness", True),
    (r"thinnest|(?:le|la|les) plus fine?s?|dünnste[nrs]?|(?:el|la|los|las|lo) más fin[oa]s?|最薄", "thickness", False),
    (r"longest|(?:le|la|les) plus longs?(?:ues?)?|längste[nrs]?|laengste[nrs]?|(?:el|la|los|las|lo) más larg[oa]s?|最长", "length", True),
    (r"shortest|(?:le|la|les) plus courte?s?|kürzeste[nrs]?|kuerzeste[nrs]?|(?:el|la|los|las|lo) más cort[oa]s?|最短", "length", False),
    (r"widest|(?:le|la|les) plus larges?|breiteste[nrs]?|(?:el|la|los|las|lo) más anch[oa]s?|最宽", "width", True),
    (r"narrowest|(?:le|la|les) plus étroite?s?|schmalste[nrs]?|(?:el|la|los|las|lo) más estrech[oa]s?|最窄", "width", False),
    (r"tallest|(?:le|la|les) plus haute?s?|(?:el|la|los|las|lo) más alt[oa]s?", "height", True),
    (r"hottest|highest temperature|température la plus élevée|heißeste[nrs]?|höchste temperatur|temperatura más alta|最热|温度最高", "temperature", True),  # not "le plus chaud": the warmest sleeping bag has the lowest comfort temperature
    (r"quickest|fastest|(?:le|la|les) plus rapides?|schnellste[nrs]?|(?:el|la|los|las|lo) más rápid[oa]s?|最快", "length", False),
    (r"best[- ]rated|highest[- ]rated|top[- ]rated|best[- ]reviewed|(?:the )?best (?:reviews|ratings)|"
     r"highest (?:ratings|rating|score|reviews?)|(?:the )?(?:best|top|highest) (?:reviewed|rated)|top reviews|"
     r"(?:the )?best (?:customer )?reviews|most (?:liked|loved|popular with (?:buyers|customers))|"
     r"(?:le|la|les) mieux notée?s?|(?:la |les )?meilleures? notes?|"
     r"bestbewertete[nrs]?|am besten bewertete?[nrs]?|"
     r"(?:el|la|los|las|lo) mejor (?:valorad|puntuad)[oa]s?|"
     r"评分最高|评价最好|最好评", "rating", True),
    (r"lightest|(?:le|la|les) plus lég(?:er|ère)s?|leichteste[nrs]?|(?:el|la|los|las|lo) más liger[oa]s?|最轻|(?:weighs?|"
     r"pèsent?|pesan?|pese|wiegt|wiegen)\s+(?:the\s+|le\s+|am\s+)?(?:least|moins|menos|wenigsten)(?!\s+(?:de|que|als)\b)", "weight", False),
    (r"heaviest|(?:le|la|les) plus lourde?s?|schwerste[nrs]?|(?:el|la|los|las|lo) más pesad[oa]s?|最重", "weight", True),
    (r"biggest|largest|(?:le|la|les) plus grande?s?|größte[nrs]?|groesste[nrs]?|(?:el|la|los|las|lo) más grandes?|最大", "size", True),
    (r"smallest|(?:le|la|les) plus petite?s?|kleinste[nrs]?|(?:el|la|los|las|lo) más pequeñ[oa]s?|最小", "size", False),
    # with no column of sizes, "the biggest cheese" is the heaviest
    (r"biggest|largest|(?:le|la|les) plus grande?s?|größte[nrs]?|groesste[nrs]?|(?:el|la|los|las|lo) más grandes?|最大", "weight", True),
    (r"smallest|(?:le|la|les) plus petite?s?|kleinste[nrs]?|(?:el|la|los|las|lo) más pequeñ[oa]s?|最小", "weight", False),
    (r"brightest|most luminous|(?:le|la|les) plus lumineu(?:x|se|ses)|hellste[nrs]?|am hellsten|"
     r"(?:el|la|los|las|lo) más (?:brillante|luminos[oa])s?|最亮", "brightness", True),
    (r"dimmest|least bright", "brightness", False),
    (r"most powerful|(?:le|la|les) plus puissante?s?|leistungsstärkste[nrs]?|(?:el|la|los|las|lo) más potentes?|"
     r"功率最大|最强劲", "power", True),
    (r"strongest|most intense|(?:le|la|les) plus forte?s?|(?:le|la|les) plus intense?s?|stärkste[nrs]?|"
     r"intensivste[nrs]?|kräftigste[nrs]?|(?:el|la|los|las|lo) más (?:fuerte|intens[oa])s?|最浓|最烈|最强", "strength", True),
    (r"strongest|(?:le|la|les) plus forte?s?|stärkste[nrs]?|(?:el|la|los|las|lo) más fuertes?|最强", "power", True),
    (r"mildest|least intense|(?:le|la|les) plus doux|(?:la|les) plus douces?|mildeste[nrs]?|"
     r"(?:el|la|los|las|lo) más suaves?|least spicy|(?:el|la|los|las|lo) menos picantes?|最温和|最淡|最不辣", "strength", False),
    (r"warmest|cosiest|coziest|(?:le|la|les) plus chaude?s?|wärmste[nrs]?|waermste[nrs]?|"
     r"(?:el|la|los|las|lo) más (?:calientes?|abrigad[oa]s?|cálid[oa]s?)|最暖和?|最保暖", "warmth", True),
    (r"coolest|(?:le|la|les) plus fra(?:is|îche)s?|kühlste[nrs]?|(?:el|la|los|las|lo) más fresc[oa]s?|最凉快?", "warmth", False),
    (r"oldest|most mature|longest[- ]aged|most aged|(?:le|la|les) plus (?:vieux|vieille|âgée?s?|affinée?s?)|"
     r"älteste[nrs]?|reifste[nrs]?|am längsten gereifte[nrs]?|(?:el|la|los|las|lo) más (?:viej[oa]|curad[oa]|madur[oa])s?|"
     r"最老|最陈", "maturity", True),
    (r"youngest|least aged|(?:le|la|les) plus jeunes?|jüngste[nrs]?|(?:el|la|los|las|lo) más (?:joven|jóvenes|tiern[oa]s?)|"
     r"最年轻|最嫩", "maturity", False),
    (r"spiciest|hottest|most spicy|(?:le|la|les) plus (?:piquante?s?|épicée?s?|relevée?s?)|schärfste[nrs]?|am schärfsten|"
     r"(?:el|la|los|las|lo) más picantes?|最辣", "strength", True),  # with no temperature column: the sauces' heat
    (r"quickest|fastest|(?:le|la|les) plus rapides?|schnellste[nrs]?|(?:el|la|los|las|lo) más rápid[oa]s?|最快", "speed", True),
)
#: Spanish puts the article before the noun ("la mochila más ligera"): a superlative with one in
#: the three words before it.
ARTICLE_BEFORE = re.compile(r"\b(?:el|la|los|las|lo)\s+(?:[^\W\d_]+\s+){1,3}$", re.IGNORECASE)
#: "lowest calories", "most pages": a superlative before a numeric column's name.
LOW_WORDS = r"lowest|least|fewest|less|fewer|weniger|smallest|shortest|minimum|min|le moins de|la plus basse|le plus bas|wenigsten|niedrigste[nrs]?|menos|plus petite?s?|kleinste[nrs]?|menor(?:es)?|最少|最低|最小"
HIGH_WORDS = r"highest|most|more|mehr|largest|biggest|longest|best|maximum|max|le plus de|la plus haute|le plus haut|meisten|höchste[nrs]?|más|plus grande?s?|größte[nrs]?|mayor(?:es)?|最多|最高|最大"

#: Names of numeric columns that match only as a whole part of a column's name ("course_fee", not "coffee").
WHOLE_NAMES = frozenset({"fee", "fees", "fare", "rent"})
#: Names of numeric columns, by what they measure (matched on the column name).
COLUMN_KINDS = {
    "price": ("price", "cost", "price_usd", "price_eur", "amount", "prix", "preis", "precio", "msrp", "rrp", "mrp", "retail", "uvp", "pvp", "ttc", "srp",
              "tarif", "kosten", "coste", "costo", "prezzo", "fee", "fees", "tuition", "fare", "rent", "nightly_rate", "room_rate",
              "daily_rate", "day_rate", "hourly_rate", "weekly_rate", "rate_per_night", "per_night", "rental_rate",
              "gebuhr", "gebuehr", "frais", "tarifa", "cuota", "importe", "monto", "montant", "betrag", "coût", "cout", "金额", "单价", "价格", "价钱", "售价", "费用", "学费",
              # a column named by its currency alone ("eur", "usd", "euros")
              "eur", "usd", "gbp", "chf", "jpy", "cny", "rmb", "cad", "aud", "sek", "nok", "dkk", "inr", "euro", "euros",
              "dollars", "pounds", "yuan"),
    "time": ("year", "release_year", "released", "date", "published", "publication_year", "release_date", "added",
             "created", "jahr", "annee", "año"),
    "length": ("duration", "length", "runtime", "minutes", "pages", "page_count", "duration_s", "seconds",
               "duration_min", "running_time", "length_min", "words", "prep_time", "time", "cook_time", "mins",
               "play_time", "playing_time", "playtime", "game_length", "battery_life", "battery_hours", "burn_time",
               "spielzeit", "spieldauer", "durée", "duree", "duración", "duracion", "lange", "laenge", "longueur", "longitud"),
    "rating": ("rating", "stars", "score", "avg_rating", "rating_avg", "review_score", "note", "avis", "bewertung", "valoracion", "puntuacion", "评分"),
    "weight": ("weight", "weight_kg", "weight_g", "mass", "grams", "kg", "gewicht", "poids", "peso", "重量", "净重", "毛重"),
    "size": ("size", "capacity", "volume", "capacity_l", "volume_ml", "fill", "contents", "content", "inhalt", "contenance",
             "contenido", "area", "width", "height", "case", "diameter", "case_size", "dial", "screen", "screen_size", "display",
             "diagonal", "capacidad", "capacite", "kapazitat", "volumen", "fassungsvermogen", "litres", "liters", "litros", "容量", "flache", "flaeche", "surface", "superficie", "面积",
             "talla", "taille", "grosse", "groesse", "tamano", "尺码", "尺寸", "码数"),
    "thickness": ("thickness", "thickness_mm", "thickness_cm", "épaisseur", "dicke", "grosor", "espesor"),
    "width": ("width", "width_mm", "width_cm", "breite", "largeur", "ancho", "anchura"),
    "height": ("height", "height_cm", "height_mm", "height_m", "höhe", "hauteur", "altura"),
    "brightness": ("lumens", "lumen", "brightness", "lux", "luminosity", "luminous_flux", "light_output"),
    "power": ("power", "watts", "wattage", "watt", "power_w", "output_w", "horsepower", "hp", "leistung", "puissance", "potencia",
              "magnification", "max_magnification", "zoom", "vergrosserung", "grossissement", "aumento", "aumentos", "功率",
              "额定功率", "瓦数"),
    "strength": ("strength", "abv", "alcohol", "alcohol_pct", "alc", "intensity", "proof", "heat", "heat_level",
                 "scoville", "spiciness", "spice_level", "strength_rating", "intensity_rating", "stärke", "force", "schärfe", "schärfegrad", "scharfe", "scharfegrad", "piquant", "piquante", "picante", "picor", "辣度", "辣度等级", "辣味",
                 "intensité", "fuerza", "intensidad"),
    "heat": ("spiciness", "spice_level", "scoville", "heat", "heat_level", "辣度", "辣度等级", "辣味", "schärfe", "schärfegrad", "scharfe", "scharfegrad", "piquant", "piquante", "picante", "picor", "nivel_picante"),
    "warmth": ("tog", "tog_rating", "warmth", "warmth_rating", "warmth_level", "insulation", "wärme", "chaleur"),
    "temperature": ("temperature", "temp", "max_temp", "temp_max", "max_temperature", "température", "temperatur", "temperatura"),
    "maturity": ("aged", "aged_months", "aged_years", "age_months", "age_years", "age", "maturity", "maturity_months", "ageing", "aging",
                 "matured", "affinage", "reifung", "reifezeit", "maduración", "curación"),
    "speed": ("speed", "top_speed", "rpm", "speed_kmh", "kmh", "mph", "max_speed", "iso", "asa", "film_speed"),
    "distance": ("distance", "distance_km", "distance_m", "dist", "entfernung", "distancia", "距离"),
}

#: Negations: the phrase after one is not wanted.
NEGATION = (r"none of|no|not|nothing|without|avoid|except|never(?!\s+\w+(?:ed|en|ne)\b[^.,;]*\bbefore\b)|don't want|do not want|isn't|aren't|but not|excluding|"
            r"(?:don't|do not|doesn't|does not) (?:use|take|contain|include|make it|need|require|run on|burn|smell|taste)|free of|allergic to|intolerant to|"
            r"(?:can't|cannot|can not) (?:have|eat|wear|stand)|allergique (?:à|au|aux)|allergisch gegen|alérgic[oa] a(?:l)?|"
            r"minus|other than|anything but|any\s+[^\W\d_]+\s+but|cualquier\s+[^\W\d_]+\s+menos|todo menos|rather than|instead of|plutôt que|au lieu d[eu]|statt|anstatt|"
            r"en lugar de|en vez de|而不是|而非|"
            r"sans|pas de|pas d'|pas|aucune?|sauf|excepté|hormis|ni|"
            r"rien de|rien d'|rien en|"
            r"ohne|keine?[nrs]?|nicht|nichts|nix|außer|ausser|"
            r"sin|ningun[oa]?|ningún|excepto|salvo|nada de|nada|"
            r"不要|不是|(?<!有)没有|除了|(?<![特区分类级性个告离识差])别(?![的墅针致人名称处样具])|不含|无(?![线论限])|非(?!常)")
#: "no feather or down", "sans laine ni plumes", "ohne Wolle oder Federn": each alternative is not wanted.
ALTERNATIVE = re.compile(r"\s+(?:or|nor|ni|oder|noch|o|u)\s+(?:no\s+|sans\s+|ohne\s+|sin\s+)?|\s+(?:and|und|et|y|e)\s+(?:no|not|kein(?:e[nmrs]?)?|pas(?:\s+d[eu])?|sans|sin|ohne)\s+", re.IGNORECASE)  # "kein Titleist und kein Mizuno"
#: "isnt", "dont", "isn’t": English contractions typed without their apostrophe, or with a curly one.
NEGATION = NEGATION.replace("n't", "n['’]?t")
#: Decades in the other languages (groups: century, decade digit), as "the 70s" is in English.
DECADES = (re.compile(r"\b(?:aus |in )?(?:den |die )?(19|20)?(\d)0er(?:n|jahren|jahre)?\b", re.IGNORECASE),
           re.compile(r"\b(?:des |les )?années (19|20)?(\d)0\b", re.IGNORECASE),
           re.compile(r"\b(?:de )?(?:los )?años (19|20)?(\d)0s?\b", re.IGNORECASE),
           re.compile(r"(19|20)?(\d)0年代"))
#: "books or films": either kind.
OR = r"or|ou|oder|o|u|或|或者|还是"
#: Words after which a negated phrase names what is not wanted ("not set on Mars", "no songs by Queen").
ABOUT = frozenset({"on", "in", "at", "about", "by", "from", "sur", "à", "von", "über", "sobre", "de", "por", "en"})
#: Words that make a column value a condition, not a preference ("only red ones").
CONDITION = (r"only|must|must be|has to be|have to be|exclusively|strictly|nothing but|"
             r"seulement|uniquement|exclusivement|que des|"
             r"nur|ausschließlich|ausschliesslich|muss|"
             r"solo|sólo|solamente|únicamente|unicamente|tiene que ser|"
             r"只要|只|必须|仅|仅限")
#: "in red", "en rouge", "auf Deutsch", "like the X but red", "by Miles Davis": a value right after one of these
#: is a condition.
IN = r"in|en|auf|in der|in einem|de color|en color"
#: ... and these in a request (not in a dialogue, where "but comedy too" is no condition).
IN_REQUEST = (r"but|but in|mais|mais en|aber|aber in|pero|pero en|by|von|par|from|chez|aus|made in|grown in|"
              r"fabriqué en|hergestellt in|hecho en|made of|made from|made out of|fait en|hecho de|hecha de|"
              r"something|anything|quelque chose de|quelque chose d'|etwas|algo|"
              r"products of|items of|productos de|produits de|articles de|artículos de|brand|marca|marque|marke|品牌")
#: A kind right after these goes with what is wanted, it is not the thing wanted ("something sweet to eat
#: with my drink", "for after lunch"): no condition.
ALONGSIDE = (r"with (?:my|a|an|the|your|our|some)|to go with|goes with|alongside|after|before|"
             r"avec (?:mon|ma|mes|un|une|le|la)|après|nach dem|nach der|zum|zu meinem|zu meiner|con (?:mi|un|una|el|la)|después del?")
#: A kind after these, with the thing wanted named before them, is what the thing goes in ("something to keep
#: clothes tidy inside the case"): no condition. ("for the kitchen", "a cot for the nursery" name the kind.)
PURPOSE = (r"inside(?: (?:my|our|your|the|a))?|into (?:my|our|your|the|a)|to fit (?:my|our|your|the|a)|"
           r"(?:put|puts|play|plays|wear|use|fit|fits|stick|hang|mount|attach|clip|clips|goes|go|sits?|stand) "
           r"(?:on|onto|with|in) (?:my|our|your|the|a)|"
           r"dans (?:mon|ma|mes|le|la|les|un|une)|à l'intérieur d[eu]|"
           r"in (?:meinen|meine|meinem|meiner|den|die|das|dem|der)|"
           r"dentro de(?: (?:mi|mis|el|la|los|las|un|una))?|en (?:mi|mis)|(?:to|for) (?:carry(?:ing)?|hold(?:ing)?|stor(?:e|ing)|keep(?:ing)?|transport(?:ing)?|protect(?:ing)?)(?: (?:my|our|your|the|a|an|some|all|set|pair|of))*|pour (?:ranger|porter|transporter|protéger) (?:mes|mon|ma|les|la|le|un|une|des)|zum (?:tragen|transport|aufbewahren) (?:von |der |meiner |meine )?|para (?:llevar|guardar|transportar|proteger) (?:las|los|mis|mi|el|la|unas|unos)|"
           r"(?:to|you|i|we) (?!(?:be|get|got|buy|have|had|find|order|see|saw|try|show|compare|choose|pick|give|gift|replace|upgrade|need|want|wanna|like|love|would|prefer|require|seek|am|are|mean|think)\b)[a-z]+ (?:my|our|your|the|a|an|his|her|their)(?: [a-z]+)?")  # "a thing you rub the ink stick on"
#: A kind right after these is one the user has ("something to stand my guitar on", "meine Gitarre stimmen"):
#: what is wanted goes with it, it is no condition.
POSSESSIVE = (r"my|our|his|her|their|mon|ma|mes|notre|nos|mein|meine|meinen|meinem|meiner|unser|unsere|unseren|"
              r"unserem|mi|mis|nuestr[oa]s?|我的|我们的|我家的?|" + "|".join(  # "wife's earrings", "grandad's watch"
                  f"{person}'s|{person}’s" for person in (
                      "wife husband partner son daughter mum mom mother dad father grandad granddad grandpa grandma "
                      "granny nan friend boyfriend girlfriend brother sister flatmate roommate "
                      "neighbour neighbor boss").split()) + "|parents'|friends'")  # "a child's helmet" is for a child
#: A country's adjective, for a value that names the country ("Japanese green tea" → origin Japan).
DEMONYMS = {
    "usa": "american", "united states": "american", "argentina": "argentinian", "australia": "australian",
    "austria": "austrian", "belgium": "belgian", "brazil": "brazilian", "uk": "british",
    "united kingdom": "british", "canada": "canadian", "chile": "chilean", "china": "chinese",
    "colombia": "colombian", "cuba": "cuban", "denmark": "danish", "netherlands": "dutch", "holland": "dutch",
    "england": "english", "ethiopia": "ethiopian", "france": "french", "germany": "german", "greece": "greek",
    "guatemala": "guatemalan", "hungary": "hungarian", "india": "indian", "indonesia": "indonesian",
    "ireland": "irish", "israel": "israeli", "italy": "italian", "jamaica": "jamaican", "japan": "japanese",
    "kenya": "kenyan", "korea": "korean", "south korea": "korean", "lebanon": "lebanese", "mexico": "mexican",
    "morocco": "moroccan", "nepal": "nepalese", "norway": "norwegian", "peru": "peruvian", "poland": "polish",
    "portugal": "portuguese", "rwanda": "rwandan", "scotland": "scottish", "south africa": "south african",
    "spain": "spanish", "sri lanka": "sri lankan", "sweden": "swedish", "switzerland": "swiss",
    "taiwan": "taiwanese", "thailand": "thai", "turkey": "turkish", "vietnam": "vietnamese", "wales": "welsh", "new zealand": "new zealand"}
#: Words that make a request "more like" something rather than this thing itself.
LIKE = (r"like|similar to|in the style of|along the lines of|comme|dans le style d[eu]|dans le genre d[eu]|du genre d[eu]|"
        r"(?:dans le|du) même (?:genre|style) que|semblable à|proche d[eu]|wie|ähnlich wie|im stil (?:von|des|der)|"
        r"so ähnlich wie|im gleichen stil wie|como|parecid[oa] al?|al estilo de|del estilo de|del mismo estilo que|"
        r"similar al?|像|类似")
#: Words of :data:`FILLER` that are English nouns ("hay": Spanish "there is"; "hat": German "has"): a kind in English words.
ENGLISH_NOUNS = frozenset({"hay", "hat", "sea", "den", "ton", "dame"})
#: Words that carry no subject: a request of only these (and a photo) is "like the photo".
FILLER = frozenset("""
something anything stuff thing things one ones like this that these those similar same kind sort bit which whichever whatever love mind matter
please i'd id i want need needs should looking for find show me give get have got you do any a an the some can could
would recommend suggest what is are it for to of with but and or also maybe perhaps just really here only in
oh ah hmm um uh well ok okay be yeah yep yes sure right though actually what's whats that's there's it's does
item items product products article articles shop store catalogue catalog you've boutique magasin laden
geschäft sortiment catálogo 店 店里
sell sells sold offer offers carry stock stocks hire rent available has we our there total overall ever all whole
your yours my votre vos ton tes mon ma mes dein deine deinen euer eure ihr ihre tus su sus mi mis 你们 您
vendez vendre proposez tout toute tous entier verkauft verkaufen führt führen gibt es alle insgesamt
vendes venden vendéis ofrecen hay todo toda todos 卖 出售 所有 全部 整个
quelque chose truc comme ça ceci cela je cherche veux voudrais montre moi montrez donne donnez un une des
le la les du de en pour avec et ou mais aussi s'il vous te plaît plait ça ca qui que avez as tu ne n' quel quelle quels quelles
etwas so ich suche möchte moechte will zeig zeige mir gib ein eine einen der die das den dem im für fuer mit
und oder auch aber bitte habt haben sie du was ähnliches aehnliches sowas welche welcher welches welchen davon
algo así asi como esto eso busco quiero quisiera muéstrame muestrame dame un una unos unas el la los las
para con al y o pero también tambien por favor tienes tienen que cuál cual cuáles cuales lequel laquelle lesquels lesquelles
类似 这样 这个 那个 一个 一些 东西 我 想要 要 给 看看 有没有 推荐 的 吗 呢 吧 请 有 还有 了 啊 么 嘛 什么 哪些 哪个 是 哪 哪款 哪一个 哪一款 哪件 哪支 哪台 哪把 哪双 哪种 哪条 哪只 哪套 ist sind est esa ese tenga tengan tiene sea sean soit ait aie hat hätte muss debe doit
""".split())

#: Colours, by the English value a catalogue stores, in the other four languages.
COLOURS = {
    "red": r"rouges?|rot(?:e[nrs]?)?|roj[oa]s?|红(?!茶)色?",
    "blue": r"bleue?s?(?! marine)|blau(?:e[nrs]?)?|azul(?:es)?(?! marino)|(?<!海军)(?<!藏)蓝色?",
    "navy": r"bleu marine|marineblau(?:e[nrs]?)?|azul marino|海军蓝色?|藏青色?|藏蓝色?",
    "green": r"verte?s?|grün(?:e[nrs]?)?|gruen(?:e[nrs]?)?|verdes?|绿(?!茶)色?",
    "black": r"noire?s?|schwarz(?:e[nrs]?)?|negr[oa]s?|黑(?![白茶])色?",
    "white": r"blanc(?:he)?s?|weiß(?:e[nrs]?)?|weiss(?:e[nrs]?)?|blanc[oa]s?|(?<!黑)白(?!茶)色?",
    "yellow": r"jaunes?|gelb(?:e[nrs]?)?|amarill[oa]s?|黄(?!茶)色?",
    "orange": r"naranjas?|橙色?|橘色",
    "grey": r"grise?s?|grau(?:e[nrs]?)?|gris(?:es)?|灰色?",
    "gray": r"grise?s?|grau(?:e[nrs]?)?|gris(?:es)?|灰色?",
    "brown": r"marrons?|brun(?:e)?s?|braun(?:e[nrs]?)?|marr[oó]n(?:es)?|棕色?|褐色|咖啡色",
    "pink": r"roses?|rosa(?:s)?|(?<!色)粉红?色?",
    "purple": r"violette?s?|lila|morad[oa]s?|púrpura|紫色?",
    "gold": r"dorée?s?|dorad[oa]s?|golden(?:e[nrs]?)?|金色", "silver": r"argentée?s?|platead[oa]s?|silbern(?:e[nrs]?)?|银色",
}
#: Languages by their English name, in the other languages (a column of languages written in English).
LANGUAGES = {
    "english": r"anglais|anglaise|englisch(?:e[nrs]?)?|inglés|ingles|英语|英文",
    "french": r"français|francais|française|französisch(?:e[nrs]?)?|francés|frances|法语|法文",
    "german": r"allemand|allemande|deutsch(?:e[nrs]?)?|alemán|aleman|德语|德文",
    "spanish": r"espagnol|espagnole|spanisch(?:e[nrs]?)?|español|espanol|西班牙语|西班牙文",
    "italian": r"italien|italienne|italienisch(?:e[nrs]?)?|italiano|意大利语",
    "chinese": r"chinois|chinoise|chinesisch(?:e[nrs]?)?|chino|中文|汉语|华语",
    "japanese": r"japonais|japonaise|japanisch(?:e[nrs]?)?|japonés|japones|日语|日文",
}
#: Other values by their English name, in other words: "for outdoor wood" is for the exterior, "a child's suitcase" for kids.
OTHER_WORDS = {"exterior": r"outdoors?|outside|extérieure?s?|außen|draußen|exteriores|室外|户外", "interior": r"indoors?|inside|intérieure?s?|innen|drinnen|interiores|室内", "kids": r"child(?:ren)?(?:['’]s|s['’])?|儿童|小孩|孩子"}
#: Values written in English in a catalogue, with their names in the other languages.
TRANSLATED = {**COLOURS, **LANGUAGES, **OTHER_WORDS}  # (and countries: :func:`~xmr_agent.agent.countries.translated`)


@lru_cache(maxsize=256)
def pattern(words: str, *, before: str = "", after: str = "") -> re.Pattern[str]:
    """``words`` as one case-insensitive pattern: Latin words on word boundaries, CJK anywhere."""
    end = r"(?:(?<=['’])|(?![\w]))"  # "moins d'un kilo": a word ending in an apostrophe runs on
    return re.compile(rf"{before}(?<![\w])(?:{words}){end}{after}|{before}(?:{cjk_words(words)}){after}"
                      if cjk_words(words) else rf"{before}(?<![\w])(?:{words}){end}{after}", re.IGNORECASE)


def cjk_words(words: str) -> str:
    """The alternatives of ``words`` written in Chinese characters (no word boundaries there)."""
    found = [w for w in words.split("|") if w and has_cjk(w)]  # ("不太(?:贵|昂贵)" joined again; a piece of a
    return "|".join(w for w in found if "|".join(found).count("(") == "|".join(found).count(")") or  # group of other
                    w.count("(") == w.count(")"))  # words left out)


def has_cjk(text: str) -> bool:
    """Whether ``text`` has Chinese characters."""
    return any("\u3400" <= ch <= "\u9fff" for ch in text)
