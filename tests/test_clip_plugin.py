"""The CLIP plugin (`xmr_clip`): open_clip image and text towers in one space.

No CLIP weights can be downloaded here, so the model tests build a TINY random open_clip model
from a JSON config written at test time (``model_config=``, seeded random weights): they prove the
code path (preprocessing, tokenising, batching, ingest, search, reopening, checkpoints), not the
semantics. They are skipped with the reason when open_clip is not installed
(``pip install 'xmr-agent[clip]'``). A module-wide guard makes any network connection an error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import refusing_network

from xmr_agent.encoders.registry import describe_encoders, get_encoder, list_encoders
from xmr_agent.errors import ConfigError, EncoderMismatch, EncoderUnavailable, InputError, ModalityError
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.store.catalog import Catalog
from xmr_agent.testing import check_encoder

xmr_clip = pytest.importorskip("xmr_clip", reason="the xmr_clip plugin is not importable (plugins/ not installed)")
from xmr_clip import ClipEncoder

ROOT = Path(__file__).resolve().parents[1]
HAS_PILLOW = find_spec("PIL") is not None


def _open_clip_imports() -> bool:
    if find_spec("open_clip") is None:
        return False
    try:  # a torchvision built for another torch makes the import itself fail
        import open_clip  # noqa: F401
    except Exception:  # noqa: BLE001
        return False
    return True


HAS_OPEN_CLIP = HAS_PILLOW and _open_clip_imports()
needs_open_clip = pytest.mark.skipif(
    not HAS_OPEN_CLIP,
    reason="open_clip (with a torchvision matching torch) is not installed: pip install 'xmr-agent[clip]'",
)
TINY = "xmr-tiny-clip"
TINY_CONFIG: dict[str, Any] = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "patch_size": 8, "head_width": 32},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
}
COLOURS = [(220, 30, 30), (30, 200, 40), (30, 60, 220), (240, 220, 20), (20, 20, 20)]
NAMES = ["red", "green", "blue", "yellow", "black"]


@pytest.fixture(scope="module", autouse=True)
def no_network() -> Iterator[None]:
    """Any connection attempt (a hub download) raises, for every test and fixture here."""
    with refusing_network():
        yield


@pytest.fixture(scope="module")
def tiny_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / f"{TINY}.json"
    path.write_text(json.dumps(TINY_CONFIG), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def encoder(tiny_config: Path) -> ClipEncoder:
    if not HAS_OPEN_CLIP:
        pytest.skip("open_clip is not installed: pip install 'xmr-agent[clip]'")
    enc = ClipEncoder(TINY, None, model_config=tiny_config)
    enc.load()
    return enc


def draw(path: Path, colour: tuple[int, int, int], seed: int, size: tuple[int, int] = (96, 72)) -> Path:
    """A photo-like JPEG: a coloured shape on a noisy background (distinct per seed)."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    image = Image.fromarray(pixels)
    ImageDraw.Draw(image).ellipse((10 + seed * 3, 8, 70 + seed * 3, 60), fill=colour)
    image.save(path, quality=92)
    return path


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    if not HAS_PILLOW:
        pytest.skip("Pillow is not installed: pip install 'xmr-agent[clip]'")
    root = tmp_path_factory.mktemp("photos")
    return [draw(root / f"{name}.jpg", colour, i) for i, (name, colour) in enumerate(zip(NAMES, COLOURS, strict=True))]


def image_catalogue(root: Path, photos: list[Path], *, corrupt: bool = False) -> Path:
    """A JSONL catalogue of the photos (copied under ``root``), optionally with a truncated one."""
    rows = []
    for photo in photos:
        (root / photo.name).write_bytes(photo.read_bytes())
        rows.append({"id": photo.stem, "title": f"a {photo.stem} disc", "image": photo.name})
    if corrupt:
        (root / "broken.jpg").write_bytes(photos[0].read_bytes()[:300])
        rows.append({"id": "broken", "title": "a truncated photo", "image": "broken.jpg"})
    source = root / "photos.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return source


def env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NO_COLOR": "1"}


# -- no open_clip needed ---------------------------------------------------------------------------
def test_importing_the_plugin_imports_nothing_heavy() -> None:
    plugins = str(Path(xmr_clip.__file__).resolve().parents[1])
    code = (f"import sys; sys.path.insert(0, {plugins!r}); import xmr_clip; "
            "print([m for m in ('torch', 'torchvision', 'PIL', 'open_clip') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env())
    assert out.stdout.strip() == "[]"


@needs_open_clip
def test_contract_facts_of_a_built_in_model_import_no_torch() -> None:
    code = ("import sys; from xmr_clip import ClipEncoder; e = ClipEncoder('ViT-L-14', 'openai'); "
            "print(e.dim, e.space, [m for m in ('torch', 'open_clip') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env())
    assert out.stdout.strip() == "768 open_clip:ViT-L-14:openai []"  # `xmr encoders` stays cheap


def test_contract_facts_need_no_weights(tmp_path: Path) -> None:
    enc = ClipEncoder()
    assert (enc.name, enc.modalities) == ("clip", {"image", "text"})
    assert enc.space == "open_clip:ViT-B-32:laion2b_s34b_b79k"
    assert enc.config() == {"model": "ViT-B-32", "pretrained": "laion2b_s34b_b79k"}
    checkpoint = tmp_path / "mine.safetensors"
    checkpoint.write_bytes(b"not really weights")
    mine = ClipEncoder("ViT-B-16", checkpoint)
    digest = mine.config()["checkpoint_sha256"]
    assert mine.config() == {"model": "ViT-B-16", "pretrained": str(checkpoint), "checkpoint_sha256": digest}
    assert mine.space == f"open_clip:ViT-B-16:sha256-{digest[:16]}"
    assert ClipEncoder("ViT-B-32", None).space == ClipEncoder("ViT-B-32", "").space == "open_clip:ViT-B-32:random"
    hub = ClipEncoder("hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K")  # the id names the weights
    assert hub.space == "open_clip:hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K" and hub.config()["pretrained"] is None
    with pytest.raises(ConfigError, match="brings its own weights"):
        ClipEncoder("local-dir:/models/clip", "openai")
    assert enc._loaded is None and mine._loaded is None


def test_bad_options_raise_config_error(tmp_path: Path, tiny_config: Path) -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        ClipEncoder(batch_size=0)
    with pytest.raises(ConfigError, match="checkpoint_sha256 applies to a local checkpoint"):
        ClipEncoder(checkpoint_sha256="0" * 64)
    with pytest.raises(ConfigError, match=f"Pass model={TINY!r}"):
        ClipEncoder("ViT-B-32", None, model_config=tiny_config)
    bad = tmp_path / "not-clip.json"
    bad.write_text(json.dumps({"embed_dim": 8}), encoding="utf-8")
    with pytest.raises(EncoderUnavailable, match="lacks vision_cfg, text_cfg"):
        ClipEncoder("not-clip", None, model_config=bad)


def test_a_missing_checkpoint_or_a_changed_one_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(EncoderUnavailable, match="checkpoint not found"):
        ClipEncoder("ViT-B-32", tmp_path / "nope.pt").load()
    checkpoint = tmp_path / "w.pt"
    checkpoint.write_bytes(b"one")
    recorded = ClipEncoder("ViT-B-32", checkpoint).config()
    checkpoint.write_bytes(b"two")
    with pytest.raises(EncoderUnavailable, match="changed since the table was built"):
        ClipEncoder(**recorded).space  # noqa: B018


def test_missing_open_clip_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "open_clip", None)
    with pytest.raises(EncoderUnavailable, match=r"pip install 'xmr-agent\[clip\]'"):
        ClipEncoder().dim  # noqa: B018
    with pytest.raises(EncoderUnavailable, match=r"xmr-agent\[clip\]"):
        get_encoder("xmr_clip:ClipEncoder", pretrained=None).load()


def test_other_modalities_are_refused() -> None:
    with pytest.raises(ModalityError, match="clip"):
        ClipEncoder().encode(["x.mp3"], modality="audio", role="query")


# -- the tiny random model -------------------------------------------------------------------------
@needs_open_clip
def test_passes_the_encoder_contract(encoder: ClipEncoder, photos: list[Path]) -> None:
    assert encoder.dim == 32
    assert encoder.space.startswith(f"open_clip:{TINY}@cfg-") and encoder.space.endswith(":random")
    check_encoder(encoder, samples={"image": [photos[0], str(photos[1]), photos[2].read_bytes()]})


@needs_open_clip
def test_vectors_are_what_open_clip_gives(encoder: ClipEncoder, photos: list[Path]) -> None:
    import torch
    from PIL import Image

    loaded = encoder.load()
    texts = ["a dog on grass", "a red disc", ""]
    with torch.inference_mode():
        images = torch.stack([loaded.preprocess(Image.open(p).convert("RGB")) for p in photos])
        bare_images = loaded.model.encode_image(images, normalize=True).numpy()
        bare_texts = loaded.model.encode_text(loaded.tokenizer(texts), normalize=True).numpy()
    np.testing.assert_allclose(encoder.encode(photos, modality="image", role="document"), bare_images, atol=1e-5)
    np.testing.assert_allclose(encoder.encode(texts, modality="text", role="query"), bare_texts, atol=1e-5)


@needs_open_clip
def test_split_preprocessing_equals_open_clips_transform(encoder: ClipEncoder, photos: list[Path]) -> None:
    import torch
    from PIL import Image

    from xmr_clip._pixels import Pixels

    loaded = encoder.load()
    assert loaded.pixels.mean is not None  # open_clip's transform was split: uint8 crops, one normalise per batch
    whole = torch.stack([loaded.preprocess(Image.open(p).convert("RGB")) for p in photos])
    crops, failures = loaded.pixels.crops(photos)
    assert failures == {} and crops[0].dtype == np.uint8
    assert torch.equal(loaded.pixels.batch(crops), whole)
    opaque = Pixels.of(lambda image: loaded.preprocess(image))  # any other transform runs per image, whole
    assert opaque.mean is None and torch.equal(opaque.batch(opaque.crops(photos)[0]), whole)


@needs_open_clip
def test_batches_normalisation_and_input_kinds(tiny_config: Path, photos: list[Path]) -> None:
    from PIL import Image

    small = ClipEncoder(TINY, None, model_config=tiny_config, batch_size=2)  # batches of 2 + 2 + 1
    large = ClipEncoder(TINY, None, model_config=tiny_config, batch_size=64)
    a = small.encode(photos, modality="image", role="document")
    b = large.encode(photos, modality="image", role="document")
    assert a.dtype == np.float32 and a.shape == (5, 32)
    np.testing.assert_allclose(a, b, atol=1e-5)  # also: two processes' worth of seeded random init agree
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    texts = [f"a {n} disc" for n in NAMES]
    np.testing.assert_allclose(small.encode(texts, modality="text", role="query"),
                               large.encode(texts, modality="text", role="document"), atol=1e-5)
    path = photos[3]
    kinds = [path, str(path), path.read_bytes(), Image.open(path)]
    np.testing.assert_allclose(large.encode(kinds, modality="image", role="query"), np.repeat(b[3:4], 4, axis=0),
                               atol=1e-5)


@needs_open_clip
def test_bad_inputs_are_all_reported(encoder: ClipEncoder, photos: list[Path], tmp_path: Path) -> None:
    data = photos[0].read_bytes()
    (tmp_path / "truncated.jpg").write_bytes(data[: len(data) // 2])
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "notes.jpg").write_text("not pixels\n", encoding="utf-8")
    items = [photos[0], tmp_path / "truncated.jpg", tmp_path / "empty.jpg", tmp_path / "notes.jpg",
             tmp_path / "missing.jpg", 42, data]
    with pytest.raises(InputError) as caught:
        encoder.encode(items, modality="image", role="document")
    failures = caught.value.failures
    assert sorted(failures) == [1, 2, 3, 4, 5]
    assert "truncated" in failures[1] and "empty" in failures[2] and "not an image" in failures[3]
    assert "not found" in failures[4] and "got int" in failures[5]
    with pytest.raises(InputError) as caught:
        encoder.encode(["fine", None, 3], modality="text", role="query")
    assert sorted(caught.value.failures) == [1, 2]


@needs_open_clip
def test_local_checkpoints_load_with_the_same_vectors(encoder: ClipEncoder, tiny_config: Path,
                                                      photos: list[Path], tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    state = encoder.load().model.state_dict()
    torch.save(state, tmp_path / "tiny.pt")
    save_file({k: v.contiguous() for k, v in state.items()}, str(tmp_path / "tiny.safetensors"))
    expected = encoder.encode(photos[:3], modality="image", role="document")
    words = encoder.encode(["a blue disc"], modality="text", role="query")
    for name in ("tiny.pt", "tiny.safetensors"):
        local = ClipEncoder(TINY, tmp_path / name, model_config=tiny_config)
        assert local.config()["checkpoint_sha256"] and "sha256-" in local.space
        np.testing.assert_allclose(local.encode(photos[:3], modality="image", role="document"), expected, atol=1e-5)
        np.testing.assert_allclose(local.encode(["a blue disc"], modality="text", role="query"), words, atol=1e-5)
    torch.save({"visual.conv1.weight": torch.zeros(1)}, tmp_path / "other.pt")
    with pytest.raises(EncoderUnavailable, match="cannot load the CLIP checkpoint"):
        ClipEncoder(TINY, tmp_path / "other.pt", model_config=tiny_config).load()


@needs_open_clip
def test_a_hub_tag_offline_fails_with_a_fix(tiny_config: Path) -> None:
    with pytest.raises(EncoderUnavailable, match=r"pass pretrained='/path/to/open_clip_model\.safetensors'"):
        ClipEncoder("ViT-B-32", "laion2b_s34b_b79k").load()


@needs_open_clip
def test_ingest_then_search_by_words_and_by_image(encoder: ClipEncoder, photos: list[Path], tmp_path: Path) -> None:
    source = image_catalogue(tmp_path, photos, corrupt=True)
    report = ingest(source, tmp_path / "db", "photos", vectors={"image": encoder}, batch_size=4)
    assert report.rows == 5
    assert [b.id for b in report.bad] == ["broken"] and report.bad[0].reason.startswith("image: ")
    catalog = Catalog.open(tmp_path / "db", "photos")
    column = "vec__image__clip"
    assert catalog.columns_for("text") == catalog.columns_for("image") == [column]
    images = encoder.encode(photos, modality="image", role="document")
    for query in ("a dog on grass", "a red disc"):  # words → photos, ranked as the shared space says
        expected = np.argsort(-(images @ encoder.encode([query], modality="text", role="query")[0]))
        hits = catalog.search(query, k=5)
        assert [h.id for h in hits] == [photos[i].stem for i in expected]
    for photo in photos:  # a photo finds itself first
        assert catalog.search(str(photo), modality="image", k=2)[0].id == photo.stem


@needs_open_clip
def test_an_image_query_finds_items_by_their_text(encoder: ClipEncoder, photos: list[Path], tmp_path: Path) -> None:
    rows = [{"id": n, "title": f"a {n} disc", "text": f"a round {n} shape on noise"} for n in NAMES]
    source = tmp_path / "texts.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert ingest(source, tmp_path / "db", "texts", vectors={"text": encoder}).rows == 5
    catalog = Catalog.open(tmp_path / "db", "texts")
    texts = encoder.encode([f"{r['title']}. {r['text']}" for r in rows], modality="text", role="document")
    query = encoder.encode([photos[2]], modality="image", role="query")[0]
    hits = catalog.search(str(photos[2]), modality="image", k=5)
    assert [h.id for h in hits] == [NAMES[i] for i in np.argsort(-(texts @ query))]
    np.testing.assert_allclose(hits[0].score, float((texts @ query).max()), atol=1e-4)


@needs_open_clip
def test_a_new_process_reopens_the_table_with_the_same_model(encoder: ClipEncoder, photos: list[Path],
                                                            tmp_path: Path) -> None:
    source = image_catalogue(tmp_path, photos)
    assert ingest(source, tmp_path / "db", "photos", vectors={"image": encoder}).rows == 5
    xmr = Path(sys.executable).parent / "xmr"
    out = subprocess.run([str(xmr), "search", "--image", str(photos[3]), "--db", str(tmp_path / "db"),
                          "--table", "photos", "-k", "3", "--json"],
                         capture_output=True, text=True, env=env(), timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    here = Catalog.open(tmp_path / "db", "photos").search(str(photos[3]), modality="image", k=3)
    assert hits[0]["id"] == photos[3].stem
    assert [h["id"] for h in hits] == [h.id for h in here]  # the same model: seeded random weights
    np.testing.assert_allclose([h["score"] for h in hits], [h.score for h in here], atol=1e-5)


@needs_open_clip
def test_a_reingest_with_another_checkpoint_is_refused(encoder: ClipEncoder, tiny_config: Path,
                                                       photos: list[Path], tmp_path: Path) -> None:
    import torch

    source = image_catalogue(tmp_path, photos[:2])
    torch.save(encoder.load().model.state_dict(), tmp_path / "tiny.pt")
    local = ClipEncoder(TINY, tmp_path / "tiny.pt", model_config=tiny_config)
    assert ingest(source, tmp_path / "db", "t", vectors={"image": local}).rows == 2
    with pytest.raises(EncoderMismatch, match="Use the same encoder settings"):
        ingest(source, tmp_path / "db", "t", vectors={"image": encoder})
    catalog = Catalog.open(tmp_path / "db", "t")
    assert catalog.encoder("vec__image__clip").config() == local.config()  # rebuilt from the table metadata
    with pytest.raises(EncoderMismatch):
        catalog.use_encoder("vec__image__clip", encoder)


@needs_open_clip
def test_the_registry_lists_clip_with_its_default_model() -> None:
    if "clip" not in {info.name for info in list_encoders()}:
        pytest.skip("the `clip` entry point is not registered: reinstall the project (pip install -e .)")
    row = next(r for r in describe_encoders() if r["name"] == "clip")
    assert (row["available"], row["dim"], row["space"]) == (True, 512, "open_clip:ViT-B-32:laion2b_s34b_b79k")
    assert row["modalities"] == ["image", "text"]


@needs_open_clip
def test_the_example_runs_offline_with_a_tiny_model(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "clip_local_checkpoint.py"), "--tiny",
                          "--db", str(tmp_path / "db")], capture_output=True, text=True, env=env(),
                         timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert "5 inserted" in out.stdout and "loaded checkpoint" in out.stdout
    assert "image query black.png → top hit: black.png" in out.stdout
