"""guidegen installs like any Python CLI: the release built from a fresh clone.

``python -m build`` makes the sdist and, from it, the wheel; ``twine check`` passes on
both; the wheel, installed in a new venv, works in an empty folder.
"""

from __future__ import annotations

import email
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import ROOT
from .readers import check_pdf_and_docx


def fresh_clone(target: Path) -> Path:
    """Copy what a fresh clone has (the files git tracks, symlinks as links) to ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source, copy = ROOT / name, target / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree, not yet committed
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            copy.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, copy)
    return target


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return the sdist and the wheel ``python -m build`` makes from a fresh clone.

    As a release is built: the sdist first, then the wheel from the unpacked sdist, so a
    file the sdist leaves out is missing from the wheel too. Without build isolation (the
    test environment has the build requirements; nothing is downloaded).
    """
    work = tmp_path_factory.mktemp("dist")
    clone = fresh_clone(work / "clone")
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                            str(work / "dist"), str(clone)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    (sdist,) = (work / "dist").glob("guidegen-*.tar.gz")
    (wheel,) = (work / "dist").glob("guidegen-*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, dist: tuple[Path, Path]) -> Path:
    """Return the bin folder of a new venv that has guidegen installed from the wheel.

    The venv sees this environment's packages for guidegen's dependencies (a .pth line,
    which does not run their .pth files, so the editable guidegen of this checkout stays
    out), but guidegen itself only from the wheel.
    """
    work = tmp_path_factory.mktemp("install")
    wheel = dist[1]
    venv = work / "venv"
    # no pip of its own (ensurepip costs seconds): this environment's pip installs into it
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
    return venv / "bin"


def installed_env(bin_folder: Path) -> dict[str, str]:
    """Return the environment of the installed ``guidegen``: nothing of the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_folder}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(bin_folder: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``guidegen ARGS`` in ``cwd``, with nothing of the checkout around."""
    return subprocess.run(["guidegen", *args], cwd=cwd, env=installed_env(bin_folder),
                          capture_output=True, text=True, timeout=600)


def test_the_wheel_holds_the_templates_schemas_and_example(installed):
    where = subprocess.run([str(installed / "python"), "-c",
                            "import guidegen, pathlib; print(pathlib.Path(guidegen.__file__)"
                            ".parent)"], capture_output=True, text=True, check=True)
    package = Path(where.stdout.strip())
    assert ROOT not in package.parents, "guidegen was imported from the checkout"
    for name in ("templates/theme.yaml", "templates/styles.yaml",
                 "templates/document.html.j2", "templates/blocks/table.html.j2",
                 "schema/guide.schema.json", "schema/project.schema.json",
                 "schema/styles.schema.json",
                 "examples/cmo-cdmo-cro.yaml"):
        assert (package / name).is_file(), name
    assert not (package / "examples" / "cmo-cdmo-cro.yaml").is_symlink()


def test_new_then_build_in_an_empty_folder(installed, tmp_path):
    created = run(installed, tmp_path, "new", "my-guides")
    assert created.returncode == 0, created.stderr
    project = tmp_path / "my-guides"
    assert sorted(p.name for p in project.iterdir()) == [
        ".gitignore", "content", "guidegen.yaml", "schema", "templates"]
    built = run(installed, project, "build")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("wrote output/cmo-cdmo-cro.pdf  (")
    output = project / "output"
    check_pdf_and_docx(output / "cmo-cdmo-cro.pdf", output / "cmo-cdmo-cro.docx", tmp_path)
    again = run(installed, project / "content", "build")  # from a folder inside the project
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("unchanged ")
    assert "/my-guides/output/cmo-cdmo-cro.pdf" in again.stdout


def test_a_skeleton_guide_builds_at_once(installed, tmp_path):
    assert run(installed, tmp_path, "new", "team").returncode == 0
    added = run(installed, tmp_path / "team", "new", "--guide", "QA vs QC", "--subjects",
                "qa,qc")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "wrote content/qa-vs-qc.yaml"
    built = run(installed, tmp_path / "team", "build", "content/qa-vs-qc.yaml")
    assert built.returncode == 0, built.stderr
    output = tmp_path / "team" / "output"
    check_pdf_and_docx(output / "qa-vs-qc.pdf", output / "qa-vs-qc.docx", tmp_path)


def test_the_editor_hints_point_at_schemas_the_project_has(installed, tmp_path):
    assert run(installed, tmp_path, "new", "p").returncode == 0
    project = tmp_path / "p"
    for path in [project / "guidegen.yaml", *(project / "content").glob("*.yaml")]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        assert (path.parent / first.split("=", 1)[1]).is_file(), path


def test_twine_check_passes_on_the_sdist_and_the_wheel(dist):
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout


def test_the_release_says_its_version_licence_and_home(dist):
    from guidegen import __version__

    sdist, wheel = dist
    assert sdist.name == f"guidegen-{__version__}.tar.gz"
    assert wheel.name.startswith(f"guidegen-{__version__}-py3-none-any")
    with zipfile.ZipFile(wheel) as archive:
        info = f"guidegen-{__version__}.dist-info"
        metadata = email.message_from_bytes(archive.read(f"{info}/METADATA"))
        assert archive.read(f"{info}/licenses/LICENSE").startswith(b"MIT License")
        assert "guidegen/py.typed" in archive.namelist()
    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert "Operating System :: Microsoft :: Windows" in metadata.get_all("Classifier")
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL"))
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml",
            "src/guidegen/templates/theme.yaml", "src/guidegen/schema/guide.schema.json",
            "src/guidegen/examples/cmo-cdmo-cro.yaml"} <= names


def test_the_changelog_describes_this_version_first():
    from guidegen import __version__

    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", changelog, re.M)
    assert versions[0] == ("Unreleased", "")  # Keep a Changelog: where the next entries go
    assert versions[1][0] == __version__ and versions[1][1], versions
    for version, _ in versions:  # every heading links to its changes
        assert re.search(rf"^\[{re.escape(version)}\]: https://", changelog, re.M), version


def test_serve_from_the_wheel_shows_the_new_project(installed, tmp_path):
    """An installed user's ``guidegen serve``: its page and the first page's picture."""
    assert run(installed, tmp_path, "new", "served").returncode == 0
    server = subprocess.Popen(["guidegen", "serve"], cwd=tmp_path / "served",
                              env=installed_env(installed), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stderr is not None
        url = urlsplit(server.stdout.readline().split(" at ")[1].split()[0])
        said = [server.stderr.readline()]
        while not said[-1].startswith("build 1 ") and said[-1]:
            said.append(server.stderr.readline())  # blocks until the server says more
        assert said[-1].startswith("build 1 (the first build): done"), said
        for path, kind in (("/", "text/html"), ("/page/0.png", "image/png")):
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
            connection.request("GET", path)
            response = connection.getresponse()
            assert (response.status, response.getheader("Content-Type", "")[:len(kind)]) \
                == (200, kind), path
            assert response.read()
            connection.close()
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=600) == 0
    assert not (tmp_path / "served" / "output").exists()  # a preview writes no outputs
