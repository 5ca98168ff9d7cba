"""``./dev test`` says the tests' status, whatever its clean-up after them meets."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from .conftest import ROOT


def _stub(path: Path, body: str) -> None:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def test_dev_test_exits_with_the_tests_status_when_its_clean_up_fails(tmp_path):
    # ./dev test removes the bytecode it kept for temporary folders after pytest; another
    # run writing there meanwhile makes that rm fail ("Directory not empty"), and under
    # `set -e` the command said 1 for a run whose tests passed. Here: a copy of ./dev with
    # its set-up already done (every package installed, the venv's stamp current), a
    # python that "runs the tests" with a given status, and an rm that fails.
    work, bin_ = tmp_path / "checkout", tmp_path / "bin"
    (work / ".venv" / "bin").mkdir(parents=True)
    bin_.mkdir()
    shutil.copy2(ROOT / "dev", work / "dev")
    shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")
    stamp = hashlib.sha256((work / "pyproject.toml").read_bytes()).hexdigest()[:16]
    (work / ".venv" / ".guidegen-test").write_text(stamp + "\n")
    _stub(work / ".venv" / "bin" / "python", 'exit "$TESTS_STATUS"')
    _stub(bin_ / "dpkg-query", "printf 'install ok installed'")
    _stub(bin_ / "rm", "echo rm: Directory not empty >&2; exit 1")
    env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPYCACHEPREFIX", None)  # ./dev's own prefix, which it cleans up
    for status in (0, 3):
        ran = subprocess.run(["bash", str(work / "dev"), "test", "-q"], cwd=work,
                             env={**env, "TESTS_STATUS": str(status)},
                             capture_output=True, text=True, timeout=60)
        assert ran.returncode == status, ran.stderr
