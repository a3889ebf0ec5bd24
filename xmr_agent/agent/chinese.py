"""Values written in Chinese characters that a request names: as written ("绿茶" in "最便宜的绿茶"), the longest
first; and, of a column of kinds, by the characters they end in where the request's word ends so: a Chinese noun puts
what the thing is last ("杯子": 茶杯, 公道杯 and 马克杯, each a cup; 子 and 儿 add nothing; "水壶": 烧水壶). One
character names the kinds ending in it only where two or more do (杯, 壶); one kind alone is named by two or more
("服装" names no 茶具套装). Written here: no segmenter is needed to find where a word ends before a particle
(的, 吗, 呢) or a mark, and none knows a shop's own kinds.
"""

from __future__ import annotations

import re
from functools import lru_cache

from xmr_agent.agent import lexicon
from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.filters import Facet, Facets, yes_no

#: Characters after a noun that add nothing to it ("杯子", "木头"), or make it an adjective ("木制", "木质").
SUFFIXES = "子儿头制质"
#: Particles and joining words, after which a word has ended.
PARTICLES = "的吗呢吧了啊呀么嘛哦和或与跟及"
#: A word: characters up to a particle.
_WORD = re.compile(rf"[^\W\d_{PARTICLES}]+")
#: The most characters read back from a word's end.
MAX_HEAD = 4


def cjk_values(text: str, facets: Facets, *, heads: bool = True) -> list[tuple[Facet, str, tuple[int, int]]]:
    """The values written in Chinese characters ("绿茶", "福建") that ``text`` has as written, the
    longest first and none inside another found, then (``heads``) the kinds its words end as (the first
    of each group: :func:`head_group` has them all): (facet, canonical value, span)."""
    found: list[tuple[Facet, str, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []
    named = sorted(((f, v) for f in facets.values() if f.categorical and not yes_no(f)  # (是, 否: read by their column's
                    for v in f.values if lexicon.has_cjk(v)), key=lambda fv: -len(fv[1]))  # name, :mod:`flags`)
    for facet, value in named:
        for m in re.finditer(re.escape(value), text, re.IGNORECASE):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                taken.append(m.span())
                found.append((facet, facet.canonical[value], m.span()))
    kinds = kind_columns(facets)
    for facet in (f for f in facets.values() if f.categorical and heads and not yes_no(f)):  # (kinds first: "木" is no kind of wood)
        found += _by_head(text, facet, taken, every=facet.column.lower() in kinds)
    return sorted(found, key=lambda hit: hit[2])


def _by_head(text: str, facet: Facet, taken: list[tuple[int, int]], *, every: bool = True
             ) -> list[tuple[Facet, str, tuple[int, int]]]:
    """The values of ``facet`` named by the end of a word of ``text`` (not inside a value found as written); of a
    column of properties (not ``every``), a group of at most half its values ("木": 枫木, 榉木; "颜色" names no colour)."""
    found: list[tuple[Facet, str, tuple[int, int]]] = []
    for m in (m for m in _WORD.finditer(text) if lexicon.has_cjk(m.group(0))):
        group, size = _named(facet, m.group(0)) if every else _ending(facet, m.group(0))
        span = (m.end() - size, m.end())
        if group and (every or 2 * len(group) <= len(facet.values)) and not any(a < span[1] and span[0] < b for a, b in taken):
            taken.append(span)
            found.append((facet, facet.canonical[group[0]], span))
    return found


def head_group(facet: Facet, said: str) -> list[str]:
    """The kinds of ``facet`` (canonical) a word in Chinese characters names by its end, when two or more: "杯子",
    "杯": 茶杯, 公道杯 and 马克杯."""
    named = said.rstrip(SUFFIXES) in facet.values or any(  # "茶壶" names 茶壶 alone, not 烧水壶; "在红色" 红色 alone,
        v in said for v in facet.values if lexicon.has_cjk(v))  # not every colour ending in 色
    group = _named(facet, said)[0] if lexicon.has_cjk(said) and not named and _WORD.fullmatch(said) else []
    return [facet.canonical[v] for v in group] if len(group) > 1 else []


def _ending(facet: Facet, word: str) -> tuple[list[str], int]:
    """The values of ``facet`` that end as ``word`` does (its longest end two or more values share, or one value
    alone of two characters or more), and how many characters of ``word`` (with 子 or 儿) name them."""
    values = [v for v in facet.values if lexicon.has_cjk(v)]
    core = word
    while len(core) > 1 and core[-1] in SUFFIXES:  # "杯子": 杯
        core = core[:-1]
    for size in range(min(MAX_HEAD, len(core)), 0, -1):
        group = sorted(v for v in values if v.endswith(core[-size:]) and v != core[-size:])
        shared = len(group) == 1 and set(core[:-1]) & set(group[0][:-1])  # "路亚假饵": 路亚饵, not "服装": 茶具套装
        if group and (size > 1 or len(group) > 1 or shared):
            return group, size + len(word) - len(core)
    return [], 0


def _named(facet: Facet, word: str) -> tuple[list[str], int]:
    """The kinds of ``facet`` ``word`` names (as :func:`_ending`), or the one kind whose items' titles alone end a run of
    characters as ``word`` does at more characters, or where its end names several: "蚝油" is the 鲜味调料 titled
    "海天上等蚝油", not every kind ending in 油 (调味油, 辣椒油, 酱油); "花椒油" the 调味油 titled "好人家花椒油", not the
    辣椒油; "生抽", a kind no value ends as, the 酱油 titled "海天金标生抽"."""
    group, size = _ending(facet, word)
    titled, length = _titled_end(facet, word)
    return (titled, length) if titled and (length > size or len(group) > 1) else (group, size)


def _titled_end(facet: Facet, word: str) -> tuple[list[str], int]:
    """The one kind of ``facet`` whose items' titles have a run of characters ending as ``word`` does (at two
    characters or more, the longest end first), and how many characters of ``word`` name it."""
    core = word.rstrip(SUFFIXES) or word
    ends = _title_runs(tuple(facet.titles.items()))
    for size in range(min(MAX_HEAD, len(core)), 1, -1):
        kinds = [v for v, runs in ends.items() if any(run.endswith(core[-size:]) for run in runs)]
        if len(kinds) == 1 and kinds[0].lower() in facet.canonical:
            return [kinds[0].lower()], size + len(word) - len(core)
        if kinds:  # a longer end several kinds' titles share: a shorter one names no single kind
            return [], 0
    return [], 0


@lru_cache(maxsize=32)
def _title_runs(titles: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, frozenset[str]]:
    """Each kind's titles' runs of Chinese characters (read once per column, not for each word of each request)."""
    return {v: frozenset(run for t in said for run in _RUN.findall(t)) for v, said in titles}


#: A run of Chinese characters (a title's noun phrase ends its run).
_RUN = re.compile(r"[\u3400-\u9fff]+")
