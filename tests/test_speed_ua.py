"""WeasyPrint's user-agent stylesheets, kept in the cache folder (guidegen.renderers.speed.ua).

Each run is a new process (WeasyPrint makes them as it is imported): the first makes
and keeps them, the next parses no stylesheet while importing WeasyPrint and has the
same stylesheets (their matchers, @page rules, counter styles) and the same PDF as a
process that made them; a damaged, foreign or copied file is made again.

The first run into a cache folder is made once for the module (``first``), and the
runs into it after keep the caches that hold no style or layout (WeasyPrint's compiled
declarations, compiled code, fonts' subsets, the YAML read): each later process then
pays for the stylesheets and the PDF's layout only, not for a cold start of its own.
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

import pytest

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


# The cache files a run removes before it starts, should an earlier run have written any:
# what would hold a layout, a fit or style rules. The runs render with force=True, which
# keeps none of them (review19a found none to remove): each PDF is laid out anew from the
# stylesheets the process has either way, and every other cache file (the kept HTML, the
# subsets, the compiled declarations) stays. The user-agent sheets' own file is what
# each test keeps, damages or copies.
_LAID_OR_STYLED = ("layout-", "fit-", "style")


def run(cwd: Path, cache: Path | None) -> dict[str, object]:
    """Return what a new process found importing WeasyPrint and rendering the guide."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    env.pop("GUIDEGEN_CACHE_DIR", None)
    if cache is not None:
        env["GUIDEGEN_CACHE_DIR"] = str(cache)
        for path in cache.glob("*") if cache.is_dir() else ():
            if path.name.startswith(_LAID_OR_STYLED):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    done = subprocess.run([sys.executable, "-c", _RUN, str(_GUIDE)], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True, timeout=600)
    found: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return found


def kept_file(cache: Path) -> Path:
    (path,) = [p for p in cache.glob("ua-stylesheets-*.pickle")]
    return path


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], bytes]:
    """Return a cache folder, what the first run into it found, and the file it kept.

    Each test leaves the kept file as a run wrote it (a run that made the stylesheets
    writes them again), so the other finds it so too, in whichever order they run.
    """
    work = tmp_path_factory.mktemp("ua")
    cache = work / "cache"
    found = run(work, cache)
    return cache, found, kept_file(cache).read_bytes()


def test_kept_stylesheets_are_not_parsed_and_make_the_same(tmp_path, first):
    cache, made_first, _ = first
    plain = run(tmp_path, None)  # no project: nothing kept, made as WeasyPrint does
    assert plain["parses"] == 3 and plain["state"] == {"kept": 0, "made": 0}
    assert made_first["parses"] == 3 and made_first["state"] == {"kept": 0, "made": 3}
    assert kept_file(cache).is_file()
    second = run(tmp_path, cache)
    assert second["parses"] == 0 and second["state"] == {"kept": 3, "made": 0}
    assert second["css"] is True  # weasyprint.html's CSS is WeasyPrint's again
    assert plain["made"] == made_first["made"] == second["made"]
    assert plain["pdf"] == made_first["pdf"] == second["pdf"]


def test_a_damaged_foreign_or_copied_file_is_made_again(tmp_path, first):
    cache, made_first, good = first
    path = kept_file(cache)
    # a word changed (still a pickle that loads, another value in a declaration), the
    # file sealed: its digest no longer matches
    assert good.count(b"block") > 3
    assert keep(path, good[:32] + good[32:].replace(b"block", b"blocc"))
    damaged = run(tmp_path, cache)
    assert damaged["parses"] == 3 and damaged["state"] == {"kept": 0, "made": 3}
    assert damaged["pdf"] == made_first["pdf"] and damaged["made"] == made_first["made"]

    # foreign: written by a build here, its digest right, of the shape kept, naming a
    # function of another module (loaded, it would be one of the @page rules)
    foreign = pickle.dumps(((), (os.getcwd,), (), {}, None))
    entries = pickle.dumps([(key, foreign) for key in _texts()])
    assert keep(path, hashlib.sha256(entries).digest() + entries)
    foreign_run = run(tmp_path, cache)
    assert foreign_run["state"] == {"kept": 0, "made": 3} and foreign_run["parses"] == 3
    assert foreign_run["pdf"] == made_first["pdf"]

    path.write_bytes(good)  # the bytes a build wrote, in a file it did not (a copy): unsealed
    copied = run(tmp_path, cache)
    assert copied["state"] == {"kept": 0, "made": 3} and copied["pdf"] == made_first["pdf"]


def _texts() -> list[tuple[str, bool]]:
    import importlib.resources

    folder = importlib.resources.files("weasyprint.css")
    return [((folder / "html5_ua.css").read_text("utf-8"), True),
            ((folder / "html5_ua_form.css").read_text("utf-8"), True),
            ((folder / "html5_ph.css").read_text("utf-8"), False)]
