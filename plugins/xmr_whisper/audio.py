"""Read an audio file into 16 kHz mono float32 samples with PyAV, with bounded work.

PyAV bundles FFmpeg's libraries, so no ``ffmpeg`` binary is needed. The container's duration
is read first; at most ``max_seconds`` of audio are then decoded, so a two-hour recording
costs no more than a ten-minute one. Problems with the file itself raise
:class:`AudioReadError` with a reason a person can act on; callers turn it into
:class:`xmr_agent.errors.InputError` (one item) or a :class:`~xmr_agent.encoders.speech.Failure`
(batches).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SAMPLE_RATE = 16_000
#: Peak amplitude below which a clip counts as silent (about -70 dBFS): no model is run.
SILENCE_PEAK = 10 ** (-70 / 20)
_FORMATS_HINT = "expected an audio file FFmpeg can read (mp3, wav, flac, ogg, m4a, webm, ...)"


class AudioReadError(Exception):
    """A file cannot be read as audio; ``reason`` says why and what was expected."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Audio:
    """Decoded audio: at most ``max_seconds`` of 16 kHz mono float32 samples.

    ``duration`` is the length of the whole source in seconds (the container's figure when it
    has one, else what was decoded); ``truncated`` is true when only its start was decoded.
    """

    samples: np.ndarray
    duration: float
    truncated: bool

    @property
    def seconds(self) -> float:
        """Length of the decoded samples."""
        return len(self.samples) / SAMPLE_RATE

    @property
    def is_silent(self) -> bool:
        return len(self.samples) == 0 or float(np.abs(self.samples).max()) < SILENCE_PEAK


def load_audio(path: str | Path, *, max_seconds: float | None = 600.0) -> Audio:
    """Decode ``path`` (at most its first ``max_seconds``; ``None`` decodes everything)."""
    if max_seconds is not None and max_seconds <= 0:
        raise ValueError(f"max_seconds must be positive or None, got {max_seconds!r}")
    file = _check_file(Path(path).expanduser())
    import av

    try:
        with av.open(str(file), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                kinds = ", ".join(sorted({str(s.type) for s in container.streams})) or "none"
                raise AudioReadError(f"{file} has no audio stream (streams: {kinds}); "
                                     f"{_FORMATS_HINT}")
            declared = _declared_seconds(container)
            samples, more = _decode(container, max_seconds)
    except av.error.FFmpegError as e:
        raise AudioReadError(f"{file} is not readable audio ({type(e).__name__}: {e}); "
                             f"{_FORMATS_HINT}") from e
    if len(samples) == 0:
        raise AudioReadError(f"{file} contains no decodable audio samples; {_FORMATS_HINT}")
    decoded = len(samples) / SAMPLE_RATE
    truncated = more or (max_seconds is not None and declared is not None and declared > max_seconds + 0.05)
    duration = max(declared or 0.0, decoded) if truncated else (declared or decoded)
    return Audio(samples=samples, duration=round(duration, 3), truncated=truncated)


def _check_file(file: Path) -> Path:
    if not file.exists():
        raise AudioReadError(f"file not found: {file}")
    if not file.is_file():
        raise AudioReadError(f"not a regular file: {file}; expected an audio file")
    try:
        size = file.stat().st_size
    except OSError as e:
        raise AudioReadError(f"cannot read {file}: {e}") from e
    if size == 0:
        raise AudioReadError(f"{file} is empty (0 bytes); {_FORMATS_HINT}")
    return file


def _declared_seconds(container: Any) -> float | None:
    """The duration the container or its audio stream declares, if any (no decoding)."""
    if container.duration is not None and container.duration > 0:
        return float(container.duration) / 1_000_000  # AV_TIME_BASE
    stream = container.streams.audio[0]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return None


def _decode(container: Any, max_seconds: float | None) -> tuple[np.ndarray, bool]:
    """(samples, whether audio remained past the limit). Corrupt packets are skipped."""
    import av

    limit = None if max_seconds is None else int(round(max_seconds * SAMPLE_RATE))
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    count = 0
    for packet in container.demux(container.streams.audio[0]):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            continue  # one damaged packet; FFmpeg resynchronises on the next one
        for frame in frames:
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
                count += chunks[-1].shape[0]
        if limit is not None and count > limit:
            return np.concatenate(chunks)[:limit].astype(np.float32, copy=False), True
    for out in resampler.resample(None):  # flush what the resampler buffered
        chunks.append(out.to_ndarray().reshape(-1))
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    more = limit is not None and samples.shape[0] > limit
    return samples[:limit].astype(np.float32, copy=False), more
