"""Classified changes between two versions, on the seed page and small edits."""

from __future__ import annotations

import copy

from storyline.model import Article, Change, Paragraph, Section
from storyline.revisions import compare_articles, is_copy_edit, summarize_changes


def _article(*paragraphs: str, title: str = "Danish troops in Mali", kind: str = "body"):
    return Article(title=title, sections=[Section(kind, [Paragraph(p) for p in paragraphs])])


P1 = (
    "The government has decided to withdraw its troops from Mali following several days "
    "of accusations from the Malian military government."
)
P2 = "The decision to withdraw came in the wake of a meeting in Parliament."
P3 = "Denmark has about 90 soldiers and a team of surgeons in Mali."


def test_the_seed_update_is_a_headline_change_and_an_update(seed_earlier, seed_updated):
    seed_earlier.standfirst = seed_updated.standfirst  # isolate the update itself
    changes = compare_articles(seed_earlier, seed_updated)
    assert [c.kind for c in changes] == ["headline", "update_added"]
    headline, update = changes
    assert (headline.before, headline.after) == (
        "Danish troops may be leaving Mali",
        "UPDATE: Danish troops leaving Mali",
    )
    assert update.section == "update" and update.before is None
    update_text = seed_updated.section("update").text
    assert update.after == update_text  # every paragraph of the block, newline-separated
    assert summarize_changes(changes) == "headline changed, update added"


def test_the_seed_update_with_a_new_standfirst(seed_earlier, seed_updated):
    changes = compare_articles(seed_earlier, seed_updated)
    assert [c.kind for c in changes] == ["headline", "added", "update_added"]
    assert changes[1].section == "standfirst"
    assert changes[1].after.startswith("The drama surrounding Denmark")
    # The original story now lives in an "original" section: none of it is reported.
    original = seed_updated.section("original").text
    assert not any(c.after and c.after in original for c in changes)


def test_the_seed_compared_with_itself_has_no_changes(seed_updated):
    assert compare_articles(seed_updated, copy.deepcopy(seed_updated)) == []
    assert summarize_changes([]) == "no changes"


def test_a_typo_fix_is_exactly_one_copy_edit():
    old = _article(P1.replace("government has", "goverment has"), P2)
    new = _article(P1, P2)
    assert compare_articles(old, new) == [
        Change("copy_edit", P1.replace("government has", "goverment has"), P1, "body")
    ]


def test_a_typo_fix_in_the_seed_original_story(seed_updated):
    old = copy.deepcopy(seed_updated)
    paragraph = old.section("original").paragraphs[1]
    paragraph.text = paragraph.text.replace("government", "goverment")
    changes = compare_articles(old, seed_updated)
    assert [(c.kind, c.section) for c in changes] == [("copy_edit", "original")]
    assert "goverment" in changes[0].before and "government" in changes[0].after


def test_a_sentence_split_in_two_is_one_copy_edit():
    first = "The government has decided to withdraw its troops from Mali."
    second = "It follows several days of accusations from the Malian military government."
    changes = compare_articles(_article(P1, P2), _article(f"{first} {second}", P2))
    assert changes == [Change("copy_edit", P1, f"{first} {second}", "body")]


def test_two_sentences_merged_into_one_are_one_copy_edit():
    merged = "Denmark has about 90 soldiers and a team of surgeons in Mali, where the "
    merged += "decision to withdraw came in the wake of a meeting in Parliament."
    changes = compare_articles(_article(P3, P2, P1), _article(merged, P1))
    assert changes == [Change("copy_edit", f"{P3} {P2}", merged, "body")]


def test_a_new_sentence_next_to_a_typo_fix_stays_news():
    extra = "Sweden stays."
    old = _article(P1.replace("government has", "goverment has"), P2)
    changes = compare_articles(old, _article(f"{P1} {extra}", P2))
    assert [c.kind for c in changes] == ["copy_edit", "added"]


def test_a_rewrite_is_reported_as_removed_then_added():
    rewrite = "Officials in Bamako declined to comment on the Danish decision on Friday."
    changes = compare_articles(_article(P1, P2, P3), _article(P1, rewrite, P3))
    assert [(c.kind, c.before, c.after) for c in changes] == [
        ("removed", P2, None),
        ("added", None, rewrite),
    ]


def test_a_few_changed_words_are_a_copy_edit_many_are_not():
    assert is_copy_edit(P3, P3.replace("90", "100"))
    assert is_copy_edit(P3, P3.replace("a team of surgeons", "several surgeons"))
    longer = P3.replace("in Mali", "in the north of Mali near the border with Niger")
    assert not is_copy_edit(P3, longer)


def test_larger_edit_of_one_sentence_is_a_rewrite():
    edited = P1.replace(
        "following several days of accusations from",
        "after the foreign ministry received a formal demand from",
    )
    changes = compare_articles(_article(P1, P2), _article(edited, P2))
    assert [c.kind for c in changes] == ["removed", "added"]


def test_added_removed_and_moved_sentences():
    extra = "Sweden said it would keep its troops in place for now."
    changes = compare_articles(_article(P1, P2, P3), _article(P3, P1, extra))
    kinds = sorted((c.kind, c.before or c.after) for c in changes)
    assert kinds == [("added", extra), ("moved", P3), ("removed", P2)]
    assert summarize_changes(changes) == "1 sentence added, 1 sentence removed, 1 sentence moved"


def test_a_correction_paragraph_is_one_correction():
    note = (
        "Correction: An earlier version of this article said 100 soldiers. "
        "The correct number is 90."
    )
    changes = compare_articles(_article(P1, P3), _article(P1, P3, note))
    assert changes == [Change("correction", None, note, "body")]
    assert summarize_changes(changes) == "correction added"


def test_an_earlier_version_note_is_a_correction():
    note = "An earlier version of this story misspelled the name of the minister."
    changes = compare_articles(_article(P1), _article(P1, note))
    assert [c.kind for c in changes] == ["correction"]


def test_a_new_correction_section_is_a_correction():
    old = _article(P1, P3)
    new = copy.deepcopy(old)
    new.sections.append(Section("correction", [Paragraph("The minister's name was wrong.")]))
    changes = compare_articles(old, new)
    assert changes == [Change("correction", None, "The minister's name was wrong.", "correction")]


def test_a_grown_update_reports_only_the_new_text():
    first = "The government has decided to withdraw."
    second = "The last troops will leave by April."
    old = Article(
        title="UPDATE: Troops",
        sections=[Section("update", [Paragraph(first)]), Section("original", [Paragraph(P3)])],
    )
    new = copy.deepcopy(old)
    new.sections[0].paragraphs.append(Paragraph(second))
    assert compare_articles(old, new) == [Change("update_added", None, second, "update")]


def test_an_inline_update_paragraph_and_its_follow_up_are_one_update():
    update = "UPDATE 2, 14:00: The last troops will leave by April."
    follow = "The defence minister confirmed the timetable."
    changes = compare_articles(_article(P1, P2), _article(update, follow, P1, P2))
    assert changes == [Change("update_added", None, f"{update}\n{follow}", "body")]


def test_an_inline_update_stops_at_old_text_and_at_a_correction():
    update = "Updated at 14:00 GMT: the last troops will leave by April."
    note = "Correction: an earlier version misstated the number of soldiers."
    added = "Sweden said it would keep its troops in place."
    changes = compare_articles(_article(P1, P2), _article(update, P1, added, note, P2))
    assert [(c.kind, c.after) for c in changes] == [
        ("update_added", update),
        ("added", added),
        ("correction", note),
    ]


def test_a_sentence_merely_starting_with_update_is_not_an_update():
    text = "Updates to the law were debated for hours."
    assert [c.kind for c in compare_articles(_article(P1), _article(P1, text))] == ["added"]


def test_each_new_live_entry_is_one_update():
    def entry(*texts):
        return Section("live_entry", [Paragraph(t) for t in texts], timestamp="2022-01-27T10:00")

    old = Article(title="Live: Mali", sections=[entry(P1)])
    new = Article(
        title="Live: Mali", sections=[entry(P3, P2), entry(P2.replace("in", "at")), entry(P1)]
    )
    changes = compare_articles(old, new)
    assert [(c.kind, c.section) for c in changes] == [
        ("update_added", "live_entry"),
        ("update_added", "live_entry"),
    ]
    assert changes[0].after == f"{P3}\n{P2}"
    assert summarize_changes(changes) == "2 updates added"


def test_a_sentence_fixed_and_moved_is_a_copy_edit():
    fixed = P1.replace("government has", "goverment has")
    changes = compare_articles(_article(fixed, P2, P3), _article(P2, P3, P1))
    assert changes == [Change("copy_edit", fixed, P1, "body")]


def test_the_original_story_label_is_not_news():
    old = _article(P1, P2)
    new = Article(
        title=old.title,
        sections=[
            Section("update", [Paragraph(P3)]),
            Section(
                "original", [Paragraph("Original story", "heading"), Paragraph(P1), Paragraph(P2)]
            ),
        ],
    )
    assert [c.kind for c in compare_articles(old, new)] == ["update_added"]


def test_a_new_subheading_in_the_body_is_added():
    new = _article(P1, "New leaders, new problems", P2)
    new.sections[0].paragraphs[1].kind = "heading"
    changes = compare_articles(_article(P1, P2), new)
    assert changes == [Change("added", None, "New leaders, new problems", "body")]


def test_headline_whitespace_is_not_a_change():
    assert compare_articles(_article(P1, title="A  title "), _article(P1, title="A title")) == []


def test_summary_counts_every_kind():
    changes = [
        Change("headline", "a", "b"),
        Change("update_added", None, "x", "update"),
        Change("update_added", None, "y", "update"),
        Change("copy_edit", "a", "b"),
        Change("copy_edit", "c", "d"),
        Change("added", None, "e"),
        Change("removed", "f"),
        Change("removed", "g"),
        Change("moved", "h", "h"),
        Change("correction", None, "i"),
        Change("factual", "80 mm", "85 mm"),
    ]
    assert summarize_changes(changes) == (
        "headline changed, 2 updates added, correction added, 1 factual change, "
        "2 wording edits, "
        "1 sentence added, 2 sentences removed, 1 sentence moved"
    )
