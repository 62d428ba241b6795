"""CSRF tied to the install (issue #17): the token is signed with the install's secret,
so a cookie and field pair made up by another page is refused, and a browser's write
from another origin (another site, another port of 127.0.0.1) is refused outright."""

from __future__ import annotations

import secrets

from fastapi.testclient import TestClient

from storyline.web.app import create_app
from storyline.web.security import CSRF_COOKIE

TARGET = "http://127.0.0.1:9/feed.xml"  # never fetched: every request here is refused first


def _client(store, settings) -> TestClient:
    return TestClient(create_app(store, settings), raise_server_exceptions=False)


def test_a_forged_cookie_and_field_pair_is_refused(store, web_settings):
    forged = secrets.token_urlsafe(32)  # what an unsigned double-submit would accept
    with _client(store, web_settings) as c:
        c.cookies.set(CSRF_COOKIE, forged)
        refused = c.post("/sources", data={"url": TARGET, "csrf_token": forged})
        assert refused.status_code == 403 and "security token" in refused.text
        shaped = f"{forged}.{'0' * 64}"  # right shape, wrong signature
        c.cookies.set(CSRF_COOKIE, shaped)
        assert c.post("/sources", data={"url": TARGET, "csrf_token": shaped}).status_code == 403


def test_the_signed_token_survives_a_restart_and_a_planted_cookie_is_replaced(store, web_settings):
    with _client(store, web_settings) as first:
        first.get("/sources")
        token = first.cookies[CSRF_COOKIE]
    assert "." in token
    with _client(store, web_settings) as second:  # another process on the same store
        second.cookies.set(CSRF_COOKIE, token)
        page = second.get("/sources")
        assert "set-cookie" not in page.headers  # still valid: same install secret
        second.cookies.set(CSRF_COOKIE, "planted-by-another-port-0123456789")
        assert CSRF_COOKIE in second.get("/sources").headers["set-cookie"]


def test_a_cross_origin_post_is_refused(store, web_settings):
    with _client(store, web_settings) as c:
        c.get("/sources")
        token = c.cookies[CSRF_COOKIE]
        for origin in ("http://evil.example", "http://127.0.0.1:1", "null"):
            refused = c.post(
                "/sources", data={"url": TARGET, "csrf_token": token}, headers={"Origin": origin}
            )
            assert refused.status_code == 403, origin
            assert "not from this server" in refused.text
        referer = c.post(
            "/api/sources",
            json={"url": TARGET},
            headers={"Referer": "http://evil.example/page"},
        )
        assert referer.status_code == 403
        assert referer.json()["ok"] is False
        same = c.post(
            "/sources",
            data={"url": "http://127.0.0.1:9/", "csrf_token": token},
            headers={"Origin": "http://testserver"},
        )
        assert same.status_code != 403  # passes the checks (then fails on the private target)
