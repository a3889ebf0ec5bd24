"""The file by which ``xmr serve`` tells commands on this machine that it is running.

While ``xmr serve`` runs over a local database it keeps ``DB/.xmr-server.json``: its URL, process
id, table, how the agent is set up, whether it wants an API key (never the key itself), and a
token for this machine's own commands. The file is readable by its owner alone (mode 0600) and
removed when the server stops. ``xmr search``, ``xmr ask`` and ``xmr chat`` read it to send their
request to the warm server instead of loading models themselves (``xmr_agent.cli.warm``).

Reading it imports nothing heavy: the commands decide here, before lancedb or a model loads.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

__all__ = ["FILE", "LOCAL_HEADER", "local_token", "path_for", "pid_alive", "read", "remove", "write"]

FILE = ".xmr-server.json"
#: The header that carries the local token: the server answers such requests with the data as it
#: is (item paths as stored), as the command would print it in-process.
LOCAL_HEADER = "X-XMR-Local"


def path_for(db: str | Path) -> Path | None:
    """Where the file of database ``db`` is; ``None`` for a remote database (``s3://…``)."""
    if "://" in str(db):
        return None
    return Path(db).expanduser().resolve() / FILE


def local_token() -> str:
    return secrets.token_urlsafe(24)


def write(db: str | Path, data: dict[str, Any]) -> Path | None:
    """Write ``data`` as the file of ``db`` (owner-only, replaced atomically); ``None`` when the
    database is remote or its folder does not exist."""
    path = path_for(db)
    if path is None or not path.parent.is_dir():
        return None
    tmp = path.with_name(f"{FILE}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)
    return path


def read(db: str | Path) -> dict[str, Any] | None:
    """The file of ``db`` as a dict, or ``None`` when there is none or it cannot be read."""
    path = path_for(db)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def remove(db: str | Path, pid: int | None = None) -> None:
    """Remove the file of ``db`` if it is there and (with ``pid``) names that process."""
    path = path_for(db)
    if path is None:
        return
    if pid is not None:
        data = read(db)
        if data is not None and data.get("pid") != pid:
            return  # another server has announced itself since
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def pid_alive(pid: Any) -> bool:
    """Whether a process with id ``pid`` runs on this machine."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return False
    return True
