"""JSON-ready shapes shared by every reader: articles, changes, sites. Plain dicts out.

The CLI's ``--json``, the web pages' ``.json`` twins and ``/api`` all return these, so
the three never disagree. Times go through ``storyline.times`` (one ISO 8601 form).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from typing import Any
from urllib.parse import urlsplit

from storyline import times
from storyline.model import Article, Change, Paragraph, Promo, Section, Teaser
from storyline.revisions.wording import kind_label

_PLAIN_HOST = re.compile(r"[A-Za-z0-9.-]+")  # a host name without port or user


@functools.lru_cache(maxsize=8192)
def site_of(url: str) -> str:
    """The site name shown for a URL: its host without ``www.``.

    Every list row asks, and ``urlsplit`` was a tenth of a search request: a plain
    ``http(s)://host/...`` URL is cut by hand (what ``urlsplit(url).hostname`` gives for
    it); anything else (a port, user info, an IPv6 address) goes through ``urlsplit``. Memoised
    as well, for the hot pages."""
    if url.startswith(("https://", "http://")):
        host = url.partition("://")[2].partition("/")[0].partition("?")[0].partition("#")[0]
        if _PLAIN_HOST.fullmatch(host):
            return host.lower().removeprefix("www.")
    return (urlsplit(url).hostname or url).removeprefix("www.")


def change_dict(change: Change) -> dict[str, Any]:
    """A change as JSON-ready data, with its label ("Factual change") for people."""
    return {
        "kind": change.kind,
        "label": kind_label(change.kind),
        "before": change.before,
        "after": change.after,
        "section": change.section,
    }


def article_dict(article: Article) -> dict[str, Any]:
    """``article.to_dict()``, built without ``dataclasses.asdict``'s deep copies.

    ``asdict`` deep-copies every string of every paragraph; this walks the same fields
    (read from the dataclasses, so a new field is included) and shares the immutable
    values. It was a third of an article's data time. A test checks both agree.
    """
    data = plain(article)
    data["body_text"] = article.body_text
    return _with_times(data)


def stored_article_dict(stored: str) -> dict[str, Any]:
    """``Article.from_dict(json.loads(stored)).to_dict()``, without building the Article.

    Parsing the JSON into dataclasses and walking them back into dicts cost as much as
    the rest of an article request. JSON that ``Article.to_dict`` wrote (every key there,
    no other, paragraphs as objects) already is that dict but for ``body_text``, which is
    recomputed from the sections as the property does; anything else (rows written by an
    older version, hand edits) takes the long way. A test checks both agree."""
    data = json.loads(stored)
    if not _as_written(data):
        return article_dict(Article.from_dict(data))
    parts: list[str] = []
    for section in data["sections"]:
        if section["heading"]:
            parts.append(section["heading"])
        parts.extend(p["text"] for p in section["paragraphs"])
    data["body_text"] = "\n".join(parts)
    return _with_times(data)


def _with_times(data: dict[str, Any]) -> dict[str, Any]:
    """The article's own dates in the JSON form of ``storyline.times`` (a date alone stays
    a date); what the page wrote is kept when it is no time at all."""
    for name in ("published", "modified"):
        if data.get(name):
            data[name] = times.iso_or_day(data[name])
    return data


def _as_written(data: Any) -> bool:
    """Whether ``data`` has exactly the shape ``Article.to_dict`` gives (see above)."""
    keys = _dict_keys()
    if not isinstance(data, dict) or data.keys() != keys["article"]:
        return False
    if not all(type(data[name]) is list for name in _LISTS):
        return False
    for name, kind in (("promos", "promo"), ("related", "teaser"), ("sections", "section")):
        if not all(type(item) is dict and item.keys() == keys[kind] for item in data[name]):
            return False
    return all(
        type(section["paragraphs"]) is list
        and all(type(p) is dict and p.keys() == keys["paragraph"] for p in section["paragraphs"])
        for section in data["sections"]
    )


_LISTS = ("labels", "authors", "sections", "promos", "related", "navigation")


@functools.cache
def _dict_keys() -> dict[str, set[str]]:
    names = {
        kind: {f.name for f in dataclasses.fields(cls)}
        for kind, cls in (
            ("article", Article),
            ("section", Section),
            ("paragraph", Paragraph),
            ("promo", Promo),
            ("teaser", Teaser),
        )
    }
    names["article"].add("body_text")
    return names


def plain(value: Any) -> Any:
    """``dataclasses.asdict`` for JSON-ready data: dataclasses become dicts, lists and
    dicts are copied, immutable leaves (strings, numbers) are shared, not deep-copied."""
    names = _field_names(type(value))  # type: ignore[arg-type]
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    return value


@functools.cache
def _field_names(cls: Any) -> tuple[str, ...] | None:
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls))
