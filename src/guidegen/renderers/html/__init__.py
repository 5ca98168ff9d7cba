"""The HTML renderer: the document tree drawn by the Jinja templates, stylesheet inlined.

The PDF renderer lays out the same HTML with WeasyPrint; ``-f html`` writes it as one
self-contained file, behind two walls: nothing in it may fetch what the PDF may not, or
run at all (:mod:`.urls`, read as a browser reads it), and its first element in
``<head>`` is a Content-Security-Policy that lets a browser load only the styles and
images the file itself holds, should anything have slipped past the first wall.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup

from ...errors import Location, TemplateError
from ...tree import Document, Metadata, parts
from .. import RenderContext, Rendered
from ..urls import base_url, refusal
from .urls import parse, resolved, scan

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # annotations only: not imported to draw

#: what a browser may load for the HTML output: inline styles and data: images only
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                           "base-uri 'none'; form-action 'none'")
_POLICY = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_XHTML = "{http://www.w3.org/1999/xhtml}"


def render(document: Document, context: RenderContext) -> Rendered:
    """Return the document as one HTML file, its stylesheet inlined, behind its policy.

    Every URL it would fetch must pass the PDF's URL policy (:mod:`..urls`); nothing in
    it may run (:mod:`.urls`); its ``<head>`` starts with the Content-Security-Policy.
    """
    html = with_policy(render_html(document, context))
    root = parse(html)
    found = scan(root)
    if found.active:
        raise TemplateError(f"refused: {found.active[0]}; the HTML a template writes may "
                            "not run anything or load another page")
    folders = context.templates.folders
    for url in resolved(found, base_url(folders)):
        refused = refusal(url, folders)
        if refused is not None:
            raise TemplateError(refused)
    if not policy_first(root):
        raise TemplateError("the document template's HTML has no <head> where its "
                            "Content-Security-Policy can go first; write a plain <head> "
                            "in document.html.j2")
    return Rendered(html.encode("utf-8"))


def with_policy(html: str) -> str:
    """Return ``html`` with the Content-Security-Policy ``<meta>`` first in its ``<head>``."""
    head = _HEAD.search(html)
    return html if head is None else html[:head.end()] + _POLICY + html[head.end():]


def policy_first(root: Element) -> bool:
    """Return whether the document's ``<head>`` begins with the policy, as a browser reads it."""
    head = root.find(f"{_XHTML}head")
    children = list(head) if head is not None else []
    first = next((e for e in children if isinstance(e.tag, str)), None)
    return first is not None and first.tag == f"{_XHTML}meta" and dict(first.attrib) == {
        "http-equiv": "Content-Security-Policy", "content": CONTENT_SECURITY_POLICY}


def render_html(document: Document, context: RenderContext,
                sources: Sources | None = None) -> str:
    """Return the document as HTML text.

    With ``sources``, the elements drawn for blocks carry ``data-src``, an index into
    ``sources.locations`` (the PDF's layout preflight maps what it finds back to the
    content with it); the HTML output itself carries no such attributes. What the same
    inputs drew in an earlier process is taken from the cache folder, Jinja not imported
    (:mod:`..speed.drawn`).
    """
    from ..speed.drawn import drawn

    def draw() -> tuple[str, tuple[Location, ...]]:
        html = _draw(document, context, sources)
        return html, tuple(sources.locations) if sources is not None else ()

    html, places = drawn(document, context, None if sources is None
                         else tuple(sources.locations), draw)
    if sources is not None:
        sources.take(places)
    return html


def _draw(document: Document, context: RenderContext, sources: Sources | None) -> str:
    """Return the document as HTML text, drawn by the templates (see :func:`render_html`)."""
    from .css import role_css
    from .templating import DOCUMENT_TEMPLATE, STYLESHEET_TEMPLATE, read_as, render_template

    folders, theme = context.templates.folders, context.templates.theme
    read_as(folders, context.templates.digest)  # what is kept under it is drawn from it
    look = context.templates.styles
    css = render_template(folders, STYLESHEET_TEMPLATE, theme=theme, document=document,
                          parts=parts(document), look=look,
                          styles=role_css(look, document.meta.language),
                          tightened=_tightened(document, context))
    return render_template(folders, DOCUMENT_TEMPLATE, document=document, theme=theme,
                           stylesheet=Markup(css), meta=html_meta(document.meta),
                           source=sources or _no_source, look=look,
                           has_parts=bool(parts(document)))


def _tightened(document: Document, context: RenderContext) -> dict[str, Markup]:
    """Return the rules of each part laid out at a level of its own, by its anchor."""
    from .css import role_css

    templates, found = context.templates, {}
    for part in parts(document):
        if part.tightened:
            tight = templates.with_theme(templates.theme.tightened(part.tightened))
            found[part.anchor] = role_css(tight.styles, document.meta.language).scoped(
                f"#{part.anchor}")
    return found


class Sources:
    """Where in the content each tagged HTML element came from (see :func:`render_html`).

    ``known`` places keep their indexes (those of another layout of the same content).
    """

    def __init__(self, known: Sequence[Location] = ()) -> None:
        self.locations: list[Location] = list(known)
        self._index: dict[Location, int] = {place: n for n, place in enumerate(known)}

    def __call__(self, block: object) -> Markup:
        """Return the ``data-src`` attribute of the element drawn for ``block``."""
        location = getattr(block, "source", None)
        if location is None:
            return Markup("")
        index = self._index.setdefault(location, len(self.locations))
        if index == len(self.locations):
            self.locations.append(location)
        return Markup(' data-src="%d"') % index

    def take(self, places: Sequence[Location]) -> None:
        """Hold ``places`` as the known ones after a drawing (an earlier process's, kept)."""
        self.locations = list(places)
        self._index = {place: n for n, place in enumerate(places)}


def _no_source(block: object) -> Markup:
    return Markup("")


#: the document properties of a controlled document, by the key the PDF's Info gives them
CONTROL_PROPERTIES = {"Document number": "DocumentNumber", "Version": "Version",
                      "Effective date": "EffectiveDate", "Status": "Status"}


def html_meta(meta: Metadata) -> dict[str, str]:
    """Return the ``<meta>`` names and contents WeasyPrint turns into PDF metadata."""
    found = {"author": meta.author, "description": meta.subtitle,
             "keywords": ", ".join(meta.keywords), "generator": "guidegen"}
    # a controlled document's number, version, effective date and status: the PDF's
    # document information carries them, as the DOCX's custom properties do
    custom = dict(meta.custom)
    found |= {key: custom.get(name, "") for name, key in CONTROL_PROPERTIES.items()}
    if meta.date is not None:
        when = meta.date.astimezone(datetime.UTC)
        stamp = f"{when.year:04d}-{when:%m-%dT%H:%M:%S}Z"  # %Y pads no year below 1000
        found |= {"dcterms.created": stamp, "dcterms.modified": stamp}
    return {name: value for name, value in found.items() if value}
