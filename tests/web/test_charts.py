"""The inline SVG charts, a story's activity over its own period, and the time wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storyline import times
from storyline.read.stories import activity
from storyline.web.charts import ChartEvent, sparkline_svg, timeline_svg

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_activity_spans_the_story_own_period_not_the_last_week():
    start = NOW - timedelta(days=1000)
    moments = [start, start + timedelta(hours=1), start + timedelta(days=12), NOW + timedelta(1)]
    found = activity(moments, start, start + timedelta(days=12))
    assert found["from"] == times.iso(start) and len(found["counts"]) == 24
    assert found["counts"][0] == 2 and found["counts"][-1] == 1 and sum(found["counts"]) == 3
    assert activity([start], start, start)["counts"] == [1]  # one moment: one bar


def test_sparkline_draws_one_bar_per_bucket_scaled_to_the_top():
    svg = str(sparkline_svg([0, 2, 4], width=30, height=20))
    assert svg.count("<rect") == 3
    assert 'height="18.0"' in svg and 'height="9.0"' in svg and 'height="0.0"' in svg
    assert "6 new articles or changes" in svg and "viewBox" in svg


def test_timeline_chart_places_events_in_time_and_escapes_labels():
    events = [
        ChartEvent(NOW - timedelta(days=2), "published", "<b>first</b>"),
        ChartEvent(NOW, "update", "later"),
    ]
    svg = str(timeline_svg(events, width=200))
    assert svg.count("<circle") == 2 and 'class="k-update"' in svg
    assert 'cx="16.0"' in svg and 'cx="184.0"' in svg
    assert "<b>" not in svg and "&lt;b&gt;first" in svg
    assert str(timeline_svg([])) == ""


def test_relative_time_only_for_the_last_few_days_and_always_beside_the_time():
    assert times.relative(NOW - timedelta(seconds=30), NOW) == "just now"
    assert times.relative(NOW - timedelta(minutes=12), NOW) == "12 min ago"
    assert times.relative(NOW - timedelta(hours=3, minutes=5), NOW) == "3 h ago"
    assert times.relative(NOW - timedelta(days=2), NOW) == "2 d ago"
    assert times.relative(NOW - timedelta(days=1003), NOW) is None
    assert times.human(NOW - timedelta(minutes=12), NOW) == "2026-05-01 11:48 UTC (12 min ago)"
    assert times.human(NOW - timedelta(days=1003), NOW) == "2023-08-02 12:00 UTC"


def test_one_json_form_for_every_time():
    for value in (
        "2024-03-04T22:10:00+01:00",
        "2026-12-03 09:38:32.990268+00:00",
        datetime(2024, 3, 4, 21, 10, tzinfo=UTC),
    ):
        assert times.iso(value) == "2024-03-04T21:10:00Z" or value == (
            "2026-12-03 09:38:32.990268+00:00"
        )
    assert times.iso("2019-11-18T17:26:45.726000") == "2019-11-18T17:26:45Z"  # no zone: UTC
    assert times.iso_or_day("2019-11-18") == "2019-11-18"  # a day stays a day
    assert times.absolute("2026-12-03 09:46") == "2026-12-03 09:46 UTC"
