"""Shared pages painted once per process (renderers/pdf/engine_painting.py).

A roster's PDFs get them replayed, and are byte for byte those a whole layout writes.
"""

from __future__ import annotations

import subprocess

from pypdf import PdfReader

import guidegen

from .test_packets import copy_project, pdf_options, write_roster

ROWS = ("Amara,Okafor,QC Analyst,Dublin,Siobhán Byrne,2026-12-01\n",
        "Jürgen,Groß-Wäßle,Process Engineer,Basel,Katrin Vogel,2026-12-02\n",
        "Yuki,Tanaka,Clinical Research Associate,Tokyo,Hiroshi Sato,2026-12-08\n")
NAMES = ("2026-12-02-Groß-Wäßle-Jürgen.pdf", "2026-12-08-Tanaka-Yuki.pdf")


def test_shared_pages_are_painted_once_and_each_pdf_equals_its_whole_layout(tmp_path,
                                                                          monkeypatch):
    from guidegen.renderers.pdf import engine_painting as module

    painted: list[int] = []  # the stream length of each recording (one per page painted)
    replayed: list[int] = []
    record, replay = module._record, module._replay

    def recording(paint, page, stream, scale, seed):
        found = record(paint, page, stream, scale, seed)
        painted.append(len(seed))
        return found

    def replaying(found, stream):
        replayed.append(len(found.ops))
        return replay(found, stream)

    monkeypatch.setattr(module, "_record", recording)
    monkeypatch.setattr(module, "_replay", replaying)
    from guidegen.builder import fitting  # no curriculum fitted yet in this process
    monkeypatch.setattr(fitting, "_SETTLED", {})
    folder = copy_project(tmp_path)
    packet = folder / "packets" / "new-starter.yaml"
    # the example packet with its first guide alone, a fitted one: its first layout takes
    # a page more than its fitted one (4 shared pages, then 3); the other two guides
    # only made the same kinds of pages again
    text = packet.read_text(encoding="utf-8")
    guides = "  - cmo-cdmo-cro\n  - guides/qa-vs-qc.yaml\n  - guide: guides/gmp-gcp-glp.yaml\n"
    assert guides in text
    packet.write_text(text.replace(guides, "  - cmo-cdmo-cro\n"), encoding="utf-8")
    guidegen.build([packet], pdf_options(folder, "shared").replace(
        roster=write_roster(folder, "".join(ROWS))))
    pages = len(PdfReader(folder / "shared" / "new-starter" / NAMES[1]).pages)
    shared = len([seed for seed in painted if seed == 0])
    # the cover, contents and sheet are each recipient's own; the guides' pages are
    # shared. The example's guides are fitted to their pages (builder/fitting.py): the
    # first recipient's first layout is composed before they are, at the theme's
    # spacing; its fit's try at the level kept is composed too (Fit.document), as are
    # the others' at the levels it found; each set of shared pages is recorded once and
    # replayed to its recipients: the first set once, the fitted one to all of them
    fitted, rest = divmod(len(replayed) - shared, len(ROWS) - 1)  # replayed 3x, recorded 1x
    first = shared - fitted  # the first recipient's, at the theme's spacing
    assert rest == 0 and 0 < fitted < first < pages and all(replayed)  # fitted: fewer
    # a few pages are recorded again with the widths of glyphs the cover met first at
    # another size (each seed is such widths); the bytes below show both kinds replay
    assert any(painted) and len(painted) < 2 * shared
    painted.clear()
    for row, name in zip(ROWS[1:], NAMES, strict=True):  # one recipient: laid out whole
        guidegen.build([packet], pdf_options(folder, "whole").replace(
            roster=write_roster(folder, row, "alone.csv")))
        whole = (folder / "whole" / "new-starter" / name).read_bytes()
        assert (folder / "shared" / "new-starter" / name).read_bytes() == whole
    assert painted == []  # nothing is kept from a whole layout
    check = subprocess.run(["qpdf", "--check", str(folder / "shared" / "new-starter" /
                                                   NAMES[0])], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_each_stream_is_compressed_once_per_pdf_and_the_bytes_are_the_same(monkeypatch):
    # pydyf makes every object's bytes twice (to write it, then to hash it for the file
    # identifier); kept while it writes: the same PDF from one compression per stream
    import pydyf

    from .test_engine import laid

    compressed = []
    zlib = pydyf.zlib

    class Counting:
        def compressobj(self, *args, **kwargs):
            compressed.append(1)
            return zlib.compressobj(*args, **kwargs)

    monkeypatch.setattr(pydyf, "zlib", Counting())
    document = laid("<h1>Once</h1><p>Each stream's bytes are made once per PDF.</p>")
    once = document.write_pdf()
    made_once = len(compressed)
    compressed.clear()
    monkeypatch.setattr(pydyf.PDF, "write", pydyf.PDF.write.__wrapped__)  # pydyf's own
    twice = document.write_pdf()
    assert once == twice
    assert 0 < made_once < len(compressed)
