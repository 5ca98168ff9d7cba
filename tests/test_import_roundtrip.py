"""Round trip: every fixture guide and shipped guide → DOCX → ``guidegen import`` → the same guide.

The imported YAML, loaded, must equal the source's model field by field, except for what
a DOCX does not carry (``NOT_CARRIED``, each with its reason). The DOCX is rendered in
memory, one process, DOCX only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

import guidegen
from guidegen.content.loader import load
from guidegen.errors import collect_warnings
from guidegen.readers import import_guide

from .conftest import DATA, DEFAULT_GUIDE, JOBS_1, TRANSLATIONS
from .readers import libreoffice_pdfs

GUIDES = [DEFAULT_GUIDE, *TRANSLATIONS,
          *sorted(p for p in DATA.glob("*.yaml") if p.stem != "five-mistakes")]

# the document control that is not printed yet, nor read back: approvals, history
UNPRINTED = {"guide.document.approvals", "guide.document.history"}
# What a DOCX does not carry: the guide's field, and why its import differs there.
NOT_CARRIED = {
    "acht-dienstleister": UNPRINTED | {"guide.document.supersedes", "guide.document.review_due"},
    "forty-checks": UNPRINTED | {"guide.document.supersedes"},
    "japanischer-partner": UNPRINTED,
    # orientation: portrait forces upright pages; a matrix that fits upright looks the same
    "eight-sites-portrait": {"comparisons[0].orientation"},
    # a guide without a language is built in the project's; the DOCX names that language
    "minimal": {"guide.language"},
    # a page budget is a build setting: the DOCX that fits it does not say it had one
    "qa-qc-one-page": {"handout"},
    "pv-vendors-budget": {"handout"},
    # written out, the default heading "Comparing CMO, CDMO, and CRO" is the default
    "cmo-cdmo-cro": {"comparisons_title", "guide.document.history"},
    # a translation's source and confirmation are bookkeeping of the YAML, not the document
    "cmo-cdmo-cro.de": {"translation_of", "guide.document.history"},
    "cmo-cdmo-cro.ja": {"translation_of", "guide.document.history"},
}
RICH = """\
guide:
  title: "Rich text: every Markdown a guide takes"
  subtitle: Lists, links, code and marks, through Word and back
  language: en
  audience: Whoever reads the round trip's test
  owner: Quality Assurance
  authors: [Quality Assurance]
  keywords: [round trip, Markdown]
  date: 2026-05-04
  document: {number: QA-RT-001, version: "1.10", status: draft, effective: 2026-05-05,
             print_notice: For the round trip only}
intro: |
  Plain, **bold**, *italic*, ***both***, **bold with *italic* inside** and *italic with
  **bold** inside*; `inline code`, a [link with **bold**](https://example.org/a_b?x=1&y=2),
  a bare https://example.org/path address and mail@example.org.

  Characters Markdown would read: 5 * 3 = 15, snake_case_name, a_b_, [brackets], <angle>,
  &amp; an entity, a back\\\\slash, and # not a heading. A line\\
  with a hard break.

  3. starts at three
  4. then four
     - nested bullet
     - another, with `code`
  5. five

  - a bullet
  - the last bullet
contents: true
subjects:
  - id: qa
    short: QA
    name: Quality Assurance
    summary: |
      QA owns the *quality system*.

      - It is not a list of responsibilities,
      - but a list inside the summary.

      Then a closing paragraph.
    responsibilities:
      - Approves **SOPs** and [specifications](https://example.org/specs).
      - "Releases batches: with `code`"
    groups:
      - title: Typical background
        intro: A short intro before the list.
        items: [Pharmacy, Chemistry]
  - id: qc-lab
    short: QC lab
    name: Quality Control laboratory
    summary: QC tests.
  - id: qp
    short: QP
    name: QP
    summary: The Qualified Person certifies batches.
comparisons_intro: Compare *them*.
comparisons:
  - kind: matrix
    title: Tasks
    intro: Marks and text.
    corner: Task
    rows:
      - criterion: Approves SOPs
        values: {qa: yes, qc-lab: no, qp: partial}
        note: Per *SOP-001*
      - criterion: Tests samples
        values:
          qa: {value: "no", note: only reviews}
          qc-lab: "**Yes**, all"
          qp: {value: Reviews the CoA, note: "[see](https://example.org)"}
  - kind: per-subject
    title: Where
    values:
      qa: [Head office, "Every *site*"]
      qc-lab: Laboratory
      qp: Site of release
sections:
  - title: Conclusion
    body: |
      Done. See <https://example.org/more>.
  - title: Further reading
    body: |
      1. First
      2. Second
"""


def differences(a: object, b: object, path: str = "") -> set[str]:
    """Return the dotted paths where the models ``a`` and ``b`` differ."""
    if isinstance(a, BaseModel) and isinstance(b, BaseModel) and type(a) is type(b):
        found: set[str] = set()
        for name in type(a).model_fields:
            found |= differences(getattr(a, name), getattr(b, name),
                                 f"{path}.{name}" if path else name)
        return found
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and \
            all(isinstance(x, BaseModel) for x in a):
        return set().union(*(differences(x, y, f"{path}[{n}]")
                             for n, (x, y) in enumerate(zip(a, b, strict=True))))
    return set() if a == b else {path}


def round_trip(source: Path, folder: Path, docx: Path | None = None
               ) -> tuple[set[str], list]:
    """Return where ``source`` and its DOCX's import differ, and the import's warnings.

    ``docx`` is the DOCX rendered alone from ``source``; rendered here if not given.
    """
    guide = load(source, translations=False)
    if docx is None:
        docx = folder / f"{source.stem}.docx"
        docx.write_bytes(guidegen.render(guide, ["docx"], JOBS_1)["docx"].data)
    with collect_warnings() as warnings:
        imported = import_guide(docx, folder / f"{source.stem}.yaml")
    return differences(guide, load(imported.guide)), list(warnings)


@pytest.mark.parametrize("source", GUIDES, ids=lambda p: p.stem)
def test_a_built_docx_imports_to_the_guide_it_was_built_from(tmp_path, monkeypatch, source,
                                                             docx_alone):
    monkeypatch.chdir(tmp_path)
    differ, warnings = round_trip(source, tmp_path, docx_alone(source))
    assert differ == NOT_CARRIED.get(source.stem, set())
    assert [w for w in warnings if "is dated the effective date" not in w.message] == []


def test_every_kind_of_text_survives_the_round_trip(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "source").mkdir()
    source = tmp_path / "source" / "rich.yaml"
    source.write_text(RICH, encoding="utf-8")
    differ, warnings = round_trip(source, tmp_path)
    assert differ == set()
    assert warnings == []
    text = (tmp_path / "rich.yaml").read_text(encoding="utf-8")
    assert "  3. starts at three\n  4. then four\n     - nested bullet\n" in text
    assert "contents: true" in text


def test_a_docx_saved_by_libreoffice_imports_to_the_same_guide(tmp_path, monkeypatch):
    """A guide's DOCX opened and saved in LibreOffice: only what LibreOffice rewrites differs."""
    monkeypatch.chdir(tmp_path)
    guide = load(DEFAULT_GUIDE)
    (tmp_path / "built").mkdir()
    built = tmp_path / "built" / "guide.docx"
    built.write_bytes(guidegen.render(guide, ["docx"], JOBS_1)["docx"].data)
    # opened and saved as Word (File > Save As) by the LibreOffice the run keeps (office.py)
    libreoffice_pdfs([built], tmp_path, tmp_path / "profile", to="docx")
    with collect_warnings() as warnings:
        imported = import_guide(tmp_path / "guide.docx", tmp_path / "guide.yaml")
    # LibreOffice keeps the keywords as one, joined by spaces ("CMO CDMO CRO onboarding …")
    assert differences(guide, load(imported.guide)) == {"guide.keywords", "comparisons_title",
                                                        "guide.document.history"}
    assert [w.message for w in warnings] == [
        "the approval by 'Head of Learning & Development' is dated the effective date, "
        "2026-11-24, as the document's properties give no date of its own; check it"]
