"""The renderers' contract: every field of every tree node reaches every format.

A small document holds every kind of node. For each field of each node type, the test
changes that field's value in one node (:data:`CHANGES`), renders the document in every
format (the DOCX with the unchanged document's page map, so that it changes only where
it draws the field itself) and asserts that each output changed. A field a format
deliberately leaves out is listed in :data:`IGNORED` with the reason; the test fails as
well when a listed field does change that output, so the list stays true. A new field
without an entry here fails the test.
"""

from __future__ import annotations

import dataclasses
import datetime
import struct
import zlib
from collections.abc import Callable
from functools import cache, partial
from typing import Any, NamedTuple

import pytest

from guidegen.common.language import Language
from guidegen.renderers import (
    FORMATS,
    RENDERERS,
    PageMap,
    RenderContext,
    Rendered,
    get_preparer,
    paginating,
)
from guidegen.theme import load_templates
from guidegen.tree import (
    Cell,
    Code,
    Contents,
    ContentsEntry,
    Document,
    Emph,
    Fields,
    Heading,
    Image,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Paragraph,
    Running,
    Section,
    Span,
    Strong,
    Table,
    Text,
)


def png(red: int) -> bytes:
    """Return a small PNG picture of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\0" + bytes((red, 90, 160)) * 60 for _ in range(20))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60, 20, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PAGE = (("text", "Page "), ("page", ""), ("text", " of "), ("pages", ""))
PART = Running("Part one's title", "PT-1 · Version 2", PAGE, "Part's blank page")
BASE = Document(
    Metadata("Contract guide", Language.of("en"), "What every renderer draws", "Ada Author",
             ("quality",), "New staff", "1.0", "Draft",
             datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC), (("Owner", "QA"),)),
    Running("Contract guide", "CG-1 · Version 1.0", (("text", "Packet page "), ("page", "")),
            "This page is left blank"),
    (Section((Image(png(200), "image/png", "Logo of the QA team"),
              Heading(1, "Contract guide", "title", key="guide.title"),
              Paragraph((Text("What every renderer draws"),), "subtitle", key="guide.subtitle"),
              Fields((("Document", "CG-1"), ("Version", "1.0")), "control",
                     ("guide.document.number", "guide.document.version"))),
             role="cover"),
     Section((Contents((ContentsEntry(1, "Part one", "part-one"),
                        ContentsEntry(2, "Details", "details"))),), role="guide-contents"),
     Section((Heading(2, "Part one", "part-one"),
              Paragraph((Text("Plain, "), Code("code"), LineBreak(), Strong((Text("strong"),)),
                         Text(", "), Emph((Text("emphasis"),)), Text(", "),
                         Link("https://example.org/a", (Text("a link"),)), Text(" and "),
                         Span("label", (Text("Label:"),)))),
              ListBlock(((Paragraph((Span("who", (Text("QA:"),)), Text(" tests"))),),
                         (Paragraph((Text("second item"),)),)), role="per-subject"),
              Heading(3, "Details", "details"),
              ListBlock(((Paragraph((Text("first step"),)),), (Paragraph((Text("next"),)),)),
                        ordered=True),
              Table((Cell((Text("Criterion"),), header=True, role="corner"),
                     Cell((Text("QA"),), header=True), Cell((Text("QC"),), header=True)),
                    ((Cell((Text("Scope"),), (Text("row note"),), header=True),
                      Cell((Text("whole system"),), (Text("cell note"),), role="text",
                           key="comparisons[0].rows[0].values.qa",
                           note_key="comparisons[0].rows[0].values.qa.note"),
                      Cell((Text("the product"),), role="text")),
                     (Cell((Text("Timing"),), header=True), Cell((Text("always"),), role="text"),
                      Cell((Text("at release"),), role="text"))),
                    (0.3, 0.35, 0.35), "matrix")),
             role="guide", anchor="part", break_before="right", running=PART),
     Section((Heading(2, "Sign-off", "sign-off"), Paragraph((Text("Signed."),), "statement")),
             role="acknowledgement", anchor="sign-off-sheet", break_before=True)),
)


# The same guide without parts (a guide as a guide is built): its own page labels
SIMPLE = dataclasses.replace(BASE, running=dataclasses.replace(BASE.running, page=PAGE),
                             blocks=(*BASE.blocks[:2], dataclasses.replace(
                                 BASE.blocks[2], role="subject", anchor="", running=None,
                                 break_before=False), *BASE.blocks[3:]))


# The guide with an effective date among its custom properties (a controlled document's)
DATED = dataclasses.replace(BASE, meta=dataclasses.replace(
    BASE.meta, custom=(*BASE.meta.custom, ("Effective date", "2026-11-24"))))


class Change(NamedTuple):
    """The new value of a field, in the ``nth`` node of its type (from 0, in reading order).

    ``document`` is the one changed (the guide without parts: a field only such a
    document shows).
    """

    value: Any
    nth: int = 0
    document: Document = BASE


CHANGES: dict[tuple[type, str], Change] = {
    (Text, "text"): Change("Changed words"),
    (Code, "text"): Change("other_code"),
    (Strong, "children"): Change((Text("STRONGER"),)),
    (Emph, "children"): Change((Text("more emphasis"),)),
    (Link, "href"): Change("https://example.org/b"),
    (Link, "children"): Change((Text("another link"),)),
    (Span, "role"): Change("mark-partial"),  # a label and a subject's name look alike
    (Span, "children"): Change((Text("Caption:"),)),
    (Heading, "level"): Change(2),
    (Heading, "text"): Change("Another title"),
    (Heading, "anchor"): Change("renamed"),
    (Heading, "role"): Change("cover-title"),
    (Heading, "last_line"): Change(5),  # "guide" kept on one line (a balanced title)
    (Paragraph, "inlines"): Change((Text("Another subtitle"),)),
    (Paragraph, "role"): Change("legend"),
    (ListBlock, "items"): Change(((Paragraph((Text("only item"),)),),)),
    (ListBlock, "ordered"): Change(True),
    (ListBlock, "start"): Change(4, nth=1),
    (ListBlock, "role"): Change("responsibilities"),
    (Fields, "items"): Change((("Document", "CG-2"), ("Version", "1.1"))),
    (Fields, "role"): Change("signature"),
    (Image, "data"): Change(png(20)),
    (Image, "mime"): Change("image/x-png"),
    (Image, "alt"): Change("The QA team's logo"),
    (Cell, "inlines"): Change((Text("Criteria"),)),
    (Cell, "note"): Change((Text("a note"),), nth=5),  # a body cell (heads have none)
    (Cell, "header"): Change(False, nth=3),  # the first row's head
    (Cell, "role"): Change(None),
    (Table, "head"): Change((Cell((Text("What"),), header=True, role="corner"),
                             Cell((Text("QA"),), header=True), Cell((Text("QC"),), header=True))),
    (Table, "rows"): Change(((Cell((Text("Scope"),), header=True),
                              Cell((Text("all"),), role="text"),
                              Cell((Text("some"),), role="text")),)),
    (Table, "widths"): Change((0.5, 0.25, 0.25)),
    (Table, "role"): Change(None),
    (ContentsEntry, "level"): Change(2),
    (ContentsEntry, "text"): Change("The first part"),
    (ContentsEntry, "anchor"): Change("details"),
    (ContentsEntry, "note"): Change("Effective · 24 November 2026"),  # a packet's guide's
    (Contents, "entries"): Change((ContentsEntry(1, "Part one", "part-one"),)),
    (Section, "children"): Change((Heading(1, "Only a title", "title"),)),
    (Section, "role"): Change("title-block"),
    (Section, "anchor"): Change("cover"),
    (Section, "break_before"): Change(True, nth=1),
    (Section, "orientation"): Change("landscape", nth=2, document=SIMPLE),
    (Section, "running"): Change(None, nth=2),
    (Section, "tightened"): Change(0.75, nth=2),
    (Running, "title"): Change("Another running title"),
    (Running, "control"): Change("CG-1 · Version 9"),
    (Running, "page"): Change((("text", "Seite "), ("page", "")), document=SIMPLE),
    (Running, "blank"): Change("Intentionally blank"),
    (Running, "watermark"): Change("DRAFT — NOT FOR TRAINING USE"),
    (Metadata, "title"): Change("Another title"),
    (Metadata, "language"): Change(Language.of("ja")),  # its tag and its script
    (Metadata, "subtitle"): Change("Another subtitle"),
    (Metadata, "author"): Change("Bo Author"),
    (Metadata, "keywords"): Change(("quality", "audit")),
    (Metadata, "audience"): Change("Every starter"),
    (Metadata, "version"): Change("2.0"),
    (Metadata, "status"): Change("Approved"),
    (Metadata, "date"): Change(datetime.datetime(2027, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)),
    (Metadata, "custom"): Change((("Owner", "QC"),)),
    (Metadata, "revision"): Change("sha256:" + "1" * 64),
    (Metadata, "dates"): Change((("Effective date", "24 November 2026", "d MMMM y"),),
                                document=DATED),
    (Heading, "key"): Change("sections[0].title"),
    (Paragraph, "key"): Change("guide.audience"),
    (Fields, "keys"): Change(("guide.document.version", "guide.document.number")),
    (Cell, "key"): Change("comparisons[0].rows[0].values.qc", nth=4),
    (Cell, "note_key"): Change("comparisons[0].rows[0].note", nth=4),
    (Document, "meta"): Change(dataclasses.replace(BASE.meta, title="Other")),
    (Document, "running"): Change(dataclasses.replace(BASE.running, title="Other")),
    (Document, "blocks"): Change(BASE.blocks[:1]),
}

_NOT_OUTPUT = "where the block came from, for located warnings; not part of what it says"
ALL = dict.fromkeys(FORMATS, _NOT_OUTPUT)
# (node type, field) -> {format: why that format leaves the field out}
IGNORED: dict[tuple[type, str], dict[str, str]] = {
    **{(kind, "source"): ALL for kind in (Heading, Paragraph, ListBlock, Fields, Cell, Table,
                                          Contents, Section)},
    (Image, "role"): dict.fromkeys(FORMATS, "a picture has one role (logo): no other value"),
    (Contents, "role"): dict.fromkeys(FORMATS, "contents have one role: no other value"),
    (Metadata, "sources"): {
        "pdf": "embedded only in an archival PDF (--pdf-variant a-3b): tests/test_provenance.py",
        "docx": "a DOCX carries no sources", "html": "an HTML file carries no sources"},
    (Metadata, "dates"): dict.fromkeys(("pdf", "html"), "which custom property is a date: "
                                       "the DOCX types it so (a date property, shown through a "
                                       "date picture); the PDF's document information and "
                                       "HTML's <meta> hold it as its text in custom"),
    (Image, "mime"): {"docx": "python-docx reads the picture's type from its bytes"},
    **{(kind, name): dict.fromkeys(("pdf", "html"), "which value of the guide a block shows: "
                                   "the DOCX keeps it for guidegen import --update (a "
                                   "bookmark), print has no use for it")
       for kind, name in ((Heading, "key"), (Paragraph, "key"), (Fields, "keys"),
                          (Cell, "key"), (Cell, "note_key"), (Metadata, "revision"))},
    (Section, "anchor"): {"docx": "Word bookmarks paragraphs: links and the contents point "
                                  "at headings' anchors"},
    (ListBlock, "role"): dict.fromkeys(("pdf", "docx"), "a list looks as its kind and depth "
                                       "say (styles.yaml: lists); no list role has a look of "
                                       "its own"),
    **{(Metadata, name): dict.fromkeys(("pdf", "html"), f"printed ({where}); the PDF's "
                                       "document information and HTML's <meta> have no field "
                                       "for it")
       for name, where in (("audience", "the title block"), ("version", "the control line"),
                           ("status", "the control line"),
                           ("custom", "the control block and line"))},
}


def node_types() -> list[type]:
    """Return every node type of the tree: the dataclasses its modules declare."""
    from guidegen.tree import blocks, document, inlines

    return [value for module in (inlines, blocks, document) for value in vars(module).values()
            if isinstance(value, type) and dataclasses.is_dataclass(value)
            and value.__module__ == module.__name__]


def every_field() -> list[tuple[type, str]]:
    return [(kind, field.name) for kind in node_types() for field in dataclasses.fields(kind)]


def changed(node: Any, kind: type, name: str, change: Change, seen: list[int]) -> Any:
    """Return ``node`` with field ``name`` of the ``change.nth`` node of type ``kind`` changed."""
    if isinstance(node, tuple):
        return tuple(changed(item, kind, name, change, seen) for item in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    updates = {}
    if type(node) is kind:
        seen[0] += 1
        if seen[0] == change.nth + 1:
            updates[name] = change.value
    for field in dataclasses.fields(node):
        if field.name not in updates:
            value = getattr(node, field.name)
            new = changed(value, kind, name, change, seen)
            if new is not value:
                updates[field.name] = new
    return dataclasses.replace(node, **updates) if updates else node


@cache  # the unchanged documents (BASE, SIMPLE, DATED), each rendered once per process
def unchanged(document: Document) -> dict[str, Rendered]:
    """Return :func:`outputs` of an unchanged document, made once.

    (An ``lru_cache(maxsize=2)`` on :func:`outputs` also kept each test's changed one,
    so every test of SIMPLE or DATED pushed BASE out: rendered again, 0.4 s each.)
    """
    return outputs(document)


def outputs(document: Document, page_map: PageMap | None = None) -> dict[str, Rendered]:
    """Return ``document`` in every format, each as a build makes it.

    A format that takes the paginating one's page map gets ``page_map`` if given (so
    that it changes only where it draws a field itself, not where the pages moved).
    """
    from guidegen.renderers.pdf import steps

    # laid out for real (as --force: nothing taken from or kept in the cache folder): a
    # changed document's layout is new, kept it would only push the suite's others out
    context = RenderContext(load_templates(None, None), fresh=True)
    found: dict[str, Rendered] = {}
    pages = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(steps, "lay_out", partial(lay_out_once, steps.lay_out))
        for name, renderer in RENDERERS.items():
            finish = get_preparer(name)(document, context)
            found[name] = finish((page_map or pages) if renderer.needs_page_map else None)
            if renderer.paginates:
                pages = found[name].page_map
    return found


_LAID: dict[Any, Rendered] = {}


def lay_out_once(lay_out: Callable[[Any], Rendered], layout: Any) -> Rendered:
    """Return the PDF renderer's ``lay_out(layout)``; a layout seen before, its PDF again.

    A PDF is a function of its :class:`~guidegen.renderers.pdf.Layout`, lay_out's only
    argument (the HTML, the metadata and sources in it, the attachments, the date): a
    changed document whose layout is an unchanged one's, a field the PDF leaves out,
    gets that PDF, not the same layout laid out again (14 of the file's 72 layouts). One
    whose field reaches the layout in any way is laid out and compared as before.
    """
    if layout not in _LAID:
        _LAID[layout] = lay_out(layout)
    return _LAID[layout]


def test_every_field_of_every_node_is_changed_or_listed():
    fields = every_field()
    assert len(fields) > 60
    missing = [f"{kind.__name__}.{name}" for kind, name in fields if (kind, name) not in CHANGES
               and set(IGNORED.get((kind, name), ())) != set(FORMATS)]
    assert not missing, f"say how to change these, or why no format uses them: {missing}"
    stale = [key for key in [*CHANGES, *IGNORED] if key not in fields]
    assert not stale


@pytest.mark.parametrize(("kind", "name"), sorted(CHANGES, key=lambda k: (k[0].__name__, k[1])),
                         ids=lambda v: v.__name__ if isinstance(v, type) else v)
def test_every_format_draws_the_field(kind, name):
    change = CHANGES[(kind, name)]
    seen = [0]
    document = changed(change.document, kind, name, change, seen)
    assert seen[0] > change.nth, f"the document has no {kind.__name__} number {change.nth}"
    assert document != change.document
    before = unchanged(change.document)
    paged = paginating(FORMATS)
    after = outputs(document, before[paged.name].page_map if paged else None)
    ignored = IGNORED.get((kind, name), {})
    drawn = {fmt: before[fmt].data != after[fmt].data for fmt in FORMATS}
    assert drawn == {fmt: fmt not in ignored for fmt in FORMATS}, \
        f"{kind.__name__}.{name}: False where a format leaves it out (make it draw it, or " \
        "list why not in IGNORED), True where a listed format draws it (unlist it)"


def test_the_logo_says_what_it_is_in_the_pdf_and_the_docx(tmp_path):
    # read back by pikepdf (the PDF's structure tree) and pandoc (the DOCX)
    import io

    import pikepdf
    import pypandoc

    built = unchanged(BASE)
    with pikepdf.open(io.BytesIO(built["pdf"].data)) as pdf:
        figures = list(_elements(pdf.Root.StructTreeRoot, "/Figure"))
        assert [str(figure.Alt) for figure in figures] == ["Logo of the QA team"]
    word = tmp_path / "logo.docx"
    word.write_bytes(built["docx"].data)
    assert "![Logo of the QA team]" in pypandoc.convert_file(str(word), "markdown")


def _elements(node, kind):
    """Return the structure elements of type ``kind`` under ``node``, in order."""
    import pikepdf

    children = node.get("/K")
    if children is None:
        return
    for child in children if isinstance(children, pikepdf.Array) else [children]:
        if isinstance(child, pikepdf.Dictionary):
            if child.get("/S") == kind:
                yield child
            yield from _elements(child, kind)
