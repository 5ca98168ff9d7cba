"""XML escaping for the writers that write markup by hand (the PDF's XMP, the DOCX's parts)."""

from __future__ import annotations


def escape(text: str, quote: bool = False) -> str:
    """Return ``text`` escaped for XML (and ``"`` too if ``quote``), as ``xml.sax.saxutils``.

    Neither that module, which imports ``urllib.request`` (http, ssl, email: 12 ms of CPU
    after the PDF's hand-off, in the process that builds the DOCX), nor :mod:`html`, which
    imports ``html.entities`` (10 ms, in the main process before the hand-off).
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text
