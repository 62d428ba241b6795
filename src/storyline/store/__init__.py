"""storyline's database: one ``Store`` over SQLAlchemy Core (SQLite by default, PostgreSQL
by URL), with versioned migrations. See ``storyline.store.db`` for the API."""

from storyline.store.db import Store
from storyline.store.rows import ArticlePage, ArticleRow, PageRow, SourceRow, StoredVersion

__all__ = ["ArticlePage", "ArticleRow", "PageRow", "SourceRow", "Store", "StoredVersion"]
