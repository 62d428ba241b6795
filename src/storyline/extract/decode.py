"""Page bytes → text: the declared charset when it is right, else a sniffed one.

News pages lie about their encoding often enough (a ``<meta charset=iso-8859-1>`` template
around UTF-8 text, a server header from another decade) that the declaration is only
trusted when the bytes actually decode under it. The order is: byte-order mark, UTF-8
(bytes that are valid UTF-8 are UTF-8: other encodings almost never produce valid
multi-byte sequences by accident), the declared charset (HTTP header, then ``<meta>``),
then charset-normalizer's guess.
Input that is not text at all (images, archives, executables) is refused here with an
``InputError``, so nothing downstream has to guess what a PNG "means".
"""

from __future__ import annotations

import codecs
import re

from storyline.errors import InputError, PageTooLargeError

MAX_PAGE_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
# Signatures of common binary formats that are sometimes saved or served as ".html".
_BINARY_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip-compressed data (name the file .gz to have it unpacked)"),
    (b"RIFF", "a RIFF file (WebP image, WAV audio)"),
    (b"\x7fELF", "an executable"),
)
# Declared names that mean "Windows-1252" in practice (WHATWG encoding standard).
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "x-sjis": "shift_jis",
}


def check_size(size: int, max_bytes: int = MAX_PAGE_BYTES, where: str = "page") -> None:
    """Raise ``PageTooLargeError`` when ``size`` is over the cap, naming the setting."""
    if size > max_bytes:
        raise PageTooLargeError(
            f"{where} is {size:,} bytes, over the {max_bytes:,}-byte cap; "
            "raise the extract_max_bytes setting to accept larger pages"
        )


def decode_html(
    data: str | bytes, content_type: str | None = None, max_bytes: int = MAX_PAGE_BYTES
) -> str:
    """Decode page bytes to text with the declared charset, when it fits, else a sniffed one."""
    if isinstance(data, str):
        check_size(len(data), max_bytes)
        return data
    check_size(len(data), max_bytes)
    _refuse_binary(data)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if wide := _utf16_without_bom(data[:4096]):
        return data.decode(wide, errors="replace")
    try:
        return data.decode("utf-8")  # valid UTF-8 with non-ASCII bytes is UTF-8, whatever
    except UnicodeDecodeError:  # the page declares (templates often lie)
        pass
    for encoding in _declared(data, content_type):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(_sniff(data), errors="replace")


def decoded_by_guess(data: bytes, content_type: str | None = None) -> bool:
    """Whether ``decode_html`` reads these bytes by charset-normalizer's guess: no BOM, not
    UTF-8, and no charset they declare fits (a batch ingest reports such pages)."""
    if data.startswith(tuple(bom for bom, _ in _BOMS)) or _utf16_without_bom(data[:4096]):
        return False
    for encoding in ("utf-8", *_declared(data, content_type)):
        try:
            data.decode(encoding)
            return False
        except (UnicodeDecodeError, LookupError):
            continue
    return True


def _declared(data: bytes, content_type: str | None) -> list[str]:
    """Charsets the page claims, most authoritative first, normalised to Python codec names."""
    names: list[str] = []
    if content_type and (match := _HEADER_CHARSET.search(content_type)):
        names.append(match.group(1))
    if meta := _META_CHARSET.search(data[:8192]):
        names.append(meta.group(1).decode("ascii", errors="ignore"))
    result = []
    for name in names:
        name = name.strip().lower()
        name = _ALIASES.get(name, name)
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        if codec.startswith("utf-16") or codec.startswith("utf-32"):
            continue  # a meta tag readable as ASCII cannot be UTF-16; the BOM decides
        if codec not in result:
            result.append(codec)
    return result


def _sniff(data: bytes) -> str:
    """The most likely encoding of bytes that are not valid UTF-8."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best else "cp1252"


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte is NUL (markup in UTF-16, no BOM)."""
    if len(sample) < 8:
        return None
    half = len(sample) // 2
    if sample[1::2].count(0) > 0.8 * half:
        return "utf-16-le"
    if sample[0::2].count(0) > 0.8 * half:
        return "utf-16-be"
    return None


def _refuse_binary(data: bytes) -> None:
    """Raise ``InputError`` for bytes that are plainly not a text document."""
    head = data[:16]
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise InputError(f"input is {what}, not an HTML page")
    sample = data[:4096]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if _utf16_without_bom(sample) is None:
            raise InputError("input is binary data (it contains NUL bytes), not an HTML page")
