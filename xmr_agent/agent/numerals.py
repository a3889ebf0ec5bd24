"""Chinese numbers written with their units ("一万五千", "三千五百", "两千五"): prices in Chinese requests are
written so more often than in digits. Written by hand: text2num, which reads the other four languages' numbers in
words, has no Chinese, and a converter of whole sentences would also turn the "一" of "一点" or "一把" into a digit.
"""

from __future__ import annotations

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
