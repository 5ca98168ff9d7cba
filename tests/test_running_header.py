"""The running header fits one line: a long title is cut with "…", or the guide's
short_title printed."""

from __future__ import annotations

import guidegen
from guidegen.content.loader import load

from .conftest import DATA, DEFAULT_GUIDE, document_of, write_yaml
from .readers import pdf_text

LONG = ("Outsourced Manufacturing, Packaging, Testing and Clinical Research: "
        "Who Answers for What Under EU GMP and ICH GCP")


def with_title(tmp_path, title: str, short: str | None = None):
    text = DEFAULT_GUIDE.read_text(encoding="utf-8").replace(
        'title: "CMO vs CDMO vs CRO: A Comprehensive Guide"', f"title: '{title}'"
        + (f"\n  short_title: '{short}'" if short else ""), 1)
    assert title in text
    return write_yaml(tmp_path, "long.yaml", text)


def test_a_title_too_long_for_the_header_is_cut_after_a_word(tmp_path):
    running = document_of(load(with_title(tmp_path, LONG))).running.title
    assert running.endswith("…") and LONG.startswith(running[:-1].rstrip(":, "))
    assert len(running) < len(LONG) - 20
    assert document_of(load(DEFAULT_GUIDE)).running.title == \
        "CMO vs CDMO vs CRO: A Comprehensive Guide"  # one that fits is kept whole
    german = document_of(load(DATA / "acht-dienstleister.yaml"))
    assert german.running.title == \
        "Dienstleister in der Arzneimittelherstellung: acht Modelle im Vergleich"


def test_a_short_title_is_printed_as_written_and_the_header_is_one_line(tmp_path):
    path = with_title(tmp_path, LONG, "Who Answers for What")
    assert document_of(load(path)).running.title == "Who Answers for What"
    out = tmp_path / "out"
    guidegen.build([str(with_title(tmp_path, LONG))],
                   guidegen.BuildOptions(out=out, formats=("pdf",), jobs=1))
    # page 2's header, read from the top 20 mm of the page, is one line
    top = pdf_text(out / "long.pdf", "-layout", "-f", "2", "-l", "2", "-y", "0", "-H", "57",
                   "-W", "1000", "-x", "0")
    lines = [line for line in top.splitlines() if line.strip()]
    assert len(lines) == 1 and "…" in lines[0], lines
