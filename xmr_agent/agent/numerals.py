"""Numbers written in words, read as digits before the rules: English, French, German and Spanish ones by text2num
("under twenty bucks", "moins de vingt euros"), a scale word after digits here ("120 thousand", "20 mil", "2 lucas",
"50 to 120 thousand": both ends), and Chinese numbers written with their units ("一万五千", "三千五百", "两千五"):
prices in Chinese requests are written so more often than in digits. Written by hand: text2num has no Chinese and
reads "120 thousand" as "120 1000", and a converter of whole sentences would also turn the "一" of "一点" or "一把"
into a digit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xmr_agent.agent import lexicon as lx


def cjk_value(text: str) -> float | None:
    """A Chinese number with its units ("一万五千": 15000, "三千五百": 3500, "两千五": 2500); ``None`` for a run of
    digits ("九九九", read digit by digit) or any other character."""
    total, section, digit, unit = 0, 0, None, 1
    for c in text:
        if c == "零" and len(text) > 1:  # "一千零五": the five is five
            unit = 1
        elif c in lx.CJK_DIGITS and digit is None:
            digit = lx.CJK_DIGITS[c]
        elif c in _CJK_UNITS:
            unit = _CJK_UNITS[c]
            section, digit = section + (1 if digit is None else digit) * unit, None
        elif c == "万":
            total, section, digit, unit = total + (section + (digit or 0)) * 10_000, 0, None, 10_000
        else:
            return None
    return float(total + section + (digit or 0) * (unit // 10 if unit >= 100 else 1))  # "两千五": five hundred


_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}


#: Languages whose numbers in words are read as digits (text2num's): "under twenty bucks", "moins de vingt euros".
WORDED = frozenset({"en", "fr", "de", "es", "it", "pt", "nl"})


_HUNDRED = re.compile(r"hundred|thousand|cent|mille|hundert|tausend|cien|mil", re.IGNORECASE)
_A_HUNDRED = re.compile(r"\b(?:a|one|un|une|ein|eine|einen|einem|uno|una)\s+(\d+00)\b", re.IGNORECASE)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th|[eè]me|er|re|e|[ºª°]|te|ten|ter|o|a)\b", re.IGNORECASE)


def in_digits(text: str, named: Sequence[tuple[int, int]], language: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with its numbers in words written in digits ("twenty-five pounds" → "25 pounds", "zwanzig Euro"), by
    text2num, outside the ``named`` spans (a title's words stay), and those spans moved along. Small numbers and
    ordinals alone stay words ("the one with two stages", "the third one"): text2num leaves them."""
    if not _SCALED.search(text) and not _CJK_PRICE.search(text) and (language not in WORDED or not re.search(r"[^\W\d_]", text)):
        return text, list(named)
    from text_to_num import alpha2digit

    def read(part: str) -> str:
        part = _CJK_PRICE.sub(_cjk_price, _SCALED.sub(lambda m: _scaled(m, language), part))
        if language not in WORDED:
            return part
        digits = alpha2digit(part, language) if part.strip() else part
        digits = _A_HUNDRED.sub(r"\1", digits) if _HUNDRED.search(part) else digits  # "under a hundred": not "a 100"
        return part if _ORDINAL.search(digits) and not _ORDINAL.search(part) else digits  # "the third one" stays

    out, moved, at = "", {}, 0
    for start, end in sorted(named):
        out += read(text[at:start])
        moved[(start, end)] = (len(out), len(out) + end - start)
        out, at = out + text[start:end], end
    out += read(text[at:])
    return out, [moved[span] for span in named]


#: A Chinese number before a currency ("二十块以内", "三十元"): in digits, as prices are read; before a bare 块 (also a
#: piece: "一块肥皂") only from ten up.
_CJK_PRICE = re.compile(rf"(?<![零一二两三四五六七八九十百千万])({lx.CJK_NUMBER}(?:[百千万][零一二两三四五六七八九十]{{0,2}}){{0,3}})"
                        r"(?=\s*(元|美元|欧元|英镑|澳元|加元|刀|块(?:钱|以内|以下|之内|左右|上下)|块))")


def _cjk_price(m: re.Match[str]) -> str:
    value = cjk_value(m.group(1))
    return m.group(0) if value is None or m.group(2) == "块" and value < 10 else f"{value:g}"


#: Digits with a scale word after them, and a first number of a range before them that shares it ("50 to 120
#: thousand pesos", "entre 8 y 20 lucas", "5到12万"): a number of dollars in thousands said so.
_SCALE = {"thousand": 1e3, "mil": 1e3, "mille": 1e3, "tausend": 1e3, "lucas": 1e3, "luca": 1e3, "million": 1e6,
          "millions": 1e6, "millón": 1e6, "millon": 1e6, "millones": 1e6, "millionen": 1e6, "万": 1e4}
_DIGITS = r"\d+(?:[.,]\d{1,2})?"
_SCALED = re.compile(rf"(?:({_DIGITS})(\s*(?:-|–|~|to|and|à|a|et|y|und|bis|到|至)\s*))?({_DIGITS})\s*"
                     r"(thousand|mille|tausend|lucas?|millions?|millón|millon|millones|millionen|mil|万)(?![a-zA-Zà-ÿ])",
                     re.IGNORECASE)


def _scaled(m: re.Match[str], language: str) -> str:
    if m.group(4).lower() == "mil" and language == "en":  # "6 mil plastic": thousandths of an inch
        return m.group(0)
    factor = _SCALE[m.group(4).lower()]

    def times(number: str) -> str:
        return f"{float(number.replace(',', '.')) * factor:.2f}".rstrip("0").rstrip(".")

    last = times(m.group(3))
    if m.group(1) is None:
        return last
    first = float(m.group(1).replace(",", "."))
    return f"{times(m.group(1)) if first < float(m.group(3).replace(',', '.')) else m.group(1)}{m.group(2)}{last}"
