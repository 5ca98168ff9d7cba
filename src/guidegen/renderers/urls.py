"""The one URL policy of every renderer: what an output may fetch or embed.

Allowed are ``data:`` URLs and files inside the template folders; anything else
(``file:///etc/passwd``, ``http://127.0.0.1/``, ``../../`` out of the folders, a symlink
out) is refused. The PDF renderer's fetcher asks :func:`refusal` before WeasyPrint
fetches anything; the HTML renderer asks it for every URL its HTML would fetch
(:mod:`guidegen.renderers.html.urls`), so ``-f html`` refuses what ``-f pdf`` refuses.
Relative URLs resolve in the first template folder (the user's, if given).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..files import inside


def base_url(folders: Sequence[Path]) -> str:
    """Return the URL relative URLs resolve against: the first template folder."""
    return folders[0].as_uri() + "/"


def local_file(url: str, roots: Sequence[Path]) -> tuple[Path, Path] | None:
    """Return the file a ``file:`` URL names and the template folder holding it, or None.

    None when the URL is not a local file inside one of ``roots``, or when its path
    lies inside one but leads out of it (a symlink out).
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(_url2pathname(parts.path))
    for root in roots:
        if inside(path, root):
            return path, root
    return None


def refusal(url: str, roots: Sequence[Path], base: str | None = None) -> str | None:
    """Return why ``url`` may not be fetched (``None``: it may), resolved against ``base``."""
    absolute = urljoin(base or base_url(roots), url.strip())
    if absolute.lower().startswith("data:") or local_file(absolute, roots) is not None:
        return None
    return (f"refused to fetch {url!r}: only files in the template folders and data: URLs "
            "are allowed")


def _url2pathname(path: str) -> str:
    """Return the file path a ``file:`` URL's ``path`` names, as :mod:`urllib.request` does.

    Not imported from there: that module imports http, ssl and email (10 ms of a cold
    build, before its PDF can start).
    """
    if os.name == "nt":
        from nturl2path import url2pathname as windows

        return windows(path)
    return unquote(path)
