"""A table's tail stranded on a page of its own, and the split that balances it.

A table split across pages keeps ``table_min_rows`` rows on each side, but its last page
may still hold only those few rows and the key under it: a landscape matrix, most often,
whose pages the upright text after it cannot share (issue 17: "a landscape page holding
one matrix row and the key"). Such a page is a *tail*: not the document's last, less
than ``fit.page`` per cent full, ending a table that began on an earlier page.

The remedies, least harm first: the fitter tightens the spacing to pull the tail back
onto the page before (:mod:`guidegen.builder.fitting`: a balanced tail makes it search,
as a short last page does); what it cannot pull back is balanced here: the table's last
rows are kept together (CSS ``break-before: avoid`` on them) so its last two pages share
their rows evenly, and neither is near-empty. The PDF is laid out once more to do it,
and only when a tail is found; the DOCX then starts its pages where this PDF does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .. import Tail


def find_tails(tables: Iterable[tuple[int | None, Sequence[int]]], fills: Sequence[float],
               blank: Sequence[bool], limit: float) -> tuple[Tail, ...]:
    """Return the tables that end on a tail page, and how many rows each should keep.

    ``tables`` are each table's ``data-src`` and the page of each of its body rows, in
    order; ``fills`` how full each page is, ``blank`` which pages were left blank;
    ``limit`` the least share of its height a page other than the last may fill.
    """
    found = []
    for src, rows in tables:
        if src is None or len(set(rows)) < 2:
            continue
        page = rows[-1]
        if page >= len(fills) or blank[page - 1] or fills[page - 1] >= limit:
            continue  # the document's last page, or a page full enough
        tail = rows.count(page)
        before = rows.count(rows[-tail - 1])
        keep = (tail + before + 1) // 2
        if keep > tail:
            found.append(Tail(src, page, keep))
    return tuple(found)


def balanced(html: str, tails: Sequence[Tail], more: str = "") -> str:
    """Return ``html`` with a rule keeping each tail's table's last ``keep`` rows together.

    The style rules ``more`` go with them.
    """
    rules = more + "".join(
        f'table[data-src="{tail.src}"] > tbody > tr:nth-last-child(-n+{tail.keep - 1})'
        " { break-before: avoid; }\n" for tail in tails)
    head, end, rest = html.partition("</head>")
    return f"{head}<style>\n{rules}</style>\n{end}{rest}" if end else html
