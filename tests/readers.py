"""Read outputs back with tools guidegen did not write, and compare text in order."""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from . import office
from .conftest import DATA, PATIENCE


def normalize(text: str) -> str:
    """Return ``text`` with runs of whitespace (and soft hyphens) collapsed to one space.

    A word hyphenated at a line end (WeasyPrint's hyphen, U+2010, then the line break)
    is joined again, as a reader reads it.
    """
    return re.sub(r"\s+", " ", dehyphenate(text).replace("\u00ad", "")).strip()


def unbroken(text: str) -> str:
    """Return ``text`` with a line break beside a Chinese or Japanese character removed.

    Those languages write no space between words: Word's line break there (a balanced
    title's last line starts after one) joins its sides as they were.
    """
    return re.sub(f"(?<={_EAST_ASIAN})\n(?=\\S)|(?<=\\S)\n(?={_EAST_ASIAN})", "", text)


def dehyphenate(text: str) -> str:
    """Return ``text`` with the words hyphenated at line ends (U+2010, a break) joined."""
    return re.sub(r"(?<=\w)\u2010\s+(?=\w)", "", text)


def seed_pieces() -> list[str]:
    """Return the seed guide's text as pieces that must appear in order in every output."""
    pieces = []
    for line in (DATA / "seed-cmo-cdmo-cro.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line == "-" or set(line) <= set("-|"):
            continue
        if "|" in line:  # a row of the responsibilities table
            pieces += [cell.strip() for cell in line.split("|") if cell.strip()]
        else:
            pieces.append(line)
    return pieces


def missing_in_order(text: str, pieces: list[str]) -> list[str]:
    """Return the pieces not found in ``text`` after the previous piece (empty: all found)."""
    text, position, missing = normalize(text), 0, []
    for piece in pieces:
        found = text.find(normalize(piece), position)
        if found < 0:
            missing.append(piece)
        else:
            position = found + len(normalize(piece))
    return missing


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip += tag in ("style", "script", "head")
        blocks = ("p", "li", "td", "th", "h1", "h2", "h3", "br", "dt", "dd", "div")
        self.parts.append(" " if tag in blocks else "")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script", "head")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    """Return the visible text of an HTML document."""
    parser = _TextParser()
    parser.feed(data.decode("utf-8"))
    return normalize("".join(parser.parts))


def docx_text(path: Path | IO[bytes]) -> str:
    """Return the body text of a DOCX (a path or a stream), paragraphs and tables in order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(path if not isinstance(path, Path) else str(path))
    parts = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts += [cell.text for row in block.rows for cell in row.cells]
    return normalize(" ".join(parts))


def _state(path: Path) -> tuple[str, str]:
    """Return which file ``path`` is and which state of it: its full path and the SHA-256
    of its bytes (a file written again with other bytes is another state, however soon)."""
    return os.path.realpath(path), hashlib.sha256(Path(path).read_bytes()).hexdigest()


# Many tests read the same files (the session's builds, read by tests in many files):
# poppler reads each state of a file once per test process. Measured on the files that
# read those most (page_balance, print_quality, packet_fitting, docx, hyphenation; -n 0):
# 560 reads of 242 different (file, options), 4.5 s of poppler's CPU instead of 2.0.
@functools.lru_cache(maxsize=256)
def _poppler(command: str, options: tuple[str, ...], state: tuple[str, str]
             ) -> str:
    """Return what poppler's ``command`` writes of the file in ``state`` with ``options``."""
    arguments = [command, *options, state[0]] + (["-"] if command == "pdftotext" else [])
    return subprocess.run(arguments, capture_output=True, text=True, check=True).stdout


def pdf_text(path: Path, *options: str) -> str:
    """Return the text of a PDF as poppler's pdftotext reads it."""
    return _poppler("pdftotext", options, _state(path))


def pdf_page_texts(path: Path, *options: str) -> list[str]:
    """Return the text of each page of a PDF as poppler's pdftotext reads it, in one run.

    Item ``n - 1`` is what ``pdf_text(path, *options, "-f", n, "-l", n)`` returns, the
    page's text and its form feed (pdftotext reads each page on its own), for one
    pdftotext process instead of one a page.
    """
    return [page + "\f" for page in pdf_text(path, *options).split("\f")[:-1]]


def pdf_glyph_texts(path: Path) -> tuple[str, ...]:
    """Return the text of each page of a PDF as pypdf reads it: the glyphs as drawn.

    pypdf knows no ActualText, so a word broken at a line end reads with its hyphen
    (poppler reads it whole). Read once per state of a file in a test process: a4's
    PDFs were read twice over in test_hyphenation, 2.2 s of CPU each time.
    """
    return _glyph_texts(_state(path))


@functools.lru_cache(maxsize=64)
def _glyph_texts(state: tuple[str, str]) -> tuple[str, ...]:
    from pypdf import PdfReader

    return tuple(page.extract_text() for page in PdfReader(state[0]).pages)


def pdf_tagged_text(path: Path) -> str:
    """Return all text of a tagged PDF in its logical (structure tree) order."""
    return pdf_struct_tree(path).text()


def pdf_structure(path: Path, kinds: tuple[str, ...] = ("H1", "H2", "H3", "TH", "TD")
                  ) -> list[tuple[str, str]]:
    """Return (tag, text) of the tagged PDF's structure elements of ``kinds``, in order.

    An element's text leaves out what elements of ``kinds`` inside it hold. WeasyPrint
    tags each page's part of a long table as its own Table with a copy of the header
    row; a header row straight after table cells (no heading between, so the same table)
    is skipped, and a table reads as one.
    """
    found: list[list[str]] = []

    def visit(node: StructNode, owner: list[str] | None) -> None:
        for child in node.children:
            if isinstance(child, str):
                if owner is not None:
                    owner.append(child)
                continue
            if child.tag == "THead" and found and found[-1][0] in ("TH", "TD"):
                continue
            entry = [child.tag] if child.tag in kinds else None
            if entry is not None:
                found.append(entry)
            visit(child, entry if entry is not None else owner)

    visit(pdf_struct_tree(path), None)
    return [(entry[0], normalize(_lines(entry[1:]))) for entry in found]


# a character of Chinese, Japanese or Korean text, or its punctuation ("・", "、", "（")
_EAST_ASIAN = "[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]"


def _lines(pieces: list[str]) -> str:
    """Return an element's text from its pieces (its lines): a line that ends after a
    word's hyphen or dash ("β-" of "β-cyclodextrin") runs on into the next, as does a
    line break in Chinese, Japanese or Korean (written without spaces) and a piece that
    starts with a comma or a closing bracket; others with a space."""
    text = ""
    for piece in pieces:
        broken = re.search(r"\n\s*$", text) or re.match(r"\s*\n", piece)  # a line break
        if broken and (re.search(f"{_EAST_ASIAN}\\s*$", text)
                       or re.match(f"\\s*{_EAST_ASIAN}", piece)):
            text = text.rstrip() + piece.lstrip()
            continue
        glued = (re.search(r"[^\W\d_][-–—]$", text) and re.match(r"[^\W\d_]", piece)) \
            or re.match(r"[,.;:!?)\]]", piece)  # ("Quarterly [1]" "," of a link's note)
        text += piece if glued or not text else " " + piece
    return re.sub(r"(?<=[^\W\d_][-–—])[ \t]*\n\s*(?=[^\W\d_])", "", text)


def docx_structure(path: Path) -> list[tuple[str, str]]:
    """Return (tag, text) of a DOCX's headings and table cells, named like the PDF's tags.

    Title is H1, Heading 1 is H2, Heading 2 is H3; a table's first row and each row's
    first cell are TH, other cells TD.
    """
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    levels = {"Title": "H1", "Heading 1": "H2", "Heading 2": "H3"}
    found: list[tuple[str, str]] = []
    for block in docx.Document(str(path)).iter_inner_content():
        if isinstance(block, Paragraph) and block.style.name in levels:
            found.append((levels[block.style.name], normalize(unbroken(block.text))))
        elif isinstance(block, Table) and block.style.name != "Control Block":
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row.cells):
                    found.append(("TH" if r == 0 or c == 0 else "TD", normalize(cell.text)))
    return found


def libreoffice_pdfs(documents: list[Path], out: Path, profile: Path,
                     to: str = "pdf") -> dict[Path, Path]:
    """Return, for each DOCX of ``documents``, the PDF LibreOffice makes of it in ``out``.

    One LibreOffice converts them all, the one kept running in this test process
    (tests/office.py) if there is one; their names must differ. ``to`` is
    another format to convert to: ``docx`` opens and saves each in LibreOffice (as
    ``docx:MS Word 2007 XML``, what its File ▸ Save As ▸ Word writes); ``out`` must then
    be another folder than theirs.
    """
    assert len({document.stem for document in documents}) == len(documents)
    assert to == "pdf" or all(document.parent != out for document in documents)
    profile = office.profile_for(profile)  # the LibreOffice kept running, if there is one
    result = subprocess.run(
        [office.soffice(), f"-env:UserInstallation={profile.as_uri()}",
         "--headless", "--convert-to", "docx:MS Word 2007 XML" if to == "docx" else to,
         "--outdir", str(out), *map(str, documents)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    converted = {document: out / f"{document.stem}.{to}" for document in documents}
    assert all(path.is_file() for path in converted.values()), result.stderr
    return converted




def run_macro(name: str, document: Path, out: Path, profile: Path, **env: str) -> None:
    """Run macro ``name`` of ``office.MACROS`` on ``document`` in LibreOffice, writing ``out``.

    ``profile`` becomes a copy of the profile of the LibreOffice this test process keeps
    running (tests/office.py), which holds the macros: a LibreOffice start fewer than
    making a fresh one (about 2 s of CPU), which is how it is done if none is kept
    (LibreOffice writes its default macros into it, then the macros go in). Then a
    LibreOffice of its own runs the one named (it quits when done: the macro ends it), on
    a copy of ``document`` in ``profile``: LibreOffice writes its lock file beside the
    document it opens, and ``document`` may be in a session's shared build folder.
    """
    kept = office.profile_for(profile)
    if kept != profile:  # not its lock: the copy is another profile, of no running one
        shutil.copytree(kept, profile, ignore=shutil.ignore_patterns(".lock"),
                        dirs_exist_ok=True)
    else:
        problem = office.make_profile(profile)
        assert problem is None, problem
    document = Path(shutil.copy(document, profile / document.name))
    result = subprocess.run([*office.command_for(profile), f"macro:///Standard.Module1.{name}"],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "GUIDEGEN_IN": str(document),
                                 "GUIDEGEN_OUT": str(out), **env})
    assert result.returncode == 0 and out.is_file(), result.stderr


def libreoffice_updated_contents(document: Path, profile: Path) -> list[tuple[str, int]]:
    """Return (entry, page) of the DOCX's contents after LibreOffice updates the field."""
    out = profile / "contents.txt"
    run_macro("UpdateContents", document, out, profile)
    return [(normalize(text), int(page)) for text, page in
            (line.rsplit("\t", 1) for line in out.read_text("utf-8").splitlines()
             if "\t" in line)]


def libreoffice_with_properties(document: Path, values: dict[str, str], out: Path,
                                profile: Path) -> Path:
    """Return the PDF LibreOffice prints of the DOCX once its custom properties are ``values``.

    As an editor does: File > Properties > Custom Properties, then the fields updated.
    """
    run_macro("SetProperties", document, out, profile,
              GUIDEGEN_SET="|".join(f"{name}={value}" for name, value in values.items()))
    return out


def pdf_pages(path: Path) -> int:
    """Return the page count poppler's pdfinfo reads from a PDF."""
    return int(_poppler("pdfinfo", (), _state(path)).split("Pages:")[1].split()[0])


def pdf_body_size(path: Path, pages: range | None = None) -> float:
    """Return the size (pt) most of a PDF's characters are printed at, as pypdf reads it.

    ``pages``: of those pages only (indexes from 0). Each page is read once per state of
    a file in a test process (:func:`_page_sizes`): test_packet_fitting reads a packet's
    guides' pages once for each guide and again for all of them.
    """
    from collections import Counter

    state = _state(path)
    sizes: Counter[float] = Counter()
    for page in pages if pages is not None else range(len(_pdf_reader(state).pages)):
        for size, count in _page_sizes(state, page).items():  # in the order first printed
            sizes[size] += count
    return sizes.most_common(1)[0][0]


@functools.lru_cache(maxsize=8)
def _pdf_reader(state: tuple[str, str]) -> Any:
    """Return pypdf's reader of the PDF in ``state`` (a file's bytes, see :func:`_state`)."""
    from pypdf import PdfReader

    return PdfReader(state[0])


@functools.lru_cache(maxsize=1024)
def _page_sizes(state: tuple[str, str], page: int) -> dict[float, int]:
    """Return how many characters page ``page`` (from 0) of the PDF in ``state`` prints at
    each size (pt), the sizes in the order they are first printed."""
    sizes: dict[float, int] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object,
              size: float) -> None:
        key = round(size * tm[3] * cm[3], 1)
        sizes[key] = sizes.get(key, 0) + len(text.strip())

    _pdf_reader(state).pages[page].extract_text(visitor_text=visit)
    return sizes


def check_pdf_and_docx(pdf: Path, document: Path, work: Path) -> None:
    """Assert what every reader guidegen's outputs are checked with says of a PDF + DOCX pair.

    poppler reads the PDF's pages, text and embedded fonts; qpdf finds it well formed;
    python-docx and pandoc read the DOCX's headings and table; LibreOffice converts the
    DOCX with its page numbers filled in.
    """
    import docx
    import pypandoc

    pages = pdf_pages(pdf)
    assert pages >= 1 and "Page 1 of" in pdf_text(pdf, "-f", "1", "-l", "1")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s", f) for f in fonts)
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0
    word = docx.Document(str(document))
    # a balanced heading's last line: its words joined by no-break spaces, or a line break
    headings = [normalize(unbroken(p.text)) for p in word.paragraphs
                if p.style.name.startswith(("Title", "Heading"))]
    assert headings and headings == [text for tag, text in pdf_structure(pdf, ("H1", "H2", "H3"))]
    ast = pypandoc.convert_file(str(document), "json", format="docx")
    assert '"Table"' in ast and '"Header"' in ast
    converted = libreoffice_pdfs([document], work / "lo", work / "lo-profile")[document]
    assert pdf_pages(converted) == pages
    assert "Page 1 of" in pdf_text(converted, "-f", "1", "-l", "1")


class StructNode:
    """One element of a tagged PDF's structure tree: its tag, texts and children in order."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.children: list[StructNode | str] = []

    def text(self, skip: tuple[str, ...] = ()) -> str:
        """Return the text inside this element, leaving out elements tagged ``skip``."""
        return normalize(self._pieces(skip))

    def _pieces(self, skip: tuple[str, ...]) -> str:
        """Return the element's pieces of text as printed: each carries its own spaces and
        line breaks, so a web address printed in pieces (its break points) reads whole."""
        return "".join(
            child if isinstance(child, str) else child._pieces(skip)
            for child in self.children if isinstance(child, str) or child.tag not in skip)

    def find(self, tag: str) -> list[StructNode]:
        """Return every element tagged ``tag`` inside this one, in reading order."""
        found = []
        for child in self.children:
            if isinstance(child, StructNode):
                found += [child] if child.tag == tag else []
                found += child.find(tag)
        return found


def pdf_struct_tree(path: Path) -> StructNode:
    """Return the structure tree of a tagged PDF, with each marked-content span's text.

    pypdf reads the tree and the text of each page (its fonts' ToUnicode maps); a span's
    text is what pypdf extracts between the ``BDC`` naming its MCID and the ``EMC``
    (the same as poppler's ``pdfinfo -struct-text`` after :func:`normalize`, which
    takes many seconds on a packet). Each file's tree is read once per test session.
    """
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()
    if key not in _STRUCT_TREES:
        _STRUCT_TREES[key] = _read_struct_tree(data)
    return _STRUCT_TREES[key]


_STRUCT_TREES: dict[str, StructNode] = {}


def _read_struct_tree(data: bytes) -> StructNode:
    import io

    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject

    reader = PdfReader(io.BytesIO(data))
    numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    spans: dict[int, dict[int, str]] = {}

    def span(page: object, mcid: int) -> str | None:
        number = numbers[page.idnum]  # type: ignore[attr-defined]
        if number not in spans:
            spans[number] = _marked_texts(reader.pages[number])
        return spans[number].get(mcid)

    def visit(kid: object, parent: StructNode, page: object) -> None:
        kid = kid.get_object()  # type: ignore[attr-defined]
        if isinstance(kid, ArrayObject):
            for each in kid:
                visit(each, parent, page)
        elif isinstance(kid, int) or (isinstance(kid, DictionaryObject)
                                      and kid.get("/Type") == "/MCR"):
            if isinstance(kid, DictionaryObject):
                page, kid = kid.raw_get("/Pg") if "/Pg" in kid else page, kid["/MCID"]
            text = span(page, int(kid))
            if text is not None:
                parent.children.append(text)
        elif isinstance(kid, DictionaryObject) and "/S" in kid:  # not an annotation's OBJR
            node = StructNode(str(kid["/S"])[1:])
            parent.children.append(node)
            if "/K" in kid:
                visit(kid.raw_get("/K"), node, kid.raw_get("/Pg") if "/Pg" in kid else page)

    root = StructNode("root")
    visit(reader.trailer["/Root"]["/StructTreeRoot"].raw_get("/K"), root, None)
    return root


def _marked_texts(page: object) -> dict[int, str]:
    """Return the text pypdf extracts from ``page`` inside each marked-content id (MCID).

    Marked content with an ``/ActualText`` inside it (a hyphenated word's pieces) says
    that text instead of what it shows, as PDF readers do.
    """
    from pypdf.generic import DictionaryObject

    texts: dict[int, list[str]] = {}
    # the MCID each marked-content sequence we are in belongs to, and whether an actual
    # text stands for what it shows
    marks: list[tuple[int | None, bool]] = []

    def before(operator: bytes, operands: list, cm: object, tm: object) -> None:
        owner = marks[-1][0] if marks else None
        replaced = bool(marks) and marks[-1][1]
        if operator == b"BDC":
            properties = operands[1].get_object() if len(operands) > 1 else None
            if not isinstance(properties, DictionaryObject):
                properties = DictionaryObject()
            mcid = properties.get("/MCID")
            if mcid is not None:
                texts.setdefault(int(mcid), [])
                marks.append((int(mcid), replaced))
            elif "/ActualText" in properties:
                if owner is not None and not replaced:
                    texts[owner].append(_text_string(properties["/ActualText"]))
                marks.append((owner, True))
            else:
                marks.append((None, replaced))
        elif operator == b"BMC":
            marks.append((None, replaced))
        elif operator == b"EMC" and marks:
            marks.pop()

    def shown(text: str, *state: object) -> None:
        if text and marks and marks[-1][0] is not None and not marks[-1][1]:
            texts[marks[-1][0]].append(text)

    page.extract_text(visitor_operand_before=before, visitor_text=shown)  # type: ignore
    return {mcid: "".join(parts) for mcid, parts in texts.items()}


def _text_string(value: object) -> str:
    """Return a PDF text string as written: UTF-16BE after its mark, else PDFDocEncoding.

    Inside a content stream pypdf may decode a string operand with the font in use (two
    bytes a glyph for WeasyPrint's fonts), so the string is decoded again from its bytes.
    """
    raw = getattr(value, "original_bytes", None)
    if raw is None:
        return str(value)
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")  # what guidegen writes outside UTF-16 is ASCII


def pdf_list_items(path: Path) -> list[str]:
    """Return the text of every list item of a tagged PDF (marker and nested lists left out)."""
    return [item.text(skip=("Lbl", "L")) for item in pdf_struct_tree(path).find("LI")
            if any(isinstance(c, StructNode) and c.tag == "Lbl" for c in item.children)]


def docx_list_items(path: Path) -> list[str]:
    """Return the text of every list paragraph of a DOCX, in order."""
    import docx

    return [normalize(p.text) for p in docx.Document(str(path)).paragraphs
            if p.style.name.startswith(("List Bullet", "List Number"))]


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--hide-scrollbars")

# Measures the page as laid out at the window's width: words whose letters fall on two
# lines, whether the page scrolls sideways, and how each matrix box and its criteria
# column behave; the answer goes into <body data-probe>, which --dump-dom prints.
PROBE = """<script>
(() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const match of node.textContent.matchAll(/[\\p{L}\\p{N}]{2,}/gu)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      let rects = [...range.getClientRects()];
      // a line broken at a soft hyphen draws its hyphen, which the next piece's range
      // starts with, on the line above: that is no break inside the piece
      if (match.index > 0 && node.textContent[match.index - 1] === "\u00ad" &&
          rects.length > 1 && rects[0].width < 8)
        rects = rects.slice(1);
      const tops = new Set(rects.map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  const boxes = [...document.querySelectorAll(".table-box")].map(box => ({
    scrolls: box.scrollWidth > box.clientWidth + 1,
    sticky: getComputedStyle(box.querySelector("tbody th")).position,
    criteria: Math.max(...[...box.querySelectorAll("tbody th")].map(
      th => th.getBoundingClientRect().width)) / window.innerWidth}));
  document.body.dataset.probe = JSON.stringify({broken, boxes,
    pageScrolls: document.documentElement.scrollWidth > window.innerWidth + 1});
})();
</script>"""


def chromium_probe(html: Path, width: int, browser: Chromium) -> dict:
    """Return the PROBE's findings for ``html`` laid out ``width`` px wide in ``browser``."""
    import json

    probed = html.with_name(f"{html.stem}-probe-{width}.html")
    text = html.read_text(encoding="utf-8")
    # the probe is a script, which the output's Content-Security-Policy stops: measuring
    # the layout, the probe's copy goes without it
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text, count=1)
    probed.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = browser.page(probed, width)
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, dom[:500]
    from html import unescape

    return json.loads(unescape(found.group(1)))


def chromium_screenshot(html: Path, width: int, out: Path, browser: Chromium) -> Path:
    """Return a PNG screenshot of ``html`` in a ``width`` px wide window of ``browser``."""
    browser.page(html, width, screenshot=out)
    assert out.is_file()
    return out


class Chromium:
    """One chromium kept running, driven through its DevTools pipe (fds 3 and 4), that
    opens each page in a browser context of its own, in a new window of the width asked.

    As ``chromium --window-size --screenshot`` would, but exactly as wide as asked (a
    headless chromium of its own is never narrower than 500 px): a window ``width`` x
    1400 px at its device scale, no state of another page (a context shares no cookies, storage or
    cache with another: it is made for the page, and removed with it); the probe's
    findings read from the page once it has loaded, the screenshot of the window taken
    then. A chromium start fewer a page (about 0.6 s of CPU).
    """

    def __init__(self, profile: Path) -> None:
        import ctypes
        import fcntl
        import signal

        to_it, self._to = os.pipe()
        self._from, from_it = os.pipe()
        prctl = ctypes.CDLL(None, use_errno=True).prctl

        def child() -> None:  # its pipe ends as fds 3 and 4, as --remote-debugging-pipe has
            ends = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_it, from_it)]
            for number, fd in zip((3, 4), ends, strict=True):
                os.dup2(fd, number)
            prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: it ends with the test process

        self.process = subprocess.Popen(
            [shutil.which("chromium") or "chromium", *CHROMIUM_FLAGS,
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=child)
        os.close(to_it)
        os.close(from_it)
        self._read = b""
        self._sent = 0
        self._events: list[dict] = []

    def _call(self, method: str, session: str | None = None, **params: Any) -> dict:
        """Send a DevTools command and return its result (events before it are dropped,
        but the one :meth:`_until` waits for is kept)."""
        import json

        self._sent += 1
        message = {"id": self._sent, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._next()
            if answer.get("id") == self._sent:
                assert "error" not in answer, (method, answer)
                return answer["result"]
            self._events.append(answer)

    def _next(self) -> dict:
        import json
        import select

        while b"\0" not in self._read:
            # as long as a chromium of its own is given (a bound only a hung one reaches)
            assert select.select([self._from], [], [], PATIENCE)[0], "chromium did not answer"
            chunk = os.read(self._from, 1 << 16)
            assert chunk, "chromium ended"
            self._read += chunk
        message, self._read = self._read.split(b"\0", 1)
        return json.loads(message)

    def _until(self, event: str, session: str) -> None:
        while True:
            found = next((e for e in self._events
                          if e.get("method") == event and e.get("sessionId") == session), None)
            if found is not None:
                return
            self._events.append(self._next())

    def page(self, html: Path, width: int, *, screenshot: Path | None = None) -> str:
        """Open ``html`` in a ``width`` px window of a new context; return its HTML once
        loaded (what a probe in it wrote), or write its window's PNG to ``screenshot``."""
        import base64

        self._events = []
        context = self._call("Target.createBrowserContext")["browserContextId"]
        try:
            target = self._call("Target.createTarget", url="about:blank",
                                browserContextId=context, newWindow=True,
                                width=width, height=1400)["targetId"]
            session = self._call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
            # the window's inner size exactly (as --screenshot sets it; a new window's is
            # smaller by the height of the browser's bar)
            self._call("Emulation.setDeviceMetricsOverride", session, width=width,
                       height=1400, deviceScaleFactor=1, mobile=False)
            self._call("Page.enable", session)
            self._call("Page.navigate", session, url=html.as_uri())
            self._until("Page.loadEventFired", session)
            if screenshot is not None:
                shot = self._call("Page.captureScreenshot", session, format="png")
                screenshot.write_bytes(base64.b64decode(shot["data"]))
                return ""
            found = self._call("Runtime.evaluate", session, returnByValue=True,
                               expression="document.documentElement.outerHTML")
            return str(found["result"]["value"])
        finally:
            self._call("Target.disposeBrowserContext", browserContextId=context)

    def close(self) -> None:
        """End chromium (as its Browser.close does) and wait for it."""
        import contextlib

        with contextlib.suppress(AssertionError, OSError):
            self._call("Browser.close")
        self.process.wait(PATIENCE)
        os.close(self._to)
        os.close(self._from)


def yaml_1_2(text: str) -> object:
    """Return ``text`` read as editors read YAML (1.2): no dates, true and false only."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers
                if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                 re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))
    return yaml.load(text, Loader)  # a SafeLoader, with YAML 1.2's scalars


def page_words(path: Path, top: float, bottom: float
               ) -> list[tuple[float, list[tuple[float, float, float, str]]]]:
    """Return each page's height and words between ``top`` and ``bottom`` points from its edges.

    Each word as (top, left, bottom, word), from poppler's ``pdftotext -bbox``: the text
    area of a page (a word whose middle is in it: a tall Japanese title's glyphs reach
    above the area's top), its running header and footer left out.
    """
    found = []
    for page in re.findall(r"<page (.*?)</page>", pdf_text(path, "-bbox"), re.S):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" '
                           r'yMax="([\d.]+)">(.*?)</word>', page)
        found.append((height, [(float(y_min), float(x_min), float(y_max), html.unescape(word))
                               for x_min, y_min, y_max, word in words
                               if top < (float(y_min) + float(y_max)) / 2 < height - bottom]))
    return found


def page_starts(path: Path, top: float, bottom: float, count: int = 3) -> list[str]:
    """Return the first ``count`` words of each page's text area (its first line's).

    The words of the topmost line, left to right, line-end hyphens dropped, Chinese or
    Japanese words joined without a space (readers split them where runs part); empty
    for a page without text there.
    """
    starts = []
    for _, words in page_words(path, top, bottom):
        first = min((y for y, _, _, _ in words), default=0.0)
        line = sorted((x, word) for y, x, _, word in words if y < first + 3)
        text = ""
        for _, word in line[:count]:
            word = word.rstrip("-\u2010\u00ad")
            joined = re.search(f"{_EAST_ASIAN}$", text) or re.match(_EAST_ASIAN, word)
            text += word if joined or not text else " " + word  # Japanese: no spaces
        starts.append(text)
    return starts
