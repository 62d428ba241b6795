"""`storyline extract`: files, .gz, stdin, URLs, --json, and its errors."""

from __future__ import annotations

import functools
import gzip
import json
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import cli

PARAGRAPHS = [
    "Danish troops will leave Mali after the transitional government asked them to go, "
    "the foreign minister said on Thursday evening in Copenhagen.",
    "The contingent of about one hundred soldiers arrived only weeks ago as part of a "
    "European special forces task force operating in the Sahel region.",
    "Officials said the withdrawal would take several weeks to organise.",
]
PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Danish troops leaving Mali | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2022-01-27T10:00:00+01:00">
</head><body><nav><a href="/">Home</a></nav><article>
<h1>Danish troops leaving Mali</h1>
<p>{PARAGRAPHS[0]}</p><h2>Task force</h2><p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p>
</article><footer>Example News, all rights reserved</footer></body></html>"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Settings for a test run: no user config file, local addresses allowed, no waiting."""
    return {
        "STORYLINE_CONFIG": str(tmp_path / "none.toml"),
        "STORYLINE_ALLOW_PRIVATE": "1",
        "STORYLINE_THROTTLE_DELAY": "0",
        "STORYLINE_FETCH_RETRIES": "0",
    }


def _run(args: list[str], env: dict[str, str], stdin: bytes | None = None):
    return CliRunner().invoke(cli, args, input=stdin, env=env, obj={})


def test_file_prints_headline_byline_date_and_body(tmp_path, env):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    result = _run(["extract", str(path)], env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Danish troops leaving Mali"
    assert "By Jane Doe · 2022-01-27T10:00:00+01:00" in result.output
    assert "### Task force" in result.output
    assert PARAGRAPHS[2] in result.output
    assert "all rights reserved" not in result.output


def test_gzipped_file_as_json(tmp_path, env):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(PAGE.encode("utf-8")))
    result = _run(["extract", str(path), "--json", "--url", "https://example.com/mali"], env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "Danish troops leaving Mali"
    assert data["authors"] == ["Jane Doe"]
    assert data["url"] == "https://example.com/mali"
    assert data["site_name"] == "Example News"
    assert data["no_article"] is False
    assert data["body_text"].startswith(PARAGRAPHS[0])


def test_stdin(env):
    result = _run(["extract", "-", "--json"], env, stdin=PAGE.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert PARAGRAPHS[1] in json.loads(result.output)["body_text"]


def test_missing_file_exits_1_with_one_line(env):
    result = _run(["extract", "/no/such/page.html"], env)
    assert result.exit_code == 1
    assert result.output.strip() == "error: /no/such/page.html: no such file"


@pytest.mark.parametrize("url", ["http://", "https://exa mple.com/a", "https://bad_host!/a"])
def test_malformed_url_exits_1(env, url):
    result = _run(["extract", url], env)
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "URL" in result.output
    assert "Traceback" not in result.output


def test_png_named_html_exits_1(tmp_path, env):
    path = tmp_path / "photo.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = _run(["extract", str(path)], env)
    assert result.exit_code == 1
    assert "PNG image, not an HTML page" in result.output


def test_file_over_the_size_cap_exits_1(tmp_path, env):
    path = tmp_path / "big.html"
    path.write_text(PAGE, encoding="utf-8")
    result = _run(["extract", str(path)], {**env, "STORYLINE_EXTRACT_MAX_BYTES": "100"})
    assert result.exit_code == 1
    assert "extract_max_bytes" in result.output


@pytest.fixture
def local_site(tmp_path: Path):
    """A plain http.server on 127.0.0.1 serving one article page (robots.txt: 404)."""
    (tmp_path / "mali.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_url_from_a_local_server(local_site, env):
    result = _run(["extract", f"{local_site}/mali.html", "--json"], env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["url"] == f"{local_site}/mali.html"
    assert data["title"] == "Danish troops leaving Mali"
    assert PARAGRAPHS[0] in data["body_text"]


def test_url_that_answers_404_exits_1(local_site, env):
    result = _run(["extract", f"{local_site}/gone.html"], env)
    assert result.exit_code == 1
    assert "404" in result.output


def test_python_dash_m_entry_point(tmp_path, env):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "storyline", "extract", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Danish troops leaving Mali\n")
    missing = subprocess.run(
        [sys.executable, "-m", "storyline", "extract", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: ") and "no such file" in missing.stderr


def test_directory_and_corrupt_gzip_exit_1(tmp_path, env):
    result = _run(["extract", str(tmp_path)], env)
    assert result.exit_code == 1 and "is a directory" in result.output
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    result = _run(["extract", str(broken)], env)
    assert result.exit_code == 1 and "cannot read" in result.output


def test_plain_text_file_is_read_as_text(tmp_path, env):
    path = tmp_path / "story.txt"
    path.write_text("Danish troops leaving Mali\n\n" + "\n\n".join(PARAGRAPHS), encoding="utf-8")
    result = _run(["extract", str(path), "--json"], env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "Danish troops leaving Mali"
    assert PARAGRAPHS[2] in data["body_text"]


def test_page_without_an_article_says_so(tmp_path, env):
    path = tmp_path / "menu.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    result = _run(["extract", str(path)], env)
    assert result.exit_code == 0
    assert "(no article found on this page)" in result.output


def test_text_output_shows_update_time_and_site(tmp_path, env):
    page = PAGE.replace(
        "</head>",
        '<meta property="article:modified_time" content="2022-01-28T09:00:00+01:00"></head>',
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    result = _run(["extract", str(path)], env)
    assert result.exit_code == 0, result.output
    assert (
        "By Jane Doe · 2022-01-27T10:00:00+01:00 · updated 2022-01-28T09:00:00+01:00 · Example News"
    ) in result.output
