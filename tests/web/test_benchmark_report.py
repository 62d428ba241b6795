"""The web benchmarks write their tables into their own blocks of the "## Web" section."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

DOC = "# Benchmarks\n\n## Web\n\nHow to read it.\n\n## Ingest\n\nNot ours.\n"


def _write_block():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from web_report import write_block
    finally:
        sys.path.remove(str(BENCHMARKS))
    return write_block


def test_blocks_go_under_the_heading_then_after_each_other_and_are_rewritten(tmp_path):
    write_block = _write_block()
    doc = tmp_path / "benchmarks.md"
    doc.write_text(DOC)
    write_block(doc, "web-wrk-workers1", "one process")
    write_block(doc, "web-cpu", "in-process")
    write_block(doc, "web-wrk-workers2", "two processes")
    write_block(doc, "web-wrk-workers1", "one process, again")
    text = doc.read_text()
    blocks = [
        f"<!-- {name}:start -->\n{body}\n<!-- {name}:end -->"
        for name, body in (
            ("web-wrk-workers1", "one process, again"),
            ("web-cpu", "in-process"),
            ("web-wrk-workers2", "two processes"),
        )
    ]
    assert text == (
        "# Benchmarks\n\n## Web\n\n" + "\n\n".join(blocks) + "\n\nHow to read it.\n\n"
        "## Ingest\n\nNot ours.\n"
    )


def test_rounds_report_each_figures_median_and_every_rounds_p95():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import web_wrk
    finally:
        sys.path.remove(str(BENCHMARKS))

    def run(p95: float) -> web_wrk.WrkResult:
        return web_wrk.WrkResult(requests=100, errors=0, p50=p95 / 2, p95=p95, p99=2 * p95, rate=9)

    rounds = [
        web_wrk.Measured("API `/api/x`", "api", 10, run(1), run(p95), run(5))
        for p95 in (61.0, 40.0, 45.0)
    ]
    median = web_wrk.median_round(rounds)
    assert (median.cold.p95, median.cold.p50, median.cold.p99) == (45.0, 22.5, 90.0)
    row = web_wrk.table([median], 20, [rounds]).splitlines()[-1]
    assert row.endswith("| < 50 ms (met) | 61.0 / 40.0 / 45.0 |")
