"""The test hook stops a build at the point it names, the N-th time, and nowhere else."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from guidegen import testhook

from .conftest import paused


def test_the_nth_pass_of_the_named_point_acts_and_no_other(hook):
    hook("render:2=interrupt")
    testhook.reached("render")
    testhook.reached("after-commit")
    with pytest.raises(KeyboardInterrupt):
        testhook.reached("render")
    testhook.reached("render")  # the third pass goes on


@pytest.mark.parametrize("spec", ["render", "render=explode", "render:x=kill", "=kill"])
def test_a_malformed_hook_is_refused_naming_the_form(hook, spec):
    with pytest.raises(ValueError, match=r"expected POINT\[:N\]=ACTION"):
        hook(spec)


def test_kill_and_pause_act_in_the_process_that_passes_the_point(tmp_path):
    script = "from guidegen import testhook; testhook.reached('render'); print('went on')"
    run = [sys.executable, "-c", script]
    killed = subprocess.run(run, env={"GUIDEGEN_TEST_HOOK": "render=kill"},
                            capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL and killed.stdout == ""
    unarmed = subprocess.run(run, env={}, capture_output=True, text=True)
    assert unarmed.stdout == "went on\n"
    process = subprocess.Popen(run, env={"GUIDEGEN_TEST_HOOK": "render=pause"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert paused(process) == [process.pid]
    process.kill()
    assert process.communicate()[0] == b""
