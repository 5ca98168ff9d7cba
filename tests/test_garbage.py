"""The garbage collector held off while a process starts (renderers/speed/garbage.py)."""

from __future__ import annotations

import json
import subprocess
import sys

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


def test_the_main_process_and_the_helper_settle_where_their_start_ends():
    # the hand-off (prepare_layout) and the helper's wait (warm_up) call settle
    import inspect

    from guidegen.renderers import pdf
    from guidegen.renderers.pdf import handoff

    assert "settle()" in inspect.getsource(handoff.prepare_layout)
    assert "settle()" in inspect.getsource(pdf.warm_up)
