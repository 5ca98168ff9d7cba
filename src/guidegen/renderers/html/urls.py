"""What an HTML document would fetch or run, read as a browser reads it.

``-f html`` keeps the PDF's URL policy: :func:`scan` finds every URL the document
would make a browser fetch, and everything that would run or fetch on its own, which
is refused outright. The document is parsed by tinyhtml5, the HTML5 parser WeasyPrint
ships (it follows the WHATWG parsing rules browsers follow), so markup a simpler parser
reads differently (``<!-->``, ``--!>``, SVG's foreign content) hides nothing.

Fetched are: ``src``, ``data``, ``poster``, ``background`` and the like, every
candidate of ``srcset`` and ``imagesrcset``, ``href`` of anything but a plain link
(``<a>`` and ``<area>`` are followed only when clicked, unless they are attachments),
``<base href>``, and in CSS (``<style>`` elements, SVG's included, and ``style``
attributes) ``url()``, ``src()``, ``image-set()`` and ``@import``, read by tinycss2,
WeasyPrint's own CSS parser, so escapes cannot hide a URL. Refused whatever they name
are scripts (``<script>``, ``on*`` handlers), documents inside the document
(``<iframe>``, ``srcdoc``, ``<object>``, ``<embed>``), SVG animations (they can set a
``href``) and a refresh ``<meta>`` (with or without ``url=``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # annotations only: not imported to draw

_FETCHED = frozenset({"src", "data", "poster", "background", "manifest", "lowsrc",
                      "dynsrc", "action", "formaction", "ping", "codebase", "archive",
                      "icon", "profile"})
_CANDIDATES = frozenset({"srcset", "imagesrcset"})
_LINKS = frozenset({"a", "area"})
_ACTIVE = {  # elements refused whatever they hold, and why
    "script": "a script", "iframe": "a document inside the document",
    "frame": "a document inside the document", "frameset": "frames",
    "object": "an embedded object", "embed": "an embedded object",
    "applet": "an embedded object", "portal": "a document inside the document",
    "animate": "an SVG animation", "set": "an SVG animation",
    "animatemotion": "an SVG animation", "animatetransform": "an SVG animation",
    "discard": "an SVG animation",
}


@dataclass
class Scan:
    """What a document would fetch (``urls``, as written) and what it would run."""

    urls: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)  # a message for each
    base: str | None = None


def parse(html: str) -> Element:
    """Return the tree a browser builds from ``html`` (tinyhtml5, WeasyPrint's parser)."""
    import tinyhtml5

    root: Element = tinyhtml5.parse(html)
    return root


def scan(root: Element) -> Scan:
    """Return every URL the document ``root`` would fetch, and what in it would run."""
    found = Scan()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        _scan_element(element, _local(element.tag), found)
    return found


def resolved(found: Scan, base: str) -> list[str]:
    """Return the URLs of ``found``, resolved against ``base`` (or the document's own)."""
    inner = urljoin(base, found.base) if found.base is not None else base
    return [urljoin(inner, url.strip()) for url in found.urls]


def _local(name: str) -> str:
    """Return a tag's or an attribute's name without its namespace, in lower case."""
    return name.rsplit("}", 1)[-1].lower()


def _scan_element(element: Element, tag: str, found: Scan) -> None:
    if tag in _ACTIVE:
        found.active.append(f"<{tag}> is {_ACTIVE[tag]}")
    values = {_local(name): value for name, value in element.attrib.items()}
    rel = values.get("rel", "").lower().split()
    for name, value in values.items():
        if name.startswith("on"):
            found.active.append(f"the {name} attribute of <{tag}> is a script")
        elif name == "srcdoc":
            found.active.append(f"the srcdoc attribute of <{tag}> is a document inside "
                                "the document")
        elif name in _FETCHED:
            found.urls.append(value)
        elif name in _CANDIDATES:
            found.urls += [item.split()[0] for item in value.split(",") if item.split()]
        elif name == "href" and (tag not in _LINKS or "attachment" in rel):
            found.urls.append(value)
        elif name == "style":
            found.urls += css_urls(value, declarations=True)
    if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
        found.active.append("a refresh <meta> loads another page")
    if tag == "base" and "href" in values and found.base is None:
        found.base = values["href"].strip()
    if tag == "style":
        found.urls += css_urls("".join(element.itertext()))


def css_urls(css: str, *, declarations: bool = False) -> list[str]:
    """Return the URLs a stylesheet (or a ``style`` attribute's declarations) would fetch."""
    import tinycss2  # here: the PDF's HTML (drawn on a cold build's critical path) needs none

    if declarations:
        return list(_walk(tinycss2.parse_blocks_contents(css)))
    return list(_stylesheet_urls(css))


@functools.lru_cache(maxsize=8)
def _stylesheet_urls(css: str) -> tuple[str, ...]:
    """Return the URLs the stylesheet ``css`` would fetch, remembered by its text.

    A warm rebuild's stylesheet is the last one's unless the running title or the theme
    changed (``serve``, ``watch``, a roster's packets); tokenizing the default guide's
    again takes 13 ms of CPU (a profile on a loaded machine had made it 0.43 s).
    """
    import tinycss2  # here: the PDF's HTML (drawn on a cold build's critical path) needs none

    return tuple(_walk(tinycss2.parse_stylesheet(css)))


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
