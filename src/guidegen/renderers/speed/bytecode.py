"""The templates' compiled code, kept as the other code-bearing caches are (caches.keep).

Jinja's own ``FileSystemBytecodeCache`` loads any file in its folder it is given (its
checksum is unpickled, its code unmarshalled and run): one shipped with a project would
run. Here a file is read only if a build here wrote it (:func:`guidegen.caches.kept`:
trusted and sealed), and written with its seal (:func:`guidegen.caches.keep`).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from ...caches import keep, kept

_MAX = 16 * 1024 * 1024  # the most a template's compiled code is read of (bytes)


class KeptBytecode(jinja2.BytecodeCache):
    """A Jinja bytecode cache in ``folder``, its files named as Jinja's own names them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"__jinja2_{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        """Load ``bucket``'s code from its file, if a build here wrote it."""
        data = kept(self._path(bucket), _MAX)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep ``bucket``'s code in its file, sealed."""
        keep(self._path(bucket), bucket.bytecode_to_string())
