"""The base of every model class, and text constraints whose errors read as plain words."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, StringConstraints

# what a value must look like, by the pattern it must match: what an error then says
# instead of the pattern itself (see :func:`matching`)
EXPECTED: dict[str, str] = {}


class Model(BaseModel):
    """Base of every model class: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


def matching(pattern: str, expected: str, max_length: int | None = None) -> StringConstraints:
    """Return a constraint that text match ``pattern``; its error says it expected ``expected``."""
    EXPECTED[pattern] = expected
    return StringConstraints(pattern=pattern, max_length=max_length)
