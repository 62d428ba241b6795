"""No regular expression in ``src/`` backtracks catastrophically on hostile input.

Pages, feeds and archives come from outside, so every pattern storyline runs on them must
finish in time roughly linear (at worst quadratic, on short strings) in its input. A static
checker (regexploit 1.0) was tried first: it misses the ambiguity that hung
``extract/html.py`` (a lazy ``.*?`` under ``DOTALL`` that can swallow the next comment's
``-->`` inside a repeated group), so this test attacks each pattern instead.

Every compiled pattern is collected twice over: the ``re.Pattern`` objects the modules hold
(module globals, class attributes, and tuples/dicts of them), and the literal patterns
passed inline to ``re.compile``/``re.sub``/... (read from the source with ``ast``). For
each repeated part of a pattern (``*``, ``+``, ``{m,n}``) a string it matches is pumped
to a few thousand characters, behind a string that reaches it and before a character
that makes the match fail: the input shape that makes a backtracking engine try every way
of splitting the pumped run. A linear pattern answers in well under a millisecond, a
quadratic one in tens of milliseconds; cubic and exponential ones do not answer at all,
and the generous time limit (an alarm) only catches those.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import re._constants as sre
import re._parser as sre_parse
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

import storyline

SRC = Path(storyline.__file__).resolve().parent
LIMIT_SECONDS = 2.0  # per attack; a linear pattern needs about a millisecond here
PUMP_CHARS = 1500
_KILLERS = ("", "!", "\n", "a", "0", "<")
_POOL = "a0 \n!-.,:;<>/=\"'_Aé\u00a0–’#@()[]|&?*+$%\t"
_CALLS = {"compile", "sub", "subn", "match", "search", "fullmatch", "split", "findall", "finditer"}
_WIDTH = 3  # witnesses kept per sub-pattern


def _module_patterns() -> dict[tuple[str, int], str]:
    found: dict[tuple[str, int], str] = {}

    def walk(value: object, where: str, depth: int = 0) -> None:
        if isinstance(value, re.Pattern):
            if isinstance(value.pattern, str):
                found.setdefault((value.pattern, value.flags), where)
        elif depth < 3 and isinstance(value, dict):
            for item in value.values():
                walk(item, where, depth + 1)
        elif depth < 3 and isinstance(value, list | tuple | set | frozenset):
            for item in value:
                walk(item, where, depth + 1)

    for info in pkgutil.walk_packages(storyline.__path__, "storyline."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__:
                for attr, member in vars(value).items():
                    walk(member, f"{info.name}.{name}.{attr}")
            else:
                walk(value, f"{info.name}.{name}")
    return found


def _inline_patterns() -> dict[tuple[str, int], str]:
    """Literal patterns given directly to ``re.<function>(...)`` anywhere in ``src/``."""
    found: dict[tuple[str, int], str] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = ".".join(("storyline", *path.relative_to(SRC).with_suffix("").parts))
        namespace = vars(importlib.import_module(name.removesuffix(".__init__")))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _CALLS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            flags = next((k.value for k in node.keywords if k.arg == "flags"), None)
            if flags is None and node.func.attr == "compile" and len(node.args) > 1:
                flags = node.args[1]
            expression = compile(ast.Expression(flags), "", "eval") if flags else None
            value = eval(expression, dict(namespace)) if expression else 0
            compiled = re.compile(node.args[0].value, value)
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            found.setdefault((compiled.pattern, compiled.flags), where)
    return found


def _all_patterns() -> list[tuple[re.Pattern[str], str]]:
    found = _module_patterns()
    for key, where in _inline_patterns().items():
        found.setdefault(key, where)
    return [(re.compile(pattern, flags), where) for (pattern, flags), where in found.items()]


# -- strings a parsed pattern matches --------------------------------------------------


def _class_chars(items: list, flags: int) -> list[str]:
    """A few characters of the pool that a character class ``[...]`` accepts."""
    negate = bool(items) and items[0][0] is sre.NEGATE
    tests = items[1:] if negate else items
    category = {
        sre.CATEGORY_DIGIT: r"\d",
        sre.CATEGORY_NOT_DIGIT: r"\D",
        sre.CATEGORY_SPACE: r"\s",
        sre.CATEGORY_NOT_SPACE: r"\S",
        sre.CATEGORY_WORD: r"\w",
        sre.CATEGORY_NOT_WORD: r"\W",
    }
    literals = [chr(arg) for op, arg in tests if op is sre.LITERAL]

    def accepts(char: str) -> bool:
        for op, arg in tests:
            if op is sre.LITERAL and char == chr(arg):
                return True
            if op is sre.RANGE and arg[0] <= ord(char) <= arg[1]:
                return True
            if op is sre.CATEGORY and arg in category and re.fullmatch(category[arg], char):
                return True
        return False

    chars = [c for c in (*literals, *_POOL) if accepts(c) != negate]
    if not chars and not negate:
        chars = [chr(arg[0]) for op, arg in tests if op is sre.RANGE]
    return list(dict.fromkeys(chars))[:_WIDTH]


def _witnesses(pattern: sre_parse.SubPattern | list, flags: int) -> list[str]:
    """Up to ``_WIDTH`` short strings that the node sequence matches (ignoring lookarounds)."""
    results = [""]
    for op, arg in pattern:
        options = _node_witnesses(op, arg, flags)
        if options:
            results = [r + o for r in results for o in options][:_WIDTH]
    return results


def _node_witnesses(op: object, arg: object, flags: int) -> list[str]:
    if op is sre.LITERAL:
        return [chr(arg)]
    if op is sre.NOT_LITERAL:
        return ["a" if arg != ord("a") else "b"]
    if op is sre.ANY:
        return ["a", "-"]
    if op is sre.IN:
        return _class_chars(arg, flags)
    if op is sre.BRANCH:
        return [w for alt in arg[1] for w in _witnesses(alt, flags)[:1]][: _WIDTH * 2]
    if op is sre.SUBPATTERN:
        return _witnesses(arg[3], flags)
    if op is sre.ATOMIC_GROUP:
        return _witnesses(arg, flags)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, body = arg
        return [w * max(1, min(low, 50)) for w in _witnesses(body, flags)]
    if op is sre.GROUPREF_EXISTS:
        return _witnesses(arg[1], flags)
    return [""]  # anchors, lookarounds, back-references


def _attacks(pattern: re.Pattern[str]) -> Iterator[str]:
    """Inputs that pump each repeated part of ``pattern`` and then fail."""
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    seen: set[str] = set()
    for prefix, pump in _pumps(parsed, "", pattern.flags):
        if not pump:
            continue
        run = pump * (PUMP_CHARS // len(pump) + 1)
        for start in dict.fromkeys((prefix, "")):
            for killer in _KILLERS:
                text = start + run + killer
                if text not in seen:
                    seen.add(text)
                    yield text


def _pumps(sequence: list, prefix: str, flags: int) -> Iterator[tuple[str, str]]:
    """(string that reaches the node, string the node repeats) for every repetition."""
    for op, arg in sequence:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            _, high, body = arg
            if high > 1:
                for pump in _witnesses(body, flags):
                    yield prefix, pump
            yield from _pumps(body, prefix, flags)
        elif op is sre.SUBPATTERN:
            yield from _pumps(arg[3], prefix, flags)
        elif op is sre.ATOMIC_GROUP:
            yield from _pumps(arg, prefix, flags)
        elif op is sre.BRANCH:
            for alt in arg[1]:
                yield from _pumps(alt, prefix, flags)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            yield from _pumps(arg[1], prefix, flags)
        prefix += (_node_witnesses(op, arg, flags) or [""])[0]


# -- running under a limit -------------------------------------------------------------


class _TooSlow(Exception):
    pass


def _slowest_attack(pattern: re.Pattern[str], limit: float = LIMIT_SECONDS) -> str | None:
    """The first attack that does not finish within ``limit`` seconds, or ``None``."""

    def alarm(signum: int, frame: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, alarm)
    try:
        for text in _attacks(pattern):
            signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                pattern.search(text)
                pattern.fullmatch(text)
            except _TooSlow:
                return text
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return None


def _describe(text: str) -> str:
    return repr(text[:60]) + (f"... ({len(text)} chars)" if len(text) > 60 else "")


PATTERNS = _all_patterns()


@pytest.mark.parametrize("pattern", [p for p, _ in PATTERNS], ids=[where for _, where in PATTERNS])
def test_pattern_does_not_backtrack_catastrophically(pattern: re.Pattern[str]) -> None:
    hit = _slowest_attack(pattern)
    assert hit is None, f"{pattern.pattern!r} took over {LIMIT_SECONDS} s on {_describe(hit)}"


def test_every_pattern_in_src_is_checked() -> None:
    """The collection sees both kinds of pattern: module-level and inline literals."""
    wheres = [where for _, where in PATTERNS]
    assert any(w.startswith("storyline.extract.patterns.") for w in wheres)
    assert any(".py:" in w for w in wheres)
    assert len(PATTERNS) > 80


@pytest.mark.parametrize(
    ("source", "flags"),
    [
        (r"(a+)+$", 0),
        (r"^(\w+\s?)*$", 0),
        (r"(x|x)*y", 0),
        (r"\s*(?:(?:<!--.*?-->|<!doctype[^>]*>)\s*)*", re.IGNORECASE | re.DOTALL),
        (r"(?:\d+,?)+;", 0),
        (r"^(?:[a-z]+\.?)*[a-z]+@", 0),
        (r"^\s*(?:updated|posted)\s*:?\s*\d*\s*$", 0),  # cubic, not exponential
        (r"\s*[|-]?\s*\d+ hours ago", 0),  # cubic under search
    ],
)
def test_known_catastrophic_patterns_are_caught(source: str, flags: int) -> None:
    """The attack generator finds the classic exponential and cubic shapes (so the check
    can fail); a shorter limit than the real check's, since these are known to hang."""
    assert _slowest_attack(re.compile(source, flags), limit=1.0) is not None
