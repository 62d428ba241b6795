"""Articles as readable terminal text."""

from __future__ import annotations

from storyline.model import Article

_SECTION_TITLES = {
    "update": "Update",
    "original": "Original story",
    "correction": "Correction",
    "editors_note": "Editor's note",
}


def article_as_text(article: Article) -> str:
    """Headline, standfirst, byline, date, then the body with subheadings."""
    lines: list[str] = []
    if article.no_article:
        lines.append("(no article found on this page)")
    if article.title:
        lines += [article.title, "=" * min(len(article.title), 80)]
    if article.standfirst:
        lines += [article.standfirst]
    meta = []
    if article.authors:
        meta.append("By " + ", ".join(article.authors))
    if article.published:
        meta.append(article.published)
    if article.modified and article.modified != article.published:
        meta.append(f"updated {article.modified}")
    if article.site_name:
        meta.append(article.site_name)
    if meta:
        lines.append(" · ".join(meta))
    for section in article.sections:
        if lines and lines[-1]:
            lines.append("")
        heading = section.heading or _SECTION_TITLES.get(section.kind)
        if section.timestamp:
            heading = f"{heading or 'Entry'} ({section.timestamp})"
        if heading:
            lines += [f"## {heading}", ""]
        for paragraph in section.paragraphs:
            if paragraph.kind == "heading":
                lines += [f"### {paragraph.text}", ""]
            elif paragraph.kind == "list_item":
                lines.append(f"  • {paragraph.text}")
            else:
                lines += [paragraph.text, ""]
    lines += _footer(article)
    return "\n".join(lines).rstrip() + "\n"


def _footer(article: Article) -> list[str]:
    lines: list[str] = []
    if article.promos or article.related or article.navigation:
        lines += ["-" * 40]
    if article.promos:
        lines.append("Removed promos:")
        lines += [f"  - {p.text}" for p in article.promos]
    if article.related:
        lines.append("Related articles:")
        lines += [f"  - {t.title}" for t in article.related]
    if article.navigation:
        lines.append("Navigation:")
        lines += [f"  - {n}" for n in article.navigation]
    return lines
