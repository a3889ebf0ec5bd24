"""Word error rate with Whisper's English text normaliser.

The normaliser is OpenAI Whisper's ``EnglishTextNormalizer`` (spelled-out numbers → digits,
British → American spelling, contractions expanded, punctuation and fillers dropped), taken
from the ``whisper-normalizer`` package (MIT, about 0.4 MB, no torch) instead of
``openai-whisper`` (torch + triton). That package's copy adds four rules to OpenAI's
(kinda, sorta, dunno, cause → because); :func:`whisper_english_normalizer` removes them, so
its output equals ``whisper.normalizers.EnglishTextNormalizer`` of openai-whisper 20250625.

:func:`basic_normalize` is a lighter, dependency-free normaliser (lower case, punctuation
removed, whitespace collapsed); its scores are NOT comparable with published Whisper WERs.
The edit distance is computed here (word-level Levenshtein), so ``jiwer`` is not needed.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from xmr_agent.errors import EncoderUnavailable

__all__ = ["basic_normalize", "corpus_wer", "edit_distance", "wer", "whisper_english_normalizer"]

Normalizer = Callable[[str], str]

#: Rules whisper-normalizer adds to OpenAI's EnglishTextNormalizer.replacers.
_EXTRA_RULES = (r"\bkinda\b", r"\bsorta\b", r"\bdunno\b", r"\bcause\b")
_normalizer: Normalizer | None = None
_lock = threading.Lock()


def whisper_english_normalizer() -> Normalizer:
    """OpenAI Whisper's English normaliser (built once; needs ``whisper-normalizer``)."""
    global _normalizer
    with _lock:
        if _normalizer is None:
            try:
                from whisper_normalizer.english import EnglishTextNormalizer
            except ImportError as e:
                raise EncoderUnavailable(
                    "WER with Whisper's English normaliser needs whisper-normalizer: "
                    "pip install 'xmr-agent[audio]' (or pass normalize=basic_normalize)"
                ) from e
            normalizer = EnglishTextNormalizer()
            for rule in _EXTRA_RULES:
                normalizer.replacers.pop(rule, None)
            _normalizer = normalizer
    return _normalizer


def basic_normalize(text: str) -> str:
    """Lower case, accents kept, punctuation/symbols → space, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(c)[0] in "PS" and c != "'" else c for c in text)
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", text)  # quotes, but not apostrophes inside words
    return " ".join(text.split())


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Substitutions + deletions + insertions turning ``reference`` into ``hypothesis``."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def _words(text: str, normalize: Normalizer | None) -> list[str]:
    return (normalize or whisper_english_normalizer())(text).split()


def wer(reference: str, hypothesis: str, *, normalize: Normalizer | None = None) -> float:
    """Word error rate of one utterance (edits / reference words), after normalising both.

    ``normalize`` defaults to Whisper's English normaliser. Raises ``ValueError`` when the
    reference has no words after normalisation (WER is undefined there).
    """
    ref, hyp = _words(reference, normalize), _words(hypothesis, normalize)
    if not ref:
        raise ValueError(f"reference {reference!r} has no words after normalisation; WER is undefined")
    return edit_distance(ref, hyp) / len(ref)


def corpus_wer(pairs: Iterable[tuple[str, str]], *, normalize: Normalizer | None = None) -> float:
    """Corpus WER of ``(reference, hypothesis)`` pairs: total edits / total reference words."""
    edits = words = 0
    for reference, hypothesis in pairs:
        ref, hyp = _words(reference, normalize), _words(hypothesis, normalize)
        edits += edit_distance(ref, hyp)
        words += len(ref)
    if words == 0:
        raise ValueError("the references have no words after normalisation; WER is undefined")
    return edits / words
