"""Video items: keyframes through the image encoder(s), the soundtrack through Whisper.

A video item stays one row of the catalogue. Its keyframes (:class:`Keyframes`: one every
``every`` seconds, at most ``max_frames`` per video, optionally also at scene changes) are read
with PyAV and embedded by each image vector column; the item's vector in that column is the mean
of its keyframe vectors, so photo and words→image searches find videos like photos. The
keyframe vectors themselves are kept beside it, in a hidden column ``<column>__keyframes``, and
their times (and tags, with ``--tags``) in ``video_keyframes``; a hit names its timestamp by
comparing the query vector with that item's keyframe vectors (:func:`match_keyframes`). This is
the simplest design that names a timestamp: no second index and no side table, and a video row
is hashed, upserted and resumed like any other row. The soundtrack, when the file has one and a
transcriber is configured, fills the same transcript columns as an ``audio`` item (words with
segment timestamps), so words reach what was said, and the evidence cites the segment.

An item's own ``image`` wins over its video's keyframes, and its own ``audio`` over the
soundtrack. A video that cannot be read (empty, not a video, corrupt, no video stream) makes its
item a bad record with the reason; a video with no audio track simply has no transcript.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xmr_agent.errors import ConfigError

if TYPE_CHECKING:

    pass

#: Keyframes are scaled down so that their shorter side is at most this (image encoders use 224).
MAX_SHORT_SIDE = 320
#: A keyframe this many seconds past the last decoded frame is reached by seeking, not decoding.
SEEK_GAP = 4.0
_HINT = "expected a video file FFmpeg can read (mp4, mov, mkv, webm, avi, ...)"


@dataclass(frozen=True)
class Keyframes:
    """Which frames of a video are embedded.

    One every ``every`` seconds from the start (0, every, 2·every, …); a video longer than
    ``every × max_frames`` gets ``max_frames`` evenly spread instead, so a two-hour film costs
    ``max_frames`` seeks and decodes. ``scene`` adds the first frame after each scene change
    (colour histograms of successive frames differ by more than ``scene_threshold``, 0–1) found
    in the first ``max_scan_seconds``, which are decoded in full; ``max_frames`` still holds.
    """

    every: float = 5.0
    max_frames: int = 32
    scene: bool = False
    scene_threshold: float = 0.4
    max_scan_seconds: float = 600.0

    def __post_init__(self) -> None:
        if isinstance(self.every, bool) or not (isinstance(self.every, int | float) and math.isfinite(self.every)
                                                and self.every > 0):
            raise ConfigError(f"keyframe interval must be a positive number of seconds, got {self.every!r}")
        if not isinstance(self.max_frames, int) or isinstance(self.max_frames, bool) or self.max_frames < 1:
            raise ConfigError(f"max_frames must be a positive int, got {self.max_frames!r}")
        if not 0 < self.scene_threshold < 1:
            raise ConfigError(f"scene_threshold must be between 0 and 1, got {self.scene_threshold!r}")
        if not self.max_scan_seconds > 0:
            raise ConfigError(f"max_scan_seconds must be positive, got {self.max_scan_seconds!r}")

    def times(self, duration: float) -> list[float]:
        """The periodic keyframe times of a video lasting ``duration`` seconds."""
        count = max(1, math.floor(duration / self.every - 1e-9) + 1) if duration > 0 else 1
        step = self.every if count <= self.max_frames else duration / self.max_frames
        return [round(i * step, 3) for i in range(min(count, self.max_frames))]

    def signature(self) -> str:
        return json.dumps([self.every, self.max_frames, self.scene, self.scene_threshold, self.max_scan_seconds])


class VideoReadError(Exception):
    """A file cannot be read as a video; ``reason`` says why and what was expected."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Keyframe:
    """One frame: seconds from the start of the video, and the picture (an RGB ``av.VideoFrame``)."""

    time: float
    frame: Any


@dataclass(frozen=True)
class Video:
    """What was read from a video file."""

    duration: float | None
    has_audio: bool
    keyframes: tuple[Keyframe, ...] = ()


def read_video(path: str | Path, keyframes: Keyframes | None = None) -> Video:
    """Open ``path`` (a file, or a URL FFmpeg can read), check it has a decodable video stream,
    and read its ``keyframes`` (``None``: only check it and whether it has a soundtrack)."""
    from xmr_agent.media.roots import URL

    remote = bool(URL.match(str(path)))
    file = str(path) if remote else str(_check_file(Path(path).expanduser()))
    import av

    try:
        with av.open(file, mode="r", metadata_errors="ignore", timeout=60 if remote else None) as container:
            if not container.streams.video:
                kinds = ", ".join(sorted({str(s.type) for s in container.streams})) or "none"
                raise VideoReadError(f"{file} has no video stream (streams: {kinds}); {_HINT}")
            stream = container.streams.video[0]
            stream.codec_context.thread_type = "AUTO"
            duration = _duration(container, stream)
            has_audio = bool(container.streams.audio)
            if keyframes is None:
                frames = _sampled(container, stream, [0.0], keep=False)
            elif keyframes.scene:
                frames = _scanned(container, stream, keyframes, duration)
            else:
                frames = _sampled(container, stream, keyframes.times(duration) if duration else None,
                                  limit=keyframes)
    except av.error.FFmpegError as e:
        raise VideoReadError(f"{file} is not a readable video ({type(e).__name__}: {e}); {_HINT}") from e
    except (OSError, ValueError, IndexError) as e:
        raise VideoReadError(f"{file} is not a readable video ({e}); {_HINT}") from e
    if not frames:
        raise VideoReadError(f"{file} contains no decodable video frames; {_HINT}")
    return Video(duration, has_audio, tuple(frames) if keyframes is not None else ())


def _check_file(file: Path) -> Path:
    if not file.is_file():
        raise VideoReadError(f"file not found: {file}" if not file.exists() else f"not a regular file: {file}")
    if file.stat().st_size == 0:
        raise VideoReadError(f"{file} is empty (0 bytes); {_HINT}")
    return file


def _duration(container: Any, stream: Any) -> float | None:
    """Seconds the container or the video stream declares, if any (no decoding)."""
    if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
        return float(stream.duration * stream.time_base)
    if container.duration is not None and container.duration > 0:
        return float(container.duration) / 1_000_000  # AV_TIME_BASE
    return None


def _start(stream: Any) -> float:
    return float(stream.start_time * stream.time_base) if stream.start_time is not None and stream.time_base else 0.0


def _frames(container: Any, stream: Any) -> Iterator[tuple[float, Any]]:
    """(seconds from the stream's start, frame); a damaged packet is skipped."""
    import av

    start = _start(stream)
    for packet in container.demux(stream):
        try:
            decoded = packet.decode()
        except av.error.InvalidDataError:
            continue  # FFmpeg resynchronises on the next packet
        for frame in decoded:
            if frame.time is not None:
                yield max(frame.time - start, 0.0), frame


def _sampled(container: Any, stream: Any, targets: list[float] | None, *, keep: bool = True,
             limit: Keyframes | None = None) -> list[Keyframe]:
    """The first frame at or after each target time, seeking across long gaps. With no targets
    (unknown duration), one frame every ``limit.every`` seconds, at most ``limit.max_frames``."""
    import av

    if targets is None:
        assert limit is not None
        targets = [i * limit.every for i in range(limit.max_frames)]
    tolerance = 0.5 / float(stream.average_rate) if stream.average_rate else 0.02
    out: list[Keyframe] = []
    frames = _frames(container, stream)
    last = 0.0
    for target in targets:
        if target - last > SEEK_GAP:
            try:
                container.seek(int((_start(stream) + target) / stream.time_base), stream=stream, backward=True)
                frames = _frames(container, stream)
            except (av.error.FFmpegError, OSError, ValueError):
                pass  # a container that cannot seek is decoded through instead
        for time, frame in frames:
            last = time
            if time >= target - tolerance:
                out.append(Keyframe(round(time, 3), _rgb(frame) if keep else None))
                break
        else:
            break  # the stream ended
    return out


def _scanned(container: Any, stream: Any, policy: Keyframes, duration: float | None) -> list[Keyframe]:
    """Periodic frames and scene changes from one pass over the first ``max_scan_seconds``;
    periodic frames past that are reached by seeking."""
    targets = policy.times(duration) if duration else [i * policy.every for i in range(policy.max_frames)]
    tolerance = 0.5 / float(stream.average_rate) if stream.average_rate else 0.02
    periodic: list[Keyframe] = []
    cuts: list[tuple[float, Keyframe]] = []
    pending = list(targets)
    previous: np.ndarray | None = None
    for time, frame in _frames(container, stream):
        if time > policy.max_scan_seconds:
            break
        histogram = _histogram(frame)
        change = 0.0 if previous is None else float(np.abs(histogram - previous).sum()) / 2
        previous = histogram
        if pending and time >= pending[0] - tolerance:
            periodic.append(Keyframe(round(time, 3), _rgb(frame)))
            while pending and time >= pending[0] - tolerance:
                pending.pop(0)
        elif change > policy.scene_threshold:
            cuts.append((change, Keyframe(round(time, 3), _rgb(frame))))
            if len(cuts) > 2 * policy.max_frames:  # bounded memory: keep the sharpest changes
                cuts = sorted(cuts, key=lambda pair: -pair[0])[: policy.max_frames]
    if pending and pending[0] > policy.max_scan_seconds:
        periodic += _sampled(container, stream, pending)
    gap = min(1.0, policy.every / 2)
    kept = list(periodic)
    for _, cut in sorted(cuts, key=lambda pair: -pair[0]):  # the sharpest changes first
        if all(abs(cut.time - k.time) >= gap for k in kept):
            kept.append(cut)
    kept.sort(key=lambda k: k.time)
    if len(kept) > policy.max_frames:
        kept = [kept[round(i)] for i in np.linspace(0, len(kept) - 1, policy.max_frames)]
    return kept


def _histogram(frame: Any) -> np.ndarray:
    """A 64-bin colour histogram (4 levels per channel) of a 32×32 thumbnail, summing to 1."""
    pixels = frame.reformat(width=32, height=32, format="rgb24").to_ndarray() // 64
    codes = (pixels[..., 0] * 16 + pixels[..., 1] * 4 + pixels[..., 2]).ravel()
    return np.bincount(codes, minlength=64).astype(np.float64) / codes.size


def _rgb(frame: Any) -> Any:
    """The frame as RGB, its shorter side at most :data:`MAX_SHORT_SIDE` (bounded memory)."""
    scale = min(1.0, MAX_SHORT_SIDE / max(1, min(frame.width, frame.height)))
    return frame.reformat(width=max(2, round(frame.width * scale)), height=max(2, round(frame.height * scale)),
                          format="rgb24")


def png_bytes(frame: Any) -> bytes:
    """An RGB ``av.VideoFrame`` as a PNG file (PyAV's own encoder: no Pillow needed)."""
    import av

    codec = av.CodecContext.create("png", "w")
    codec.width, codec.height, codec.pix_fmt = frame.width, frame.height, "rgb24"
    return b"".join(bytes(p) for p in [*codec.encode(frame), *codec.encode(None)])


