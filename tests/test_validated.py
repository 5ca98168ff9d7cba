"""What pydantic validated and what YAML parsed to, kept and loaded by the next process.

guidegen.common.validated: a kept result is the one validating gives, it is keyed by the
data and the code, data that does not validate is never kept, a damaged or foreign file
changes nothing, and a process that loads every model it needs builds none of them
(the models are built lazily; the build dumps them with ``plain``).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from guidegen.caches import keep
from guidegen.common import remember, yamlsource
from guidegen.common import validated as kept_results
from guidegen.common.labels import LabelOverrides, LabelTexts
from guidegen.common.validated import plain, validated
from guidegen.common.yamlsource import load_yaml
from guidegen.content.model import Guide
from guidegen.content.slips import markdown_slips
from guidegen.errors import ContentError, collect_warnings
from guidegen.theme import load_templates
from guidegen.theme.locales import catalogue_tags, load_catalogue

from .conftest import DEFAULT_GUIDE, ROOT


def guide_data() -> dict[str, Any]:
    data, _ = load_yaml(DEFAULT_GUIDE, literal=markdown_slips)  # as the loader reads it
    assert isinstance(data, dict)
    return data


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(tmp_path))
    return tmp_path


def kept_files(folder):
    return sorted(p for p in folder.glob("validated-*.pickle"))


def test_plain_is_model_dump_for_label_overrides():
    overrides = LabelOverrides.model_validate({"audience": "Für", "page": "S. {page}/{pages}"})
    assert plain(overrides, exclude_none=True) == overrides.model_dump(exclude_none=True) \
        == {"audience": "Für", "page": "S. {page}/{pages}"}
    assert plain(overrides) == overrides.model_dump()


def test_plain_is_model_dump_for_the_theme_the_sheet_and_every_catalogue():
    templates = load_templates()
    for model in (templates.theme, templates.theme.sizes, templates.styles.sheet):
        assert plain(model) == model.model_dump()
    for tag in catalogue_tags().values():
        catalogue = load_catalogue(tag)
        assert plain(catalogue) == catalogue.model_dump()
        assert plain(catalogue.labels) == catalogue.labels.model_dump()


def test_a_kept_result_is_loaded_and_equals_the_validated_one(folder, monkeypatch):
    data = guide_data()
    first = validated(Guide, data, "guide.yaml")
    assert len(kept_files(folder)) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("validated again")

    monkeypatch.setattr(Guide, "model_validate", refuse)
    again = validated(Guide, guide_data(), "guide.yaml")
    assert again == first and again is not first
    assert plain(again) == plain(first)


def test_other_data_is_validated_not_taken_from_the_kept_one(folder):
    data = guide_data()
    validated(Guide, data, "guide.yaml")
    changed = guide_data()
    changed["guide"]["title"] = "Another title"
    assert validated(Guide, changed, "guide.yaml").guide.title == "Another title"
    assert validated(Guide, guide_data(), "guide.yaml").guide.title != "Another title"


def test_data_that_does_not_validate_is_never_kept_nor_taken_from_a_kept_one(folder):
    data = guide_data()
    validated(Guide, data, "guide.yaml")
    kept_before = {p: p.read_bytes() for p in kept_files(folder)}
    broken = guide_data()
    broken["guide"]["unknown_key"] = "x"
    with pytest.raises(ValidationError) as caught:
        validated(Guide, broken, "guide.yaml")
    with pytest.raises(ValidationError) as directly:
        Guide.model_validate(broken)
    assert caught.value.errors() == directly.value.errors()
    assert {p: p.read_bytes() for p in kept_files(folder)} == kept_before


def test_the_key_holds_the_code(tmp_path, monkeypatch):
    module = tmp_path / "module.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr(remember, "_PACKAGE", tmp_path)
    remember.code.cache_clear()
    try:
        before = remember.code()
        os.utime(module, ns=(1, 1))  # edited: another time
        remember.code.cache_clear()
        assert remember.code() != before
        module.write_text("x = 22\n")  # another size
        os.utime(module, ns=(1, 1))
        remember.code.cache_clear()
        edited = remember.code()
        assert edited != before
    finally:
        remember.code.cache_clear()
    assert kept_results._key(Guide, guide_data()) != kept_results._key(LabelTexts, guide_data())


def test_a_damaged_or_stale_file_changes_nothing(folder):
    data = guide_data()
    first = validated(Guide, data, "guide.yaml")
    (path,) = kept_files(folder)
    blob = path.read_bytes()
    for damaged in (blob[:-10], blob[:64] + blob[65:], b"", b"0" * 64 + blob[64:]):
        path.unlink()
        keep(path, damaged)
        assert validated(Guide, guide_data(), "guide.yaml") == first
    _, result = pickle.loads(blob[64:])
    stale = pickle.dumps(("another key", result), protocol=5)
    path.unlink()
    keep(path, hashlib.sha256(stale).hexdigest().encode() + stale)
    changed = guide_data()
    changed["guide"]["title"] = "Read, not kept"
    assert validated(Guide, changed, "guide.yaml").guide.title == "Read, not kept"


class _Planted:
    def __reduce__(self):
        return (os.system, ("touch planted",))


def validated_over_a_planted(folder, planted: Any) -> tuple[Guide, Guide]:
    """Return the guide validated, then validated again over a kept file (sealed, under
    the right key) whose result is ``planted``."""
    data = guide_data()
    key = kept_results._key(Guide, data)
    first = validated(Guide, data, "guide.yaml")
    (path,) = kept_files(folder)
    body = pickle.dumps((key, planted), protocol=5)
    path.unlink()
    keep(path, hashlib.sha256(body).hexdigest().encode() + body)
    return first, validated(Guide, guide_data(), "guide.yaml")


def test_a_file_naming_a_foreign_callable_is_not_loaded(folder, monkeypatch):
    monkeypatch.chdir(folder)
    first, again = validated_over_a_planted(folder, _Planted())
    assert again == first
    assert not (folder / "planted").exists()


def test_a_process_that_loads_what_it_needs_builds_no_model(tmp_path):
    """The point of the trick: no model's schema is made when every result is kept."""
    script = (
        "import json, pydantic, guidegen\n"
        "from guidegen import BuildOptions\n"
        f"guide = guidegen.load({str(DEFAULT_GUIDE)!r})\n"
        "guidegen.render(guide, ['html'], BuildOptions(jobs=1))\n"
        "def subclasses(c):\n"
        "    for s in c.__subclasses__():\n"
        "        yield s; yield from subclasses(s)\n"
        "print(json.dumps(sorted(c.__name__ for c in subclasses(pydantic.BaseModel)\n"
        "                        if c.__module__.startswith('guidegen.')\n"
        "                        and c.__pydantic_complete__)))\n")
    env = {**os.environ, "GUIDEGEN_CACHE_DIR": str(tmp_path)}

    def built() -> list[str]:
        run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True)
        names: list[str] = json.loads(run.stdout.splitlines()[-1])
        return names

    assert "Guide" in built()  # validated: built
    assert built() == []  # every result kept: nothing built


class _Importing:
    """Pickles as one of guidegen's classes that is no result: a module's stand-in."""

    def __reduce__(self):
        from guidegen.renderers.speed import _Deferred

        # unpickled: _Deferred("planted_module", ()), then .extend([1]) -> imports it
        return (_Deferred, ("planted_module", ()), None, iter([1]))


def test_a_file_naming_a_guidegen_class_that_is_no_result_is_not_loaded(
        folder, monkeypatch, tmp_path_factory):
    """Only classes a result holds load (models, enums, dataclasses of the content and
    theme): a class of guidegen that runs something when made or used (here a module's
    stand-in, which imports any module named) is refused before it is made."""
    modules = tmp_path_factory.mktemp("modules")
    flag = modules / "imported"
    (modules / "planted_module.py").write_text(f"open({str(flag)!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(modules))
    first, again = validated_over_a_planted(folder, _Importing())
    assert again == first
    assert not flag.exists()
    assert "planted_module" not in sys.modules


# -- what a YAML text parses to (common/yamlsource.parse_yaml) -------------------------------

HIDDEN = 'a: "x\u200by"\nb: |\n  text\n'  # an invisible character: a warning


def parse(text: str, file: str = "t.yaml") -> tuple[object, object, list[str]]:
    with collect_warnings() as said:
        data, source = yamlsource.parse_yaml(text, file)
    return data, source, [str(problem) for problem in said]


def test_a_parse_is_kept_and_its_warnings_said_again(folder, monkeypatch):
    first = parse(HIDDEN)
    assert first[2] and "U+200B" in first[2][0]
    assert len(list(folder.glob("parsed-*.pickle"))) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlsource, "_parse_yaml", refuse)
    assert parse(HIDDEN) == first


def test_another_text_or_name_is_parsed_not_taken_from_the_kept_one(folder):
    parse(HIDDEN)
    assert parse(HIDDEN.replace("text", "other"))[0] == {"a": "x\u200by", "b": "other\n"}
    elsewhere = parse(HIDDEN, "u.yaml")
    assert elsewhere[2][0].startswith("u.yaml:1:4")


def test_a_text_that_does_not_parse_is_never_kept(folder):
    with pytest.raises(ContentError):
        parse("a: [\n")
    assert list(folder.glob("parsed-*.pickle")) == []


def test_a_lambda_reading_literal_blocks_is_not_in_a_key_so_nothing_is_kept(folder):
    seen: list[str] = []
    yamlsource.parse_yaml(HIDDEN, "t.yaml", lambda text, *rest: seen.append(text))
    yamlsource.parse_yaml(HIDDEN, "t.yaml", lambda text, *rest: seen.append(text))
    assert seen == ["text\n", "text\n"]  # called each time
    assert list(folder.glob("parsed-*.pickle")) == []


def test_a_result_larger_than_is_read_is_not_written(folder, monkeypatch):
    """A result whose file recall() would refuse (over remember._MAX) is not kept at all."""
    data = guide_data()
    validated(Guide, data, "guide.yaml")
    (path,) = kept_files(folder)
    size = path.stat().st_size
    path.unlink()
    monkeypatch.setattr(remember, "_MAX", size - 1)
    assert validated(Guide, data, "guide.yaml") == validated(Guide, guide_data(), "big.yaml")
    assert kept_files(folder) == []
    monkeypatch.setattr(remember, "_MAX", size)
    validated(Guide, data, "guide.yaml")
    assert kept_files(folder) == [path] and path.stat().st_size == size
