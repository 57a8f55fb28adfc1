"""The text drawn in a ReportLab PDF, for the tests (no PDF reader is installed: ReportLab writes
its page streams ASCII85- and Flate-encoded, with text in (...) Tj operators)."""

from __future__ import annotations

import base64
import contextlib
import re
import zlib

_STREAM = re.compile(rb"(?<!end)stream\r?\n(.*?)\s*endstream", re.DOTALL)
_TEXT = re.compile(rb"\((.*?)(?<!\\)\)\s*Tj")


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), "not a PDF"
    parts: list[str] = []
    for stream in _STREAM.findall(content):
        data = stream.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data[:-2])
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        for text in _TEXT.findall(data):
            parts.append(text.replace(rb"\(", b"(").replace(rb"\)", b")").decode("latin-1"))
    return " ".join(parts)
