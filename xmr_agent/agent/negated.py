"""The thing a negation leaves out, read from the words after it: "no plastic", "not a backpack",
"pas pour enfant" (who it is for), "not loving the yellow" (what follows a feeling), "sauf ceux pour le
drift" (what the ones left out are for), "nothing from Games Workshop" (who makes it). Read by
:mod:`~xmr_agent.agent.rules` for its negations.
"""

from __future__ import annotations

from xmr_agent.agent import lexicon as lx

#: "for" at the start of a negated phrase: what follows is who it is for ("pas pour enfant").
_FOR = {"for", "pour", "für", "fuer", "para"}
#: Words skipped at the start of a negated phrase ("nothing about a ...", "not too ...").
_FILLER = set("too very a an any the about with of so really more overly that de d' des le la les un une einen eine zu allzu "
           "ein el los las una uno unos unas ningún made out sea sean soit soient aus en containing including in mit avec con "
           "hecho hecha hechos hechas fabricado fabricada fabricados fabricadas fait faite faits faites fabriqué fabriquée "
           "fabriqués fabriquées fabrique hergestellt gemacht produced manufactured built".split())
#: A negation followed by these is about the speaker, not the item ("no, I have not seen it").
_NOT_A_THING = {"i", "i'm", "im", "you", "we", "they", "he", "she", "it", "have", "has", "had", "is", "was", "are",
                "were", "do", "did", "seen", "been", "sure", "problem", "idea", "thanks", "way", "one", "worries",
                "je", "ich", "yo", "sé", "se", "es", "est", "ist", "sais", "gracias", "merci", "danke",
                "mal", "très", "muy", "sehr", "cher", "chère", "chers", "chères", "teuer", "teure", "teurer", "teures", "teuren",
                "caro", "cara", "caros", "caras", "than", "expensive", "pricey", "costly", "que",
                "me", "te", "lo", "le", "quiero", "gusta", "mich", "mir"}
#: Words of liking after a negation: what follows is what is not wanted ("not loving the yellow", "not keen on wool").
_FEELING = {"loving", "liking", "keen", "fond", "fan", "into", "crazy", "mad", "sure", "happy", "thrilled", "sold",
            "feeling", "digging", "wild", "big", "love", "like", "fancy", "fancying",
            "smell", "smells", "taste", "tastes", "huela", "huelan", "sepa", "sepan"}  # "que no huela a tabaco"
#: Words that end a negated phrase.
STOP_AFTER = set("and or but please thanks like that which with for in of more from under over than to at on by "
               "though either anymore now today tonight too et ou mais pour avec und oder aber für mit y o pero "
               "para con por de s'il bitte".split())
#: Words for "the ones" before a word that says which ("sauf ceux pour le drift", "not the ones with a cord").
_ONES = {"those", "ones", "these", "ceux", "celles", "celui", "celle", "los", "las", "aquellos", "aquellas",
         "diejenigen", "jene", "die"}
#: Words that join "the ones" to what says which.
_WHICH = {"for", "with", "in", "of", "made", "from", "pour", "avec", "en", "de", "du", "des", "à", "au", "aux", "para",
          "con", "del", "für", "mit", "aus", "zum", "zur", "von"}


def phrase(words: list[str], about: bool = True) -> list[str]:
    """Up to two content words of a negated phrase: leading filler skipped, cut at a stop word."""
    if len(words) > 2 and words[0] in ("one", "any", "either") and words[1] == "of":  # "not one of those USB ones"
        words = [w for w in words[2:3] if w not in ("those", "these", "the", "them")] + words[3:]
    while words and (words[0] in _FILLER or words[0] in _FOR or words[0] in _ONES and len(words) > 2 and words[1] in _WHICH):
        words = words[2:] if words[0] in _ONES and words[1] in _WHICH else words[1:]  # "not for kids": kids; "sauf ceux
        # pour le drift": drift
    if len(words) > 1 and words[0] in _FEELING:  # "not loving the yellow": the yellow
        words = [w for w in words[1:] if w not in ("on", "of", "about", "with", "into", "a", "like")]
        while words and words[0] in _FILLER:
            words = words[1:]
    if not words or words[0] in _NOT_A_THING:
        return []
    taken: list[str] = []
    for n, word in enumerate(words):
        if len(taken) == 1 and word in ("à", "de") and n + 1 < len(words) and words[n + 1] not in lx.FILLER | STOP_AFTER:
            return [*taken, word, words[n + 1].strip("'")]  # "pas un sac à dos", "sin saco de dormir": one thing
        if word in STOP_AFTER or len(taken) == 2:
            after = [w for w in words[n + 1:] if w not in lx.FILLER][:2]
            after = after[:1] + [w for w in after[1:2] if w not in STOP_AFTER]  # "nothing from Games Workshop": both
            if about and word in lx.ABOUT and after and after[0] not in STOP_AFTER:  # "not set on Mars", "not by Tolkien"
                return [w.strip("'") for w in after]
            break
        taken.append(word.strip("'"))
    while len(taken) > 1 and taken[-1] in lx.FILLER:  # "not an anti-dandruff one"
        taken.pop()
    return taken
