"""The Fetcher against httpx.MockTransport: politeness, limits and errors, with a fake clock."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fixtures.newsroom import newsroom_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.fakes import public_resolver
from storyline.errors import BlockedError, FetchError, PageTooLargeError, StorylineError
from storyline.sources.fetch import Fetcher, is_allowed_content_type, media_type

HTML = {"content-type": "text/html; charset=utf-8"}
ROBOTS = "User-agent: *\nDisallow: /private/\n"


def site(robots: str | int = ROBOTS, pages: dict | None = None, log: list | None = None):
    """A handler: robots.txt (text, or a status code), then pages by path (default 200)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(request)
        if request.url.path == "/robots.txt":
            if isinstance(robots, int):
                return httpx.Response(robots)
            return httpx.Response(200, text=robots, headers={"content-type": "text/plain"})
        page = (pages or {}).get(request.url.path)
        if callable(page):
            return page(request)
        return page or httpx.Response(200, html="<p>hello</p>")

    return handler


def paths(log: list[httpx.Request]) -> list[str]:
    return [r.url.path for r in log]


# ---------------------------------------------------------------- robots.txt


def test_robots_disallow_is_obeyed_and_cached(make_fetcher):
    log: list[httpx.Request] = []
    fetcher = make_fetcher(site(log=log))
    with pytest.raises(BlockedError, match="disallows"):
        fetcher.fetch("https://news.example/private/secret")
    fetcher.fetch("https://news.example/a")
    fetcher.fetch("https://news.example/b")
    assert paths(log) == ["/robots.txt", "/a", "/b"]
    assert fetcher.stats["robots/forbidden"] == 1


def test_robots_group_for_our_token_wins(make_fetcher):
    robots = "User-agent: *\nDisallow:\n\nUser-agent: storyline\nDisallow: /no-bots/\n"
    fetcher = make_fetcher(site(robots))
    with pytest.raises(BlockedError):
        fetcher.fetch("https://news.example/no-bots/x")
    assert fetcher.fetch("https://news.example/yes").status == 200


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_4xx_robots_means_everything_allowed(make_fetcher, status):
    fetcher = make_fetcher(site(status))
    assert fetcher.fetch("https://news.example/private/secret").status == 200


@pytest.mark.parametrize("status", [500, 503, 429])
def test_5xx_robots_blocks_the_host_until_it_answers(make_fetcher, clock, status):
    answer = {"robots": status}
    log: list[httpx.Request] = []

    def robots_then(request: httpx.Request) -> httpx.Response:
        log.append(request)
        if request.url.path == "/robots.txt":
            if answer["robots"] != 200:
                return httpx.Response(answer["robots"])
            return httpx.Response(200, text=ROBOTS)
        return httpx.Response(200, html="<p>ok</p>")

    fetcher = make_fetcher(robots_then)
    with pytest.raises(BlockedError, match="did not answer") as info:
        fetcher.fetch("https://news.example/a")
    assert info.value.retry_after_seconds and info.value.retry_after_seconds > 0
    with pytest.raises(BlockedError):  # still cached as unreachable: not asked again yet
        fetcher.fetch("https://news.example/a")
    assert paths(log) == ["/robots.txt"]
    answer["robots"] = 200
    clock.sleep(61)
    assert fetcher.fetch("https://news.example/a").status == 200
    assert paths(log) == ["/robots.txt", "/robots.txt", "/a"]


def test_unreachable_robots_blocks(make_fetcher):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, html="<p>ok</p>")

    fetcher = make_fetcher(handler)
    with pytest.raises(BlockedError, match="RFC 9309"):
        fetcher.fetch("https://news.example/a")
    assert fetcher.stats["robots/unreachable"] == 1


def test_robots_can_be_switched_off(make_fetcher):
    log: list[httpx.Request] = []
    fetcher = make_fetcher(site(log=log), robots_obey=False)
    fetcher.fetch("https://news.example/private/secret")
    assert paths(log) == ["/private/secret"]


def test_robots_are_per_origin(make_fetcher):
    log: list[httpx.Request] = []
    fetcher = make_fetcher(site(log=log))
    fetcher.fetch("https://a.example/x")
    fetcher.fetch("https://b.example/x")
    fetcher.fetch("http://a.example/x")
    assert [(r.url.scheme, r.url.host, r.url.path) for r in log if r.url.path == "/robots.txt"] == [
        ("https", "a.example", "/robots.txt"),
        ("https", "b.example", "/robots.txt"),
        ("http", "a.example", "/robots.txt"),
    ]


# ---------------------------------------------------------------- throttle


def test_throttle_spaces_requests_per_host(make_fetcher, clock):
    fetcher = make_fetcher(site(), throttle_delay=2.0)
    for path in ("/a", "/b", "/c"):
        fetcher.fetch("https://news.example" + path)
    assert clock.sleeps == [2.0, 2.0, 2.0]  # robots.txt, /a, /b, /c: three waits
    assert fetcher.stats["throttle/waited"] == 3


def test_throttle_does_not_hold_other_hosts(make_fetcher, clock):
    fetcher = make_fetcher(site(), throttle_delay=2.0, robots_obey=False)
    fetcher.fetch("https://a.example/x")
    fetcher.fetch("https://b.example/x")
    assert clock.sleeps == []


def test_crawl_delay_is_honoured(make_fetcher, clock):
    fetcher = make_fetcher(site("User-agent: *\nCrawl-delay: 5\n"), throttle_delay=1.0)
    fetcher.fetch("https://news.example/a")
    fetcher.fetch("https://news.example/b")
    assert clock.sleeps == [5.0, 5.0]  # robots.txt, then /a and /b five seconds apart


def test_throttle_off_when_delay_is_zero(make_fetcher, clock):
    fetcher = make_fetcher(site(), throttle_delay=0.0)
    for _ in range(3):
        fetcher.fetch("https://news.example/a")
    assert clock.sleeps == []


# ---------------------------------------------------------------- retries


def sequence(*responses):
    """A page handler answering each response in turn, then the last one forever."""
    queue = list(responses)

    def page(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return page


def test_5xx_is_retried_with_backoff(make_fetcher, clock):
    page = sequence(httpx.Response(503), httpx.Response(502), httpx.Response(200, html="ok"))
    fetcher = make_fetcher(site(pages={"/a": page}), fetch_retries=3)
    assert fetcher.fetch("https://news.example/a").status == 200
    assert clock.sleeps == [0.5, 1.0]
    assert fetcher.stats["fetch/retry"] == 2


def test_retries_give_up_with_the_status(make_fetcher):
    fetcher = make_fetcher(site(pages={"/a": httpx.Response(500)}), fetch_retries=2)
    with pytest.raises(FetchError, match="after 3 attempts") as info:
        fetcher.fetch("https://news.example/a")
    assert info.value.status == 500 and info.value.url == "https://news.example/a"


def test_no_retries_when_switched_off(make_fetcher, clock):
    log: list[httpx.Request] = []
    fetcher = make_fetcher(site(pages={"/a": httpx.Response(503)}, log=log), fetch_retries=0)
    with pytest.raises(FetchError):
        fetcher.fetch("https://news.example/a")
    assert paths(log) == ["/robots.txt", "/a"] and clock.sleeps == []


def test_404_is_not_retried(make_fetcher):
    log: list[httpx.Request] = []
    fetcher = make_fetcher(site(pages={"/a": httpx.Response(404)}, log=log))
    with pytest.raises(FetchError, match="404") as info:
        fetcher.fetch("https://news.example/a")
    assert info.value.status == 404 and paths(log).count("/a") == 1


def test_retry_after_seconds_is_honoured(make_fetcher, clock):
    page = sequence(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200))
    fetcher = make_fetcher(site(pages={"/a": page}))
    assert fetcher.fetch("https://news.example/a").status == 200
    assert clock.sleeps == [3.0]


def test_retry_after_http_date_is_honoured(make_fetcher, clock):
    when = "Thu, 01 Jan 2026 00:00:07 GMT"  # the fake clock starts at 2026-01-01 00:00:00
    page = sequence(httpx.Response(503, headers={"Retry-After": when}), httpx.Response(200))
    fetcher = make_fetcher(site(pages={"/a": page}))
    fetcher.fetch("https://news.example/a")
    assert clock.sleeps == [7.0]


def test_too_long_retry_after_gives_up_and_says_when(make_fetcher, clock):
    page = httpx.Response(429, headers={"Retry-After": "3600"})
    fetcher = make_fetcher(site(pages={"/a": page}), fetch_retry_max_wait=60.0)
    with pytest.raises(FetchError, match="3600") as info:
        fetcher.fetch("https://news.example/a")
    assert info.value.status == 429 and info.value.retry_after_seconds == 3600.0
    assert clock.sleeps == []


def test_network_errors_and_timeouts_are_retried(make_fetcher):
    page = sequence(
        httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.Response(200, html="ok")
    )
    fetcher = make_fetcher(site(pages={"/a": page}))
    assert fetcher.fetch("https://news.example/a").status == 200
    assert fetcher.stats["fetch/network_error"] == 1 and fetcher.stats["fetch/timeout"] == 1


def test_timeout_gives_up_as_fetch_error(make_fetcher):
    fetcher = make_fetcher(site(pages={"/a": sequence(httpx.ReadTimeout("slow"))}), fetch_retries=1)
    with pytest.raises(FetchError, match="timed out after 2 attempts"):
        fetcher.fetch("https://news.example/a")


# ---------------------------------------------------------------- limits


def test_declared_size_over_cap_is_refused_unread(make_fetcher):
    big = httpx.Response(200, headers={**HTML, "content-length": "5000"}, content=b"x" * 5000)
    fetcher = make_fetcher(site(pages={"/a": big}), fetch_max_bytes=1000)
    with pytest.raises(PageTooLargeError, match="5,000 bytes"):
        fetcher.fetch("https://news.example/a")


def test_streamed_body_stops_at_the_cap(make_fetcher):
    produced = []

    def chunks():
        for i in range(1000):
            produced.append(i)
            yield b"x" * 1024

    def page(request):
        return httpx.Response(200, headers=HTML, content=chunks())

    fetcher = make_fetcher(site(pages={"/a": page}), fetch_max_bytes=10 * 1024)
    with pytest.raises(PageTooLargeError):
        fetcher.fetch("https://news.example/a")
    assert len(produced) < 20
    assert fetcher.stats["fetch/too_large"] == 1


def test_body_at_the_cap_is_accepted(make_fetcher):
    page = httpx.Response(200, headers=HTML, content=b"x" * 1000)
    fetcher = make_fetcher(site(pages={"/a": page}), fetch_max_bytes=1000)
    assert len(fetcher.fetch("https://news.example/a").content) == 1000


def redirect(to: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"location": to})


def test_redirects_are_followed_and_reported(make_fetcher):
    pages = {"/old": redirect("/mid", 301), "/mid": redirect("https://other.example/new")}
    fetcher = make_fetcher(site(pages=pages))
    result = fetcher.fetch("https://news.example/old")
    assert result.url == "https://news.example/old"
    assert result.final_url == "https://other.example/new"
    assert fetcher.stats["fetch/redirect"] == 2


def test_redirect_limit(make_fetcher):
    pages = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(10)}
    log: list[httpx.Request] = []
    fetcher = make_fetcher(site(pages=pages, log=log), fetch_max_redirects=3)
    with pytest.raises(FetchError, match="more than 3 times") as info:
        fetcher.fetch("https://news.example/r0")
    assert info.value.status == 302
    assert paths(log) == ["/robots.txt", "/r0", "/r1", "/r2", "/r3"]


def test_redirect_hop_is_checked_against_robots(make_fetcher):
    log: list[httpx.Request] = []
    fetcher = make_fetcher(site(pages={"/a": redirect("/private/x")}, log=log))
    with pytest.raises(BlockedError, match="disallows"):
        fetcher.fetch("https://news.example/a")
    assert "/private/x" not in paths(log)


@pytest.mark.parametrize(
    "ctype", ["image/png", "application/pdf", "video/mp4", "application/octet-stream"]
)
def test_content_type_outside_text_is_refused(make_fetcher, ctype):
    page = httpx.Response(200, headers={"content-type": ctype}, content=b"\x89PNG")
    fetcher = make_fetcher(site(pages={"/a": page}))
    with pytest.raises(FetchError, match=ctype):
        fetcher.fetch("https://news.example/a")


@pytest.mark.parametrize(
    "ctype",
    [
        "text/html",
        "application/rss+xml; charset=utf-8",
        "application/atom+xml",
        "application/feed+json",
        "text/xml",
        "application/json",
        "text/plain",
        "",
    ],
)
def test_content_types_we_read(make_fetcher, ctype):
    page = httpx.Response(200, headers={"content-type": ctype} if ctype else {}, content=b"<x/>")
    fetcher = make_fetcher(site(pages={"/a": page}))
    assert fetcher.fetch("https://news.example/a").content_type == media_type(ctype)


def test_media_type_helpers():
    assert media_type("Text/HTML; charset=ISO-8859-1") == "text/html"
    assert is_allowed_content_type("application/vnd.custom+xml")
    assert not is_allowed_content_type("image/svg")


# ---------------------------------------------------------------- private addresses


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.5/a",
        "http://192.168.1.1/",
        "http://169.254.169.254/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://internal.example/",
    ],
)
def test_private_addresses_are_refused(make_fetcher, url):
    log: list[httpx.Request] = []
    fetcher = make_fetcher(site(log=log))
    with pytest.raises(BlockedError, match="allow_private"):
        fetcher.fetch(url)
    assert log == []


def test_redirect_to_private_address_is_refused(make_fetcher):
    log: list[httpx.Request] = []
    pages = {"/a": redirect("http://169.254.169.254/latest/meta-data/")}
    fetcher = make_fetcher(site(pages=pages, log=log))
    with pytest.raises(BlockedError):
        fetcher.fetch("https://news.example/a")
    assert all(r.url.host == "news.example" for r in log)


def test_allow_private_lets_them_through(make_fetcher):
    fetcher = make_fetcher(site(), allow_private=True)
    assert fetcher.fetch("http://127.0.0.1/a").status == 200


@pytest.mark.parametrize("url", ["ftp://example.com/x", "/relative", "mailto:a@b.c", "http://"])
def test_non_http_urls_are_refused(make_fetcher, url):
    fetcher = make_fetcher(site())
    with pytest.raises(FetchError, match="http"):
        fetcher.fetch(url)


# ---------------------------------------------------------------- headers


def test_user_agent_and_accept(make_fetcher):
    log: list[httpx.Request] = []
    fetcher = make_fetcher(site(log=log), contact_url="https://example.org/contact")
    fetcher.fetch("https://news.example/a", accept="application/rss+xml")
    agents = {r.headers["user-agent"] for r in log}
    assert agents == {"storyline/0.1 (+https://example.org/contact)"}
    assert log[-1].headers["accept"] == "application/rss+xml"


def test_conditional_get(make_fetcher):
    log: list[httpx.Request] = []

    def page(request):
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"etag": '"v1"'})
        return httpx.Response(
            200,
            html="<p>v1</p>",
            headers={"etag": '"v1"', "last-modified": "Wed, 21 Oct 2015 07:28:00 GMT"},
        )

    fetcher = make_fetcher(site(pages={"/a": page}, log=log))
    first = fetcher.fetch("https://news.example/a")
    assert first.etag == '"v1"' and first.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert not first.not_modified and first.charset == "utf-8"
    again = fetcher.fetch(
        "https://news.example/a", etag=first.etag, last_modified=first.last_modified
    )
    assert again.not_modified and again.status == 304 and again.content == b""
    assert log[-1].headers["if-modified-since"] == first.last_modified
    assert fetcher.stats["fetch/304"] == 1


def test_fetched_at_is_when_the_answer_came(make_fetcher, clock):
    result = make_fetcher(site(), throttle_delay=2.0).fetch("https://news.example/a")
    assert (result.fetched_at - clock.start).total_seconds() == 2.0  # after robots.txt + wait


# ---------------------------------------------------------------- threads


def test_thread_pool_asks_robots_once_per_host(make_fetcher):
    log: list[httpx.Request] = []
    lock = threading.Lock()

    def handler(request):
        with lock:
            log.append(request)
        return site()(request)

    fetcher = make_fetcher(handler)
    urls = [f"https://news.example/{i}" for i in range(40)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(fetcher.fetch, urls))
    assert [r.status for r in results] == [200] * 40
    assert paths(log).count("/robots.txt") == 1
    assert fetcher.stats["fetch/200"] == 40


def test_stale_robots_rules_are_kept_while_robots_is_unreachable(make_fetcher, clock):
    answer = {"robots": 200}
    log: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        if request.url.path == "/robots.txt" and answer["robots"] != 200:
            return httpx.Response(answer["robots"])
        return site()(request)

    fetcher = make_fetcher(handler)
    fetcher.fetch("https://news.example/a")
    answer["robots"] = 503
    clock.sleep(25 * 3600)  # past the 24 h cache
    assert fetcher.fetch("https://news.example/b").status == 200
    with pytest.raises(BlockedError, match="disallows"):
        fetcher.fetch("https://news.example/private/x")
    assert paths(log) == ["/robots.txt", "/a", "/robots.txt", "/b"]


def test_trickling_body_hits_the_total_timeout(make_fetcher, clock):
    def trickle():
        for _ in range(10):
            clock.sleep(2.0)  # the fake clock moves while the body arrives
            yield b"<p>slow</p>"

    def page(request):
        return httpx.Response(200, headers=HTML, content=trickle())

    fetcher = make_fetcher(site(pages={"/a": page}), fetch_timeout=5.0)
    with pytest.raises(FetchError, match="timed out: the deadline is 5 s per request"):
        fetcher.fetch("https://news.example/a")


def test_robots_sitemaps_are_exposed(make_fetcher):
    robots = "User-agent: *\nDisallow:\nSitemap: https://news.example/news-sitemap.xml\n"
    fetcher = make_fetcher(site(robots))
    fetcher.fetch("https://news.example/a")
    assert fetcher.robots.sitemaps("https://news.example/b") == [
        "https://news.example/news-sitemap.xml"
    ]
    assert fetcher.robots.sitemaps("https://other.example/") == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_robots_txt_gives_a_verdict(text):
    from storyline.sources.clock import SystemClock
    from storyline.sources.robots import RobotsCache

    cache = RobotsCache("storyline/0.1", SystemClock())
    body = text.encode("utf-8", "replace")
    verdict = cache.check("https://a.example/x/y", lambda url: (200, body))
    assert verdict in ("allowed", "forbidden")
    cache.crawl_delay("https://a.example/")


def test_slow_host_is_given_more_time_when_adaptive(make_fetcher, clock):
    def slow(request):
        clock.sleep(7.0)  # the answer takes 7 s
        return httpx.Response(200, html="<p>finally</p>")

    fetcher = make_fetcher(site(pages={"/slow": slow}), throttle_delay=1.0, throttle_adaptive=True)
    fetcher.fetch("https://news.example/slow")
    assert fetcher.throttle.delay_for("news.example") == 4.0  # (1 + 7) / 2
    assert fetcher.throttle.delay_for("other.example") == 1.0
    calm = make_fetcher(site(pages={"/slow": slow}), throttle_delay=1.0, throttle_adaptive=False)
    calm.fetch("https://news.example/slow")
    assert calm.throttle.delay_for("news.example") == 1.0


@pytest.mark.parametrize("url", ["http://example.com:99999/", "http://[::1", "http:///nohost"])
def test_malformed_urls_raise_fetch_error(make_fetcher, url):
    with pytest.raises(FetchError):
        make_fetcher(site()).fetch(url)


def test_robots_redirect_to_a_bad_url_counts_as_unreachable(make_fetcher):
    pages = {}

    def handler(request):
        if request.url.path == "/robots.txt":
            return httpx.Response(301, headers={"location": "http://[broken"})
        return site(pages=pages)(request)

    with pytest.raises(BlockedError, match="did not answer"):
        make_fetcher(handler).fetch("https://news.example/a")


def test_redirect_to_a_bad_port_is_a_fetch_error(make_fetcher):
    fetcher = make_fetcher(site(pages={"/a": redirect("http://news.example:70000/")}))
    with pytest.raises(FetchError, match="not a valid URL"):
        fetcher.fetch("https://news.example/a")


def test_redirect_to_a_malformed_url_is_a_fetch_error(make_fetcher):
    fetcher = make_fetcher(site(pages={"/a": redirect("http://[broken")}))
    with pytest.raises(FetchError, match="malformed"):
        fetcher.fetch("https://news.example/a")


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=60), st.from_regex(r"https?://[^\s]{0,40}", fullmatch=True)))
def test_any_url_string_gives_a_result_or_a_storyline_error(url):
    from storyline.sources.clock import SystemClock

    client = httpx.Client(transport=httpx.MockTransport(site()))
    settings_ = newsroom_settings(allow_private=False, robots_obey=True)
    fetcher = Fetcher(settings_, client, clock=SystemClock(), resolver=public_resolver)
    try:
        fetcher.fetch(url)
    except StorylineError:
        pass
    finally:
        client.close()
