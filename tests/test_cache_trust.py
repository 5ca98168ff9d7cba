"""What a cloned or unpacked project ships in its cache folder is never run (caches.trusted).

A checkout's files are the user's own and not writable by others, yet anyone wrote them:
the caches read only files only this user can read (as they write them: 0600), and the
compiled templates' folder only if it is 0700, so the cffi module, the compiled code and
the templates' bytecode a project ships are made again, not run.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from guidegen import caches

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
