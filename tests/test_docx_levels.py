"""A fitted guide's DOCX written once: another level's styles swapped into the same body.

:mod:`guidegen.renderers.docx.levels`: the DOCX of a tree prepared at one level, moved to
another (``again``), must be byte for byte the DOCX prepared at that level from scratch.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import zipfile
from pathlib import Path

import pytest

import guidegen
from guidegen.builder import scheduler
from guidegen.renderers import docx as word
from guidegen.renderers.docx.parts import PartWriter

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ("content/cmo-cdmo-cro.yaml", "content/cmo-cdmo-cro.ja.yaml",
          "tests/data/deviation-change-capa.yaml", "tests/data/forty-checks.yaml")
LEVELS = (0.25, 0.5, 1.0)  # a small tightening: spacing and line height


@functools.cache
def _captured(path: str) -> tuple[list, object, bytes]:
    """Return the (document, context) of each DOCX a build prepared, its page map, its bytes.

    The build writes each DOCX afresh (``again`` turned off). Made once per guide in a
    test process: three tests read the default guide's (1.3 s of CPU a build).
    """
    tasks, maps = [], []
    preparer = scheduler._preparer

    def preparing(task, name):
        finish = preparer(task, name)
        tasks.append((task.document, task.context))
        return lambda page_map: maps.append(page_map) or finish(page_map)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scheduler, "_preparer", preparing)
        patch.setattr(word._Written, "again", lambda self, document, context: None)
        data = guidegen.render(guidegen.load(ROOT / path), ["docx"])["docx"].data
    return tasks, maps[-1], data


def _at(context, level: float):
    templates = context.templates
    return dataclasses.replace(context, templates=templates.with_theme(
        templates.theme.tightened(level)))


@pytest.mark.parametrize("path", GUIDES)
def test_a_docx_moved_to_another_level_is_the_one_written_at_it(path):
    tasks, page_map, _ = _captured(path)
    document, context = tasks[0]
    for level in LEVELS:
        other = _at(context, level)
        first = word.prepare(document, context)
        moved = first.again(document, other)
        assert moved is not None, f"{path} at {level}: written again"
        assert moved(page_map).data == word.prepare(document, other)(page_map).data, level
    # past a small tightening the type shrinks, and the body (a fields block's widths)
    assert word.prepare(document, context).again(document, _at(context, 1.5)) is None
    # and back: the first level's finisher, called after a move, is its own level's DOCX
    first = word.prepare(document, context)
    assert first.again(document, _at(context, 1.0)) is not None
    assert first(page_map).data == word.prepare(document, context)(page_map).data


def test_a_fitted_build_writes_the_docx_body_once_with_the_same_bytes(monkeypatch):
    tasks, _, fresh = _captured("content/cmo-cdmo-cro.yaml")
    assert len(tasks) == 2  # the first layout's level, the fitted one: fitted
    assert tasks[0][1].templates.styles.key != tasks[1][1].templates.styles.key
    written = []
    add_blocks = PartWriter.add_blocks
    monkeypatch.setattr(PartWriter, "add_blocks",
                        lambda self, blocks: written.append(1) or add_blocks(self, blocks))
    data = guidegen.render(guidegen.load(ROOT / "content/cmo-cdmo-cro.yaml"),
                           ["docx"])["docx"].data
    assert data == fresh
    assert written == [1]  # the body: once, not once per level


def test_another_tree_or_a_finished_docx_is_written_afresh():
    tasks, page_map, _ = _captured("content/cmo-cdmo-cro.yaml")
    document, context = tasks[0]
    other = dataclasses.replace(document, blocks=document.blocks[:-1])
    assert word.prepare(document, context).again(other, _at(context, 1.0)) is None
    finish = word.prepare(document, context)
    finish(page_map)
    assert finish.again(document, _at(context, 1.0)) is None


def test_levels_whose_reference_documents_differ_beyond_styles_are_not_swapped():
    from guidegen.renderers.docx import levels

    one = io.BytesIO()
    with zipfile.ZipFile(one, "w") as package:
        package.writestr(levels.STYLES_PART, "<a/>")
        package.writestr("word/numbering.xml", "<n/>")
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as package:
        package.writestr(levels.STYLES_PART, "<b/>")
        package.writestr("word/numbering.xml", "<m/>")
    assert levels.same_but_styles(one.getvalue(), one.getvalue())
    assert not levels.same_but_styles(one.getvalue(), other.getvalue())
