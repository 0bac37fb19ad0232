"""A minimal PDF writer for receipts and invoices: one page, a title and lines of text.

Standard Type 1 fonts with WinAnsi encoding carry Italian and most Hungarian text;
the double-acute letters they lack (ő, ű) are written as ö, ü.
"""

from __future__ import annotations

__all__ = ["render_pdf"]

_FALLBACK = str.maketrans({"ő": "ö", "ű": "ü", "Ő": "Ö", "Ű": "Ü", "—": "-", "→": "->"})


def _text(value: str) -> bytes:
    raw = value.translate(_FALLBACK).encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def render_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF document."""
    content = [b"BT", b"/F2 16 Tf", b"56 780 Td", b"(" + _text(title) + b") Tj", b"/F1 11 Tf"]
    content.append(b"0 -30 Td")
    for line in lines:
        content.append(b"(" + _text(line) + b") Tj")
        content.append(b"0 -16 Td")
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
