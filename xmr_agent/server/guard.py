"""Cross-site and DNS-rebinding protection for ``xmr serve``, as plain ASGI middleware.

A page on another site can make a browser send requests to a server on this machine: a form or
a ``text/plain`` ``fetch`` needs no permission, and a name that the attacker's DNS points at
127.0.0.1 makes the browser treat the server as the attacker's own site. So, with or without an
API key, :class:`SiteGuard` refuses

- a ``Host`` that is not one of the names the server answers to (421): the bound address, the
  loopback names for a local server, and any given with ``--allow-host``;
- a state-changing request (POST, PUT, PATCH, DELETE) whose ``Origin`` is another site's (403):
  only the server's own origin and those given with ``--allow-origin`` may send one;
- a state-changing request whose body is not JSON or multipart form data (415), the kinds a
  page on another site cannot send without asking first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from xmr_agent.server.auth import LOCAL_HOSTS, App, Receive, Scope, Send, send_json

__all__ = ["BODY_TYPES", "SiteGuard", "allowed_hosts", "host_name"]

#: Bodies a state-changing request may carry.
BODY_TYPES = ("application/json", "multipart/form-data")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Addresses that mean "every interface": the Host can be any of the machine's names.
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """Host names a server bound to ``bind`` answers to (``None``: any). A loopback server answers
    to the loopback names; a server on every interface to any name unless ``extra`` lists them."""
    given = {host_name(h) for h in extra if h.strip()}
    if "*" in given:
        return None
    if bind in WILDCARDS:
        return frozenset(given | LOCAL_HOSTS) if given else None
    return frozenset({host_name(bind), *LOCAL_HOSTS, *given})


def host_name(host: str) -> str:
    """``host`` without its port and IPv6 brackets, lower-cased (``[::1]:8000`` → ``::1``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    name, colon, port = host.rpartition(":")
    return name if colon and port.isdigit() and ":" not in name else host


class SiteGuard:
    """Refuses foreign hosts, foreign origins and non-JSON bodies (see the module docstring).
    ``hosts``: the names to answer to (``None``: any); ``origins``: other origins allowed to send
    state-changing requests (``scheme://host[:port]``)."""

    def __init__(self, app: App, *, hosts: frozenset[str] | None, origins: Sequence[str] = (),
                 body_types: Sequence[str] = BODY_TYPES) -> None:
        self.app, self.hosts = app, hosts
        self.origins = frozenset(o.rstrip("/").lower() for o in origins)
        self.body_types = tuple(body_types)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.lower(): value.decode("latin-1") for name, value in scope["headers"]}
        refusal = self.refusal(scope, headers)
        if refusal is not None:
            status, message, kind = refusal
            await send_json(send, status, {"detail": message, "type": kind})
            return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope, headers: dict[bytes, str]) -> tuple[int, str, str] | None:
        host = headers.get(b"host", "")
        if self.hosts is not None and host_name(host) not in self.hosts:
            return 421, (f"this server does not answer to the host {host[:100]!r}; it answers to "
                         f"{', '.join(sorted(self.hosts))} (add names with --allow-host)"), "MisdirectedRequest"
        if scope["method"] not in UNSAFE:
            return None
        origin = headers.get(b"origin")
        if origin is not None and not self.same_site(origin, host):
            return 403, (f"requests that change data are not accepted from the page at {origin[:100]!r}; "
                         "only this server's own pages (and origins given with --allow-origin) may send them"), \
                "CrossSiteRequest"
        if headers.get(b"sec-fetch-site") == "cross-site" and origin is None:
            return 403, "requests that change data are not accepted from other sites", "CrossSiteRequest"
        kind = headers.get(b"content-type", "").split(";", 1)[0].strip().lower()
        bodiless = headers.get(b"content-length", "0") == "0" and b"transfer-encoding" not in headers
        if scope["method"] == "DELETE" and bodiless and not kind:
            return None  # a DELETE names its item in the path (a browser preflights it from another site)
        if kind not in self.body_types:
            return 415, (f"the body is {kind or 'of no declared type'!r}: send it as "
                         f"{' or '.join(self.body_types)} (with that Content-Type)"), "UnsupportedMediaType"
        return None

    def same_site(self, origin: str, host: str) -> bool:
        """Whether a page at ``origin`` is this server's own (same host and port; the scheme may
        differ behind a TLS proxy) or an allowed origin."""
        origin = origin.rstrip("/").lower()
        if origin in self.origins:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and bool(host) and parts.netloc == host.lower()
