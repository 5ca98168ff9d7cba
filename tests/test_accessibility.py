"""Accessible tables and pictures: checked by a PDF/UA checker we did not write (``pdfua``,
on pikepdf), by pikepdf's reading of the structure, and by python-docx."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

import guidegen
from guidegen import BuildOptions

from .conftest import DEFAULT_GUIDE, GOOD_FIXTURES, write_yaml
from .test_contract import png


def pdfua_summary(path: Path) -> dict:
    """Return ``pdfua check``'s summary of ``path`` with its findings.

    Its command, run in this process (pdfua.cli.main, what the ``pdfua`` script runs): no
    Python started and pikepdf imported for each file (0.3-0.6 s of CPU a file).
    """
    from pdfua.cli import main

    written = io.StringIO()
    with contextlib.redirect_stdout(written):
        main(["check", "--format", "json", str(path)])
    report = json.loads(written.getvalue())
    return {**report["summary"], "findings": report["findings"]}


@pytest.mark.parametrize("stem", [p.stem for p in GOOD_FIXTURES])
def test_pdfua_finds_nothing_in_any_fixture(a4, stem):
    summary = pdfua_summary(a4.path(stem, "pdf"))
    assert (summary["errors"], summary["warnings"]) == (0, 0), summary["findings"]
    assert summary["rules_run"] >= 10


def header_scopes(path: Path) -> list[tuple[str, str | None]]:
    """Return (parent row group, /Scope) of every /TH of ``path``'s structure, by pikepdf."""
    found: list[tuple[str, str | None]] = []
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            if kids is None:
                continue
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
                    continue
                if kid.S == "/TH":
                    group = kid.P.P.S if "/P" in kid.P else None
                    attributes = kid.get("/A")
                    scope = attributes.get("/Scope") if isinstance(attributes,
                                                                   pikepdf.Dictionary) else None
                    found.append((str(group), None if scope is None else str(scope)))
                stack.append(kid)
    return found


def test_column_heads_and_each_rows_criterion_have_their_scope(a4):
    scopes = header_scopes(a4.path("acht-dienstleister", "pdf"))
    assert ("/THead", "/Column") in scopes and ("/TBody", "/Row") in scopes
    assert all((group == "/THead") == (scope == "/Column") and scope in ("/Column", "/Row")
               for group, scope in scopes)


def test_the_word_files_picture_keeps_its_description(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "logo.png").write_bytes(png(40))
    write_yaml(templates, "theme.yaml", "logo: logo.png\n")
    out = tmp_path / "out"
    guidegen.build([DEFAULT_GUIDE], BuildOptions(out=out, templates=templates, formats=("docx",),
                                                 jobs=1))
    word = docx.Document(str(out / "cmo-cdmo-cro.docx"))
    pictures = word.element.body.findall(".//" + qn("wp:docPr"))
    assert pictures and all(picture.get("descr") for picture in pictures)
    lang = word.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == "en"


def test_a_link_has_one_annotation_per_line_it_takes(a4):
    # WeasyPrint annotated every inline box inside a link (a bare address's host span,
    # each break opportunity, zero wide): six annotations for one address
    reader = PdfReader(a4.path("excipients", "pdf"))
    url = "https://intranet.example.org/quality/suppliers/approved-excipients"
    rects = [[float(v) for v in annotation.get_object()["/Rect"]]
             for page in reader.pages for annotation in page.get("/Annots", [])
             if annotation.get_object().get("/A", {}).get("/URI") == url]
    assert rects and all(right - left > 1 for left, _, right, _ in rects)
    lines = {round(bottom) for _, bottom, _, _ in rects}
    assert len(rects) == len(lines)
