"""What a cloned or unpacked project ships in its cache folder is never run (caches.trusted).

A checkout's files are the user's own and not writable by others, yet anyone wrote them:
the caches read only files only this user can read (as they write them: 0600), and the
compiled templates' folder only if it is 0700, so the cffi module, the compiled code and
the templates' bytecode a project ships are made again, not run. A cache file is read only
where a build wrote it (caches.sealed: its seal is its inode and change time), so one
shipped with 0600 modes (umask 077, an unpacked archive) is made again too.
"""

from __future__ import annotations

import importlib.util
import io
import os
import py_compile
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from guidegen import caches

UNCHECKED = py_compile.PycInvalidationMode.UNCHECKED_HASH

_IMPORT = "from guidegen.renderers.speed import import_weasyprint; import_weasyprint()"


def test_a_cache_file_others_can_read_is_not_trusted(tmp_path):
    path = tmp_path / "kept"
    path.write_bytes(b"x")
    for mode, trusted in ((0o600, True), (0o644, False), (0o640, False), (0o604, False)):
        path.chmod(mode)
        assert caches.trusted(path) is trusted, oct(mode)
    tmp_path.chmod(0o755)  # a folder: not writable by others is enough, unless private
    assert caches.trusted(tmp_path, stat.S_IFDIR)
    assert not caches.trusted(tmp_path, stat.S_IFDIR, private=True)
    tmp_path.chmod(0o700)
    assert caches.trusted(tmp_path, stat.S_IFDIR, private=True)


def test_the_cffi_module_a_checkout_ships_is_made_again_not_run(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "GUIDEGEN_CACHE_DIR": str(cache)}
    subprocess.run([sys.executable, "-c", _IMPORT], env=env, check=True, timeout=300)
    module, = cache.glob("weasyprint-ffi-*.py")  # the compiled declarations, 0600
    ran = tmp_path / "ran"
    module.write_text(f"open({str(ran)!r}, 'w').close()\n" + module.read_text())
    module.chmod(0o644)  # as git checks a file out
    subprocess.run([sys.executable, "-c", _IMPORT], env=env, check=True, timeout=300)
    assert not ran.exists()
    assert stat.S_IMODE(module.stat().st_mode) == 0o600  # made again in its place
    assert "open(" not in module.read_text().splitlines()[0]


def test_a_cache_file_is_read_only_where_a_build_wrote_it(tmp_path):
    # the seal (caches.keep) is the file's inode and change time: a copy keeping its
    # 0600 mode (cp -p, an archive unpacked under umask 077) is not read, nor is the
    # file changed in place
    path = tmp_path / "cache" / "kept"
    assert caches.keep(path, b"data")
    assert caches.sealed(path) and caches.kept(path, 10) == b"data"
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "cache", copy, copy_function=shutil.copy2)
    assert stat.S_IMODE((copy / "kept").stat().st_mode) == 0o600  # trusted, as before
    assert caches.trusted(copy / "kept") and (copy / "kept.seal").exists()
    assert not caches.sealed(copy / "kept") and caches.kept(copy / "kept", 10) is None
    path.write_bytes(b"DATA")  # the same size, changed in place
    assert not caches.sealed(path) and caches.kept(path, 10) is None
    assert caches.keep(path, b"data") and caches.kept(path, 10) == b"data"



def test_a_kept_file_is_read_within_a_memory_ceiling_below_its_limit(tmp_path):
    # CI: a spawned helper under --memory-limit 64 read a font's kept subset (limit 64 MB)
    # with read(limit + 1), which allocates the limit first: out of memory, the build
    # failed. A small file is read by its size, whatever the limit.
    script = (
        "import sys\nfrom pathlib import Path\nfrom guidegen import caches, native\n"
        "path = Path(sys.argv[1])\nassert caches.keep(path, b'data')\n"
        "assert native.limit_memory(16) is not None\n"
        "print(caches.kept(path, 1 << 30), caches.kept(path, 3))\n")
    found = subprocess.run([sys.executable, "-c", script, str(tmp_path / "cache" / "kept")],
                           capture_output=True, text=True, check=False)
    assert (found.returncode, found.stdout) == (0, "b'data' None\n"), found.stderr

def _plant(cache: Path, ran: Path) -> None:
    """Make each code-bearing cache in ``cache`` write a file in ``ran`` when it is run."""
    import marshal
    import pickle

    from jinja2.bccache import bc_magic

    def touch(kind: str) -> str:
        return f"open({str(ran / kind)!r}, 'a').close()\n"

    module, = cache.glob("weasyprint-ffi-*.py")
    assert caches.keep(module, touch("ffi").encode() + module.read_bytes())
    # beside the module, where a user's Python looks (not PYTHONPYCACHEPREFIX's, which
    # ./dev sets and the builds below are run without); run unchecked
    bytecode = module.parent / "__pycache__" / Path(
        importlib.util.cache_from_source(module.name)).name
    bytecode.parent.mkdir(mode=0o700)
    py_compile.compile(str(module), str(bytecode), invalidation_mode=UNCHECKED)
    source = touch("pyc") + module.read_text()
    bytecode.write_bytes(bytecode.read_bytes()[:16] + marshal.dumps(compile(source, "m", "exec")))
    bytecode.chmod(0o600)
    compiled, = cache.glob("compiled-*.marshal")
    code = marshal.loads(compiled.read_bytes())
    for key in [key for key in code if isinstance(key, str) and key.startswith("exec:")]:
        code[key] = compile(touch("compiled") + key[5:], "<string>", "exec", dont_inherit=True)
    assert caches.keep(compiled, marshal.dumps(code))
    for drawn in cache.glob("drawn-*"):  # the HTML drawn (renderers/speed/drawn): the
        drawn.unlink()  # next build draws it again, and so reads the compiled templates
    templates = list(cache.glob("templates-*/__jinja2_*.cache"))
    assert templates
    for path in templates:
        data = io.BytesIO(path.read_bytes())
        assert data.read(len(bc_magic)) == bc_magic
        checksum, original = pickle.load(data), data.read()
        planted = io.BytesIO()
        planted.write(bc_magic)
        pickle.dump(checksum, planted, 2)
        run = f"import marshal\nexec(marshal.loads({original!r}))"
        marshal.dump(compile(touch("templates") + run, "<template>", "exec"), planted)
        assert caches.keep(path, planted.getvalue())


def test_a_copied_project_runs_nothing_its_cache_ships_and_makes_the_same_bytes(tmp_path):
    # the caches a project ships (copied keeping their 0600 modes and seals) are made
    # again, not run; where a build sealed them they are read (and so run: the control)
    env = {name: value for name, value in os.environ.items()
           if name not in ("GUIDEGEN_CACHE_DIR", "PYTHONPYCACHEPREFIX")}
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    project, copy = tmp_path / "project", tmp_path / "copy"
    subprocess.run([sys.executable, "-m", "guidegen", "-q", "new", str(project)],
                   cwd=tmp_path, check=True, capture_output=True, env=env, timeout=300)

    def build(where: Path) -> dict[str, bytes]:
        subprocess.run([sys.executable, "-m", "guidegen", "-q", "build", "--force",
                        "-f", "pdf,docx,html"],
                       cwd=where, check=True, capture_output=True, env=env, timeout=300)
        return {path.name: path.read_bytes() for path in (where / "output").iterdir()
                if path.is_file() and not path.name.startswith(".")}

    made = build(project)
    assert {".pdf", ".docx", ".html"} <= {Path(name).suffix for name in made}
    ran = tmp_path / "ran"
    ran.mkdir()
    _plant(project / ".guidegen-cache", ran)
    subprocess.run(["cp", "-a", str(project), str(copy)], check=True)
    assert build(copy) == made
    assert sorted(ran.iterdir()) == []
    assert build(project) == made  # sealed here: read, and the planted code ran
    assert sorted(path.name for path in ran.iterdir()) == ["compiled", "ffi", "templates"]
