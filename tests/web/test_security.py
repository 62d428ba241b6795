"""Escaping, sanitising, CSRF, the write token, read-only mode and private targets."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from storyline.web.app import create_app
from storyline.web.security import CSRF_COOKIE, sanitize_html

XSS = "<script>alert(1)</script>"  # the headline stored by conftest._fill_xss
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _app_client(store, settings, **options) -> TestClient:
    return TestClient(create_app(store, settings, **options), raise_server_exceptions=False)


def test_a_script_headline_is_text_on_every_page(client, news_db):
    pid = news_db.xss_id
    pages = [
        "/",
        "/articles",
        f"/articles/{pid}",
        f"/articles/{pid}/versions/2",
        f"/articles/{pid}/diff?a=1&b=2",
        f"/articles/{pid}/diff?a=1&b=2&view=inline",
        "/search?q=attacker",
    ]
    for path in pages:
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert "onerror=alert" not in html.replace("onerror=alert(2)&gt;", ""), path
        assert ESCAPED in html, path
    story = re.search(r'story <a href="(/stories/\d+)"', client.get(f"/articles/{pid}").text)
    assert story, "the article is threaded into a story"
    for path in (story.group(1), story.group(1) + "/feed.atom", "/api/docs"):
        assert "<script>alert" not in client.get(path).text, path
    scripts = re.findall(r"<script[^>]*>", client.get(f"/articles/{pid}").text)
    assert scripts == ['<script src="/static/app.js" defer>']


def test_a_script_headline_is_plain_data_in_the_api_and_feeds(client, news_db):
    data = client.get(f"/api/articles/{news_db.xss_id}").json()
    assert data["article"]["title"] == XSS  # a JSON string, served as application/json
    atom = client.get("/feeds/updates.atom")
    assert "<script>" not in atom.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in atom.text


def test_pages_send_a_strict_content_security_policy(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/articles").headers["x-frame-options"] == "DENY"


def test_sanitize_html_keeps_text_and_drops_active_content():
    dirty = (
        '<p onclick="x()">Hi <a href="javascript:alert(1)">there</a>'
        "<script>alert(1)</script><img src=x onerror=alert(1)><b>bold</b></p>"
    )
    clean = sanitize_html(dirty)
    assert "script" not in clean and "onerror" not in clean and "onclick" not in clean
    assert "javascript:" not in clean
    assert "Hi" in clean and "<b>bold</b>" in clean


def test_the_follow_form_needs_the_csrf_token(store, web_settings):
    with _app_client(store, web_settings) as c:
        refused = c.post("/sources", data={"url": "http://127.0.0.1:9/feed", "csrf_token": "x"})
        assert refused.status_code == 403
        assert "security token" in refused.text
        c.get("/sources")  # sets the cookie
        token = c.cookies[CSRF_COOKIE]
        wrong = c.post("/sources", data={"url": "http://127.0.0.1:9/", "csrf_token": token[::-1]})
        assert wrong.status_code == 403


def test_the_csrf_cookie_is_http_only_and_strict(client):
    cookie = client.get("/sources").headers["set-cookie"]
    assert cookie.startswith(CSRF_COOKIE) and "HttpOnly" in cookie and "SameSite=strict" in cookie


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/feed.xml",
        "http://localhost/feed",
        "http://10.1.2.3/rss",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://192.168.0.10/",
    ],
)
def test_private_targets_are_refused_unless_allowed(store, web_settings, url):
    closed = web_settings.replace(allow_private=False)
    with _app_client(store, closed) as c:
        body = c.post("/api/sources", json={"url": url}).json()
        assert body["status"] == 400 and "allow_private" in body["error"]
        c.get("/sources")
        form = c.post("/sources", data={"url": url, "csrf_token": c.cookies[CSRF_COOKIE]})
        assert form.status_code == 400 and "allow_private" in form.text


def test_urls_that_are_not_http_are_refused(client):
    for url in ("ftp://example.com/feed", "javascript:alert(1)", "example.com/rss"):
        body = client.post("/api/sources", json={"url": url}).json()
        assert body["status"] == 400 and "not an http(s) URL" in body["error"]


def test_writes_need_the_token_when_one_is_set(store, web_settings):
    with _app_client(store, web_settings.replace(allow_private=False), token="s3cret") as c:
        assert c.post("/api/sources", json={"url": "http://10.0.0.1/"}).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert (
            c.post("/api/sources", json={"url": "http://10.0.0.1/"}, headers=wrong).status_code
            == 401
        )
        assert c.delete("/api/sources/1", headers=wrong).status_code == 401
        right = {"Authorization": "Bearer s3cret"}
        past_auth = c.post("/api/sources", json={"url": "http://10.0.0.1/"}, headers=right)
        assert past_auth.status_code == 400  # got through to the private-address rule
        page = c.get("/sources").text
        assert 'name="token"' in page
        form = c.post(
            "/sources", data={"url": "http://10.0.0.1/", "csrf_token": c.cookies[CSRF_COOKIE]}
        )
        assert form.status_code == 401
        assert c.get("/api/articles").status_code == 200  # reads stay open


def test_read_only_mode_refuses_every_write(store, web_settings):
    with _app_client(store, web_settings, read_only=True) as c:
        body = c.post("/api/sources", json={"url": "http://127.0.0.1:1/"}).json()
        assert body["status"] == 403 and "read-only" in body["error"]
        assert c.delete("/api/sources/1").status_code == 403
        page = c.get("/sources").text
        assert "read-only" in page and 'action="/sources" method="post"' not in page
        c.get("/")
        form = c.post(
            "/sources", data={"url": "http://127.0.0.1:1/", "csrf_token": c.cookies[CSRF_COOKIE]}
        )
        assert form.status_code == 403


def test_only_pages_with_forms_set_the_csrf_cookie(store, web_settings):
    with _app_client(store, web_settings) as c:
        for path in ("/", "/articles", "/search?q=Mali"):
            assert "set-cookie" not in c.get(path).headers, path
        assert CSRF_COOKIE in c.get("/sources").headers["set-cookie"]


def test_search_form_choices_and_snippets_are_escaped():
    from storyline.web.templating import make_templates

    env = make_templates().env
    options = env.globals["options"]([XSS, 'a"b.example'], 'a"b.example')
    assert str(options) == (
        f'<option value="{ESCAPED}">{ESCAPED}</option>'
        '<option value="a&#34;b.example" selected>a&#34;b.example</option>'
    )
    marked = env.filters["marked"]([{"text": XSS, "match": True}, {"text": "<b>", "match": False}])
    assert str(marked) == f"<mark>{ESCAPED}</mark>&lt;b&gt;"
    paragraphs = env.filters["paragraphs"](
        [{"text": XSS, "kind": "quote"}, {"text": "<i>", "kind": "paragraph"}]
    )
    assert str(paragraphs) == f"<blockquote>{ESCAPED}</blockquote>\n<p>&lt;i&gt;</p>"
