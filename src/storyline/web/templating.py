"""Jinja2 set-up and the one function that turns page data into an HTML response.

Autoescape is on for every template, so article text (headlines included) is always
shown as text; the only markup that reaches a page unescaped is our own inline SVG and
HTML cleaned by ``security.sanitize_html``.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from storyline import times
from storyline.revisions.wording import SECTION_LABELS, kind_label
from storyline.web.charts import sparkline_svg
from storyline.web.security import CSRF_COOKIE, csrf_token, sanitize_html

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

SECTION_TITLES = {k: v for k, v in SECTION_LABELS.items() if k not in ("body", "standfirst")}


def make_templates() -> Jinja2Templates:
    """The template set, with autoescape forced on and our filters installed."""
    env = _DictFirstEnvironment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the package: no stat() per render
    )
    env.filters["dt"] = times.absolute
    env.filters["day"] = _day
    env.filters["label"] = kind_label
    env.filters["spark"] = _spark
    env.filters["marked"] = _marked
    env.filters["paragraphs"] = _paragraphs
    env.filters["safe_html"] = lambda html: Markup(sanitize_html(html or ""))
    env.globals["section_titles"] = SECTION_TITLES
    env.globals["when"] = _when
    env.globals["options"] = _options
    env.globals["story_cards"] = pass_context(_story_cards)
    return Jinja2Templates(env=env)


class _DictFirstEnvironment(Environment):
    """Looks ``data.title`` up as a key first when ``data`` is a dict.

    Page data are plain dicts, and Jinja's default tries the attribute first: for a dict
    that raises (and catches) an AttributeError on every lookup, which was the largest
    single cost of rendering an article page. Methods (``.get``) still resolve, as no
    page data has such keys.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def render(
    request: Request,
    template: str,
    data: dict[str, Any],
    status: int = 200,
    json_url: str | None = None,
    forms: bool = False,
    **extra: Any,
) -> Response:
    """Render ``data`` with ``template``. A page with write ``forms`` gets the CSRF token
    (and sets its cookie when this browser has none); other pages are the same for all."""
    state = request.app.state
    context = {
        "data": data,
        "now": state.clock(),
        "json_url": json_url,
        "read_only": state.policy.read_only,
        "token_required": bool(state.policy.token),
        "csrf": csrf_token(request) if forms else "",
        **extra,
    }
    response: Response = state.templates.TemplateResponse(
        request, template, context, status_code=status
    )
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(
            CSRF_COOKIE,
            new,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


def next_url(request: Request, cursor: str | None) -> str | None:
    """This page's address with ``cursor`` for the next page, or None at the end."""
    if not cursor:
        return None
    params = dict(request.query_params)
    params["cursor"] = cursor
    return f"{request.url.path}?{urlencode(params)}"


def parse_time(value: Any) -> datetime | None:
    """A datetime from an ISO string or datetime (naive means UTC), else None."""
    return times.parse(value)


@pass_context
def _when(context: Context, value: Any, never: str = "never") -> Markup:
    """See ``_when_html``."""
    return _when_html(value, context.get("now") or datetime.now(UTC), never)


def _when_html(value: Any, now: datetime, never: str = "never") -> Markup:
    """A time as people read it everywhere: absolute with its zone, in ``<time>``, and for
    the last few days its age beside it ("2026-12-03 09:38 UTC · 12 min ago"), which the
    page's script keeps current.

    A Python global rather than a Jinja macro: list pages call it once per row, and a
    macro call parsing the time twice cost more than the row's data."""
    moment = times.parse(value)
    if moment is None:
        text = times.absolute(value)
        return Markup(escape(text)) if text else Markup(escape(never))
    stamp = times.iso(moment)
    shown = f"{moment:%Y-%m-%d %H:%M} UTC"
    age = times.relative(moment, now)
    # escape() and an f-string: Markup.format goes through string.Formatter in Python,
    # which was 40 % of rendering a search page's 20 results.
    html = f'<time datetime="{stamp}">{shown}</time>'
    if age:
        html += f' <span class="ago" data-ago="{stamp}">· {escape(age)}</span>'
    return Markup(html)


def _story_cards(
    context: Context, items: list[dict[str, Any]], news: dict[str, dict[int, int]] | None
) -> Markup:
    """Story cards as HTML, every text escaped: one Python call for a list of twenty
    instead of a template macro (the story list's largest cost after the data)."""
    now = context.get("now") or datetime.now(UTC)
    html = ['<ul class="cards stories">']
    for s in items:
        fresh = news["story"].get(s["id"]) if news else None
        badge = ""
        if fresh:
            plural = "s" if fresh != 1 else ""
            badge = f' <span class="badge news-badge">{fresh} new change{plural}</span>'
        elif news and s["id"] in news["story"]:
            badge = ' <span class="badge quiet">following</span>'
        outlets = ", ".join(s["outlets"][:4])
        if len(s["outlets"]) > 4:
            outlets += f" and {len(s['outlets']) - 4} more"
        n, m = s["article_count"], s["outlet_count"]
        change = s["last_change"]
        latest = f"Latest news {_when_html(s['last_news_at'], now)}"
        if change:
            title = change["article"]["title"] or ""
            title = title if len(title) <= 90 else title[:87].rsplit(" ", 1)[0] + "…"
            latest += (
                f' · {escape(change["summary"])}: <a href="{escape(change["href"])}">'
                f"{escape(title)}</a>"
            )
        span = f"{times.day(s['first_news_at'])} – {times.day(s['last_news_at'])}"
        html.append(
            f'<li class="card story-card{" has-news" if fresh else ""}">'
            f'<h3><a href="{escape(s["href"])}">{escape(s["title"])}</a>{badge}</h3>'
            f'<p class="meta">{n} article{"s" if n != 1 else ""} from {m} outlet'
            f"{'s' if m != 1 else ''}: {escape(outlets)}</p>"
            f'<p class="meta">{latest}</p>'
            f'<div class="spark-cell" title="{escape(times.absolute(s["first_news_at"]))} to '
            f'{escape(times.absolute(s["last_news_at"]))}">{_spark(s["activity"]["counts"])}'
            f'<span class="spark-span">{span}</span></div></li>'
        )
    html.append("</ul>")
    return Markup("\n".join(html))


def _spark(counts: list[int]) -> Markup:
    """A story card's sparkline: many cards share their counts, so each SVG is made once."""
    return _spark_of(tuple(counts))


@functools.lru_cache(maxsize=1024)
def _spark_of(counts: tuple[int, ...]) -> Markup:
    return sparkline_svg(counts)


def _options(choices: list[str], selected: str | None) -> Markup:
    """``<option>`` elements for ``choices``, ``selected`` marked: the search form's site
    list (one per followed site) is the same on every search, so it is built once."""
    return _options_html(tuple(choices), selected)


@functools.lru_cache(maxsize=64)
def _options_html(choices: tuple[str, ...], selected: str | None) -> Markup:
    return Markup(
        "".join(
            f'<option value="{escape(c)}"{mark}>{escape(c)}</option>'
            for c, mark in ((c, " selected" if c == selected else "") for c in choices)
        )
    )


_PARAGRAPH_TAGS = {
    "heading": ("<h3>", "</h3>"),
    "quote": ("<blockquote>", "</blockquote>"),
    "list_item": ("<ul><li>", "</li></ul>"),
}


def _paragraphs(paragraphs: list[dict[str, Any]]) -> Markup:
    """A section's paragraphs as HTML, each text escaped, in the tag of its kind.

    One Python call per section instead of a template loop with a test per paragraph:
    an article has about 30 paragraphs, and the loop was a third of rendering its page."""
    html = []
    for paragraph in paragraphs:
        start, end = _PARAGRAPH_TAGS.get(paragraph["kind"], ("<p>", "</p>"))
        html.append(f"{start}{escape(paragraph['text'])}{end}")
    return Markup("\n".join(html))


def _marked(parts: list[dict[str, Any]]) -> Markup:
    """A search snippet's parts as HTML: every part escaped, the matching ones in <mark>.

    One Python call per result instead of a template loop over the parts."""
    return Markup(
        "".join(
            f"<mark>{escape(part['text'])}</mark>" if part["match"] else escape(part["text"])
            for part in parts
        )
    )


def _day(value: Any) -> str:
    """A timeline date as written ("2021-05"), or a full time as its UTC day."""
    text = str(value or "")
    return (times.day(text) if times.parse(text) else None) or text
