"""The small project every third-pass attack was tried in (issue 23).

``guidegen.yaml`` with ``content``, ``output``, ``packets`` and ``templates``; a
two-subject guide ``content/ab.yaml`` (effective, as a packet's guides must be); a
packet ``packets/pk.yaml`` of ``ab`` with a roster section; ``packets/r.csv`` with two
rows; and ``outside``, a folder beside the project holding what no build may read or
write (``victim.txt``, ``g.yaml``, ``r.csv``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..attacks import CONTROLLED, MINIMAL

PROJECT_FILE = "content: content\noutput: output\npackets: packets\ntemplates: templates\n"
PACKET = """\
packet:
  title: Welcome
cover:
  recipient: [name, start_date]
guides: [ab]
roster:
  columns: {first_name: First name, last_name: Last name, start_date: Start date}
"""
ROSTER = "First name,Last name,Start date\nAmara,Okafor,2026-12-01\nJonas,Muller,2026-12-01\n"
SECRET = "Outside title: never printed"


@dataclass(frozen=True)
class Small:
    """The project's folder and the folder beside it."""

    root: Path
    outside: Path

    @property
    def victim(self) -> Path:
        """Return the file outside the project that no build may replace."""
        return self.outside / "victim.txt"

    def write(self, name: str, text: str) -> Path:
        """Write ``text`` as the project's file ``name`` and return its path."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def packet(self, text: str = PACKET, name: str = "pk") -> Path:
        """Write the packet file ``packets/<name>.yaml``."""
        return self.write(f"packets/{name}.yaml", text)

    def files(self, folder: str = "output") -> list[str]:
        """Return every file under the project's ``folder``, relative to it, sorted."""
        base = self.root / folder
        return sorted(str(p.relative_to(base)) for p in base.rglob("*") if not p.is_dir()) \
            if base.exists() else []


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Small:
    """Return the small project (issue 23's), as the working folder."""
    root, outside = tmp_path / "project", tmp_path / "outside"
    project = Small(root, outside)
    outside.mkdir()
    project.victim.write_text("original", encoding="utf-8")
    (outside / "g.yaml").write_text(MINIMAL.replace("Alpha vs Beta", SECRET), "utf-8")
    (outside / "r.csv").write_text("Secret header,x\n1,2\n", "utf-8")
    project.write("guidegen.yaml", PROJECT_FILE)
    project.write("content/ab.yaml", CONTROLLED)
    project.packet()
    project.write("packets/r.csv", ROSTER)
    (root / "templates").mkdir()
    monkeypatch.chdir(root)
    return project


def xlsx(path: Path, sheet: str, *, workbook: str | None = None,
         shared: str | None = None, drop: tuple[str, ...] = ()) -> Path:
    """Write at ``path`` a minimal workbook whose first sheet's XML is ``sheet``.

    ``workbook`` replaces ``xl/workbook.xml``; ``shared`` adds a shared-strings part;
    ``drop`` leaves parts out.
    """
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kind}.'
            'worksheet+xml"/>'
            + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.'
               'sharedStrings+xml"/>' if shared is not None else "") + '</Types>'),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": workbook or (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Hires" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{rel}/sharedStrings" '
               'Target="sharedStrings.xml"/>' if shared is not None else "")
            + "</Relationships>"),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    with zipfile.ZipFile(path, "w") as package:
        for name, text in parts.items():
            if name not in drop:
                package.writestr(name, text)
    return path


def sheet_xml(*rows: str, dimension: str = "A1:C3") -> str:
    """Return a worksheet's XML holding ``rows`` (each ``<row>`` element's XML)."""
    return ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dimension}"/><sheetData>{"".join(rows)}</sheetData>'
            '</worksheet>')


def row(number: int, *cells: str) -> str:
    """Return a ``<row>`` of inline-string cells (``A``, ``B``, ...), or raw ``<c>`` XML."""
    xml = "".join(cell if cell.startswith("<c") else
                  f'<c r="{chr(65 + n)}{number}" t="inlineStr"><is><t>{cell}</t></is></c>'
                  for n, cell in enumerate(cells))
    return f'<row r="{number}">{xml}</row>'
