"""Tables on S3-compatible object storage (``--db s3://bucket/path``): the settings that reach it.

Each setting is taken from the first place that has it: the ``storage_options`` a caller passes
(:func:`xmr_agent.ingest`, :meth:`Catalog.open`), an ``XMR_S3_*`` environment variable, the YAML or
JSON file named by ``XMR_S3_CONFIG`` (keys as in the first column), then the usual AWS variable:

==========================  ============================  =============================================
option                      XMR variable                  AWS variable(s)
==========================  ============================  =============================================
``endpoint``                ``XMR_S3_ENDPOINT``           ``AWS_ENDPOINT_URL_S3``, ``AWS_ENDPOINT_URL``
``region``                  ``XMR_S3_REGION``             ``AWS_REGION``, ``AWS_DEFAULT_REGION``
``aws_access_key_id``       ``XMR_S3_ACCESS_KEY_ID``      ``AWS_ACCESS_KEY_ID``
``aws_secret_access_key``   ``XMR_S3_SECRET_ACCESS_KEY``  ``AWS_SECRET_ACCESS_KEY``
``aws_session_token``       ``XMR_S3_SESSION_TOKEN``      ``AWS_SESSION_TOKEN``
``allow_http``              ``XMR_S3_ALLOW_HTTP``         (true by default for an ``http://`` endpoint)
==========================  ============================  =============================================

The settings go to LanceDB's connection and nowhere else: never into a table, its metadata, a
report or a log line; :func:`redact` masks the credentials in any error text that might quote them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from xmr_agent.errors import ConfigError, StoreError

T = TypeVar("T")

SCHEMES = ("s3://", "s3+ddb://")
SOURCES: Mapping[str, tuple[str, ...]] = {
    "endpoint": ("XMR_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"),
    "region": ("XMR_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"),
    "aws_access_key_id": ("XMR_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
    "aws_secret_access_key": ("XMR_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"),
    "aws_session_token": ("XMR_S3_SESSION_TOKEN", "AWS_SESSION_TOKEN"),
    "allow_http": ("XMR_S3_ALLOW_HTTP",),
}
SECRETS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


def normalise_uri(uri: str | Path) -> str:
    """``uri`` as text; an object-store URI that went through ``pathlib.Path`` (``s3:/bucket/p``, one
    slash lost) gets its ``//`` back, so code that keeps ``--db`` as a ``Path`` still reaches the store."""
    text = str(uri)
    for scheme in SCHEMES:
        squashed = scheme[:-1]
        if text.startswith(squashed) and not text.startswith(scheme):
            return scheme + text[len(squashed):]
    return text


def is_object_store(uri: str | Path) -> bool:
    return normalise_uri(uri).startswith(SCHEMES)


def resolve_options(uri: str | Path, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """The storage options for ``uri``: ``given``, then the environment and ``XMR_S3_CONFIG``."""
    options = {k.lower(): str(v) for k, v in (given or {}).items()}
    if not is_object_store(uri):
        return options
    config = _config_file()
    for key, names in SOURCES.items():
        if key in options:
            continue
        xmr, *aws = names
        value = os.environ.get(xmr) or config.get(key) or next((os.environ[n] for n in aws if os.environ.get(n)), None)
        if value:
            options[key] = str(value)
    if "allow_http" not in options and options.get("endpoint", "").startswith("http://"):
        options["allow_http"] = "true"
    return options


def redact(text: str, options: Mapping[str, str] | None = None) -> str:
    """``text`` with every credential (of ``options`` and of the environment) replaced by ``***``."""
    values = {str(v) for k, v in (options or {}).items() if k.lower() in SECRETS and v}
    values |= {os.environ[n] for k in SECRETS for n in SOURCES[k] if os.environ.get(n)}
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, "***")
    return text


def probe(uri: str, options: Mapping[str, str], connect: Callable[[], T]) -> T:
    """``connect()``, then one listing to check the store answers; a failure becomes a
    :class:`StoreError` whose text names the store but no credential."""
    try:
        db: Any = connect()
        db.list_tables()
    except Exception as e:  # noqa: BLE001 - the store's own error, reworded without secrets
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise StoreError(redact(f"cannot reach {uri} (endpoint {options.get('endpoint', 'default')}): "
                                f"{reason[:500]}", options)) from None
    return db


def _config_file() -> dict[str, Any]:
    path = os.environ.get("XMR_S3_CONFIG")
    if not path:
        return {}
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"XMR_S3_CONFIG names {path}, which cannot be read: {e.strerror}") from None
    import yaml

    kind = "JSON" if path.endswith(".json") else "YAML"
    try:
        data = json.loads(text) if kind == "JSON" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):  # the parser's message may quote a line with a secret: not shown
        raise ConfigError(f"XMR_S3_CONFIG file {path} is not valid {kind}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"XMR_S3_CONFIG file {path} must hold a mapping of option → value")
    return {str(k).lower(): v for k, v in data.items() if v is not None}
