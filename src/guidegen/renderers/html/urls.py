"""Every URL an HTML document would fetch, so ``-f html`` keeps the PDF's URL policy.

A browser or WeasyPrint fetches what these name: ``src``, ``srcset``, ``data``,
``poster`` and ``background`` attributes, ``href`` of anything but a plain link (``<a>``
and ``<area>`` are followed only when clicked, unless they are attachments), ``<base
href>``, a refresh ``<meta>``, and in CSS (``<style>`` elements and ``style``
attributes) ``url()``, ``src()``, ``image-set()`` and ``@import``. CSS is read by
tinycss2, WeasyPrint's own CSS parser, so escapes cannot hide a URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import tinycss2

_FETCHED = frozenset({"src", "data", "poster", "background", "manifest"})
_LINKS = frozenset({"a", "area"})
_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\"]*)", re.I)


def fetched_urls(html: str, base: str) -> list[str]:
    """Return every URL ``html`` would fetch, in document order, resolved against ``base``.

    A ``<base href>`` in the document moves what relative URLs resolve against, as it
    would for a browser; it counts as fetched itself.
    """
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    inner = urljoin(base, scanner.base) if scanner.base is not None else base
    return [urljoin(inner, url.strip()) for url in scanner.urls]


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.in_style = False
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        rel = values.get("rel", "").lower().split()
        for name, value in values.items():
            if name in _FETCHED:
                self.urls.append(value)
            elif name == "srcset":
                self.urls += [item.split()[0] for item in value.split(",") if item.split()]
            elif name in ("href", "xlink:href") and (tag not in _LINKS or "attachment" in rel):
                self.urls.append(value)
            elif name == "style":
                self.urls += css_urls(value, declarations=True)
        refresh = _REFRESH.search(values.get("content", ""))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh" and refresh:
            self.urls.append(refresh.group(1))
        if tag == "base" and "href" in values and self.base is None:
            self.base = values["href"].strip()
        self.in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.in_style = False

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.urls += css_urls(data)


def css_urls(css: str, *, declarations: bool = False) -> list[str]:
    """Return the URLs a stylesheet (or a ``style`` attribute's declarations) would fetch."""
    if declarations:
        nodes: list[Any] = tinycss2.parse_blocks_contents(css)
    else:
        nodes = tinycss2.parse_stylesheet(css)
    return list(_walk(nodes))


def _walk(nodes: list[Any]) -> Iterator[str]:
    for node in nodes:
        kind = getattr(node, "type", "")
        if kind == "url":
            yield node.value
        elif kind == "function" and node.lower_name in ("url", "src"):
            yield from [arg.value for arg in node.arguments if arg.type == "string"][:1]
        elif kind == "function" and node.lower_name.endswith("image-set"):
            yield from (arg.value for arg in node.arguments if arg.type == "string")
        elif kind == "at-rule" and node.lower_at_keyword == "import":
            yield from (part.value for part in node.prelude if part.type == "string")
        for child in ("prelude", "content", "arguments", "value"):
            inner = getattr(node, child, None)
            if isinstance(inner, list):
                yield from _walk(inner)
