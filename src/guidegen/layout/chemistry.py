"""Long chemical names break between their parts: "hydroxy-propyl-methyl-cellulose".

Excipients and substances are named by joining the parts of chemical nomenclature into
one word ("hydroxypropylmethylcellulose", "Natriumcarboxymethylcellulose",
"dimethylaminoethyl methacrylate"). Hyphenation patterns, made for ordinary words,
break inside those parts where no chemist would: the US English ones give
"hydrox-ypropyl", "dimethy-laminoethyl", "hydrox-yethyl", the German ones
"hydro-xy-pro-py-l-me-thyl", "cop-o-ly-mer". A word made entirely of the parts below,
at least two of them, breaks at the boundaries between its parts, and inside a part
only where the language's patterns break that part as a word of its own, never closer
than two letters to a boundary (:mod:`.hyphenate` keeps three letters at the word's
ends). The parts are those of the names on excipient labels and in pharmacopoeias, in
English and German spelling; a word they do not make up whole is any other word.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

_WRITTEN = """
    mono di tri tetra penta hexa poly co iso cyclo cros
    hydro hydroxy oxy methoxy ethoxy carboxy carboxyl amino chloro fluoro bromo iodo nitro
    sulfo sulpho sulfonyl methyl ethyl propyl butyl pentyl hexyl octyl phenyl benzyl
    acetyl vinyl allyl glyceryl stearyl lauryl oleyl cetyl palmityl
    cellulose dextrin pyrrolidone glycol glycolate acrylate methacrylate acrylic
    ethylene ethylen propylene propylen oxide amine amin amide amid toluene toluol
    benzene benzol polymer siloxane silicate phosphate sulfate sulphate stearate citrate
    lactate acetate succinate phthalate benzoate butyrate propionate glyceride glycerol
    mannitol sorbitol xylitol lactose sucrose saccharose glucose starch carmellose
    natrium kalium calcium magnesium sodium potassium
"""
PARTS = frozenset(_WRITTEN.split())
SHORTEST_INSIDE = 2  # letters between a break inside a part and the part's ends


def chemical_breaks(word: str, inside: Callable[[str], tuple[int, ...]]) -> tuple[int, ...]:
    """Return where chemical name ``word`` may break; () if it is not one.

    ``inside`` gives the breaks of a part on its own (the language's patterns).
    """
    parts = _parts(word.lower())
    if len(parts) < 2:
        return ()
    found: list[int] = []
    start = 0
    for n, part in enumerate(parts):
        if n:
            found.append(start)
        found += [start + point for point in inside(part)
                  if SHORTEST_INSIDE <= point <= len(part) - SHORTEST_INSIDE]
        start += len(part)
    return tuple(found)


@cache
def _parts(word: str) -> tuple[str, ...]:
    """Return ``word`` as the fewest parts of :data:`PARTS` that make it up; () if none do."""
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 12), end):
            before = best[start]
            if before is not None and word[start:end] in PARTS and (
                    best[end] is None or len(before) + 1 < len(best[end] or ())):
                best[end] = (*before, word[start:end])
    return best[len(word)] or ()
