"""Long sessions: language switches keep nothing."""

import gc
import weakref

import pytest
from PySide6.QtCore import QTranslator

from attention_stepper.gui import i18n

@pytest.fixture
def english_afterwards():
    yield
    i18n.install_language("en")


def test_switching_languages_many_times_keeps_no_old_translator(qapp, english_afterwards):
    def translators() -> int:
        gc.collect()
        return len(qapp.findChildren(QTranslator)) + sum(isinstance(o, QTranslator) for o in gc.get_objects())

    assert i18n.install_language("zh_CN")
    assert i18n.install_language("en")
    before = translators()
    for _ in range(50):
        assert i18n.install_language("zh_CN")
        first = [weakref.ref(translator) for translator in i18n._installed]
        assert i18n.install_language("zh_CN")  # the same language again replaces, not adds
        assert i18n.install_language("en")
        gc.collect()
        assert all(ref() is None for ref in first), "a replaced translator is still alive"
    assert translators() == before
    assert i18n.install_language("zh_CN")
    assert len(i18n._installed) <= 2 and translators() <= before + 2
    assert i18n.core_text("Divide by √d_k") != "Divide by √d_k"  # the Chinese translator still works


def test_a_missing_translation_changes_nothing(qapp, english_afterwards, monkeypatch):
    assert i18n.install_language("zh_CN")
    translated = i18n.core_text("Divide by √d_k")
    monkeypatch.setattr(i18n, "_translation_file", lambda code: "/nonexistent/attention_stepper.qm")
    assert not i18n.install_language("zh_CN")
    assert i18n.current_language() == "zh_CN" and i18n.core_text("Divide by √d_k") == translated
