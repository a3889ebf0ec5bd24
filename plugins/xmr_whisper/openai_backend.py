"""Whisper through the reference implementation, ``openai-whisper`` (PyTorch).

Not installed by any xmr-agent extra: on Linux x86-64 it pulls ``triton`` (about 1 GB) on top
of torch. Install it yourself (``pip install openai-whisper``) to use OpenAI's ``.pt``
checkpoints by name (downloaded and sha256-checked by openai-whisper) or from a local file;
``whisper.load_model`` reads checkpoints with ``torch.load(weights_only=True)``.

Audio is read with PyAV like every other backend (openai-whisper's own loader needs an
``ffmpeg`` binary) and given to the model as a 16 kHz float32 array. openai-whisper has no
VAD; silent clips are caught before the model (:attr:`Audio.is_silent`), and its own
``no_speech_threshold`` drops silent windows inside speech.
"""

from __future__ import annotations

import urllib.error
from pathlib import Path
from typing import Any

from xmr_agent.encoders.speech import Transcript
from xmr_agent.errors import EncoderUnavailable
from xmr_whisper.audio import Audio
from xmr_whisper.transcribers import (
    DEFAULT_MAX_SECONDS,
    TranscriberBase,
    check_decoding,
    make_transcript,
)

__all__ = ["OpenAIWhisperTranscriber"]


class OpenAIWhisperTranscriber(TranscriberBase):
    """openai-whisper: ``model`` is a name (``"base"``, ``"small.en"``, ...) or a local ``.pt`` file.

    ``download_root`` is where named checkpoints are cached (openai-whisper's default:
    ``~/.cache/whisper``). Runs in float32 on CPU, float16 on CUDA.
    """

    def __init__(
        self,
        model: str = "base",
        *,
        device: str = "cpu",
        language: str | None = None,
        beam_size: int = 5,
        max_seconds: float | None = DEFAULT_MAX_SECONDS,
        download_root: str | Path | None = None,
    ) -> None:
        super().__init__()
        check_decoding(beam_size, max_seconds)
        self.model = model
        self.device = device
        self.language = language
        self.beam_size = beam_size
        self.max_seconds = max_seconds
        self.download_root = download_root

    def config(self) -> dict[str, Any]:
        return {"backend": "openai-whisper", "model": self.model, "language": self.language,
                "beam_size": self.beam_size, "max_seconds": self.max_seconds}

    def _load(self) -> Any:
        whisper = _import_whisper()
        path = Path(self.model).expanduser()
        if path.suffix == ".pt" and not path.is_file():
            raise EncoderUnavailable(f"Whisper checkpoint not found: {path}")
        name = str(path) if path.is_file() else self.model
        root = None if self.download_root is None else str(Path(self.download_root).expanduser())
        try:
            return whisper.load_model(name, device=self.device, download_root=root)
        except (OSError, RuntimeError, ValueError, KeyError, urllib.error.URLError) as e:
            raise EncoderUnavailable(
                f"cannot load openai-whisper model {self.model!r}: {type(e).__name__}: {e}. Give a "
                "local .pt checkpoint, or a model name with network access"
            ) from e

    def _run(self, audio: Audio) -> Transcript:
        whisper = _import_whisper()
        model = self.load()
        language, probability = self._language(whisper, model, audio)
        result = model.transcribe(
            audio.samples,
            language=language,
            beam_size=self.beam_size,
            fp16=str(model.device).startswith("cuda"),
            verbose=None,
        )
        spans = [(s["start"], s["end"], s["text"]) for s in result["segments"]]
        return make_transcript(audio, spans, language, probability)

    def _language(self, whisper: Any, model: Any, audio: Audio) -> tuple[str, float]:
        """The language asked for, else the one detected on the first 30 s, with its probability."""
        if self.language is not None:
            return self.language, 1.0
        if not model.is_multilingual:
            return "en", 1.0
        window = whisper.pad_or_trim(audio.samples)
        mel = whisper.log_mel_spectrogram(window, model.dims.n_mels).to(model.device)
        _, probs = model.detect_language(mel)
        language = max(probs, key=probs.get)
        return language, float(probs[language])


def _import_whisper() -> Any:
    try:
        import whisper
    except ImportError as e:
        raise EncoderUnavailable(
            "OpenAIWhisperTranscriber needs openai-whisper, which no xmr-agent extra installs "
            "(it pulls triton, about 1 GB): pip install openai-whisper — or use "
            "FasterWhisperTranscriber (pip install 'xmr-agent[audio]')"
        ) from e
    if not hasattr(whisper, "load_model"):
        raise EncoderUnavailable(
            f"the module 'whisper' at {getattr(whisper, '__file__', '?')} is not openai-whisper "
            "(another package named 'whisper' is installed): pip install openai-whisper"
        )
    return whisper
