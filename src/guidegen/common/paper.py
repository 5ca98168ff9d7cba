"""Paper sizes: the one declaration the build options and the theme share."""

from __future__ import annotations

from typing import Literal

Paper = Literal["a4", "letter"]
PAPER_SIZES_MM: dict[Paper, tuple[float, float]] = {"a4": (210.0, 297.0),
                                                     "letter": (215.9, 279.4)}
