"""Provenance: an archival PDF carries the YAML it was made from, and gives it back.

Built with ``--pdf-variant a-3b``: the guide's source (a packet's: the packet file and
its guides') is an associated file with ``AFRelationship /Source``, read back with
pikepdf byte for byte; ``guidegen extract`` writes it out; the bytes stay reproducible.
"""

from __future__ import annotations

import shutil

import pikepdf

import guidegen
from guidegen.builder.options import BuildOptions

from .conftest import DATA, ROOT

GERMAN = DATA / "acht-dienstleister.yaml"


def sources(pdf) -> dict[str, bytes]:
    """Return the files ``pdf`` associates as its sources (the catalogue's /AF), by name."""
    with pikepdf.open(pdf) as document:
        found = {}
        for spec in document.Root.get("/AF", []):
            assert spec.AFRelationship == "/Source"
            found[str(spec.UF)] = spec.EF.F.read_bytes()
        return found


def test_an_archival_pdf_carries_its_yaml_source_and_gives_it_back(tmp_path, cli):
    guide = tmp_path / "gueltig.yaml"
    shutil.copyfile(GERMAN, guide)
    options = BuildOptions(out=tmp_path / "out", formats=("pdf",), pdf_variant="a-3b",
                           force=True)
    (output,) = guidegen.build([str(guide)], options)
    first = output.path.read_bytes()
    assert sources(output.path) == {"gueltig.yaml": GERMAN.read_bytes()}
    # reproducible: the same bytes again
    (again,) = guidegen.build([str(guide)], options)
    assert again.path.read_bytes() == first
    # written back out, byte for byte; an existing file is kept without --force
    result = cli("extract", str(output.path), "-o", str(tmp_path / "back"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "back" / "gueltig.yaml").read_bytes() == GERMAN.read_bytes()
    result = cli("extract", str(output.path), "-o", str(tmp_path / "back"))
    assert result.exit_code != 0 and "exists; --force replaces it" in result.output
    # a PDF of another variant carries none (of whatever guide: the smallest)
    plain = BuildOptions(out=tmp_path / "ua", formats=("pdf",), force=True)
    (tagged,) = guidegen.build([str(DATA / "minimal.yaml")], plain)
    assert sources(tagged.path) == {}
    result = cli("extract", str(tagged.path), "-o", str(tmp_path / "none"))
    assert result.exit_code != 0 and "carries no sources" in result.output


def test_an_archival_packet_carries_the_packet_file_and_its_guides(tmp_path):
    # the example packet naming two small guides, one by its name in content/, one by
    # its path from the packet file (the example's three guides: three times the layout)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "packets", project / "packets")
    (project / "content").mkdir()
    shutil.copy(DATA / "minimal.yaml", project / "content")
    shutil.copy(DATA / "qa-qc-one-page.yaml", project / "packets" / "guides")
    packet = project / "packets" / "new-starter.yaml"
    text = packet.read_text(encoding="utf-8")
    packet.write_text(text[:text.index("guides:  ")] + "guides:\n  - minimal\n"
                      "  - guides/qa-qc-one-page.yaml\n" + text[text.index("right_hand_start:"):],
                      encoding="utf-8")
    options = BuildOptions(out=project / "out", content=project / "content",
                           formats=("pdf",), pdf_variant="a-3b", force=True,
                           root=project, allow_draft=True)
    (output,) = [o for o in guidegen.build([str(packet)], options) if o.format == "pdf"]
    found = sources(output.path)
    assert found["new-starter.yaml"] == packet.read_bytes()
    assert sorted(found) == ["minimal.yaml", "new-starter.yaml", "qa-qc-one-page.yaml"]
    for name, data in found.items():
        if name != "new-starter.yaml":
            assert data in {p.read_bytes() for p in project.rglob(name)}
