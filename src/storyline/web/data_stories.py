"""The data behind the home page and the story pages (provisional until story storage lands)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markupsafe import Markup

from storyline.errors import NotFoundError
from storyline.store import Store
from storyline.web import queries as q
from storyline.web.data import line_dict

HOME_ARTICLES = 20


def home_data(store: Store, now: datetime) -> dict[str, Any]:
    """Developing stories, most recently changed first, and the latest changed articles."""
    with store.engine.connect() as conn:
        lines, _ = q.article_lines(conn, HOME_ARTICLES)
        changes = q.changes_for(conn, [ln.version_id for ln in lines if ln.version_count > 1])
    return {"stories": [], "stories_available": False,
            "articles": [line_dict(ln, changes.get(ln.version_id, [])) for ln in lines]}


def story_of_page(store: Store, page_id: int) -> dict[str, Any] | None:
    return None


def story_data(store: Store, story_id: int, now: datetime) -> dict[str, Any]:
    raise NotFoundError(f"there is no story {story_id}")


def story_chart(data: dict[str, Any]) -> Markup:
    return Markup("")


def stories_data(store: Store, now: datetime, limit: int = 50, cursor: str | None = None
                 ) -> dict[str, Any]:
    return {"items": [], "next_cursor": None}


def story_feed(store, story_id, base, now):
    raise NotFoundError(f"there is no story {story_id}")
