"""Levels of difficulty written as words, and comparisons on them in a chat: "something harder, I'm
pretty good at these", "plus facile", "etwas Schwierigeres", "más fácil", "难一点的" → the items of
a column of levels (``Skill level`` of Beginner, Intermediate, Advanced; ``Schwierigkeitsgrad`` of
leicht, mittel, schwer) above or below the level of the item referred to, or of the one typical of
those shown. Part of the critique (:mod:`~xmr_agent.agent.critique`); the words are here because
nothing else reads them. Written by hand: no library ranks a shop's level words in five languages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from xmr_agent.agent import lexicon
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import Filter

#: Level words, easiest first, by rank (each language's words for a rank share it).
RANKS = {
    **dict.fromkeys(("very easy", "très facile", "sehr leicht", "sehr einfach", "muy fácil", "非常简单"), 0),
    **dict.fromkeys(("easy", "beginner", "beginners", "novice", "starter", "entry", "basic", "facile", "débutant",
                     "débutants", "einfach", "leicht", "anfänger", "einsteiger", "fácil", "principiante", "principiantes",
                     "básico", "简单", "容易", "入门", "初级", "新手", "初学"), 1),
    **dict.fromkeys(("medium", "intermediate", "moderate", "moyen", "intermédiaire", "mittel", "mittelschwer",
                     "fortgeschrittene anfänger", "intermedio", "medio", "中等", "中级", "进阶"), 2),
    **dict.fromkeys(("hard", "difficult", "advanced", "challenging", "difficile", "avancé", "confirmé", "schwer",
                     "schwierig", "fortgeschritten", "fortgeschrittene", "difícil", "avanzado", "困难", "难", "高级"), 3),
    **dict.fromkeys(("very hard", "expert", "experts", "pro", "professional", "master", "très difficile", "experte",
                     "profi", "sehr schwer", "experto", "profesional", "muy difícil", "专家", "专业"), 4),
}
#: Words for an easier item, and for a harder one.
EASIER = (r"easier|simpler|less (?:difficult|advanced|challenging|tricky)|more beginner[- ]friendly|plus facile|"
          r"plus simple|moins (?:difficile|compliqué)e?|einfacher(?:e[nrs]?)?|nicht so schwer|weniger schwierig|"
          r"más (?:fácil|sencill[oa])(?:es)?|menos difícil|更简单|更容易|简单(?:一)?点|容易(?:一)?点")
HARDER = (r"harder|trickier|more (?:difficult|advanced|challenging)|plus (?:difficile|dur|avancé)e?s?|"
          r"schwierigere?[nrs]?|schwerere?[nrs]?|anspruchsvollere?[nrs]?|anspruchsvoller|más (?:difícil|avanzad[oa])(?:es)?|"
          r"更难|难(?:一)?点|更有挑战")
COMPARED = f"{EASIER}|{HARDER}"
#: Superlatives of levels (as :data:`~xmr_agent.agent.lexicon.SUPERLATIVES`: words, column kind, descending).
SUPERLATIVES = ((r"easiest|simplest|(?:le|la|les) plus (?:facile|simple)s?|einfachste[nrs]?|"
                 r"(?:el|la|los|las|lo) más (?:fácil|sencill[oa])(?:es)?|最简单|最容易", "difficulty", False),
                (r"hardest|most (?:difficult|challenging|advanced)|(?:le|la|les) plus difficiles?|schwierigste[nrs]?|"
                 r"schwerste[nrs]?|(?:el|la|los|las|lo) más difícil(?:es)?|最难", "difficulty", True))
#: Names of a column of levels (:func:`~xmr_agent.agent.numbers.extreme_size` reads "the hardest" on it).
NAMES = ("difficulty", "level", "skill_level", "skill", "schwierigkeitsgrad", "schwierigkeit", "niveau", "nivel",
         "difficulte", "dificultad")


#: Words for who an item is for that name the lowest level, and the highest: "for beginners", "pour débutant",
#: "适合初学者", "für Profis".
SAID = ((r"beginners?|novices?|first[- ]timers?|débutante?s?|anfänger(?:in|innen|n)?|einsteiger(?:in|innen|n)?|"
         r"principiantes?|novat[oa]s?|初学者?|新手|入门|"  # who is starting, or for the first time:
         r"(?:just |who(?:'s| is) (?:just )?)start(?:ed|ing)(?: out)?|starting out|for the first time|first time on|"
         r"qui (?:débute|commence)|pour la première fois|(?:der|die) (?:gerade )?anfängt|zum ersten Mal|"
         r"que (?:empieza|comienza|está empezando)|por primera vez|刚开始|刚学|第一次|"  # who never did it, at a first lesson:
         r"never (?:tried|done|used|played|picked|held|ridden|juggled|had)\b(?: (?:one|it|this|that))?(?: up| before)?|"
         r"(?:n'(?:a|ai|as|ont)|n'en a) jamais|noch nie|nunca (?:ha|he|has|han)\b|从来?没(?:有)?(?:玩|用|学|练)过|"
         r"(?:my|his|her|their|a) first (?:class|lesson|session)|(?:mon|son|leur) premier cours|"
         r"(?:meine[rnm]?|seine[rnm]?|ihre[rnm]?) erste[nm]? (?:Stunde|Kurs|Training)|(?:mi|su) primera clase|第一节课", False),
        (r"experts?|professionals?|pros|professionnel(?:le)?s?|profis?|profesionales?|专业人士|专家|"
         r"(?:niveau|level|nivel|Niveau) (?:pro|professionnel|professional|profesional|profi)|pro[- ](?:level|grade)|专业级", True))


def said(parse: Any, facets: Facets) -> None:  # (a numbers.Parse: numbers reads this module's ranks)
    """The level a request's words for who it is for name ("for beginners": the lowest level of the column of
    levels; "for a pro": the highest), as a preference; nothing without a column of levels or with one said."""
    facet = level_column(facets)
    if facet is None or any(f.column == facet.column for f in parse.filters):
        return
    for words, highest in SAID:
        m = lexicon.pattern(words).search(parse.scan)
        if m is None:
            continue
        ranks = {r for v in facet.values if (r := value_rank(v)) is not None}
        rank = max(ranks) if highest else min(ranks)
        denied = _DENIED.search(parse.scan[max(0, m.start() - 30):m.start()])  # "que no sea para principiantes"
        for value in sorted(v for v in facet.values if value_rank(v) == rank):
            flt = Filter(column=facet.column, op="!=" if denied else "=", value=facet.canonical.get(value, value), hard=bool(denied))
            parse.filters.append(flt)
            parse.preferred += [] if denied else [flt]
        if denied:
            parse.cut((max(0, m.start() - 30) + denied.start(), m.end()))
        parse.notes.append(f"{facet.column} {'not ' if denied else ''}of the {'highest' if highest else 'lowest'} level from "
                           f"{m.group(0)!r}")
        if re.match(r"never|n'|noch nie|nunca|从", m.group(0), re.IGNORECASE):  # "never picked one up": no thing denied
            parse.cut(m.span())
        return


#: A denial just before the words for who an item is for ("not for beginners", "pas pour les débutants", "不适合新手").
_DENIED = re.compile(r"(?:\b(?:not|no|pas|nicht|kein(?:e[nrs]?)?|nada)\b|不)[^,.;!?]{0,20}$", re.IGNORECASE)


def level_column(facets: Facets) -> Facet | None:
    """The categorical column whose values are (nearly) all level words, with two ranks at least."""
    for facet in facets.values():
        ranked = [r for v in facet.values if (r := value_rank(v)) is not None] if facet.categorical else []
        if len(set(ranked)) >= 2 and len(ranked) >= len(facet.values) - 1:
            return facet
    return None


def value_rank(value: str) -> int | None:
    """The rank of a level value: a level word ("Beginner", "schwer"), or a value whose level words name one rank
    ("Beginner friendly", "新手入门" of 新手 and 入门, "专业影棚" of 专业, a professional studio); else ``None``."""
    lowered = value.lower()
    if lowered in RANKS:
        return RANKS[lowered]
    if lexicon.has_cjk(value):
        found = {RANKS[w] for w in RANKS if lexicon.has_cjk(w) and w in value}
    else:
        found = {RANKS[w] for w in re.findall(r"[^\W\d_]+", lowered) if w in RANKS}
    return found.pop() if len(found) == 1 else None


def compared(out: Any, text: str, anchor: Mapping[str, Any] | None, facets: Facets) -> str:
    """``text`` with an easier or harder said cut, and ``out`` (a critique) given the values of the
    column of levels on that side of ``anchor``'s level; nothing where no column holds levels."""
    for words, harder in ((EASIER, False), (HARDER, True)):
        m = lexicon.pattern(words).search(text)
        facet = level_column(facets) if m else None
        if m is None or facet is None:
            continue
        said = str(anchor.get(facet.column) or "").lower() if anchor else ""
        rank = value_rank(said) if said else 2
        if rank is None:
            continue
        values = [facet.canonical.get(v, v) for v in sorted(facet.values) if (r := value_rank(v)) is not None
                  and (r > rank if harder else r < rank)]
        out.filters += [Filter(column=facet.column, op="=", value=v) for v in values]
        out.notes.append(f"{facet.column} {'above' if harder else 'below'} {said or 'the middle'} (from {m.group(0)!r})")
        text = text[:m.start()] + " " + text[m.end():]
    return _comparative(out, re.sub(r"\s+", " ", text), facets)


def _comparative(out: Any, text: str, facets: Facets) -> str:
    """``text`` with an English comparative cut whose adjective is a value of a describing column ("something firmer"
    after pillows: Firmness Firm, preferred), and ``out`` given that value; nothing where no column has it."""
    from xmr_agent.agent.columns import kind_columns

    kinds = kind_columns(facets)
    values = {v.lower(): (f.column, f.canonical.get(v, v)) for f in facets.values() if f.categorical
              and f.column.lower() not in kinds for v in f.values if " " not in v.strip()}
    for m in _COMPARATIVE.finditer(text):
        word = m.group(0).lower()
        bases = (word[:-2], word[:-1], word[:-3], word[:-3] + "y")  # firmer, wider, bigger, heavier
        found = next((values[b] for b in bases if len(b) >= 3 and b in values), None)
        if found and not any(f.column == found[0] for f in out.filters):
            out.filters.append(Filter(column=found[0], op="=", value=found[1], hard=False))
            out.notes.append(f"{found[0]} = {found[1]!r} preferred (from {m.group(0)!r})")
            text = text.replace(m.group(0), " ")
    return re.sub(r"\s+", " ", text)


#: An English comparative of one word ("firmer", "softer", "warmer").
_COMPARATIVE = re.compile(r"\b[a-z]{3,}(?<!ev)(?<!ov)(?<!oth)(?<!und)(?<!aft)(?<!ord)(?<!wat)er\b", re.IGNORECASE)
