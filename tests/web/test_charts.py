"""The inline SVG charts and the relative-time wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storyline.web.charts import ChartEvent, activity_counts, sparkline_svg, timeline_svg
from storyline.web.templating import ago

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_activity_counts_buckets_the_last_week():
    times = [
        NOW - timedelta(minutes=5),
        NOW - timedelta(hours=1),
        NOW - timedelta(days=6, hours=23),
        NOW - timedelta(days=8),
        NOW + timedelta(hours=1),
    ]
    counts = activity_counts(times, NOW, buckets=7)
    assert counts == [1, 0, 0, 0, 0, 0, 2]


def test_sparkline_draws_one_bar_per_bucket_scaled_to_the_top():
    svg = str(sparkline_svg([0, 2, 4], width=30, height=20))
    assert svg.count("<rect") == 3
    assert 'height="18.0"' in svg and 'height="9.0"' in svg and 'height="0.0"' in svg
    assert "6 changes" in svg


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


def test_ago_wording():
    assert ago(NOW - timedelta(seconds=30), NOW) == "just now"
    assert ago(NOW - timedelta(minutes=12), NOW) == "12 min ago"
    assert ago(NOW - timedelta(hours=3, minutes=5), NOW) == "3 h ago"
    assert ago(NOW - timedelta(days=2), NOW) == "2 d ago"
