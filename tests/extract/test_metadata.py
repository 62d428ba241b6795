"""Metadata: checked against what the shared pages themselves show, and on small pages."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from storyline import extract_article
from storyline.extract.authors import clean_authors
from storyline.extract.html import parse_html
from storyline.extract.metadata import extract_metadata, iso_date

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "extraction"
EST, PST = timezone(timedelta(hours=-5)), timezone(timedelta(hours=-8))

# Headline, byline and date as each page shows them to a reader (read off the page's
# visible text); a date with a time is the moment the page states, in its own time zone.
SHARED_PAGES = [
    (
        "04a6711caa7c",
        "Republicans Are Following Trump to Nowhere",
        ["Jamelle Bouie"],
        date(2019, 11, 19),
    ),
    (
        "d48aeb9cf2f2",
        "Why My Friend Became a Grocery Store on Instagram",
        ["Louise Matsakis"],
        datetime(2019, 11, 15, 10, 9, tzinfo=EST),
    ),
    (
        "2f42ef1d3ea0",
        "The Future of Banking Is … You're Broke",
        ["Molly Wood"],
        datetime(2019, 11, 14, 9, 0, tzinfo=EST),
    ),
    (
        "374ac9a59a85",
        "Emirates inks $9 billion order for 30 Boeing 787 jets, will restart plans "
        "to expand airline by early 2020s",
        ["Natasha Turak"],
        datetime(2019, 11, 20, 4, 29, tzinfo=EST),
    ),
    (
        "8634d1211c3f",
        "Column: The Gannett/GateHouse merger sends a dismal signal about the future of local news",
        ["Michael Hiltzik"],
        # declared only in UTC (2019-11-20T01:53Z); the URL and the page say the 19th
        date(2019, 11, 19),
    ),
    (
        "a1fca19b884e",
        "Taliban say they freed US, Australian hostages for 3 terrorist figures",
        ["Lia Eustachewich", "Yaron Steinbuch"],
        date(2019, 11, 19),
    ),
    (
        "785affa2c34e",
        "Star Trek 4 eyes Fargo, Legion creator Noah Hawley to direct",
        ["Chaim Gartenberg"],
        datetime(2019, 11, 19, 19, 53, tzinfo=EST),
    ),
    (
        "686bb170effe",
        "The Weird Plumes of Jupiter's Moon Europa Are Spewing Water Vapor",
        ["Mike Wall"],
        datetime(2019, 11, 18, 20, 51, tzinfo=UTC),
    ),
    (
        "ea25dd7edff4",
        "Three Cases of Plague Diagnosed in China",
        ["Brigit Katz"],
        date(2019, 11, 18),
    ),
    (
        "e4c6a3b48240",
        "Why Beijing will bring slaughter to Hong Kong",
        ["Tom Rogan"],
        datetime(2019, 11, 18, 12, 26, tzinfo=EST),
    ),
]


def _shared(prefix: str) -> tuple[bytes, str]:
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    page_id = next(k for k in truth if k.startswith(prefix))
    return gzip.decompress((DATA / "html" / f"{page_id}.html.gz").read_bytes()), truth[page_id][
        "url"
    ]


def _same_moment(published: str, expected: date | datetime) -> bool:
    if not isinstance(expected, datetime):
        return published[:10] == expected.isoformat()
    moment = datetime.fromisoformat(published)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # naive page dates are UTC
    return abs(moment - expected) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("prefix", "title", "authors", "published"), SHARED_PAGES, ids=[p[0] for p in SHARED_PAGES]
)
def test_headline_authors_and_date_match_what_the_page_says(prefix, title, authors, published):
    html, url = _shared(prefix)
    article = extract_article(html, url=url)
    assert article.title.replace("’", "'") == title.replace("’", "'")
    assert article.authors == authors
    assert _same_moment(article.published, published), article.published
    assert article.canonical_url and article.canonical_url.startswith("https://")
    assert article.language == "en"


def test_json_ld_wins_over_meta_tags_and_graph_is_searched():
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Example News"},
            {
                "@type": "NewsArticle",
                "headline": "Bridge reopens after repairs",
                "datePublished": "2024-03-01T08:00:00+01:00",
                "dateModified": "2024-03-02",
                "author": [{"@type": "Person", "name": "Ann Lee"}, {"name": "Bo Berg"}],
                "publisher": {"name": "Example News"},
                "inLanguage": "da-DK",
            },
        ],
    }
    html = f"""<html><head><title>Bridge reopens after repairs | Example News</title>
      <meta property="og:title" content="Other title">
      <meta property="article:published_time" content="2024-03-01">
      <link rel="canonical" href="/news/bridge">
      <script type="application/ld+json">{json.dumps(ld)}</script></head>
      <body><h1>Bridge reopens after repairs</h1></body></html>"""
    meta = extract_metadata(parse_html(html), "https://example.com/news/bridge?utm=x")
    assert meta.title == "Bridge reopens after repairs"
    assert meta.authors == ["Ann Lee", "Bo Berg"]
    assert meta.published == "2024-03-01T08:00:00+01:00"
    assert meta.modified == "2024-03-02"
    assert meta.language == "da"
    assert meta.site_name == "Example News"
    assert meta.canonical_url == "https://example.com/news/bridge"


def test_meta_tags_and_visible_page_when_there_is_no_json_ld():
    html = """<html lang="en-GB"><head><title>Storm closes port - Coast Times</title>
      <meta property="og:site_name" content="Coast Times">
      <meta name="description" content="Ferries stay in harbour for a second day.">
      </head><body><h1>Site logo text that is long</h1><h2>Storm closes port</h2>
      <span class="byline">By SARAH JONES</span><time datetime="2023-10-05T14:30:00Z">
      5 Oct</time><p>Text.</p></body></html>"""
    meta = extract_metadata(parse_html(html))
    assert meta.title == "Storm closes port"
    assert meta.authors == ["Sarah Jones"]
    assert meta.published == "2023-10-05T14:30:00+00:00"
    assert meta.language == "en"
    assert meta.standfirst == "Ferries stay in harbour for a second day."


def test_broken_json_ld_and_placeholder_dates_are_ignored():
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle",
      </script><meta property="article:published_time" content="0001-01-01T00:00:00Z">
      <meta name="pubdate" content="2022-05-04"></head><body><p>x</p></body></html>"""
    meta = extract_metadata(parse_html(html))
    assert meta.published == "2022-05-04"


@pytest.mark.parametrize(
    ("raw", "site", "expected"),
    [
        (["By JANE DOE and John Roe | Reuters"], "Reuters", ["Jane Doe", "John Roe"]),
        (["Jill Disis, CNN Business"], "CNN", ["Jill Disis"]),
        (["https://www.example.com/author/tom-rogan"], None, ["Tom Rogan"]),
        (["https://www.facebook.com/somepage"], None, []),
        (["Staff Writer"], None, []),
        (["Associated Press"], "Associated Press", []),  # the publisher, not a byline
        (["Associated Press"], "The Local", ["Associated Press"]),
        (["World News", "Google profile"], None, []),  # sections and profile links
    ],
)
def test_bylines_become_clean_names(raw, site, expected):
    assert clean_authors(raw, site) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-11-19", "2019-11-19"),
        ("2019-11-19T14:05:00Z", "2019-11-19T14:05:00+00:00"),
        ("November 19, 2019", "2019-11-19"),
        ("Tue, 19 Nov 2019 14:05:00 +0000", "2019-11-19T14:05:00+00:00"),
        ("0001-01-01T00:00:00+00:00", None),
        ("yesterday-ish", None),
    ],
)
def test_dates_keep_the_precision_the_page_gives(value, expected):
    assert iso_date(value) == expected


def test_date_in_the_url_when_the_page_states_none():
    html = "<html><head><title>Quiet page</title></head><body><p>Text.</p></body></html>"
    meta = extract_metadata(parse_html(html), "https://example.com/2021/03/09/quiet-page/")
    assert meta.published == "2021-03-09"


_SAMPLES = {
    "en": "The government has decided to withdraw its troops from Mali following several days "
    "of accusations from the military government, the foreign minister said on Thursday.",
    "da": "Regeringen har besluttet at trække de danske soldater hjem fra Mali efter flere dages "
    "beskyldninger fra militærregeringen. Det oplyser udenrigsministeren, som siger at "
    "beslutningen blev truffet i aftes efter et møde i Folketinget.",
    "nb": "Regjeringen har besluttet å trekke de norske soldatene hjem fra Mali etter flere dager "
    "med beskyldninger fra militærregjeringen. Det opplyser utenriksministeren, som sier at "
    "beslutningen ble tatt i går kveld etter et møte på Stortinget.",
    "de": "Die Regierung hat beschlossen, die dänischen Soldaten aus Mali abzuziehen, nachdem die "
    "Militärregierung sie mehrere Tage lang beschuldigt hatte. Das teilte der Außenminister "
    "mit, der sagte, dass die Entscheidung am Abend getroffen wurde.",
    "ja": "デンマーク政府は、マリの軍事政権からの非難を受けて、"
    "部隊を撤退させることを決定したと外務大臣が述べた。",
}


@pytest.mark.parametrize("code", sorted(_SAMPLES))
def test_language_is_guessed_from_function_words_when_undeclared(code):
    from storyline.extract.language import guess_language

    assert guess_language(_SAMPLES[code] * 2) == code


def test_undeclared_page_gets_a_guessed_language_and_short_text_none():
    from storyline.extract.language import guess_language

    html = "<html><body><article>" + f"<p>{_SAMPLES['da']}</p>" * 3 + "</article></body></html>"
    assert extract_article(html).language == "da"
    assert guess_language("Mali troops") is None


def _head(head: str, url: str | None = None) -> str | None:
    html = f"<html><head><title>Storm</title>{head}</head><body><p>Text.</p></body></html>"
    return extract_metadata(parse_html(html), url).published


def test_a_utc_time_after_local_midnight_gives_the_page_s_own_day():
    """The page states 21:11 on the 8th in New York; its tags say 02:11 UTC on the 9th."""
    head = (
        '<meta property="article:published_time" content="2023-11-09T02:11:03+00:00">'
        '</head><body><time datetime="2023-11-08T21:11:03-05:00">Nov 8</time>'
    )
    assert _head(head) == "2023-11-08T21:11:03-05:00"


def test_a_utc_time_with_a_local_day_in_the_url_gives_the_url_s_day():
    head = '<meta property="article:published_time" content="2020-02-18T02:18:11Z">'
    assert _head(head, "https://example.com/2020/02/17/story/") == "2020-02-17"
    assert _head(head, "https://example.com/2020/02/18/story/") == "2020-02-18T02:18:11+00:00"
    # 10:04 UTC is the previous day only west of -10:00: not taken for a local day
    late = '<meta property="article:published_time" content="2020-07-09T10:04:04Z">'
    assert _head(late, "https://example.com/2020/07/08/story/") == "2020-07-09T10:04:04+00:00"


def test_a_local_clock_time_without_offset_states_the_utc_moment_locally():
    head = (
        '<meta property="article:published_time" content="2023-11-09T05:30:59Z">'
        '</head><body><time datetime="2023-11-08T23:30:59">Nov 8, 11:30 pm</time>'
    )
    assert _head(head) == "2023-11-08T23:30:59-06:00"


def test_json_ld_wrapped_in_cdata_is_read():
    ld = '{"@type": "NewsArticle", "headline": "S", "datePublished": "2021-05-04T10:00:00+02:00"}'
    for wrapped in (f"//<![CDATA[\n{ld}\n//]]>", f"<![CDATA[{ld}]]>", f"/*<![CDATA[*/{ld}/*]]>*/"):
        head = f'<script type="application/ld+json">{wrapped}</script>'
        assert _head(head) == "2021-05-04T10:00:00+02:00"


@pytest.mark.parametrize("stamp", ["1581904691", "1581904691000"])
def test_unix_seconds_and_milliseconds_are_read_as_utc(stamp):
    assert _head(f'<meta name="pubdate" content="{stamp}">') == "2020-02-17T01:58:11+00:00"
    ld = f'{{"@type": "NewsArticle", "headline": "Storm", "datePublished": {stamp}}}'
    head = f'<script type="application/ld+json">{ld}</script>'
    assert _head(head) == "2020-02-17T01:58:11+00:00"


def test_a_date_with_a_zone_name_keeps_the_zone_s_offset():
    assert iso_date("Tue, Sep 15 2020 10:01:41 EDT") == "2020-09-15T10:01:41-04:00"
    assert iso_date("Tue, 19 Nov 2019 14:05:00 GMT") == "2019-11-19T14:05:00+00:00"
    assert iso_date("Tue, 19 Nov 2019 14:05:00 XYZ") is None


def test_declared_dates_far_apart_are_settled_by_the_page_s_other_statements():
    """A republished article: JSON-LD keeps the old date, the URL and a tag the new one."""
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Storm", '
        '"datePublished": "2019-06-17T18:28:00+02:00"}</script>'
        '<meta name="date" content="2017-07-12">'
    )
    assert _head(head, "https://example.com/home/2017/7/12/storm")[:10] == "2017-07-12"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/news/20200413/story", "2020-04-13"),
        ("https://example.com/id/2028064/story", None),
        ("https://example.com/2099/01/02/story", None),
    ],
)
def test_dates_in_urls(url, expected):
    from storyline.extract.pubdates import url_date

    assert url_date(url) == expected


def test_json_ld_date_created_stands_in_for_a_missing_date_published():
    ld = '{"@type": "NewsArticle", "headline": "Storm", "dateCreated": "2020-04-27T17:58:19+02:00"}'
    assert _head(f'<script type="application/ld+json">{ld}</script>') == "2020-04-27T17:58:19+02:00"
    both = ld[:-1] + ', "datePublished": "2020-04-28"}'
    assert _head(f'<script type="application/ld+json">{both}</script>') == "2020-04-28"


def test_a_month_in_the_url_bounds_the_day_read_from_the_page():
    """/2011/12/ names the month: a day the page prints in another month (an archive
    list, a copyright line) is not the article's."""
    body = (
        "<div class='archive'><a href='/2010/06/'>Juni 2010</a> <span>01.06.2010</span></div>"
        "<div class='post'><p>Gepostet am 03.12.2011 von Redaktion</p><p>"
        + "Text des Artikels. " * 30
        + "</p></div>"
    )
    html = f"<html><head><title>Storm</title></head><body>{body}</body></html>"
    url = "https://example.com/news/2011/12/storm/"
    assert extract_metadata(parse_html(html), url).published == "2011-12-03"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("26 | 01 | 2022", datetime(2022, 1, 26)),
        ("3 · 2 · 2021", datetime(2021, 2, 3)),
        ("26 | 01 / 2022", None),
        ("31 | 02 | 2022", None),
        ("Januar 2022", None),
    ],
)
def test_numbers_with_an_unusual_separator_are_read_day_first(text, expected):
    from storyline.extract.pubdates import numeric_date

    assert numeric_date(text) == expected


def test_htmldate_s_dateparser_step_is_skipped_for_us_and_kept_for_other_callers(monkeypatch):
    """dateparser (htmldate's last resort) cost 40 ms a page: storyline's calls skip it,
    other callers of htmldate in the process still get it, with no cached answer shared."""
    import htmldate.extractors
    from htmldate import find_date

    from storyline.extract.pubdates import publication_dates

    html = (
        "<html><head><title>Wiadomości</title></head><body><div class='meta'>"
        "<span class='date'>9 października 2020 r.</span></div><div class='content'><p>"
        + "Tekst artykułu jest tutaj. " * 30
        + "</p></div></body></html>"
    )
    calls: list[int] = []
    real = htmldate.extractors.get_external_parser
    monkeypatch.setattr(
        htmldate.extractors, "get_external_parser", lambda: calls.append(1) or real()
    )
    assert publication_dates(parse_html(html), {}, {}, None) == (None, None)
    assert calls == []
    assert find_date(html, extensive_search=True, original_date=True) == "2020-10-09"
    assert calls


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("Harbour reopens | Coast Times", "Coast Times", None, "Harbour reopens"),
        (
            "Nokia N96 Update - v30 | SymbianV3.Com",
            None,
            "http://www.symbianv3.com/x",
            "Nokia N96 Update - v30",
        ),
        ("Harbour reopens - hypebot", None, "https://www.hypebot.com/a/1", "Harbour reopens"),
        (
            "Seth's Blog | The false choice of mediocrity",
            None,
            "https://sethgodin.typepad.com/seths_blog/2012/07/the-false-choice-of-mediocrity.html",
            "The false choice of mediocrity",
        ),
        ("Syria - rebels push on Aleppo", None, "https://example.com/syria-rebels-aleppo", None),
        ("Rebels push on | Aleppo", None, None, None),
    ],
)
def test_titles_lose_the_site_s_name(title, site, url, expected):
    from storyline.extract.headline import strip_site

    assert strip_site(title, site, url) == (expected or title)
