"""Web security: who may write, which URLs may be followed, and what HTML may be shown.

Four small, separate rules, each a function the routes call:

- ``check_write``: refuses writes in read-only mode, from another origin (the browser's
  ``Origin`` header, else its ``Referer``, must name this server; clients that send
  neither, like curl, are not browsers and pass), and without the bearer token when
  ``STORYLINE_TOKEN`` is set (the API sends ``Authorization: Bearer``; the HTML form sends
  the same token in a password field, since a plain form cannot set headers).
- CSRF for HTML forms: a signed double-submit token. The cookie (``SameSite=Strict``,
  HttpOnly) holds ``nonce.HMAC(secret, nonce)`` and the form repeats it; the secret is
  the install's (``install_secrets`` in the store), so a page that can plant a cookie
  for this host (any port on 127.0.0.1 can) still cannot make a pair that passes.
- ``check_public_url``: the follow form and API refuse private, loopback and link-local
  targets unless ``settings.allow_private`` (the fetcher checks again on every hop; this
  check gives the user an early, clear answer).
- ``sanitize_html``: any HTML shown (never article text, which is always escaped) goes
  through nh3 with a short allow-list.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from starlette.requests import Request

from storyline.errors import FetchError, InputError, StoreError, StorylineError
from storyline.sources.addresses import check_public_host, system_resolver

CSRF_COOKIE = "storyline_csrf"
CSRF_FIELD = "csrf_token"

_ALLOWED_TAGS = {
    "a",
    "b",
    "br",
    "code",
    "del",
    "em",
    "i",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "strong",
    "sub",
    "sup",
    "ul",
    "blockquote",
    "span",
}

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


class ForbiddenError(StorylineError):
    """A write was refused: read-only mode, a missing or wrong token, or a bad CSRF token."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class WritePolicy:
    """Whether this app may write at all, and the token writes need (None: no token)."""

    read_only: bool = False
    token: str | None = None


def check_write(policy: WritePolicy, request: Request, form_token: str | None = None) -> None:
    """Refuse a write in read-only mode or without the configured token."""
    if policy.read_only:
        raise ForbiddenError("this storyline server is read-only (started with --read-only)")
    check_origin(request)
    if not policy.token:
        return
    given = form_token
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        given = header[7:].strip()
    if not given:
        raise ForbiddenError(
            "this server needs a token for writes: send 'Authorization: Bearer <token>' "
            "(the value of STORYLINE_TOKEN)",
            status=401,
        )
    if not hmac.compare_digest(given.encode(), policy.token.encode()):
        raise ForbiddenError("the token does not match STORYLINE_TOKEN", status=401)


def check_origin(request: Request) -> None:
    """Refuse a request a browser sent from another origin (another site, or another
    port of this host): ``Origin`` if present, else ``Referer``, must name this server."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed is None:
        return  # not a browser (curl, the CLI, scripts): the token rule still applies
    host = request.headers.get("host", "")
    try:
        same = claimed != "null" and urlsplit(claimed).netloc.lower() == host.lower()
    except ValueError:
        same = False
    if not same:
        raise ForbiddenError(
            f"this request came from {claimed[:100]!r}, not from this server ({host}); "
            "storyline only accepts changes made from its own pages"
        )


def csrf_token(request: Request) -> str:
    """The CSRF token for this browser: the cookie's when it is validly signed, or a new
    one the response will set."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and _signed(request, existing):
        return existing
    token = getattr(request.state, "new_csrf", None)
    if token is None:
        nonce = secrets.token_urlsafe(24)
        token = f"{nonce}.{_signature(request, nonce)}"
        request.state.new_csrf = token
    return token


def check_csrf(request: Request, field_value: str | None) -> None:
    """Refuse a form post whose hidden token does not repeat the cookie's, or whose token
    this install did not sign."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if (
        not cookie
        or not field_value
        or not hmac.compare_digest(cookie.encode(), field_value.encode())
        or not _signed(request, cookie)
    ):
        raise ForbiddenError(
            "the form's security token is missing or stale; reload the page and submit again"
        )


def _signature(request: Request, nonce: str) -> str:
    mac = hmac.new(_secret(request), b"csrf:" + nonce.encode(), hashlib.sha256)
    return mac.hexdigest()


def _signed(request: Request, token: str) -> bool:
    nonce, _, signature = token.partition(".")
    if not nonce or len(token) > 200:
        return False
    return hmac.compare_digest(signature.encode(), _signature(request, nonce).encode())


def _secret(request: Request) -> bytes:
    """The install's CSRF key: kept in the store, so every worker process of `serve
    --workers` and every restart signs alike; a store that cannot be written (read-only
    file) gets a key for this process's life."""
    state = request.app.state
    secret: bytes | None = getattr(state, "csrf_secret", None)
    if secret is None:
        from storyline.store.politeness import install_secret

        try:
            secret = install_secret(state.store, "csrf").encode()
        except StoreError:
            secret = secrets.token_bytes(32)
        state.csrf_secret = secret
    return secret


def check_public_url(url: str, allow_private: bool) -> str:
    """Validate a URL to follow; refuse private targets unless allowed. Returns the URL."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"{url!r} is not an http(s) URL; give a full address like "
            "https://example.com/news/feed.xml"
        )
    if not allow_private:
        try:
            check_public_host(parts.hostname, system_resolver)
        except FetchError as exc:
            raise type(exc)(str(exc), url=url) from exc
    return url


def sanitize_html(fragment: str) -> str:
    """Clean HTML from outside (feed summaries) down to a few harmless inline tags."""
    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )
