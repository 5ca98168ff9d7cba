"""Packets fitted part by part, read back with poppler and pypdf from the PDF and from
LibreOffice's rendering of the DOCX, on A4 and US Letter.

Each guide in a packet is fitted to its pages as when it is built alone: the same page
count, its own ``handout.pages``, or the packet entry's ``pages``. The example packet
keeps no near-empty page (but one left blank on purpose, and the acknowledgement
sheet); tests/data/packets/vendor-onboarding.yaml holds the eight-subject German matrix
with a budget of its own in the packet, a one-page handout and the table at a page foot.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

import guidegen
from guidegen import BuildOptions
from guidegen.errors import ContentError
from guidegen.theme import load_templates

from .conftest import DATA, ROOT, Built, copy_project, once_per_run, write_yaml
from .readers import (
    libreoffice_pdfs,
    page_starts,
    pdf_body_size,
    pdf_page_texts,
    pdf_pages,
    pdf_text,
)
from .test_page_balance import page_fills, text_area

PAPERS = ("a4", "letter")
VENDOR_GUIDES = ("acht-dienstleister", "qa-qc-one-page", "deviation-change-capa")
# each packet's guides, by the path built alone
PACKETS = {
    "new-starter": ("content/cmo-cdmo-cro.yaml", "packets/guides/qa-vs-qc.yaml",
                    "packets/guides/gmp-gcp-glp.yaml"),
    "vendor-onboarding": tuple(f"data/{stem}.yaml" for stem in VENDOR_GUIDES),
}
BUDGETS = {("vendor-onboarding", 0): 3}  # the packet entry's pages: (packet, guide) -> N
BLANK = re.compile(r"intentionally left blank|bleibt absichtlich leer")


def build(folder: Path, paper: str, built: Built, example: dict[str, tuple[Path, Path]]
          ) -> dict[str, tuple[Path, Path, dict[str, Path]]]:
    """Build both packets and their guides alone on ``paper``; convert the DOCX.

    Return, by packet, its PDF, LibreOffice's PDF of its DOCX, and the PDFs of its guides
    built alone, by stem. What the session has built already is taken from there (a build
    is the same bytes for the same inputs): the guides among the fixtures from ``built``
    (every fixture on ``paper``), and the PDF and LibreOffice's PDF of the packets in
    ``example``, by name.
    """
    shutil.copytree(ROOT / "content", folder / "content")
    shutil.copytree(ROOT / "packets", folder / "packets")
    (folder / "data" / "packets").mkdir(parents=True)
    for stem in VENDOR_GUIDES:
        shutil.copy(DATA / f"{stem}.yaml", folder / "data")
    shutil.copy(DATA / "packets" / "vendor-onboarding.yaml", folder / "data" / "packets")
    # jobs=1: the packets and guides render in this process, not in a pool of workers:
    # the same bytes (compared file by file), less CPU (Letter 15.3 -> 12.0 s, load 8)
    options = BuildOptions(out=folder / "out", content=folder / "content", force=True,
                           paper=paper, allow_draft=True, root=folder, jobs=1)
    packets = {"new-starter": folder / "packets" / "new-starter.yaml",
               "vendor-onboarding": folder / "data" / "packets" / "vendor-onboarding.yaml"}
    guides = sorted({folder / path for paths in PACKETS.values() for path in paths})
    alone = {guide.stem: built.path(guide.stem, "pdf") for guide in guides
             if (guide.stem, "pdf") in built.outputs}
    to_build = [packets[name] for name in PACKETS if name not in example]
    guidegen.build([guide for guide in guides if guide.stem not in alone],
                   options.replace(formats=("pdf",), out=folder / "alone"))
    alone |= {guide.stem: folder / "alone" / f"{guide.stem}.pdf" for guide in guides
              if guide.stem not in alone}
    guidegen.build(to_build, options)
    documents = [folder / "out" / path.stem / f"{path.stem}.docx" for path in to_build]
    converted = {document.stem: pdf for document, pdf in libreoffice_pdfs(
        documents, folder / "lo", folder / "profile").items()}
    made = {name: (folder / "out" / name / f"{name}.pdf", converted[name])
            for name in converted} | example
    return {name: (*made[name], alone) for name in PACKETS}


@pytest.fixture(scope="module", params=PAPERS)
def packets(request, tmp_path_factory):
    """Return, on each paper, what :func:`build` made (once per test run).

    On A4, the example project's paper, the example packet is the session's
    (``example_roster``, ``example_libreoffice``).
    """
    paper = request.param
    built = request.getfixturevalue(paper)
    example = {}
    if paper == "a4":
        example["new-starter"] = (request.getfixturevalue("example_roster") / "new-starter.pdf",
                                  request.getfixturevalue("example_libreoffice")["new-starter"])
    return once_per_run(tmp_path_factory, f"fitted-packets-{paper}",
                        lambda folder: build(folder, paper, built, example))


def footer_lines(pdf: Path) -> list[list[str]]:
    """Return each page's footer as lines of text (poppler's words below the text area)."""
    bottom = text_area()[1]
    found = []
    for page in re.findall(r"<page (.*?)</page>", pdf_text(pdf, "-bbox"), re.S):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        lines: dict[int, list[tuple[float, str]]] = {}
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" '
                                     r'yMax="[\d.]+">(.*?)</word>', page):
            if float(y) > height - bottom:
                lines.setdefault(round(float(y)), []).append((float(x), word))
        found.append([" ".join(word for _, word in sorted(words))
                      for _, words in sorted(lines.items())])
    return found


def control_numbers(pdf: Path) -> list[str]:
    """Return the document number each page's footer starts its control line with ("" for
    none: the cover, a page left blank)."""
    return [lines[0].split(" · ")[0] if lines and " · " in lines[0] else ""
            for lines in footer_lines(pdf)]


def parts(pdf: Path) -> list[range]:
    """Return the pages (indexes from 0) of each guide of a packet, from their footers.

    A guide's pages print its control line, beside the packet's page label; the packet's
    own pages (contents, acknowledgement sheet) the packet's, as the contents page does.
    """
    numbers = control_numbers(pdf)
    found: list[range] = []
    for index, number in enumerate(numbers):
        if number in ("", numbers[1]):
            continue
        if found and found[-1].stop == index and numbers[index - 1] == number:
            found[-1] = range(found[-1].start, index + 1)
        else:
            found.append(range(index, index + 1))
    return found


def blank(text: str) -> bool:
    """Return whether a page of this ``text`` is one left blank on purpose."""
    return bool(BLANK.search(text)) and len(text.split()) < 12


@pytest.mark.parametrize("name", PACKETS)
def test_no_page_of_a_packet_is_near_empty(packets, name):
    # every page at least fit.page (40 per cent) full, in the PDF and in LibreOffice's
    # rendering of the DOCX, but a blank one and the last (the acknowledgement sheet); a
    # guide's last page too: the example packet's QA and GMP guides end with their
    # control blocks on a second page that held 40 and 29 per cent (A4), and now take
    # their comparison's section over from the page before (renderers/pdf/ends.py). Only
    # the vendor packet's eight-subject guide ends below it: its last page holds its
    # revision history (37 per cent on A4), and no section can go over leaving both
    # pages 40 per cent full (its control block would leave its conclusion's page at 37)
    least = load_templates().theme.fit.page / 100
    pdf, converted, _ = packets[name]
    found = parts(pdf)
    exempt = {found[0][-1]} if name == "vendor-onboarding" else set()
    for printed in (pdf, converted):
        fills, texts = page_fills(printed), pdf_page_texts(printed)
        for index, fill in enumerate(fills[:-1]):
            if blank(texts[index]):
                continue
            assert fill >= (0.35 if index in exempt else least), (printed, index + 1, fills)


def test_a_guide_s_short_end_takes_a_section_over_from_the_page_before(packets):
    # the example packet's guides' second pages start with their comparison (heading,
    # table and key), so their conclusions and control blocks share a page with it: on
    # A4 the QA/QC guide's started with the subsection after it ("Where you will meet
    # them") and the GMP guide's with its conclusion; LibreOffice's DOCX starts alike
    pdf, converted, _ = packets["new-starter"]
    top, bottom = text_area()
    seconds = [part[1] for part in parts(pdf)]
    for printed in (pdf, converted):
        starts = page_starts(printed, top, bottom)
        assert [starts[index] for index in seconds] == [
            "Comparing CMO, CDMO,", "Comparing QA and", "Comparing GLP, GCP,"], starts


@pytest.mark.parametrize("name", PACKETS)
def test_each_guide_is_fitted_as_when_it_is_built_alone(packets, name, request):
    # the same pages, and type of the same size: on A4 the example packet's second and
    # third guides keep two pages each at the theme's type size (their control blocks
    # take what spacing alone could save), the one-page QA/QC handout keeps its budget
    # (handout.pages)
    pdf, _, alone = packets[name]
    found = parts(pdf)
    assert len(found) == len(PACKETS[name])
    for path, pages in zip(PACKETS[name], found, strict=True):
        own = alone[Path(path).stem]
        assert len(pages) == pdf_pages(own), path
        assert pdf_body_size(pdf, pages) == pdf_body_size(own), path
    if name == "new-starter":  # spacing fits them: their type keeps the theme's size
        body = load_templates().theme.sizes.body
        if request.node.callspec.params["packets"] == "a4":
            assert [len(pages) for pages in found[1:]] == [2, 2]
        assert all(pdf_body_size(pdf, pages) == pytest.approx(body, abs=0.06)
                   for pages in found)


def test_a_packet_entry_s_pages_is_the_guide_s_budget_there(tmp_path):
    # the entry's pages wins over the guide's own handout.pages; a sign-off sheet of its
    # own (acknowledgement: per-guide) is not part of what is fitted
    from guidegen.builder.packets import PacketDraft
    from guidegen.common.language import Language
    from guidegen.content.packet import load_guides, load_packet
    from guidegen.layout.packet import PacketLayout

    for stem in VENDOR_GUIDES:
        shutil.copy(DATA / f"{stem}.yaml", tmp_path)
    path = write_yaml(tmp_path, "budgets.yaml", textwrap.dedent("""\
        packet: {title: Budgets}
        guides:
          - guide: qa-qc-one-page.yaml
            pages: 2
          - deviation-change-capa.yaml
          - qa-qc-one-page.yaml
        acknowledgement: per-guide
        """))
    packet = load_packet(path, root=tmp_path)
    guides = load_guides(packet, tmp_path, tmp_path)
    layout = PacketLayout(packet, guides, load_templates(), language=Language.of("en"))
    found = PacketDraft(layout, None).parts()
    assert [(p.anchor, p.budget, p.setting, p.stop) for p in found] == [
        ("g1", 2, "pages", "g1-acknowledgement"),
        ("g2", None, "handout.pages", "g2-acknowledgement"),
        ("g3", 1, "handout.pages", "g3-acknowledgement")]
    assert found[0].where.file.endswith("budgets.yaml") and found[0].where.line == 4
    assert found[2].where.file.endswith("qa-qc-one-page.yaml")


@pytest.mark.parametrize("name", PACKETS)
def test_the_docx_of_a_packet_keeps_its_pages(packets, name):
    pdf, converted, _ = packets[name]
    top, bottom = text_area()
    assert pdf_pages(converted) == pdf_pages(pdf)
    assert page_starts(converted, top, bottom) == page_starts(pdf, top, bottom)


def test_a_guide_over_its_budget_in_a_packet_is_an_error_at_its_entry(tmp_path):
    shutil.copy(DATA / "acht-dienstleister.yaml", tmp_path)
    packet = write_yaml(tmp_path, "short.yaml", textwrap.dedent("""\
        packet:
          title: Kurz
          language: de
        guides:
          - guide: acht-dienstleister.yaml
            pages: 1
        acknowledgement: none
        """))
    with pytest.raises(ContentError) as raised:
        guidegen.build([packet], BuildOptions(out=tmp_path / "out", formats=("pdf",),
                                              allow_draft=True, root=tmp_path))
    problems = raised.value.problems
    assert "guide in the packet" in problems[0].message
    assert "budget (pages) is 1 page" in problems[0].message
    assert problems[-1].location.file.endswith("short.yaml") and problems[-1].location.line == 6
    assert not (tmp_path / "out" / "short").exists()


def header_lines(pdf: Path) -> list[list[str]]:
    """Return each page's running header as lines of text: poppler's words above the text
    area."""
    top = text_area()[0]
    found = []
    for page in re.findall(r"<page (.*?)</page>", pdf_text(pdf, "-bbox"), re.S):
        found_words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" '
                                 r'yMax="[\d.]+">(.*?)</word>', page)
        words = sorted((float(y), float(x), word) for x, y, word in found_words
                       if float(y) < top - 2)
        lines: list[list[tuple[float, str]]] = []
        for n, (y, x, word) in enumerate(words):  # a line: words less than 3 pt apart
            if n == 0 or y - words[n - 1][0] > 3:
                lines.append([])
            lines[-1].append((x, word))
        found.append([" ".join(word for _, word in sorted(line)) for line in lines])
    return found


@pytest.mark.parametrize("name", PACKETS)
def test_the_docx_of_a_packet_names_the_part_each_page_is_in(packets, name):
    # each guide's pages print its title and, at the right, the part of the guide the
    # page is in (the PDF's string(chapter)): LibreOffice's headers of the DOCX are the
    # PDF's on every page the PDF prints one (Word's section that starts with a page left
    # blank before a guide has a header on the guide's title page after it)
    pdf, converted, _ = packets[name]
    ours, theirs = header_lines(pdf), header_lines(converted)
    assert len(theirs) == len(ours)
    assert [line for n, line in enumerate(theirs) if ours[n]] == [line for line in ours if line]
    if name == "vendor-onboarding":
        assert any("Verantwortung im Vergleich" in " ".join(lines) for lines in ours), ours


CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff])\s+|\s+(?=[\u3000-\u9fff])")


def dated_footers(pdf: Path) -> list[str]:
    """Return the footer of each page: its one line (a page without a footer: "").

    Spaces beside Chinese or Japanese text are dropped: LibreOffice sets a gap between
    them and digits ("2026 年 6 月"), which poppler reads as a space, where the PDF has none.
    """
    found = footer_lines(pdf)
    assert all(len(lines) <= 1 for lines in found), (pdf, found)  # never two lines
    return [CJK_GAP.sub("", lines[0]) if lines else "" for lines in found]


# each guide's control line as the vendor packet's footers print it, whole and dated
VENDOR_CONTROLS = ("QS-SOP-117 · Version 3.2 · Gültig ab 14", "Gelenkte Kopie nur im "
                   "Dokumentenmanagementsystem Seite")


@pytest.mark.parametrize("name", PACKETS)
def test_every_footer_of_a_packet_is_one_line_dated_and_whole(packets, name):
    # the packet's page label at the right (as Word's footer has it) leaves the control
    # line the rest: the German vendor packet's QS-SOP-117 line, which wrapped beside the
    # centred label, is one line with its effective date and its print notice whole; the
    # same in LibreOffice's rendering of the DOCX
    pdf, converted, _ = packets[name]
    ours, theirs = dated_footers(pdf), dated_footers(converted)
    assert theirs == ours
    pages = len(ours)
    assert [line.endswith(f"{n} {'of' if name == 'new-starter' else 'von'} {pages}"
                          + ("" if name == "new-starter" else " der Mappe"))
            for n, line in enumerate(ours, 1)] == [False] + [True] * (pages - 1), ours
    assert len(parts(pdf)) == len(PACKETS[name])
    guides = [ours[index] for part in parts(pdf) for index in part]
    if name == "new-starter":
        assert all("Effective November 24, 2026 · Uncontrolled when printed Packet page"
                   in line for line in guides), guides
    else:
        sop = [line for line in guides if line.startswith("QS-SOP-117")]
        assert len(sop) == len(parts(pdf)[0])
        assert all(all(text in line for text in VENDOR_CONTROLS) for line in sop), sop


JAPANESE = """\
packet:
  title: 委託先管理の新任者資料
  language: ja
  date: 2026-11-30
  document: {number: QA-PK-JP-003, version: "1.2", effective: 2026-06-15,
             print_notice: 印刷物は参考用です}
guides: [nihon-itaku.yaml]
acknowledgement: packet
right_hand_start: false
"""


@pytest.mark.parametrize("paper", PAPERS)
def test_a_japanese_packet_s_footers_are_one_line_and_dated(tmp_path, paper):
    guide = (DATA / "nihon-itaku.yaml").read_text(encoding="utf-8")
    control = 'document: {number: QA-JP-017, version: "2.1", '
    assert control in guide
    (tmp_path / "nihon-itaku.yaml").write_text(
        guide.replace(control, control + "effective: 2026-06-01, "), "utf-8")
    packet = tmp_path / "itaku.yaml"
    packet.write_text(JAPANESE, "utf-8")
    guidegen.build([packet], BuildOptions(out=tmp_path / "out", force=True, paper=paper,
                                          allow_draft=True, root=tmp_path, jobs=1))
    pdf, document = (tmp_path / "out" / "itaku" / f"itaku.{ext}" for ext in ("pdf", "docx"))
    converted = libreoffice_pdfs([document], tmp_path / "lo", tmp_path / "profile")[document]
    ours = dated_footers(pdf)
    assert dated_footers(converted) == ours
    pages = len(ours)
    assert ours[1:] == [
        CJK_GAP.sub("", f"{number} · 発効日 {date} · {notice} 資料一式 {n} / {pages} ページ")
        for n, (number, date, notice) in enumerate(
            [("QA-PK-JP-003 · 版数 1.2", "2026年6月15日", "印刷物は参考用です")]
            + [("QA-JP-017 · 版数 2.1", "2026年6月1日", "eQMS上の版が正本です")] * (pages - 3)
            + [("QA-PK-JP-003 · 版数 1.2", "2026年6月15日", "印刷物は参考用です")], 2)]


LONG_NAME = "Anna-Katharina Wolkenstein-Oberhollenzer"  # 40 characters


def test_a_long_recipient_name_in_the_footer_never_wraps_it(tmp_path):
    # footer_recipient: the footer prints "Name · Packet page 3 of 9" at its right, and
    # the control line beside it is fitted with the name counted: it was fitted beside
    # "Packet page 99 of 99" alone, kept its long date, and a 40-character name wrapped
    # both onto two lines (the preflight said so). Even the medium date does not leave
    # room for this name (271 of 225 points): the date gives way, the version and the
    # print notice stay whole, on one line in the PDF and in LibreOffice. The example
    # packet's guides print control lines alike (number, version, date, notice): its
    # shortest guide alone shows it
    folder = copy_project(tmp_path / "project")
    packet = folder / "packets" / "new-starter.yaml"
    text = packet.read_text(encoding="utf-8")
    guides = "  - cmo-cdmo-cro\n  - guides/qa-vs-qc.yaml\n  - guide: guides/gmp-gcp-glp.yaml\n"
    assert guides in text
    packet.write_text(text.replace(guides, "  - guides/qa-vs-qc.yaml\n").replace(
        "acknowledgement: packet ", "footer_recipient: true\nacknowledgement: packet "), "utf-8")
    roster = folder / "long.csv"
    first, last = LONG_NAME.split(" ")
    roster.write_text("First name,Last name,Role,Site,Manager,Start date\n"
                      f"{first},{last},QC Analyst,Dublin,,2026-12-01\n", "utf-8")
    guidegen.build([packet], BuildOptions(out=folder / "out", content=folder / "content",
                                          root=folder, force=True, roster=roster,
                                          allow_draft=True, jobs=1))
    stem = f"2026-12-01-{last}-{first}"
    pdf, document = (folder / "out" / "new-starter" / f"{stem}.{ext}" for ext in ("pdf", "docx"))
    converted = libreoffice_pdfs([document], tmp_path / "lo", tmp_path / "profile")[document]
    ours = dated_footers(pdf)  # one line each, or it fails
    assert dated_footers(converted) == ours
    assert len(ours) >= 4  # the cover, the contents, the guide's pages, the sheet
    assert all(f"{LONG_NAME} · Packet page {n} of {len(ours)}" in line
               for n, line in enumerate(ours[1:], 2)), ours
    assert all(re.search(r"-\d{3} · Version \d\.\d · Uncontrolled when printed ", line)
               for line in ours[1:]), ours
