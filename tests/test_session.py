"""The build session: each input read once, templates loaded once, one job cycle for all."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from guidegen import BuildOptions
from guidegen.builder.session import Session
from guidegen.errors import TemplateError
from guidegen.files import read_file, reading_once

from .conftest import DATA, ROOT, write_yaml

SOLO = "packet:\n  title: Solo\nguides:\n  - cmo-cdmo-cro\n"  # a packet of one guide


def solo_packet(project: Path) -> Path:
    """Write a packet of the project's one guide; return its file."""
    (project / "packets").mkdir(exist_ok=True)
    return write_yaml(project / "packets", "solo.yaml", SOLO)

# Run in a fresh interpreter (no cache of an earlier build in this process counts): build
# GUIDES with ``jobs=1`` (everything in this process) into a fresh folder, and print how
# often each file of the project and of guidegen's package data was opened, and how often
# the templates were loaded.
COUNTING = textwrap.dedent("""
    import builtins, collections, io, json, os, sys
    from pathlib import Path

    import guidegen, guidegen.theme

    project, out, *guides = sys.argv[1:]
    roots = [os.path.realpath(project), os.path.realpath(Path(guidegen.__file__).parent)]
    skip = (os.path.realpath(out), os.path.realpath(Path(project) / "output"))
    reads, loads = collections.Counter(), []

    def count(path):
        if not isinstance(path, (str, bytes, os.PathLike)):
            return
        real = os.path.realpath(os.fsdecode(path))
        if os.path.isfile(real) and any(real.startswith(r + os.sep) for r in roots) \\
                and not real.startswith(skip) and not real.endswith((".py", ".pyc")):
            reads[os.path.relpath(real, roots[0]) if real.startswith(roots[0])
                  else "guidegen:" + os.path.relpath(real, roots[1])] += 1

    def counted(function):
        def wrapper(path, *args, **kwargs):
            count(path)
            return function(path, *args, **kwargs)
        return wrapper

    os.open, builtins.open, io.open = (counted(f) for f in (os.open, builtins.open, io.open))
    load_templates = guidegen.theme.load_templates

    def loading(*args, **kwargs):
        loads.append(args)
        return load_templates(*args, **kwargs)

    guidegen.theme.load_templates = loading
    os.chdir(project)
    written = guidegen.build(guides, guidegen.BuildOptions(out=Path(out), jobs=1, force=True,
                                                           formats=("pdf", "docx")))
    print(json.dumps({"reads": reads, "template_loads": len(loads),
                      "written": [str(o.path) for o in written]}))
""")


def counted_build(project: Path, out: str, *guides: str) -> dict:
    result = subprocess.run([sys.executable, "-c", COUNTING, str(project), str(project / out),
                             *guides], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_a_guide_and_a_packet_naming_it_read_no_more_than_the_guide_and_the_packet_file(
        project):
    # the example packet's smallest guide: controlled (its dates read the date formats),
    # a table and lists, as the default guide, in fewer pages (a cold build 1.2 s, not 1.6)
    shutil.copy(ROOT / "packets" / "guides" / "qa-vs-qc.yaml", project / "content")
    (project / "packets").mkdir()
    write_yaml(project / "packets", "solo.yaml", SOLO.replace("cmo-cdmo-cro", "qa-vs-qc"))
    alone = counted_build(project, "alone", "content/qa-vs-qc.yaml")
    both = counted_build(project, "both", "content/qa-vs-qc.yaml", "packets/solo.yaml")
    assert len(both["written"]) == len(alone["written"]) + 2  # and the packet's PDF, DOCX
    # each input file is read from disk once per build: the guide, the theme, every template
    assert alone["reads"]["content/qa-vs-qc.yaml"] == 1
    assert "guidegen:locales/dates.json" in alone["reads"]
    assert "guidegen:templates/theme.yaml" in alone["reads"]
    assert set(alone["reads"].values()) == {1} and set(both["reads"].values()) == {1}
    # the packet adds its own file and nothing else; the templates load once either way
    assert set(both["reads"]) - set(alone["reads"]) == {"packets/solo.yaml"}
    assert all(both["reads"][name] <= count for name, count in alone["reads"].items())
    assert alone["template_loads"] == both["template_loads"] == 1


def test_within_a_build_a_file_is_read_once_and_checked_like_a_fresh_read(tmp_path):
    inside = tmp_path / "project" / "guide.yaml"
    inside.parent.mkdir()
    inside.write_bytes(b"x" * 100)
    with reading_once() as reads:
        assert read_file(inside, 1000, root=inside.parent) == b"x" * 100
        inside.write_bytes(b"changed")  # the build goes on with what it read
        assert read_file(inside, 1000) == b"x" * 100
        with pytest.raises(TemplateError) as large:
            read_file(inside, 10, error=TemplateError)
        with pytest.raises(TemplateError) as outside:
            read_file(inside, 1000, root=tmp_path / "elsewhere", error=TemplateError)
        assert read_file(inside, 1000, current=True) == b"changed"  # what a build wrote
    assert "the limit is 10" in large.value.problems[0].message
    assert "outside" in outside.value.problems[0].message
    assert reads.reads == {str(inside): 1}  # the input, once (a current read is not one)
    assert read_file(inside, 1000) == b"changed"  # outside a build: from disk each time


def test_a_session_builds_again_with_its_templates_and_only_what_changed(project):
    write_yaml(project / "content", "second.yaml", (DATA / "minimal.yaml").read_text(
        encoding="utf-8"))
    options = BuildOptions(jobs=1, formats=("html",))
    with Session(options) as session:
        first = session.build()
        templates = session.templates
        assert [o.skipped for o in first] == [False, False]
        (project / "content" / "second.yaml").write_text(
            (DATA / "minimal.yaml").read_text(encoding="utf-8").replace(
                "Alpha vs Beta", "Alpha vs Gamma"), encoding="utf-8")
        again = session.build()
        assert [o.skipped for o in again] == [True, False]  # only the changed guide
        assert session.templates is templates  # their files are unchanged
        (project / "mine").mkdir()
        (project / "mine" / "theme.yaml").write_text("colors:\n  heading: '#123456'\n",
                                                     encoding="utf-8")
    with Session(options.replace(templates=project / "mine")) as session:
        assert [o.skipped for o in session.build()] == [False, False]  # other settings
    assert "Alpha vs Gamma" in (project / "output" / "second.html").read_text(
        encoding="utf-8")


def test_a_template_added_to_the_templates_folder_between_builds_is_seen(project):
    from guidegen.theme.folders import builtin_templates

    (project / "mine").mkdir()
    options = BuildOptions(jobs=1, formats=("html",), templates=project / "mine")
    builtin = (builtin_templates() / "document.html.j2").read_text(encoding="utf-8")
    with Session(options) as session:
        session.build()
        assert "Overridden here" not in (project / "output" / "cmo-cdmo-cro.html").read_text(
            encoding="utf-8")
        (project / "mine" / "document.html.j2").write_text(
            builtin.replace("<body", "<!-- Overridden here --><body", 1), encoding="utf-8")
        assert [o.skipped for o in session.build()] == [False]
        assert "Overridden here" in (project / "output" / "cmo-cdmo-cro.html").read_text(
            encoding="utf-8")


def test_guides_packets_and_recipients_are_one_job_type_through_one_cycle(project):
    from guidegen.builder.guides import GuideDraft
    from guidegen.builder.jobs import Job
    from guidegen.builder.packets import PacketDraft, plan_packets

    solo_packet(project)
    cycles: list[list[Job]] = []
    tasks: list[Job] = []
    with Session(BuildOptions(jobs=1, formats=("html",))) as session:
        run, task = session.run, session.task

        def recorded_run(jobs, *args, **kwargs):
            cycles.append(list(jobs))
            return run(jobs, *args, **kwargs)

        def recorded_task(job, *args, **kwargs):
            tasks.append(job)
            return task(job, *args, **kwargs)

        session.run, session.task = recorded_run, recorded_task  # type: ignore[method-assign]
        session.build(["content/cmo-cdmo-cro.yaml", "packets/solo.yaml"])
        with session.building():
            (plan,) = plan_packets(session, [Path("packets/solo.yaml")])
            assert plan.fresh is not None  # up to date, decided from bytes
    assert [len(jobs) for jobs in cycles] == [1, 1]  # the guides', the packet's
    guide, packet = tasks
    assert type(guide) is type(packet) is Job
    assert isinstance(guide.draft, GuideDraft) and guide.fitting is not None  # fitted
    assert isinstance(packet.draft, PacketDraft) and packet.fitting is not None
    assert len(packet.fitting.parts) == 1  # its one guide, fitted as a part of its own


def test_any_job_may_be_fitted_to_its_pages(project):
    # a packet's job with a fitting is fitted as a guide's is: laid out again, tighter
    from dataclasses import replace

    from guidegen.builder.jobs import Fitting, Job
    from guidegen.builder.packetload import load_packets, packet_date
    from guidegen.builder.packets import PacketDraft
    from guidegen.layout.packet import PacketLayout

    (project / "content" / "handout.yaml").write_bytes(
        (DATA / "qa-qc-one-page.yaml").read_bytes())  # two pages unless tightened
    (project / "packets").mkdir()
    write_yaml(project / "packets", "one.yaml", "packet:\n  title: One\n"
               "guides:\n  - handout\nacknowledgement: none\n")
    with Session(BuildOptions(jobs=1, formats=("pdf",), allow_draft=True)  # a draft guide
                 ) as session, session.building():
        (loaded,) = load_packets(session, [Path("packets/one.yaml")])
        layout = PacketLayout(loaded.packet, loaded.guides, session.templates,
                              language=session.language, date=packet_date(loaded.packet))
        job = Job(Path("packets/one.yaml"), "", {"pdf": Path("one.pdf")},
                  draft=PacketDraft(layout, None))
        loose = session.scheduler.run([session.task(job)])[0]["pdf"][0]
        budget = replace(job, fitting=Fitting(budget=(loose.pages or 0) - 1))
        fitted = session.scheduler.run([session.task(budget)])[0]["pdf"][0]
    assert fitted.pages == (loose.pages or 0) - 1
