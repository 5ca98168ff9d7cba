"""A speed trick of the renderers (see :mod:`.speed`): cached properties read without a lock.

cssselect2 (which matches WeasyPrint's selectors) keeps what it reads of each element
(``local_name``, ``id``, ``classes``, ``etree_children``...) in ``functools.cached_property``
attributes of its ``ElementWrapper``, made anew for every element of every document, and
WeasyPrint each style's ``anonymous_style`` likewise: about 3,000 first reads per layout
of a guide. Python 3.11's ``cached_property`` takes a lock on each first read (3.12
dropped it: it serialised every instance's reads); :class:`_Kept` is the same property
without it, as in 3.12: the value is computed by the same function and kept in the
instance's ``__dict__`` under the same name, where every later read finds it (the
property is not a data descriptor). The layout reads them from one thread.

:func:`install` does it for WeasyPrint 70.0 with cssselect2 0.10.1 only, and only on
``functools.cached_property`` attributes of classes with a ``__dict__``.
``tests/test_cached.py`` compares every kept value with the property's own.

Measured (callgrind, which does not depend on the machine's load): the default and German
guides' four layouts, laid out again in one process, 2109M -> 2088M instructions (-1.0%,
after :mod:`.flow`). The PDFs are the same bytes.
"""

from __future__ import annotations

import functools
from typing import Any

_STATE = {"installed": 0}
_REAL: dict[tuple[type, str], Any] = {}  # (class, name): its cached_property, once installed


class _Kept:
    """A ``functools.cached_property`` without its lock (see above)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.func = real.func
        self.attrname = real.attrname
        self.__doc__ = real.__doc__

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        """Return the value kept in ``instance``, made by the property's function."""
        if instance is None:
            return self
        value = instance.__dict__[self.attrname] = self.func(instance)
        return value


def install() -> None:
    """Have cssselect2's and WeasyPrint's cached properties read without a lock."""
    import cssselect2  # type: ignore[import-untyped]
    import cssselect2.tree  # type: ignore[import-untyped]
    import weasyprint
    import weasyprint.css

    if _STATE["installed"] or weasyprint.__version__ != "70.0" \
            or cssselect2.__version__ != "0.10.1":
        return  # done, or not the versions this was written for
    _STATE["installed"] = 1
    for cls in (cssselect2.tree.ElementWrapper, weasyprint.css.Style):
        if "__slots__" in vars(cls):
            continue
        for name, real in list(vars(cls).items()):
            if type(real) is functools.cached_property and real.attrname == name:
                _REAL[cls, name] = real
                setattr(cls, name, _Kept(real))
