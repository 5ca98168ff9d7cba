"""guidegen: comparison guides in YAML → print-ready PDF and Word documents.

The pipeline is ``load`` (YAML → validated :class:`~guidegen.model.Guide`) →
writers looked up by format name (``html``, ``pdf``, ``docx``). The functions
below are the library API; they import their heavy dependencies on first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "build", "check", "load", "render"]


def load(path: Any) -> Any:
    """Return the validated guide of the YAML file at ``path`` (see :mod:`guidegen.loader`)."""
    from .loader import load as load_guide

    return load_guide(path)


def build(*args: Any, **kwargs: Any) -> Any:
    """Build guides to files and return what was written (see :func:`guidegen.pipeline.build`)."""
    from .pipeline import build as build_guides

    return build_guides(*args, **kwargs)


def render(*args: Any, **kwargs: Any) -> Any:
    """Return a loaded guide rendered in memory (see :func:`guidegen.pipeline.render`)."""
    from .pipeline import render as render_guide

    return render_guide(*args, **kwargs)


def check(*args: Any, **kwargs: Any) -> Any:
    """Return the validated guides (see :func:`guidegen.pipeline.check`)."""
    from .pipeline import check as check_guides

    return check_guides(*args, **kwargs)
