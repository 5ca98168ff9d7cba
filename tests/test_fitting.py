"""The page fit searches for the least tightening that meets its goal.

The layouts here are stand-ins that say how many pages each level would take, so the
search itself is read: which levels it lays out, and which it settles on. The PDFs of
the fixtures (test_print_quality) show the same on real guides.
"""

from __future__ import annotations

import pytest

from guidegen.builder.fitting import LADDER, SMALL, Fit, settle
from guidegen.builder.search import least
from guidegen.errors import ContentError, Location
from guidegen.renderers import Pagination, Rendered, Top


def first_layout(pages: int) -> Rendered:
    """Return a first layout of ``pages`` full pages."""
    top = Top("Heading", Location("guide.yaml", 1, 1))
    return Rendered(b"", pages, pagination=Pagination((0.98,) * pages, (top,) * pages))


def layouts(fits_from: float | None, pages: int, target: int, side_by_side: int = 1):
    """Return a stand-in layout that takes ``target`` pages from level ``fits_from`` on.

    It lays out ``side_by_side`` of the levels it is asked for at once (as the helper
    and its twin do), the first of them at least; ``rounds`` lists each round's levels.
    """
    tried: list[float] = []
    rounds: list[list[float]] = []

    def lay(tries: list[tuple[float, ...]]) -> list[Rendered]:
        laid = []
        for (level,) in tries[:side_by_side]:  # the whole guide's
            tried.append(level)
            fits = fits_from is not None and level >= fits_from
            laid.append(first_layout(target if fits else pages))
        rounds.append(tried[-len(laid):])
        return laid

    lay.rounds = rounds  # type: ignore[attr-defined]
    return lay, tried


@pytest.mark.parametrize("fits_from", LADDER)
def test_a_budget_takes_the_least_level_that_meets_it(fits_from):
    lay, tried = layouts(fits_from, 6, 5)
    (level,), pdf = settle(Fit(None, None, budget=5), first_layout(6), lay)  # type: ignore[arg-type]
    assert level == fits_from and pdf.pages == 5
    assert len(tried) == len(set(tried)) <= 5  # each level laid out once, a few at most


@pytest.mark.parametrize("fits_from", [*LADDER, None])
def test_side_by_side_the_first_guess_and_the_level_below_are_laid_out_at_once(fits_from):
    # the helper and its twin lay out the first guess and the level below it together
    # (the guess is most often the least that fits), and each later round the level the
    # search tries next if its try does not fit: the same level is found, where the
    # guess is the least in one round instead of two, never in more rounds
    found = {}
    for side_by_side in (1, 2):
        lay, tried = layouts(fits_from, 6, 5, side_by_side)
        try:
            (level,), _ = settle(Fit(None, None, budget=5), first_layout(6), lay)  # type: ignore[arg-type]
        except ContentError:
            level = None
        found[side_by_side] = level, lay.rounds, tried  # type: ignore[attr-defined]
    (one, one_rounds, one_tried), (two, two_rounds, two_tried) = found[1], found[2]
    assert one == two == fits_from
    guess = one_tried[0]
    assert two_rounds[0] == ([guess, LADDER[LADDER.index(guess) - 1]]
                             if LADDER.index(guess) > 0 else [guess])
    # each later round, the level tried next if the try does not fit beside it: every
    # level one at a time lays out is laid out, none twice, in no more rounds
    assert set(one_tried) <= set(two_tried) and len(set(two_tried)) == len(two_tried)
    assert len(two_rounds) <= len(one_rounds) and all(len(each) <= 2 for each in two_rounds)
    if fits_from == guess:  # the guess was the least: known after one round
        assert len(two_rounds) == 1 and len(one_rounds) == 2
    if fits_from == 0.75:  # the guess and the level below fit: the two below it at once
        assert two_rounds == [[1.25, 1.0], [0.5, 0.75]] and len(one_rounds) == 4


@pytest.mark.parametrize("fits_from", [level for level in LADDER if level <= SMALL])
def test_type_never_shrinks_when_spacing_suffices(fits_from):
    # whatever the first layout's fullness predicts, a guide that spacing alone fits is
    # never given smaller type
    lay, _ = layouts(fits_from, 6, 5)
    (level,), _ = settle(Fit(None, None, budget=5), first_layout(6), lay)  # type: ignore[arg-type]
    assert level <= SMALL


def test_a_budget_no_level_meets_is_an_error_after_the_tightest():
    lay, tried = layouts(None, 6, 5)
    with pytest.raises(ContentError) as raised:
        settle(Fit(None, None, budget=5), first_layout(6), lay)  # type: ignore[arg-type]
    assert "spilled onto page 6" in raised.value.problems[0].message
    assert max(tried) == LADDER[-1] and len(tried) == 2  # the first guess, the tightest


@pytest.mark.parametrize("fits_at", range(len(LADDER) + 1))
def test_the_search_finds_the_least_level_from_any_first_try(fits_at):
    fits_from = LADDER[fits_at] if fits_at < len(LADDER) else None
    for start in range(len(LADDER)):
        lay, tried = layouts(fits_from, 6, 5)
        found = least(LADDER, start, lambda level, lay=lay: lay([(level,)])[0],
                      lambda pdf: pdf.pages == 5)
        assert (found and found[0]) == fits_from, (start, tried)
        assert len(tried) == len(set(tried)) <= 5  # a guess, the tightest, 3 halvings
