"""Yes/no columns ("pet_safe", "pets_allowed", "pool", "dishwasher_safe") read from a request:
by their own name ("pet safe plants", "not dishwasher safe") or by what they are about, in
other words and languages ("ok if my dog chews them", "ungiftig für Haustiere", "avec
piscine", "带泳池的"). A column whose name adds only that its subject is fine ("safe",
"allowed", "friendly") is said by its subject alone; a subject denied before it ("no pets")
asks nothing of such a column, and denied after it ("pets aren't allowed"), or a column named
by its subject alone ("without a pool"), asks for the items that say no. Indifference ("not
bothered about a pool") asks nothing. A column of what an item is free of ("gluten_free",
"nut_free") is said by denying the thing ("no nuts", "sans gluten", "没有坚果") or by an allergy
or intolerance to it ("a nut allergy", "my friend is coeliac"). The words are here, not in
:mod:`~xmr_agent.agent.lexicon`, because nothing else reads them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from xmr_agent.agent import lexicon as lx
from xmr_agent.agent.dictionaries import from_english, load, senses
from xmr_agent.agent.filters import YES, Facet, Facets, yes_no
from xmr_agent.agent.numbers import UNIT_PARTS, Parse, core
from xmr_agent.agent.query import Filter
from xmr_agent.agent.values import english_word, folded

#: What a yes/no column's name is about, in other words and languages: "pet_safe" is said by "my
#: dog", "Haustiere", "猫咪"; "pool" by "piscine" (each alternative a word; Chinese anywhere).
SUBJECTS = (
    r"pets?|dogs?|cats?|pupp(?:y|ies)|kittens?|haustier(?:e|en)?|hunde?s?|katzen?|tiere?n?|chiens?|chats?|chatons?|"
    r"animaux|perros?|perritos?|gatos?|gatitos?|mascotas?|宠物|猫咪|猫|狗狗|狗",
    r"kids?|child(?:ren)?|bab(?:y|ies)|toddlers?|famil(?:y|ies)|kinder[n]?|kleinkind(?:er)?|familie[n]?|enfants?|bébés?|"
    r"famille|niñ[oa]s?|bebés?|familia|孩子|儿童|宝宝|小孩|家庭",
    r"pools?|swimming[- ]pools?|piscines?|piscinas?|schwimmbad|swimmingpool|泳池|游泳池",
    r"wi-?fi|internet|wlan|无线网|网络",
    r"parking|car park|parkplatz|parkplätze|stationnement|aparcamiento|estacionamiento|停车位|停车场|停车",
    r"dishwashers?|lave-vaisselle|spülmaschine|geschirrspüler|lavavajillas|洗碗机",
    r"microwaves?|micro-ondes|mikrowelle|microondas|微波炉",
    r"gardens?|jardins?|garten|jardín|花园",
    r"balcon(?:y|ies)|balcons?|balkons?|balcón|阳台",
    r"vegan|végan|végane|vegan[oa]s?|纯素",
    r"waterproof|weather[- ]?proof|water[- ]resistant|rain[- ]?proof|showerproof|imperméables?|étanches?|wasserdicht|"
    r"wetterfest|regendicht|impermeables?|防水|rain|rainy|pluie|regen|lluvia|下雨|雨天|雨",
    r"beginners?|novices?|first[- ]timers?|débutants?|débutantes?|anfänger(?:in|innen)?|einsteiger(?:in)?|"
    r"principiantes?|novat[oa]s?|新手|初学者|入门|débuter|pour commencer|para empezar|zum einstieg|für den einstieg",
    r"offshore|off[- ]shore|high seas|open (?:sea|ocean)|blue[- ]water|haute mer|au large|hochsee\w*|offene[nm]? (?:see|meer)|"
    r"alta mar|mar abierto|远海|远洋",
    r"framed|encadrée?s?|gerahmte?[nrs]?|enmarcad[oa]s?|带框|有框|装裱",
    r"outdoors?|outside|terraces?|terrasses?|terrazas?|patios?|al fresco|dehors|draußen|im freien|fuera|"
    r"al aire libre|extérieure?s?|exterieure?s?|exterior(?:es)?|außen(?:bereich)?|aussen(?:bereich)?|户外|室外|露台",
    r"vegetarians?|veggies?|végétarien(?:ne)?s?|vegetarisch(?:e[nrs]?)?|vegetarian[oa]s?|素食|吃素",
    r"certificates?|certified|certification|certificats?|zertifikat(?:e|en)?|certificados?|证书",
    r"wireless|cordless|sans fil|kabellose?[nrs]?|inalámbric[oa]s?|无线|bluetooth|蓝牙",
    r"left[- ]hand(?:ed)?|lefties?|lefty|gauchers?|gauchères?|linkshänder(?:in|innen)?|linkshändig\w*|zurd[oa]s?|"
    r"左手|左撇子|左利手",
    r"furnished|furniture|meublée?s?|möbliert(?:e[nrs]?)?|amueblad[oa]s?|带家具|有家具|家具",
    r"seated|seating|sitting|seats?|assise?s?|places? assises?|sitzplätze?|sitzplatz|sitzen|sentad[oa]s?|asientos?|"
    r"座位|坐票|坐",
    r"uv|upf|sun[- ]protective|sun protection|protection solaire|anti[- ]uv|sonnenschutz|uv-schutz|lichtschutz|"
    r"protección solar|protección uv|防晒|防紫外线",
    r"chlorine|chlore|chlor|cloro|抗氯|耐氯",
    r"pro|professional|profesional(?:es)?|professionnel(?:le)?s?|professionell(?:e[nrs]?)?|profi|专业|专业级",
    r"organic|organically|bio|biologiques?|ökologisch(?:e[nrs]?)?|öko|ecológic[oa]s?|orgánic[oa]s?|有机|eco[- ]friendly|ecological|"
    r"[ée]cologiques?|[ée]colo|umweltfreundlich\w*|ecologic[oa]s?|环保",
    r"wom[ae]n|women'?s|ladies|lady|femmes?|damen|frauen|mujer(?:es)?|女款|女士|女性|女式",
    r"fold(?:able|ing|s|ed)?|folds? (?:up|away|flat)|pliables?|pliante?s?|se plie|klappbar\w*|zusammenklappbar\w*|"
    r"zusammenklappen|zusammenfaltbar\w*|faltbar\w*|plegables?|doblar(?:se|la|lo)?|se dobla|折叠|可折叠",
    r"akkus?|akkubetrieben\w*|batter(?:y|ies)|battery[- ]powered|batteries?|bater[íi]as?|电池|充电式?|"
    r"cordless|sans fil|kabellos\w*|inalámbric[oa]s?|无线",
    r"electric(?:al|ity)?|électriques?|électricité|elektrisch(?:e[nrs]?)?|eléctric[oa]s?|electric[oa]s?|electricidad|"
    r"motori[sz]ed|motorisée?s?|motorisiert(?:e[nrs]?)?|motorizad[oa]s?|电动|电子",
    r"food[- ]safe|food[- ]grade|food contact|safe for food|alimentaires?|lebensmittelecht\w*|lebensmittel|"
    r"apto para alimentos|uso alimentario|alimentari[oa]s?|食品级|食品安全|可接触食物",
    r"pre[- ]?assembled|pre[- ]?built|(?:already|ready|fully|come|comes) (?:built|assembled|put together|made up)|"
    r"ready[- ]built|no assembly(?: required| needed)?|assembled|déjà montée?s?|prémontée?s?|tout montée?s?|"
    r"(?:fertig |schon |bereits )?(?:zusammengebaut|montiert)\w*|vormontiert\w*|ya (?:montad|ensamblad)[oa]s?|"
    r"premontad[oa]s?|preensamblad[oa]s?|已组装|组装好|免组装|拼好",
    r"hand[- ]?made|made by hand|hand[- ]?crafted|hand[- ]?stitched|faite?s? (?:à la )?main|artisanale?s?|artisanaux|"
    r"handgemacht\w*|handgefertigt\w*|handarbeit|hech[oa]s? a mano|artesanal(?:es)?|手工|手作",
    r"pocket(?:[- ]sized?)?|fits? in (?:a|my|your) pocket|de poche|taschenformat|hosentasche|de bolsillo|口袋|袖珍",
    r"tournaments?|competitions?|competitive|comp|tournois?|compétitions?|turniere?n?|wettk[äa]mpfe?n?|wettbewerbe?|"
    r"torneos?|competici[óo]n(?:es)?|比赛|竞赛|锦标赛",
    r"(?<!-)leds?|lighting|illuminat\w*|lit|lights? up|light-up|glow(?:s|ing)?|glow[- ]in[- ]the[- ]dark|luminous|leuchte[nt]?\w*|"
    r"leuchtend\w*|qui brillent?|que brillen?|发光|夜光|éclairage|éclairée?s?|lumineu(?:x|se)s?|beleuchtet\w*|beleuchtung|"
    r"iluminad[oa]s?|iluminación|照明|带灯|灯光",
    r"automatic(?:ally)?|auto[- ]open\w*|automatiques?|automatiquement|automatisch(?:e[nrs]?)?|automátic[oa]s?|"
    r"automáticamente|自动",
    r"storms?|storm[- ]?proof|wind[- ]?proof|gales?|tempêtes?|anti[- ]?tempêtes?|sturm\w*|tormentas?|antitormenta|"
    r"防风|抗风|暴风|风暴",
    r"pre[- ]?owned|second[- ]?hand|(?<!\bi )(?<!\bve )(?<!\bwe )(?<!\bbe )(?<!\bget )(?<!\bgot )(?<!\bwas )(?<!\bhas )"
    r"(?<!\bhave )(?<!\bbeen )(?<!\bwere )(?<!\byou )(?<!\bthey )used(?!\s+(?:to|for|in|on|with|by|as|it|them|this|that)\b)|"
    r"d'occasion|en occasion|seconde main|gebraucht\w*|de segunda mano|segunda mano|usad[oa]s?|seminuev[oa]s?|二手|中古",
    r"ignition|piezo|igniters?|push[- ]button|(?:lights?|starts?) with a button|allumage(?: auto\w*| piézo\w*)?|"
    r"piézo\w*|zündung|zünder|piezozündung|encendido(?: piezoeléctrico)?|autoencendido|点火|电子点火|自动点火",
    r"boxed|(?:in|with) (?:(?:its|the|their|a|an|original|factory)\s+)*box(?:es)?|new in box|complete in box|en (?:su )?caja|"
    r"con (?:su )?caja|dans (?:sa|la|leur) boîte|en boîte|avec (?:sa |la )?boîte|originalverpackt|mit (?:der )?(?:ovp|box|"
    r"originalverpackung)|in (?:der )?(?:ovp|originalverpackung)|带盒|原盒|盒装|有盒子?|(?:en |dans un |avec (?:un |son )?)?coffret|"
    r"(?:en|con) (?:su )?estuche|(?:im|mit) koffer|come in a box",
)
#: Words of a yes/no column's name that say its items have its subject: denied, the subject asks for those that say no.
HAVING = frozenset("with has have mit avec con inkl incl inklusive inclus incluse incluido incluida included "
                   "fourni fournie fournis fournies".split())
#: The second word of a yes/no column's name, a part or working of what its first names: "Laptop
#: sleeve" is said by "fits my laptop", "Drainage hole" by "with drainage", "Piston filler" by "a
#: piston", "Spinner wheels" by "a spinner".
HOLDERS = frozenset("sleeve sleeves pocket pockets compartment compartments holder holders pouch mount slot slots "
                    "hole holes rack case cover hood port ports filler mechanism system wheels sensing detection powered operated "
                    "vorstufe funktion anschluss eingang halterung fach entree fonction prise funcion entrada".split())
#: Words for the opposite of a subject: "unfurnished" is furnished = no, "standing" seated = no ("不要站票": yes).
OPPOSITES = {"furnished": r"unfurnished|non[- ]meublée?s?|unmöbliert(?:e[nrs]?)?|sin amueblar|sin muebles|不带家具|没有家具",
             "seated": r"standing|debout|stehplätze?|stehplatz|stehen|de pie|站票|站着",
             "indoor": r"outdoors?|outside|d'extérieur|extérieure?s?|de exterior|exterior(?:es)?|draußen|im freien|"
                       r"al aire libre|en plein air|户外|室外|露天",
             "outdoor": r"indoors?|inside|d'intérieur|intérieure?s?|de interior|interior(?:es)?|drinnen|im haus|室内"}
#: Other words for what a "…_free" column leaves out: "coeliac" asks for gluten free, "a nut allergy" for nut free.
FREE_OF = {"gluten": r"gluten|coeliacs?|celiacs?|cœliaques?|zöliakie|zöliakiker|cel[íi]ac[oa]s?|麸质|麦麸",
           "nut": r"nuts?|peanuts?|noix|cacahuètes?|nüsse|nüssen|erdnüsse|nueces|frutos secos|cacahuetes?|坚果|花生",
           "dairy": r"dairy|milk|lactose|lait|laitiers?|milch|laktose|lácteos?|leche|lactosa|乳制品|牛奶|乳糖",
           "sugar": r"sugar|sucre|zucker|azúcar|糖", "egg": r"eggs?|œufs?|eier|huevos?|鸡蛋|蛋",
           "alcohol": r"alcohol|alcool|alkohol|酒精", "caffeine": r"caffeine|caféine|koffein|cafeína|咖啡因"}
#: Words that ask for what a "…_free" column leaves out whatever comes before them ("my friend is coeliac").
FREE_ALWAYS = re.compile(r"coeliac|celiac|cœliaque|zöliakie|cel[íi]ac[oa]|allerg\w*|intoleran\w*|过敏", re.IGNORECASE)
#: Words after a yes/no column's subject that only say it is fine: "pet_safe", "pets_allowed".
FINE = frozenset("safe friendly allowed ok okay welcome welcomed suitable proof compatible compliant accepted permitted "
                 "protection protected protective resistant resistance "
                 "erlaubt willkommen geeignet autorises autorisee autorisees admis bienvenus permitido permitidos "
                 "permitidas admitidos bienvenidos seating options option available included has have with fit s "
                 "adapte adaptee adaptes adaptees apte aptes convient apto apta aptos adecuado adecuada "
                 "rated approved certified ready capable inkl incl inklusive inclus incluse incluido incluida mit avec con "
                 "fourni fournie fournis fournies".split())  # column names in other languages: "hunde_erlaubt"
#: A German name of one word that ends in a word of :data:`FINE`: its subject is its first part ("anfängertauglich").
_FINE_END = re.compile(r"([^\W\d_]{4,}?)(?:tauglich|geeignet|freundlich|gerecht|erlaubt)")
#: A denial just after a subject: "pets aren't allowed", "dogs not welcome", "animaux interdits".
DENIED_AFTER = re.compile(r"^\s*(?:(?:are|is|are\s+not|is\s+not|aren't|isn't|not|never|n'est|ne sont|sind|nicht|no\s+(?:están|son))\b"
                          r"\s*(?:not\s+)?(?:allowed|welcome|permitted|accepted|ok|autorisée?s?|admise?s?|erlaubt|"
                          r"erwünscht|permitid[oa]s?)|\s*(?:interdite?s?|verboten|prohibid[oa]s?))|^\s*(?:不能|不可以|不允许|禁止)",
                          re.IGNORECASE)
#: Indifference before a subject: "not bothered about a pool", "peu importe la piscine".
INDIFFERENT = re.compile(r"(?:not bothered (?:about|by)|don'?t (?:care|mind) (?:about)?|doesn'?t matter|no need for|"
                         r"peu importe|pas besoin d[e']|egal|brauche? kein\w*|da igual|no (?:me )?importa|no hace falta|"
                         r"无所谓|不需要|不用)\s*(?:an?|the|la|le|les|l'|der|die|das|den|el|los|las)?\s*$", re.IGNORECASE)
#: Words of harm or its absence said with such a subject ("non-toxic for cats", "无毒"): read with it.
HARM = r"(?:(?:non|not|no|nicht|pas|sans|sin)[- ]?)?(?:toxi\w*|t[óo]xic\w*|poison\w*|danger)|un?giftig|harmless|无毒|有毒|毒"
#: A negation just before a subject: "no pets", "sans animaux", "ohne Hund" (then no condition).
DENIED = re.compile(r"(?:\b(?:no|not|nothing|nichts|nada|rien(?: de)?|aucune?|without|sans|pas d[e']|ohne|keine?n?|sin|ni|"
                    r"isn'?t|aren'?t|doesn'?t|does not|don'?t|"
                    r"won'?t|nicht|n'est pas|no es|no son|"
                    r"free (?:of|from)|allergic to|allergique (?:aux?|à la)|allergisch gegen|alérgic[oa] a(?:l| la| los| las)?)"
                    r"\s+(?:[^\W\d_]+\s+)?(?:(?:any|an?|the|some)\s+)?|\bnon[- ]?|不带|没有|不要|不含|无|不)$",  # "doesn't play any tunes"
                         re.IGNORECASE)

def flags(parse: Parse, facets: Facets) -> None:
    """"pet safe", "dishwasher safe", "waterproof" where a yes/no column is named so (``pet_safe``
    of yes and no), or what the column is about in other words ("ok if my dog chews them",
    "ungiftig für Haustiere", "avec piscine": :data:`SUBJECTS`): the
    items that say yes. Denied ("not pet safe", "without a pool"): those that do not; a denied
    subject of a column that says it is fine ("no pets" for ``pets_allowed``) asks nothing of it."""
    for facet in facets.values():
        yes = [v for v in facet.values if v.lower() in YES] if facet.categorical else []
        name = _name(facet.column)
        if len(name) < (2 if lx.has_cjk(name) else 3) or not yes or not yes_no(facet):  # "有机", "Bio"
            continue
        if name.endswith(" free") and _free_of(parse, facet, name.removesuffix(" free"), yes[0]):
            continue
        if (free := _WITHOUT.fullmatch(name)) and _free_of(parse, facet, free.group(1), yes[0], across=True):
            continue  # "Sans plomb", "ohne Zucker": "solder with no lead in it"
        subject = [w for w in name.split() if w not in FINE]
        fine = _FINE_END.fullmatch(subject[0]) if len(subject) == 1 else None  # "Anfängertauglich": for beginners
        subject = [fine.group(1)] if fine else subject
        group = next((g for g in SUBJECTS if any(  # "adapte_debutant": débutant; "left handed"; "Hecho a mano" whole
            lx.pattern(g).fullmatch(w) or lx.pattern(folded(g)).fullmatch(w)
            for w in [*(subject if len(subject) <= 2 else ()), " ".join(subject)])), None)
        words = name.split()  # "piezo_ignition": said by "ignition" or "push-button"
        turned = rf"|\b{re.escape(words[1])}s?\s+(?:of|over|on|onto|to)\s+(?:the\s+)?{re.escape(words[0])}\b" \
            if len(words) == 2 else ""  # "sea_view": "views of the sea"
        said = re.compile(rf"\b{_BETWEEN.join(_inflected(w) for w in words)}\b{turned}{_made_in(name)}", re.IGNORECASE)
        plain = _folded(parse.scan)  # "Steuergerät" for "mit_steuergerat"
        named = said.search(parse.scan) or said.search(plain)
        if group is None and len(subject) == 1 and (len(subject[0]) >= 3 or re.search(r"\d", subject[0])) \
                and len(subject) < len(name.split()):  # "5G" for has_5g
            group = rf"{re.escape(subject[0])}(?:s|fest(?:e[nrs]?)?)?"  # "ulez_compliant": "the ULEZ"; "frostfest"
        doubled = re.fullmatch(r"([a-z]{2,}([b-df-hj-np-tv-z]))\2ed", name)
        group = group or (rf"{doubled.group(1)}s?" if doubled else None)  # "studded": "no studs", "padded": "a pad"
        if group is None and len(subject) == 2 and re.fullmatch(r"[a-z]{4,}(?:ed|able|ible|ive)", subject[0]):
            group = re.escape(subject[0])  # "weighted_action": "with weighted keys", "adjustable_height": "adjustable"
        held = group is None and len(words) == 2 and words[1] in HOLDERS and len(words[0]) >= 4
        if held:  # "laptop_sleeve": "fits my laptop", the word left for the kinds ("a laptop backpack")
            group = rf"{re.escape(words[0])}s?"
        if group is None and lx.has_cjk(name):
            group = re.escape(name) + (f"|{re.escape(name[1:])}" if name[0] in "可能带" and len(name) >= 3 else "")
            # "包邮", "可进洗碗机": as written; "可充电" also without its "can" ("要能充电的")
        if group is None and len(name.split()) == 1 and len(name) >= 5:
            group = rf"{re.escape(name)}(?:s|al|ity)?"  # "electric": "no electricity"
            able = re.fullmatch(r"([a-z]{4,})(?:able|ible)", name)
            group += rf"|{able.group(1)}ing" if able else ""  # "foldable": "a folding treadmill"
        noun = len(subject) == 2 and group is None and len(subject[1]) >= 5 and not english_word(subject[0])
        group = rf"{re.escape(subject[1])}s?" if noun else group  # "Spielt Melodie": "ohne Melodie", "no tunes"
        if group is not None and (len(subject) == 1 or noun):  # "Deckelthermometer", "Abdeckhaube inkl."
            group += "".join(f"|{re.escape(w)}" for w in _compound_tail(subject[-1], parse.scan, noun))
        if _opposite(parse, facet, group, facet.canonical.get(yes[0], yes[0])):
            continue
        m = named or (lx.pattern(group).search(parse.scan) or lx.pattern(group).search(plain) if group else None)
        if m is None:
            continue
        if indifferent := INDIFFERENT.search(parse.scan[:m.start()]):
            parse.cut((indifferent.start(), m.end()))  # "not bothered about a pool"
            continue
        denied, after = DENIED.search(parse.scan[:m.start()]), DENIED_AFTER.match(parse.scan[m.end():])
        if denied and not named and not set(words) - set(subject) <= HAVING and not after:
            continue  # "no pets": nothing asked of pets_allowed; "ohne Steuergerät": mit_steuergerat = nein
        flt = Filter(column=facet.column, op="!=" if denied or after else "=", value=facet.canonical.get(yes[0], yes[0]))
        span = (denied.start() if denied else m.start(), m.end() + (after.end() if after else 0))
        parse.filters.append(flt)
        parse.notes.append(f"{flt} from {parse.scan[span[0]:span[1]].strip()!r}")
        if (not held or denied or after) and not _in_value(parse.scan, span, facets):  # "an inflatable kayak":
            parse.cut(span)  # the kind Inflatable kayak too
        for harm in lx.pattern(HARM).finditer(parse.scan) if not named else ():  # "non-toxic for cats"
            parse.cut(harm.span())


def _compound_tail(name: str, text: str, foreign: bool = False) -> list[str]:
    """Words of ``text`` that say a yes/no column named by a word of another language than English:
    an English word the dictionaries translate so ("with a light": Licht, for "mit_licht"), and for a
    compound of nine letters or more (German: "deckelthermometer"), a word of five letters or more
    that ends the name ("mit Thermometer", "a thermometer") or an English word translated as its end
    ("with a hood": Haube, for "abdeckhaube"). ``foreign``: the name is known to be no English word ("Melodie")."""
    if len(name) < 4 or english_word(name) and not foreign:
        return []
    words = {w for w in re.findall(r"[^\W\d_]{4,}", text) if w.lower() not in lx.FILLER}

    def ends(word: str) -> bool:
        return word == name or len(name) >= 9 and len(word) >= 5 and len(name) - len(word) >= 3 and name.endswith(word)

    said = [w for w in words if len(name) >= 9 and ends(folded(w.lower()))]
    return said + [w for w in words - set(said) if w.isascii() and any(map(ends, translations(w.lower())))]


@lru_cache(maxsize=4096)
def translations(word: str) -> frozenset[str]:
    """The German, French and Spanish nouns (folded, lower case) the dictionaries translate the English
    ``word`` as, read once per word: every request asks it of each yes/no column named in another language."""
    return frozenset(folded(n.lower()) for language in ("de", "fr", "es") for n in from_english(word, language))


def _in_value(text: str, span: tuple[int, int], facets: Facets) -> bool:
    """Whether ``span`` of ``text`` lies in a value of two or more words of another column that
    ``text`` names ("inflatable" in "an inflatable kayak", where a kind is Inflatable kayak)."""
    low = text.lower()
    for facet in facets.values():
        if not facet.categorical or yes_no(facet):
            continue
        for value in (v.lower() for v in facet.values if " " in v.strip() and v.lower().split()[0] in low):
            if any(m.start() <= span[0] and span[1] <= m.end()
                   for m in re.finditer(rf"(?<!\w){re.escape(value)}(?:s|es)?(?!\w)", low)):
                return True
    return False


def _made_in(name: str) -> str:
    """For a column "made in <country>" in any of the languages ("Fabriqué en France", "Hecho en
    España"), the other ways of saying it with that country as written ("made in France",
    "hergestellt in France"); else nothing."""
    m = re.fullmatch(rf"{_MADE} (?:in|en) ([a-z]+)", name)
    if m is None and (made := re.fullmatch(r"([a-z]+) (?:made|built)", name)):  # "Canadian-made": "made in Canada", "加拿大"
        from xmr_agent.agent.countries import of_demonym

        return rf"|\b(?:{country})\b" if (country := of_demonym(made.group(1))) else ""
    return rf"|\b{_MADE}\s+(?:in|en)\s+{re.escape(m.group(1))}\b" if m else ""


#: Words for "made" before "in" and a country, in the five languages' Latin scripts.
_MADE = r"(?:made|produced|manufactured|fabriqu[ée]e?s?|hech[oa]s?|fabricad[oa]s?|hergestellt|produziert|gefertigt)"


def _inflected(word: str) -> str:
    """A word of a column's name as a pattern that takes its French and Spanish endings too
    ("fabrique" of "Fabriqué en France": "fabriquée", "fabriqués")."""
    return re.escape(word) + (r"(?:e|s|es)?" if len(word) >= 5 and not word.endswith("s") else "")


def _folded(text: str) -> str:
    """``text`` without accents where that keeps every place ("Steuergerät": steuergerat, the
    column's name), else as it is."""
    plain = folded(text)
    return plain if len(plain) == len(text) else text


def _name(column: str) -> str:
    """A yes/no column's name in words, units and bounds at either end left out ("fits_in_car_boot":
    the "in" stays)."""
    parts = [p for p in re.split(r"[_\W]+", column.lower()) if p]
    while len(parts) > 1 and parts[-1] in UNIT_PARTS:
        parts.pop()
    while len(parts) > 1 and parts[0] in UNIT_PARTS:
        parts.pop(0)
    name = " ".join(parts) if parts else core(column).replace("_", " ")
    return _WHETHER.sub("", name) if lx.has_cjk(name) and len(_WHETHER.sub("", name)) >= 2 else name  # "是否包邮": 包邮


#: "Whether" before a yes/no column's name in Chinese ("是否包邮": free shipping).
_WHETHER = re.compile(r"^(?:是否|是不是|有无|有没有|能否|可否|能不能)")
#: Between the words of a column's name in a request: nothing, a hyphen or a determiner ("fits in my car boot").
_BETWEEN = r"(?:[- ]?|\s+(?:my|the|a|an|your|our|their|his|her)\s+)"


#: A negation a few words before an opposite: "sin tener que estar de pie", "without having to stand".
_DENIED_NEAR = re.compile(r"(?:\b(?:no|not|without|sans|ohne|sin|nicht|keine?n?|never)\s+(?:[^\W\d_]+\s+){0,3}|"
                          r"不要|不想|不用|没有)$", re.IGNORECASE)


def _opposite(parse: Parse, facet: Facet, group: str | None, yes: str) -> bool:
    """"unfurnished", "standing tickets" (:data:`OPPOSITES` of the column's subject): ``!= yes``;
    denied ("sin estar de pie", "不要站票"): ``= yes``. Whether it was said."""
    opposite = next((o for key, o in OPPOSITES.items() if group and lx.pattern(group).fullmatch(key)), None)
    m = lx.pattern(opposite).search(parse.scan) if opposite else None
    if m is None:
        return False
    denied = DENIED.search(parse.scan[:m.start()]) or _DENIED_NEAR.search(parse.scan[:m.start()])
    flt = Filter(column=facet.column, op="=" if denied else "!=", value=yes)
    span = (denied.start() if denied else m.start(), m.end())
    parse.filters.append(flt)
    parse.notes.append(f"{flt} from {parse.scan[span[0]:span[1]].strip()!r}")
    parse.cut(span)
    return True


@lru_cache(maxsize=256)
def _english_senses(word: str) -> tuple[str, ...]:
    """The first English senses of ``word`` in the French, German and Spanish dictionaries installed."""
    return tuple(dict.fromkeys(m.lower() for language in ("fr", "de", "es") if (found := load(language)) is not None
                               for m in senses(word, language, found)[:3]))


#: A yes/no column named for what an item is without, in four languages ("Sans plomb", "ohne Zucker", "sin gluten").
_WITHOUT = re.compile(r"(?:sans|ohne|sin|without)\s+([^\W\d_]{3,})")


def _free_of(parse: Parse, facet: Facet, thing: str, yes: str, across: bool = False) -> bool:
    """"no nuts", "sans gluten", "ohne Nüsse", "没有坚果的", "my friend is coeliac", "a nut allergy" on a
    column ``thing``_free of yes and no (said by its name, "gluten-free", the rules before read it):
    the items that say yes; whether it was said. ``across``: the name is in another language, the thing also said
    by an English word the dictionaries translate as it ("Sans plomb": "no lead")."""
    said = FREE_OF.get(thing.removesuffix("s"), rf"{re.escape(thing)}s?")
    if across:  # "Sans plomb": "lead" (an English request)
        said += "".join(f"|{re.escape(m)}" for m in _english_senses(thing) if " " not in m)
    for m in lx.pattern(said).finditer(parse.scan):
        around = parse.scan[max(0, m.start() - 30):m.end() + 12]
        denied = DENIED.search(parse.scan[:m.start()])
        if re.search(rf"\b{re.escape(thing)}[- ]?free\b", around, re.IGNORECASE) or not (denied or FREE_ALWAYS.search(around)):
            continue
        flt = Filter(column=facet.column, op="=", value=facet.canonical.get(yes, yes))
        span = (denied.start() if denied else m.start(), m.end())
        parse.filters.append(flt)
        parse.notes.append(f"{flt} from {parse.scan[span[0]:span[1]].strip()!r}")
        parse.cut(span)
        start = max(0, m.start() - 30)
        for also in FREE_ALWAYS.finditer(parse.scan, start, m.end() + 12):  # "a nut allergy": read with it
            parse.cut(also.span())
        return True
    return False
