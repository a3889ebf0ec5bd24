"""Speech → text: the :class:`Transcriber` contract and the faster-whisper backend.

Every backend reads audio the same way (:func:`xmr_whisper.audio.load_audio`: PyAV, at most
``max_seconds`` decoded), skips the model for silent clips, and loads its model once per
instance, lazily, under a lock (safe to share between threads).

Errors: a file that cannot be read as audio is an *input* problem —
:meth:`~TranscriberBase.transcribe` raises :class:`~xmr_agent.errors.InputError` (``{0: reason}``)
and :meth:`~TranscriberBase.transcribe_many` returns a :class:`~xmr_agent.encoders.speech.Failure`
in that item's place, so a batch never loses its good items. A model that cannot load is a
*plugin* problem: :class:`~xmr_agent.errors.EncoderUnavailable`, raised from either call.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from xmr_agent.encoders.base import LazyState
from xmr_agent.encoders.speech import (
    DEFAULT_WHISPER,
    Failure,
    Segment,
    Transcriber,
    Transcript,
)
from xmr_agent.errors import EncoderUnavailable, InputError
from xmr_whisper.audio import Audio, AudioReadError, load_audio
from xmr_whisper.weights import resolve_model

__all__ = [
    "DEFAULT_COMPUTE_TYPE",
    "DEFAULT_MAX_SECONDS",
    "DEFAULT_MODEL",
    "OPTION_DEFAULTS",
    "FasterWhisperTranscriber",
    "Transcriber",
    "TranscriberBase",
]

#: Audio past this many seconds is not transcribed (``Transcript.truncated`` says so).
DEFAULT_MAX_SECONDS = 600.0
#: The Whisper model used when none is named: the multilingual ``base`` (see
#: :data:`xmr_agent.encoders.speech.DEFAULT_WHISPER`, where the choice is explained).
DEFAULT_MODEL = DEFAULT_WHISPER
#: CTranslate2 compute type of :class:`FasterWhisperTranscriber`: float32, the full-precision
#: reading of the packaged float16 weights, rather than int8: fewer word errors for about a quarter
#: more CPU (a small gain: docs/benchmarks.md, "Speech"). On a GPU, pass "float16".
DEFAULT_COMPUTE_TYPE = "float32"
#: faster-whisper options of :class:`FasterWhisperTranscriber` beyond model, beam and VAD, with
#: their defaults (faster-whisper's own); ``config()`` lists only those set otherwise.
OPTION_DEFAULTS: dict[str, Any] = {
    "cpu_threads": 0,
    "best_of": 5,
    "patience": 1.0,
    "temperature": (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
    "condition_on_previous_text": True,
    "without_timestamps": False,
}


def check_decoding(beam_size: int, max_seconds: float | None) -> None:
    """Reject decoding options no backend can use."""
    if max_seconds is not None and max_seconds <= 0:
        raise ValueError(f"max_seconds must be positive or None, got {max_seconds!r}")
    if beam_size < 1:
        raise ValueError(f"beam_size must be at least 1, got {beam_size!r}")


class TranscriberBase(LazyState):
    """Shared reading, silence handling, batching and lazy loading; backends add ``_load``/``_run``."""

    max_seconds: float | None = DEFAULT_MAX_SECONDS

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        """Load the model once (thread-safe); later calls return the same object."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def transcribe(self, path: str | Path) -> Transcript:
        try:
            audio = load_audio(path, max_seconds=self.max_seconds)
        except AudioReadError as e:
            raise InputError({0: e.reason}) from e
        return self._transcribe_audio(audio)

    def transcribe_many(self, paths: Iterable[str | Path]) -> list[Transcript | Failure]:
        """One result per path, in order: a ``Transcript``, or a ``Failure(path, reason)``.

        Never raises for a bad file (``failures_of(results)`` gives ``{index: reason}`` for
        ``InputError``); raises ``EncoderUnavailable`` if the model cannot load.
        """
        results: list[Transcript | Failure] = []
        for path in paths:
            try:
                audio = load_audio(path, max_seconds=self.max_seconds)
            except AudioReadError as e:
                results.append(Failure(path=str(path), reason=e.reason))
                continue
            results.append(self._transcribe_audio(audio))
        return results

    def _transcribe_audio(self, audio: Audio) -> Transcript:
        if audio.is_silent:
            return Transcript(text="", language=None, language_probability=0.0,
                              duration=audio.duration, truncated=audio.truncated)
        return self._run(audio)

    def _load(self) -> Any:
        raise NotImplementedError

    def _run(self, audio: Audio) -> Transcript:
        raise NotImplementedError

    def config(self) -> dict[str, Any]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config()!r})"


def make_transcript(audio: Audio, spans: Iterable[tuple[float, float, str]], language: str | None,
                    probability: float) -> Transcript:
    """A Transcript from raw ``(start, end, text)`` spans, times clamped to the decoded audio.

    Whisper predicts timestamps in 30 s windows and may end the last one past the audio; such
    times are cut to the end of what was transcribed, and starts never decrease.
    """
    limit = round(audio.seconds, 3)
    segments: list[Segment] = []
    floor = 0.0
    for start, end, text in spans:
        start = min(max(float(start), floor), limit)
        end = min(max(float(end), start), limit)
        if text.strip():
            segments.append(Segment(round(start, 3), round(end, 3), text.strip()))
            floor = start
    return Transcript(
        text=" ".join(s.text for s in segments),
        language=language,
        language_probability=round(float(probability), 4),
        duration=audio.duration,
        segments=tuple(segments),
        truncated=audio.truncated,
    )


class FasterWhisperTranscriber(TranscriberBase):
    """Whisper through faster-whisper (CTranslate2): float32 on CPU by default.

    ``model`` is ``"tiny.en"`` or ``"base"`` (offline from the pinned PyPI weight packages when
    installed, else from the hub), any other faster-whisper size or hub id, or a local
    CTranslate2 folder. ``language=None`` detects it (multilingual models). ``vad_filter``
    drops non-speech with Silero VAD (shipped in faster-whisper). ``max_seconds`` bounds the
    work per file (``None``: whole file). ``cache_dir`` holds the assembled ``base`` model.

    ``cpu_threads`` (0: CTranslate2's default) and the decoding options ``best_of``,
    ``patience``, ``temperature`` (one value, or the fallback sequence tried in order),
    ``condition_on_previous_text`` and ``without_timestamps`` are passed to faster-whisper
    unchanged; :data:`OPTION_DEFAULTS` holds their defaults. :meth:`config` names them only
    when they differ from those defaults.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str = "cpu",
        compute_type: str = DEFAULT_COMPUTE_TYPE,
        language: str | None = None,
        beam_size: int = 5,
        vad_filter: bool = True,
        max_seconds: float | None = DEFAULT_MAX_SECONDS,
        cache_dir: str | Path | None = None,
        cpu_threads: int = OPTION_DEFAULTS["cpu_threads"],
        best_of: int = OPTION_DEFAULTS["best_of"],
        patience: float = OPTION_DEFAULTS["patience"],
        temperature: float | Sequence[float] = OPTION_DEFAULTS["temperature"],
        condition_on_previous_text: bool = OPTION_DEFAULTS["condition_on_previous_text"],
        without_timestamps: bool = OPTION_DEFAULTS["without_timestamps"],
    ) -> None:
        super().__init__()
        check_decoding(beam_size, max_seconds)
        if not isinstance(cpu_threads, int) or isinstance(cpu_threads, bool) or cpu_threads < 0:
            raise ValueError(f"cpu_threads must be an int >= 0 (0: CTranslate2's default), got {cpu_threads!r}")
        if best_of < 1:
            raise ValueError(f"best_of must be at least 1, got {best_of!r}")
        if patience <= 0:
            raise ValueError(f"patience must be positive, got {patience!r}")
        temperatures = (temperature,) if isinstance(temperature, (int, float)) else tuple(temperature)
        if not temperatures or any(not 0 <= float(t) <= 1 for t in temperatures):
            raise ValueError(f"temperature must be a value or a non-empty sequence in [0, 1], got {temperature!r}")
        self.model = model
        self.device = device
        self.compute_type = compute_type
        self.language = language
        self.beam_size = beam_size
        self.vad_filter = vad_filter
        self.max_seconds = max_seconds
        self.cache_dir = cache_dir
        self.cpu_threads = cpu_threads
        self.best_of = best_of
        self.patience = float(patience)
        self.temperature = tuple(float(t) for t in temperatures)
        self.condition_on_previous_text = bool(condition_on_previous_text)
        self.without_timestamps = bool(without_timestamps)

    def decoding(self) -> dict[str, Any]:
        """The options given to ``WhisperModel.transcribe`` besides the audio."""
        return {"language": self.language, "beam_size": self.beam_size, "vad_filter": self.vad_filter,
                "best_of": self.best_of, "patience": self.patience, "temperature": list(self.temperature),
                "condition_on_previous_text": self.condition_on_previous_text,
                "without_timestamps": self.without_timestamps}

    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"backend": "faster-whisper", "model": self.model, "compute_type": self.compute_type,
                  "language": self.language, "beam_size": self.beam_size,
                  "vad_filter": self.vad_filter, "max_seconds": self.max_seconds}
        for key, default in OPTION_DEFAULTS.items():
            value = getattr(self, key)
            if value != default:
                config[key] = list(value) if isinstance(value, tuple) else value
        return config

    def _load(self) -> Any:
        try:
            from faster_whisper import WhisperModel
        except ImportError as e:
            raise EncoderUnavailable(
                "the Whisper transcriber needs faster-whisper: pip install 'xmr-agent[audio]'"
            ) from e
        path = resolve_model(self.model, self.cache_dir)
        try:
            return WhisperModel(path, device=self.device, compute_type=self.compute_type,
                                cpu_threads=self.cpu_threads)
        except (OSError, RuntimeError, ValueError) as e:
            offline = " (HF_HUB_OFFLINE=1 is set)" if os.environ.get("HF_HUB_OFFLINE") == "1" else ""
            raise EncoderUnavailable(
                f"cannot load Whisper model {self.model!r} from {path!r}{offline}: {e}. Give a local "
                "CTranslate2 folder, a hub id with network access, or install 'xmr-agent[offline]' "
                "for 'tiny.en' and 'base' without network"
            ) from e

    def _run(self, audio: Audio) -> Transcript:
        model = self.load()
        segments, info = model.transcribe(audio.samples, **self.decoding())
        spans = [(s.start, s.end, s.text) for s in segments]  # decoding happens here
        return make_transcript(audio, spans, info.language, info.language_probability)
