"""Every error xmr-agent raises on purpose.

    XmrError
    ├── ConfigError            bad option or argument given by the user
    ├── PluginError            something wrong with an encoder plugin
    │   ├── EncoderNotFound    no installed encoder has that name
    │   ├── EncoderUnavailable the plugin exists but cannot load (missing extra, weights)
    │   └── EncoderMismatch    a query encoder differs from the one the table was indexed with
    ├── ModalityError          an encoder was asked for a modality it does not handle
    ├── InputError             some inputs of a batch cannot be encoded (corrupt, unreadable)
    ├── StoreError             LanceDB table missing, unreadable or of the wrong shape
    │   └── StoreUnavailable   the store cannot answer now: disk full or read-only, a query over its time
    ├── PromptError            a prompt template is missing, malformed or lacks a variable
    ├── LLMError               an LLM backend failed, timed out or gave no usable answer
    └── IngestError            a catalogue cannot be read at all (bad records are skipped, not raised)

Messages say what happened, what was expected, what was found, and how to fix it.
"""

from __future__ import annotations


class XmrError(Exception):
    """Base class of all xmr-agent errors."""


class ConfigError(XmrError):
    """An option or argument is invalid."""


class PluginError(XmrError):
    """An encoder plugin cannot be used."""


class EncoderNotFound(PluginError):
    """No encoder of that name is installed."""


class EncoderUnavailable(PluginError):
    """The encoder is installed but cannot be imported or loaded."""


class EncoderMismatch(PluginError):
    """A query encoder does not match the encoder a vector column was built with."""


class ModalityError(XmrError):
    """An encoder was given a modality it does not support."""


class InputError(XmrError):
    """Some items of a batch cannot be encoded; ``failures`` maps their index to the reason.

    Encoders raise it after checking the whole batch, so the caller can drop exactly those
    items (reporting each with its reason) and encode the rest again.
    """

    def __init__(self, failures: dict[int, str]) -> None:
        self.failures = dict(failures)
        shown = "; ".join(f"item {i}: {reason}" for i, reason in sorted(self.failures.items())[:5])
        more = f" (+{len(self.failures) - 5} more)" if len(self.failures) > 5 else ""
        super().__init__(f"{len(self.failures)} input(s) cannot be encoded: {shown}{more}")


class StoreError(XmrError):
    """The LanceDB store cannot do what was asked."""


class StoreUnavailable(StoreError):
    """The store cannot read or write now (full or read-only disk, I/O error) or a query ran past
    its time budget: the request may succeed later, unchanged."""


class PromptError(XmrError):
    """A prompt template cannot be loaded or rendered."""


class LLMError(XmrError):
    """An LLM call failed, timed out, or gave no valid answer (callers may fall back)."""


class IngestError(XmrError):
    """A catalogue cannot be read at all."""
