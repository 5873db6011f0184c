"""Guard against the PySide6 build that drops a reference to None on every void call.

PySide6 6.12.0 on Python 3.11 decrements None's reference count each time a
method returning nothing is called (QLabel.setText, QSpinBox.setValue…).
None is not immortal before Python 3.12, so a long session ends with
"Fatal Python error: none_dealloc". pyproject.toml excludes that build; this
test fails if such a build is installed anyway.
"""

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(500):
        label.setText(str(i))
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 500 setText calls: this PySide6 build is broken"
