"""The renderers' speed tricks, fenced in this module (others are named below).

A cold build's critical path is the main process loading the guide and drawing its
HTML, then the PDF helper process laying it out; the helper imports WeasyPrint
meanwhile. What each trick buys was measured in callgrind instructions (which do not
depend on the machine's load) or, from the sixth on, as the CPU time of that path
(``bench/critical.py``, taking turns with the code before); every fixture's outputs
kept their bytes. docs/development.md keeps the measurements' history.

* **Library lookups.** WeasyPrint finds Pango, HarfBuzz and fontconfig by trying several
  library names each; every miss makes :func:`ctypes.util.find_library` run ``ldconfig``,
  ``gcc`` and ``ld`` in subprocesses, a quarter of a second per build. During the import
  we answer those lookups from one reading of the ``ldconfig`` cache.
* **Compiled C declarations (-0.61G instructions).** WeasyPrint declares Pango's and
  HarfBuzz's API to cffi as C source, which pycparser parses in every process. cffi's
  out-of-line mode does it once (:mod:`.ffi`): the declarations are compiled into a small
  Python module (in the project's ``.guidegen-cache/``, keyed by a hash of the
  declarations and the versions) that ``_cffi_backend`` loads directly (read only where
  a build wrote it, and run from the bytes read: +1.2 ms of compiling). WeasyPrint keeps
  the object that stands in for ``cffi.FFI()`` (:class:`.ffi._CompiledFFI`); it
  remembers each name it forwards, so a 2-page PDF forwards 9 lookups instead of 8,273
  (-45M, 1%).
* **Font tools not needed (-0.35G).** WeasyPrint imports fontTools' subsetter and
  variable-font instancer at start-up; with HarfBuzz's subsetter (which ``./dev``
  installs) and static TrueType fonts it never calls them. They are imported if used.
* **WeasyPrint's own stylesheets kept** (:mod:`.ua`): its user-agent stylesheets and
  presentational hints, which it parses as it is imported (55-60 ms of CPU in every
  helper, load 10), are kept in the cache folder as the rules of :mod:`.css_made` and
  added to new matchers in the same order (the helper's import 175 -> 134 ms, load 9).
* **Hyphenation patterns** are loaded by a helper or worker process while it waits for its
  first document (:func:`warm_hyphenation`), not during its first layout (40 ms, German).
* **Each style rule made ready once per process** (:mod:`.css`: 30-50 ms of
  each further document a process lays out with the same rules, whatever its title).
* **Compiled templates (-29 ms).** Jinja's bytecode cache keeps the compiled templates
  in the same folder, keyed by the template's name and source (:func:`template_cache`;
  :mod:`.bytecode` reads a file only where a build wrote it).
* **The HTML drawn, kept** (:mod:`.drawn`): what the templates drew for a document, the
  template folders' files, the styles and the places known is kept in the cache folder
  (:mod:`guidegen.common.remember`); the next process drawing the same imports no Jinja.
* **Each line broken once per process** (:mod:`.lines`): a fitted guide's tries after
  the first break every paragraph into the lines the first did.
* **Each set of matched rules cascaded once per document** (:mod:`.cascade`): elements
  matching the same rules share one merge of their declarations (layouts -9% of CPU);
  a pseudo-element's style is made only if the layout asks for it, one in sixty (-3.7%
  of a warm layout's instructions).
* **Uncascaded values computed with less Python** (:mod:`.computed`): a property no rule
  set is the parent's value or the initial one, answered without WeasyPrint's general
  path (a warm layout of the default guide -12% of instructions).
* **A box's used lengths set with less Python** (:mod:`.percent`): margins, paddings and
  sizes in pixels or percentages in one function, not two calls each (-3% more); whether
  a box is in normal flow in one call, not six (:mod:`.flow`: -3% more); cached
  properties read without Python 3.11's lock (:mod:`.cached`: -1% more).
* **A PDF's text drawn with less Python** (:mod:`.drawing`): each line's glyphs read from
  Pango in one piece, pydyf's bytes and text operands converted first (the default
  guide's PDF write 64 -> 61 ms of CPU).
* **Each font's subset kept** (:mod:`.subsets`): the PDF's fonts subset by HarfBuzz are
  kept in the cache folder, keyed by the font file's digest, the glyphs and the
  libraries, and read back by the next PDF of the same glyphs (writing the default
  guide's 4 fonts 6-7 -> 4-5 ms of CPU, the Japanese guide's two CJK fonts 100-118 -> 36).
* **Kept layouts** (:mod:`.layouts`): what the PDF renderer answers for a layout (page
  count, page map, pagination, warnings; the PDF's bytes once written) is kept in the
  cache folder, keyed by everything the layout and the write read, and the next layout
  of the same input takes it (the suite from an empty cache: 118 of 417 layouts).
* **A quicker start** (:func:`fast_start`, first thing in ``build`` and ``check``): the
  garbage collector looks at the youngest objects every 10,000 new ones instead of 700
  (3.20G -> 3.10G instructions for the helper), and pydantic's plugin loader, which
  imports ``importlib.metadata`` to find no plugins (18 ms), is stood in for. Until the
  main process hands the helper its first layout, and the helper has imported WeasyPrint
  (:func:`.garbage.settle`), it hardly collects (:mod:`.garbage`):
  what they make then (modules, classes, schemas, the guide) is kept, 625 of 270,000
  objects were garbage, yet 27 collections took 19-24 ms of the main process's CPU
  before the hand-off (load 8); :func:`settle` then freezes it (never looked at again).
* **What pydantic validated, kept** (:mod:`guidegen.common.validated`, owned there: the
  ground floor imports nothing of the renderers): the model classes are built lazily,
  and a result validated from the same data with the same code is loaded, not validated.
* **Modules not imported**: ``urllib.request`` (with http, ssl and email: 10 ms) for
  ``url2pathname`` (:mod:`guidegen.renderers.urls`) and by ``xml.sax.saxutils``
  (:mod:`guidegen.renderers.docx.oxml.package`); tinycss2 and ``xml.etree``, which only
  the HTML output's URL scan needs (3-5 ms); the PDF renderer's second step (WeasyPrint's
  adapter, the preflight, the page readers, with logging and mimetypes: 9-10 ms of CPU
  at load 8, against 1.2 for the first step's :mod:`guidegen.renderers.pdf.handoff`),
  which the main process never needs when a helper lays the PDF out
  (:mod:`guidegen.renderers.pdf` imports it when one of its names is first asked for);
  the document tree (:mod:`guidegen.tree`: 4 ms), which the PDF helper never needs.
* **The helper forked first** with ``--force``
  (:func:`guidegen.builder.scheduler.start_helper_early`): before the build's machinery,
  YAML and the content model are imported (-15 to -20 ms to its start); for ``guidegen
  build --force``, before the command line imports click and reads the project file
  (:func:`guidegen.builder.processes.fork_helper_first`: -28 ms more, its wait longer).
* **Plain text read without markdown-it** (:mod:`guidegen.content.markup`): a text
  CommonMark reads as itself is not parsed, so the default guide imports neither
  markdown-it nor linkify-it (28-45 ms) nor parses (6 ms).
* **Each word's hyphenation points** are found once per process
  (:mod:`guidegen.layout.hyphenate`: the default guide's pass 15 -> 13 ms cold), and
  kept in the cache folder for the next process (:mod:`guidegen.layout.keptbreaks`,
  owned there), which parses no patterns when it finds every word: the default guide's
  hyphenation 24 -> 13 ms of the main process's CPU before the hand-off (minimums of 9
  taking turns, load 1.8).
* **Dataclass methods and annotations compiled once** (:func:`fast_start`, :mod:`.kept`):
  dataclasses write each class's ``__init__``, ``__repr__``, ``__eq__`` (and more) as
  source and compile it, 500 functions before the helper has its HTML (50-60 ms); typing
  compiles each annotation pydantic reads as text (1,070, 8 ms); namedtuple evaluates
  each class's ``__new__`` (30, 5 ms). Their code is kept in
  the cache folder, keyed by the source text (and the Python and guidegen versions),
  saved as the command ends (:func:`save_compiled`), and only looked up by the next build.
  ``build`` and ``check`` set this up before the command line's own imports
  (:mod:`guidegen.cli` loads :mod:`.kept` on its own; ``import guidegen`` imports
  nothing else): their 148 methods too, the import and the set-up 102 -> 84 ms of CPU
  (medians of 15 taking turns, load 9; minimums 79 -> 73).
* **Regular expressions parsed once** (:mod:`.kept`): :mod:`re` parses each pattern in
  Python and compiles it to its engine's code, 112 patterns before the helper has its
  HTML: 14.5 -> 0.6 ms of CPU for the same patterns (load 18); the engine's code is kept
  with the compiled methods.
* **The pages before the PDF** (:meth:`guidegen.builder.processes.PdfHelper.laid_out`):
  the helper sends where the pages fell (page count, page map, pagination) as soon as
  they are laid out, and writes the PDF only when asked: the one kept, while this
  process finishes the DOCX with them (critical path -32 ms, 5%); a fitter's try, or a
  first layout it tightens, is never written (a third of a layout's time each).
* **A fitted guide's tries side by side** (:mod:`guidegen.builder.trials`): the helper
  forks a twin (warm: fonts, style rules, hyphenation) and the two lay out the fitter's
  first guess and the level below at once, where one laid them out in turn.
* **The last build's style rules made while the helper waits** (:func:`.css.premake`,
  :func:`guidegen.renderers.pdf.idle`): a helper saves the stylesheets it laid out (their
  rules' texts, in the cache folder) and the next one makes their rules, and its font
  configuration (:func:`guidegen.renderers.pdf.engine.make_font_configuration`, in a new
  helper's first wait only), before its first document comes and between messages,
  stopping as soon as one waits. The saved file is read only up to 1 MiB, only rules a
  build takes apart are made (no ``@import`` nor ``url(``), with a fetcher refusing
  all: a file planted in a project's cache fetches nothing (what WeasyPrint made of each
  rule is kept and loaded: :mod:`.css_made`). The default guide's first layout 232 -> 182
  ms of CPU (medians 239 -> 201), its try too makes no rule; the critical path 734 -> 655
  ms (medians 755 -> 727; ``bench/critical.py``, load 5).
* **The PDF written ahead** (:func:`guidegen.builder.serving._write_ahead`): the fitter's
  lone try (the level below ruled out) is most likely the one kept, and this process
  prepares the DOCX at its level meanwhile, longer than the try takes: the helper writes
  its PDF as soon as it has sent its pages, unless a message waits, and the write is
  answered at once (the default guide's critical path 867 -> 820 ms, medians 963 -> 921:
  ``bench/critical.py``, load 4.7; the same bytes).
* **The fit hint** (:mod:`guidegen.builder.fithint`): the level a guide settled at last
  time, kept in the cache folder, is laid out by the helper's twin beside the first
  layout, and the DOCX written at it straight away; the fitter takes it if its first try
  is that level (what it buys is measured there).
* **Reference documents kept** (:mod:`.references`): the DOCX writer's reference document
  generated from the style sheet (45-90 ms of CPU per level, in the main process beside
  the PDF's layouts) is kept in the cache folder, keyed by the style sheet, the language,
  python-docx and the writing code's files, and read back by the next build (~2 ms).
* **The PDF's HTML parsed in C** (:mod:`.parse`, called by
  :mod:`guidegen.renderers.pdf.engine`): the built-in templates' markup is parsed by
  libxml2 (lxml, imported while the helper waits: 5-7 ms) into the tree tinyhtml5 makes
  of it, checked before and after; anything else (a user's templates) is left to
  tinyhtml5. The default guide's parse 18.7 -> 2.2 ms of CPU per layout (minimums of 40,
  load 6), a layout 159 -> 139 (minimums of 20 taking turns), twice per cold build
  (helper and twin), after the hand-off.

Any failure of a trick falls back to the plain way, so the worst case is the usual speed.
The compiled declarations and code are loaded only from a file this user alone can
write, the compiled templates only from such a folder.
"""

from __future__ import annotations

import importlib
import os
import re
import stat
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any

from ...caches import CACHE_NAME
from ...caches import cache_folder as _cache_folder
from ...caches import trusted as _trusted
from .garbage import hold, settle
from .kept import _CODE, compile_once_per_machine, save_compiled

__all__ = ["CACHE_NAME", "_CODE", "fast_start", "import_weasyprint", "save_compiled", "settle",
           "template_cache", "warm_hyphenation"]

# fontTools modules WeasyPrint imports but only uses for WOFF, variable and bitmap fonts,
# and for subsetting without HarfBuzz; the names it imports from them that it calls.
_DEFERRED = {"fontTools.subset": (), "fontTools.varLib": (),
             "fontTools.varLib.instancer": ("instantiateVariableFont",)}
_LOCK = threading.Lock()
_PLUGIN_LOADER = "pydantic.plugin._loader"


def fast_start() -> None:
    """Set up this command's process to start faster (see the module's comment).

    The garbage collector runs every 10,000 new objects instead of Python's 700,
    pydantic does not search the installed packages for plugins (unless the user's
    ``PYDANTIC_DISABLE_PLUGINS`` says otherwise), and dataclasses and typing take the
    code they compile from the cache. Forked helpers and workers inherit all three. Until
    the process settles, it hardly collects at all (:mod:`.garbage`).
    """
    hold()
    compile_once_per_machine()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__" \
            and _PLUGIN_LOADER not in sys.modules:
        # pydantic's plugin loader, which it imports for its first model class, imports
        # importlib.metadata (with email, csv, zipfile: 18 ms) even when it is told not
        # to look for plugins; this stands for it and says what it would: no plugins
        loader = types.ModuleType(_PLUGIN_LOADER)
        loader.get_plugins = tuple  # type: ignore[attr-defined]
        sys.modules[_PLUGIN_LOADER] = loader


def warm_hyphenation(tag: str) -> None:
    """Load the hyphenation patterns of language ``tag`` now, if there are any.

    The layout loads them when it first hyphenates a document (and keeps them): 40 ms
    for German. A helper or worker process calls this while it waits for its first
    document, with the language the build's guides most likely use.
    """
    from ...layout.patterns import patterns_for

    patterns_for(tag)


def import_weasyprint() -> types.ModuleType:
    """Return the ``weasyprint`` module, imported with the tricks above."""
    with _LOCK:  # one import at a time: lookups and cffi are swapped process-wide meanwhile
        module = _imported()
        from . import cached, cascade, computed, css, drawing, flow, lines, percent, subsets

        css.install()  # each stylesheet made ready once per process
        cascade.install()  # each set of matched rules cascaded once per document
        computed.install()  # uncascaded values computed with less Python
        percent.install()  # a box's used lengths set with less Python
        flow.install()  # "is this box in normal flow?" in one call
        cached.install()  # cached properties read without a lock
        lines.install()  # each line broken once per process
        drawing.install()  # a PDF's text drawn and serialised with less Python
        subsets.install()  # each font's subset kept in the cache folder
        return module


def _imported() -> types.ModuleType:
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    try:
        if sys.platform.startswith("linux"):
            from .ffi import compiled_declarations
            from .ua import hooked

            try:
                with _fast_lookups(), _deferred_modules(), compiled_declarations(), hooked():
                    return importlib.import_module("weasyprint")
            except Exception:  # any trick failing: WeasyPrint's own import
                _forget("weasyprint")
        return importlib.import_module("weasyprint")
    except BaseException:  # stopped halfway (a time limit): keep no half-imported module
        _forget("weasyprint")
        raise


def _forget(package: str) -> None:
    for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
        del sys.modules[name]


# -- library lookups ---------------------------------------------------------------------

@cache
def _ldconfig_cache() -> str:
    import subprocess
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            return subprocess.run([ldconfig, "-p"], capture_output=True, text=True,
                                  check=False, env={"LC_ALL": "C", "LANG": "C"}).stdout
        except OSError:
            continue
    return ""


def _find_library(name: str) -> str | None:
    """Return the soname of library ``name`` from the ldconfig cache, as ctypes would."""
    match = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\(", _ldconfig_cache())
    return match.group(1) if match else None


@contextmanager
def _fast_lookups() -> Iterator[None]:
    import ctypes.util

    original = ctypes.util.find_library
    ctypes.util.find_library = _find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


# -- fontTools modules imported when used ------------------------------------------------

class _Deferred(types.ModuleType):
    """Stands for a module until one of its names is used, then imports the real one."""

    def __init__(self, name: str, functions: tuple[str, ...]) -> None:
        super().__init__(name)
        self._functions = functions

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if attr in self._functions:  # imported by name at start-up: call through
            return lambda *args, **kwargs: getattr(self._real(), attr)(*args, **kwargs)
        return getattr(self._real(), attr)

    def _real(self) -> types.ModuleType:
        return importlib.import_module(self.__name__)


@contextmanager
def _deferred_modules() -> Iterator[None]:
    stand_ins = {name: _Deferred(name, functions) for name, functions in _DEFERRED.items()
                 if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:  # later imports of these names get the real modules
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


# -- compiled templates --------------------------------------------------------------------

def template_cache() -> Any:
    """Return a Jinja bytecode cache in guidegen's cache folder, or None if there is none.

    Jinja keys each entry by the template's name and a checksum of its source, so an
    edited template is compiled again; the folder is per guidegen and Jinja version, as
    the environment's settings (the sandbox, autoescaping) shape the compiled code.
    """
    import jinja2

    from ...version import __version__

    folder = _cache_folder() / f"templates-{__version__}-jinja{jinja2.__version__}"
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not _trusted(folder, stat.S_IFDIR, private=True) \
            or not _trusted(folder.parent, stat.S_IFDIR):  # (made 0700 above)
        return None
    from .bytecode import KeptBytecode

    return KeptBytecode(folder)
