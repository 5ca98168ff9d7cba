"""Where each word may break, kept in the cache folder and given to the next process.

guidegen.layout.keptbreaks: a hyphenator that finds every word in what a build here kept
hyphenates the same text without parsing its language's patterns; the key holds the
exceptions, the language and the dictionary file, so another of any asks again.
"""

from __future__ import annotations

import os
import shutil

import pytest

from guidegen.common.language import Language
from guidegen.layout import hyphenate, patterns
from guidegen.layout.hyphenate import SOFT_HYPHEN

TEXT = ("The pharmaceutical manufacturer qualifies its documentation and responsibilities "
        "before any establishment inspection; hydroxypropylmethylcellulose arrives later.")
GERMAN = "Die Herstellungserlaubnis und die Qualitätssicherungsvereinbarung des Auftraggebers."


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(tmp_path))
    fresh_process()
    yield tmp_path
    fresh_process()


def fresh_process():
    """Forget what this process found, as a new process starts."""
    hyphenate.hyphenator.cache_clear()
    patterns.patterns_for.cache_clear()


def hyphenated(tag, text, exceptions=()):
    found = hyphenate.hyphenator(Language.of(tag), exceptions)
    return found, found.text(text)


def test_a_process_given_every_word_parses_no_patterns_and_breaks_them_alike(folder):
    first, expected = hyphenated("en-GB", TEXT)
    assert SOFT_HYPHEN in expected and first.kept == 0
    first.keep()
    (kept,) = folder.glob("breaks-*.pickle")
    fresh_process()
    again, text = hyphenated("en-GB", TEXT)
    assert again.kept == len(first.found) > 10
    assert text == expected
    assert "patterns" not in vars(again)  # never asked for
    assert patterns.patterns_for.cache_info().currsize == 0
    written = kept.stat().st_mtime_ns, kept.stat().st_ino
    again.keep()  # nothing new: not written again
    assert (kept.stat().st_mtime_ns, kept.stat().st_ino) == written


def test_a_word_not_kept_is_broken_by_the_patterns(folder):
    first, _ = hyphenated("de-DE", GERMAN)
    first.keep()
    fresh_process()
    again, text = hyphenated("de-DE", GERMAN + " Arzneimittelzulassung")
    assert again.kept == len(first.found)
    assert "patterns" in vars(again)
    fresh_process()
    cold = hyphenate.Hyphenator(Language.of("de-DE")).text(GERMAN + " Arzneimittelzulassung")
    assert text == cold and "Arz\u00adnei" in text


@pytest.mark.parametrize("other", [("en-GB", ("phar-ma-ceu-ti-cal",)), ("en-US", ())])
def test_other_exceptions_or_another_language_ask_again(folder, other):
    first, _ = hyphenated("en-GB", TEXT)
    first.keep()
    fresh_process()
    again, text = hyphenated(other[0], TEXT, other[1])
    assert again.kept == 0
    fresh_process()
    assert text == hyphenate.Hyphenator(Language.of(other[0]), other[1]).text(TEXT)
    if other[1]:
        assert "phar\u00adma\u00adceu\u00adti\u00adcal" in text


def test_another_dictionary_file_asks_again(folder, tmp_path_factory, monkeypatch):
    copy = tmp_path_factory.mktemp("dictionaries") / "hyph_en_GB.dic"
    shutil.copyfile(os.fspath(patterns.dictionary_file("en_GB")), copy)
    monkeypatch.setattr(patterns, "dictionary_file", lambda name: copy)
    first, _ = hyphenated("en-GB", TEXT)
    first.keep()
    fresh_process()
    assert hyphenated("en-GB", TEXT)[0].kept == len(first.found)
    os.utime(copy, ns=(0, 0))  # the same size, another time: another dictionary
    fresh_process()
    assert hyphenated("en-GB", TEXT)[0].kept == 0


HYPHENATE = f"""
import sys
from guidegen.common.language import Language
from guidegen.layout.hyphenate import hyphenator
found = hyphenator(Language.of("en-GB"), ())
print(found.kept, "pyphen" in sys.modules, found.text({TEXT!r}).count("\\u00ad"))
found.keep()
"""


def test_an_english_hyphenator_imports_no_pyphen(folder):
    # pyphen lists its dictionaries as it is imported (~5 ms); English's is named by
    # SOURCES and its file found on disk, whether its patterns are parsed or not
    import subprocess
    import sys

    said = [subprocess.run([sys.executable, "-c", HYPHENATE], check=True, capture_output=True,
                           text=True).stdout.split() for _ in range(2)]
    assert said[0][:2] == ["0", "False"]  # the patterns parsed, from pyphen's dictionary
    assert int(said[1][0]) > 10 and said[1][1] == "False"
    assert said[0][2] == said[1][2] != "0"  # the same soft hyphens
