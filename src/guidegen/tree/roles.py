"""What a node of the document tree is: its role, one of a closed set of names.

A role says what a block or a span *is* in the document (the document's subtitle, a
matrix's legend, a subject's short name leading its entry), never how it looks: the
style sheet maps roles to looks, a renderer maps them to its own means (a CSS class in
HTML, a Word style in the DOCX). Every role is declared here, once; a node has at most
one (None: a plain paragraph, list or cell). Each kind of node takes the roles of its
own group, so ``Paragraph(..., role="matrix")`` is a type error; :data:`Role` is every
name of every group, and :data:`ROLES` the same as a tuple, in declaration order.
"""

from __future__ import annotations

from typing import Literal, get_args

# A part of the document: a Section.
SectionRole = Literal[
    "title-block",  # the title, subtitle, audience, control block and status of a guide
    "intro",  # a guide's introduction
    "subject",  # one of the things compared, with its summary and groups
    "comparisons",  # the part holding every comparison of a guide
    "dimension",  # one comparison: a matrix or a per-subject list
    "closing",  # a closing section of a guide
    "guide-contents",  # a guide's table of contents
    "cover",  # a packet's cover page
    "contents-page",  # a packet's contents page
    "guide",  # a guide inside a packet, a part with its own running header
    "acknowledgement",  # a packet's acknowledgement sheet
    "document-control",  # a controlled document's approvals and revision history
    "control-approvals",  # its heading, status and approvals: kept on one page
    "filler",  # a page held for content laid out elsewhere (renderers.pdf.compose)
]
# A heading that is not its level's usual one.
HeadingRole = Literal[
    "cover-title",  # the title on a packet's cover
    "contents-title",  # the heading over a packet's contents, never an entry of them
]
# A paragraph.
ParagraphRole = Literal[
    "lead",  # the first paragraph of a guide's introduction
    "subtitle",  # under the title
    "audience",  # who the document is for, after its label
    "status",  # the control status ("Uncontrolled when printed")
    "legend",  # the key under a matrix: what its marks mean
    "prepared-for",  # the caption over a packet's recipient fields
    "statement",  # what the reader acknowledges by signing
    "link-note",  # a printed link's address by number, at the end of its section
]
# A bullet or numbered list.
ListRole = Literal[
    "responsibilities",  # a subject's responsibilities
    "per-subject",  # a per-subject comparison: one entry per subject, its name leading
]
# Labelled values.
FieldsRole = Literal[
    "control",  # the document-control block: number, version, effective date, approver
    "recipient",  # a packet's recipient, as printed on its cover (lines to fill in)
    "signature",  # the lines to sign on an acknowledgement sheet
]
# A table.
TableRole = Literal[
    "matrix",  # a comparison matrix: criteria down, subjects across
    "record",  # the list of documents an acknowledgement sheet is for
    "approvals",  # who approved a controlled document: role, name, date, meaning
    "history",  # a controlled document's revision history, newest first
]
# A table cell.
CellRole = Literal[
    "corner",  # the cell over the criteria column
    "mark",  # a matrix cell holding a mark (yes, no, partial)
    "text",  # a matrix cell holding text
]
# A picture.
ImageRole = Literal["logo"]  # the theme's logo, over a title
# A table of contents.
ContentsRole = Literal["contents"]
# Inline content with a role: a Span.
SpanRole = Literal[
    "label",  # a label before its value ("Audience:", "Key:")
    "who",  # a subject's short name leading its entry of a per-subject comparison
    "mark-yes",  # a mark: symbol and word
    "mark-no",
    "mark-partial",
    "symbol",  # the symbol of a mark (drawn with the symbols font)
    "link-address",  # a link's address printed after its text
    "link-ref",  # the number of a link's note, after its text
    "as-written",  # a mixed-case word ("eQMS") in text set in capitals: kept as written
    "last-line",  # a balanced subtitle's last line: it starts a line and stays on it
]

Role = (SectionRole | HeadingRole | ParagraphRole | ListRole | FieldsRole | TableRole
        | CellRole | ImageRole | ContentsRole | SpanRole)

ROLES: tuple[str, ...] = tuple(name for group in get_args(Role) for name in get_args(group))

__all__ = ["ROLES", "CellRole", "ContentsRole", "FieldsRole", "HeadingRole", "ImageRole",
           "ListRole", "ParagraphRole", "Role", "SectionRole", "SpanRole", "TableRole"]
