"""Rendering paths: the DOCX built beside the PDF in a helper process, and --jobs."""

from __future__ import annotations

import os

import guidegen

from .conftest import DATA, DEFAULT_GUIDE


def test_docx_beside_the_pdf_gives_the_same_bytes_as_one_after_the_other(monkeypatch):
    guide = guidegen.load(DEFAULT_GUIDE)
    beside = guidegen.render(guide, ["pdf", "docx"])
    monkeypatch.setattr("guidegen.rendering.os.cpu_count", lambda: 1)
    in_turn = guidegen.render(guide, ["pdf", "docx"])
    assert beside["docx"].data == in_turn["docx"].data
    assert beside["pdf"].data == in_turn["pdf"].data


def test_a_helper_that_dies_is_a_render_error(project, cli, monkeypatch):
    monkeypatch.setattr("guidegen.writers.docx.prepare", lambda guide, context: os._exit(7))
    result = cli("build")
    assert result.exit_code == 3
    assert "the docx helper process stopped unexpectedly (exit status 7)" in result.stderr
    assert not (project / "output" / "cmo-cdmo-cro.pdf").exists()


def test_an_unexpected_writer_failure_in_the_helper_is_reported(project, cli, monkeypatch):
    def broken(guide, context):
        raise ValueError("boom")

    monkeypatch.setattr("guidegen.writers.docx.prepare", broken)
    result = cli("build")
    assert result.exit_code == 3
    assert "docx writer failed: boom" in result.stderr


def test_jobs_build_several_guides_in_worker_processes(project, cli):
    for name in ("b", "c"):
        (project / "content" / f"{name}.yaml").write_bytes((DATA / "minimal.yaml").read_bytes())
    result = cli("build", "--jobs", "2")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (project / "output").iterdir()
                     if not p.name.startswith("."))
    assert written == ["b.docx", "b.pdf", "c.docx", "c.pdf", "cmo-cdmo-cro.docx",
                       "cmo-cdmo-cro.pdf"]
    serial = guidegen.render(guidegen.load(project / "content" / "b.yaml"), ["pdf", "docx"])
    assert (project / "output" / "b.pdf").read_bytes() == serial["pdf"].data


def test_errors_in_worker_processes_keep_their_locations(project, cli):
    (project / "content" / "b.yaml").write_bytes((DATA / "minimal.yaml").read_bytes())
    (project / "mine" / "partials").mkdir(parents=True)
    (project / "mine" / "partials" / "matrix.html.j2").write_text("\n{{ nope }}\n")
    result = cli("build", "--jobs", "2", "--templates", "mine")
    assert result.exit_code == 1
    assert result.stderr.startswith("mine/partials/matrix.html.j2:2: error: 'nope' is undefined")
    assert not (project / "output").exists()
