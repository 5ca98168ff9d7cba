"""The DOCX writer's style lookups: python-docx's answers, without its scans over every style."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.styles import CT_Styles
from docx.styles.styles import Styles

import guidegen
from guidegen.renderers.docx import oxml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def default_guide():
    return guidegen.load(ROOT / "content" / "cmo-cdmo-cro.yaml")


def test_a_docx_finds_each_kinds_default_style_once_and_never_scans_names(default_guide,
                                                                         monkeypatch):
    # python-docx scans every style for the default of a kind on each lookup, and for a
    # name on each style it adds: the DOCX of the default guide did 25 and 44 such scans
    scans: list[str] = []
    default_for, contains = CT_Styles.default_for, Styles.__contains__
    remember = oxml.remember_style_ids
    monkeypatch.setattr(oxml, "remember_style_ids",
                        lambda document: scans.append("document") or remember(document))
    monkeypatch.setattr(CT_Styles, "default_for", lambda self, kind: scans.append(
        f"default {kind}") or default_for(self, kind))
    monkeypatch.setattr(Styles, "__contains__",
                        lambda self, name: scans.append("name") or contains(self, name))
    rendered = guidegen.render(default_guide, ["docx"])["docx"]
    assert rendered.data.startswith(b"PK")
    assert scans.count("name") == 0
    # per document written (the first layout's), and again when the fitted level's styles
    # are swapped into it (renderers/docx/levels), the styles are indexed in one pass
    # (oxml.body._StyleIndex): no default looked for by python-docx's scan
    starts = [n for n, scan in enumerate(scans) if scan == "document"]
    assert len(starts) == 2
    assert scans == ["document", "document"]


def test_the_style_index_answers_as_python_docx():
    # every name, id and kind's default of the generated reference document, and a
    # style added after the index was made (searched for, not indexed)
    from guidegen.renderers.docx.oxml.body import _StyleIndex

    word = docx.Document()
    element = word.styles.element
    normal = word.styles["Normal"].element
    element.append(copy.deepcopy(normal))  # the same name and id, a default again: the
    index = _StyleIndex(element)  # first of a name or id is found, the last default
    assert index.named("Normal", word.styles).element is normal
    assert index.default(WD_STYLE_TYPE.PARAGRAPH) is element[-1] is not normal
    names = [style.name for style in word.styles]
    assert len(names) > 100
    for name in names:
        assert index.named(name, word.styles).element is word.styles[name].element
    for style in element.iterchildren(qn("w:style")):
        assert index.by_id(style.styleId) is element.get_by_id(style.styleId)
    for kind in WD_STYLE_TYPE:
        assert index.default(kind) is element.default_for(kind)
    added = word.styles.add_style("Added later", WD_STYLE_TYPE.PARAGRAPH)
    assert index.named("Added later", word.styles).element is added.element
    assert index.by_id(added.style_id) is added.element
    with pytest.raises(KeyError):
        index.named("No such style", word.styles)


def test_each_style_id_is_the_one_python_docx_gives(a4):
    # the default guide's DOCX, as the session's A4 build wrote it (the bytes of
    # guidegen.render(default_guide, ["docx"]): a DOCX alone is fitted as with the PDF)
    out = a4.path("cmo-cdmo-cro", "docx")
    fast, plain = docx.Document(str(out)), docx.Document(str(out))
    oxml.remember_style_ids(fast)
    kinds = (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE)
    checked = 0
    for style in plain.styles:
        for kind in kinds:
            for key in (style.name, plain.styles[style.name]):
                try:
                    expected: object = plain.part.get_style_id(key, kind)
                except ValueError as exc:  # another kind: the same error
                    expected = str(exc)
                try:
                    found: object = fast.part.get_style_id(
                        key if isinstance(key, str) else fast.styles[style.name], kind)
                except ValueError as exc:
                    found = str(exc)
                assert found == expected, (style.name, kind)
                checked += 1
    assert checked > 300
    for found in [None, "NoSuchId", *(style.style_id for style in plain.styles)]:
        for kind in kinds:
            assert fast.part.get_style(found, kind).element.xml \
                == plain.part.get_style(found, kind).element.xml, (found, kind)
    assert fast.part.get_style_id(None, WD_STYLE_TYPE.PARAGRAPH) is None
    with pytest.raises(KeyError):
        fast.part.get_style_id("No Such Style", WD_STYLE_TYPE.PARAGRAPH)


def test_a_style_added_is_the_one_python_docx_adds():
    fast, plain = docx.Document(), docx.Document()
    for name, kind in (("Guide Lead", WD_STYLE_TYPE.PARAGRAPH),
                       ("Caption Note", WD_STYLE_TYPE.PARAGRAPH),
                       ("Mark Yes", WD_STYLE_TYPE.CHARACTER),
                       ("Matrix", WD_STYLE_TYPE.TABLE)):
        ours, theirs = oxml.add_style(fast, name, kind), plain.styles.add_style(name, kind)
        assert ours.element.xml == theirs.element.xml
    assert fast.styles.element.xml == plain.styles.element.xml
