"""Who is reading: the local reader, or (``reader_cookies``) the browser's own.

The local app has one reader, the same as ``storyline news`` uses. On a server shared by
several people each browser gets a random token in a cookie the first time it follows
something; API clients send it as ``X-Storyline-Reader``, and the personal feed carries
it in its address (feed readers keep no cookies). Nothing here is an account: losing the
cookie loses the list.
"""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from storyline.store import Store, readers
from storyline.web.security import ForbiddenError

READER_COOKIE = "storyline_reader"
READER_HEADER = "x-storyline-reader"
_COOKIE_AGE = 400 * 86400  # the longest browsers keep one


def uses_cookies(request: Request) -> bool:
    """Whether each browser is its own reader (a shared server)."""
    return bool(request.app.state.settings.reader_cookies)


def reader_token(request: Request) -> str | None:
    """The browser's reader token (cookie or header), or None."""
    return request.cookies.get(READER_COOKIE) or request.headers.get(READER_HEADER) or None


def current_reader(request: Request) -> int | None:
    """The reader of this request when known (None: nobody followed anything yet)."""
    state = request.app.state
    if not uses_cookies(request):
        # Looked up once per process: the local reader, once made, stays. Until then the
        # lookup is repeated at most once a cache period (another process may make it).
        known = getattr(state, "local_reader", None)
        if known is not None:
            return int(known)
        found: int | None = state.cache.get(("local_reader",), lambda: _local(state.store))
        if found is not None:
            state.local_reader = found
        return found
    token = reader_token(request)
    if not token:
        return None
    with state.store.engine.connect() as conn:
        return readers.find_reader(conn, token)


def _local(store: Store) -> int | None:
    with store.engine.connect() as conn:
        return readers.find_reader(conn, None)


def reader_for_write(request: Request) -> int:
    """The reader of this request, created when new (a shared server then hands the
    browser its token: ``remember_reader`` sets the cookie). Refused in read-only mode."""
    state = request.app.state
    if state.policy.read_only:
        raise ForbiddenError("this server is read-only: following stories is switched off")
    now = state.clock()
    if not uses_cookies(request):
        found = readers.reader_id(state.store, None, now)
        state.local_reader = found
        return found
    token = reader_token(request)
    if not token:
        token = readers.new_token()
        request.state.new_reader_token = token
    return readers.reader_id(state.store, token, now)


def remember_reader(request: Request, response: Response) -> Response:
    """Set the reader cookie on ``response`` when this request made a new reader."""
    token = getattr(request.state, "new_reader_token", None)
    if token:
        response.set_cookie(
            READER_COOKIE,
            token,
            max_age=_COOKIE_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response
