"""WeasyPrint's user-agent stylesheets, kept in the cache folder (guidegen.renderers.speed.ua).

Each run is a new process (WeasyPrint makes them as it is imported): the first makes
and keeps them, the next parses no stylesheet while importing WeasyPrint and has the
same stylesheets (their matchers, @page rules, counter styles) and the same PDF as a
process that made them; a damaged, foreign or copied file is made again.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

from guidegen.caches import keep

from .conftest import DATA

_RUN = r"""
import hashlib, json, sys
import tinycss2
parses = []
real = tinycss2.parse_stylesheet
def counted(*args, **kwargs):
    parses.append(1)
    return real(*args, **kwargs)
tinycss2.parse_stylesheet = counted
from guidegen.renderers.speed import import_weasyprint, ua
import_weasyprint()
at_import = len(parses)
tinycss2.parse_stylesheet = real
import weasyprint.html as html

def sheet(css):
    matcher = css.matcher
    entries = [*(e for k in sorted(matcher.id_selectors) for e in matcher.id_selectors[k]),
               *(e for k in sorted(matcher.class_selectors) for e in matcher.class_selectors[k]),
               *(e for k in sorted(matcher.lower_local_name_selectors)
                 for e in matcher.lower_local_name_selectors[k]),
               *(e for k in sorted(matcher.namespace_selectors)
                 for e in matcher.namespace_selectors[k]),
               *matcher.lang_attr_selectors, *matcher.other_selectors]
    return repr(([(e[0].__code__.co_code, e[1:]) for e in entries], matcher.order,
                 css.page_rules, css.layers, css.base_url))

made = repr([sheet(s) for s in (html.UA_STYLESHEET, html.UA_FORM_STYLESHEET,
                                html.PH_STYLESHEET)] + [sorted(html.UA_COUNTER_STYLE.items())])
import guidegen
from guidegen import BuildOptions
pdf = guidegen.render(guidegen.load(sys.argv[1]), ["pdf"],
                      BuildOptions(jobs=1, force=True))["pdf"].data
import weasyprint
print(json.dumps({"parses": at_import, "state": ua._STATE, "css": html.CSS is weasyprint.CSS,
                  "made": hashlib.sha256(made.encode()).hexdigest(),
                  "pdf": hashlib.sha256(pdf).hexdigest()}))
"""
_GUIDE = DATA / "five-subjects.yaml"  # lists (counter styles), headings, tables


def run(cwd: Path, cache: Path | None) -> dict[str, object]:
    """Return what a new process found importing WeasyPrint and rendering the guide."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    env.pop("GUIDEGEN_CACHE_DIR", None)
    if cache is not None:
        env["GUIDEGEN_CACHE_DIR"] = str(cache)
        for path in cache.glob("*") if cache.is_dir() else ():  # all but the kept sheets:
            if not path.name.startswith("ua-stylesheets-"):  # each PDF laid out anew
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    done = subprocess.run([sys.executable, "-c", _RUN, str(_GUIDE)], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True, timeout=600)
    found: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return found


def kept_file(cache: Path) -> Path:
    (path,) = [p for p in cache.glob("ua-stylesheets-*.pickle")]
    return path


def test_kept_stylesheets_are_not_parsed_and_make_the_same(tmp_path):
    plain = run(tmp_path, None)  # no project: nothing kept, made as WeasyPrint does
    assert plain["parses"] == 3 and plain["state"] == {"kept": 0, "made": 0}
    cache = tmp_path / "cache"
    first = run(tmp_path, cache)
    assert first["parses"] == 3 and first["state"] == {"kept": 0, "made": 3}
    assert kept_file(cache).is_file()
    second = run(tmp_path, cache)
    assert second["parses"] == 0 and second["state"] == {"kept": 3, "made": 0}
    assert second["css"] is True  # weasyprint.html's CSS is WeasyPrint's again
    assert plain["made"] == first["made"] == second["made"]
    assert plain["pdf"] == first["pdf"] == second["pdf"]


def test_a_damaged_foreign_or_copied_file_is_made_again(tmp_path):
    cache = tmp_path / "cache"
    first = run(tmp_path, cache)
    path = kept_file(cache)
    good = path.read_bytes()
    # a word changed (still a pickle that loads, another value in a declaration), the
    # file sealed: its digest no longer matches
    assert good.count(b"block") > 3
    assert keep(path, good[:32] + good[32:].replace(b"block", b"blocc"))
    damaged = run(tmp_path, cache)
    assert damaged["parses"] == 3 and damaged["state"] == {"kept": 0, "made": 3}
    assert damaged["pdf"] == first["pdf"] and damaged["made"] == first["made"]

    # foreign: written by a build here, its digest right, of the shape kept, naming a
    # function of another module (loaded, it would be one of the @page rules)
    foreign = pickle.dumps(((), (os.getcwd,), (), {}, None))
    entries = pickle.dumps([(key, foreign) for key in _texts()])
    assert keep(path, hashlib.sha256(entries).digest() + entries)
    foreign_run = run(tmp_path, cache)
    assert foreign_run["state"] == {"kept": 0, "made": 3} and foreign_run["parses"] == 3
    assert foreign_run["pdf"] == first["pdf"]

    path.write_bytes(good)  # the bytes a build wrote, in a file it did not (a copy): unsealed
    copied = run(tmp_path, cache)
    assert copied["state"] == {"kept": 0, "made": 3} and copied["pdf"] == first["pdf"]


def _texts() -> list[tuple[str, bool]]:
    import importlib.resources

    folder = importlib.resources.files("weasyprint.css")
    return [((folder / "html5_ua.css").read_text("utf-8"), True),
            ((folder / "html5_ua_form.css").read_text("utf-8"), True),
            ((folder / "html5_ph.css").read_text("utf-8"), False)]
