"""The garbage collector held off while a process starts (renderers/speed/garbage.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import DATA

MINIMAL_GUIDE = DATA / "minimal.yaml"
CODE = """
import gc, json
from guidegen.renderers.speed import fast_start, garbage
found = {}
fast_start()
found["held"] = gc.get_threshold()[0]
gc.collect()  # a process that never settles: from its first collection on as before
found["after a collection"] = gc.get_threshold()[0]
fast_start()
before = gc.get_freeze_count()
garbage.settle()
found["settled"] = gc.get_threshold()[0]
found["frozen"] = gc.get_freeze_count() > before
found["callback left"] = garbage._started in gc.callbacks
fast_start()  # a second build in the same process: it stays settled
found["again"] = gc.get_threshold()[0]
print(json.dumps(found))
"""


def test_a_process_collects_hardly_at_all_until_it_settles_once():
    found = json.loads(subprocess.run([sys.executable, "-c", CODE], capture_output=True,
                                      text=True, check=True).stdout)
    assert found == {"held": 1_000_000, "after a collection": 10_000, "settled": 10_000,
                     "frozen": True, "callback left": False, "again": 10_000}


# In a process of its own, held (fast_start): the helper's wait, or the main process's
# first hand-off (a guide rendered in this process lays its PDF out here: prepare_layout)
SETTLES = """
import gc, json, sys
from pathlib import Path
from guidegen.renderers.speed import fast_start
fast_start()
if sys.argv[1] == "helper":
    from guidegen.renderers import pdf
    pdf.warm_up(None)
else:
    import guidegen
    guide = guidegen.load(Path(sys.argv[2]))
    assert gc.get_freeze_count() == 0  # nothing frozen before the hand-off
    guidegen.render(guide, ["pdf"], guidegen.BuildOptions(jobs=1))
print(json.dumps([gc.get_threshold()[0], gc.get_freeze_count() > 0]))
"""


@pytest.mark.parametrize("process", ["helper", "main"])
def test_the_main_process_and_the_helper_settle_where_their_start_ends(process):
    # the helper's wait (warm_up) and the hand-off (prepare_layout) settle: frozen, and
    # collecting every 10,000 new objects again
    found = subprocess.run([sys.executable, "-c", SETTLES, process, str(MINIMAL_GUIDE)],
                           capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == [10_000, True]
