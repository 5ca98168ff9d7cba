"""The DOCX's zip written again with fixed dates, each entry copied as python-docx deflated it.

guidegen.renderers.docx.oxml.package.rezip: the same bytes as deflating each entry again
(the old way), no entry deflated a second time, and the entries read back as written.
"""

from __future__ import annotations

import io
import zipfile

import docx

import guidegen
from guidegen.renderers.docx.oxml import package

from .conftest import DEFAULT_GUIDE, JOBS_1

STAMP = (2026, 12, 7, 19, 30, 0)
rezip = package.rezip


def saved_by_python_docx(document):
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue()


def default_guides_document(monkeypatch):
    # the document the DOCX renderer saves, as python-docx saves it
    found = []
    monkeypatch.setattr(package, "rezip", lambda saved, stamp: found.append(saved) or
                        rezip(saved, stamp))
    guidegen.render(guidegen.load(DEFAULT_GUIDE), ["docx"], JOBS_1)
    return found[-1]


def test_rezip_writes_the_bytes_deflating_again_writes(monkeypatch):
    plain = docx.Document()
    plain.add_paragraph("Hello, world. " * 400)
    for saved in (saved_by_python_docx(plain), default_guides_document(monkeypatch)):
        copied = rezip(saved, STAMP)
        assert copied == rezip(saved, STAMP, again=True)
        with zipfile.ZipFile(io.BytesIO(copied)) as written, \
                zipfile.ZipFile(io.BytesIO(saved)) as source:
            assert written.namelist() == source.namelist()
            for entry in written.infolist():  # the CRC checked as each is read
                assert written.read(entry) == source.read(entry.filename)
                assert entry.date_time == STAMP and entry.external_attr == 0o644 << 16


def test_rezip_deflates_nothing_again(monkeypatch):
    saved = saved_by_python_docx(docx.Document())
    deflated = []
    real = zipfile._get_compressor

    def counted(*args):
        compressor = real(*args)
        if compressor is None:
            return None

        class Counted:
            def compress(self, data):
                deflated.append(len(data))
                return compressor.compress(data)

            def flush(self):
                return compressor.flush()
        return Counted()

    monkeypatch.setattr(zipfile, "_get_compressor", counted)
    rezip(saved, STAMP)
    assert deflated == []
    rezip(saved, STAMP, again=True)
    assert sum(deflated) > 100_000  # the template's parts, as the old way deflated them
