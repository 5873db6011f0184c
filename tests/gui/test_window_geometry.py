"""The first start fits the screen (a 1366×768 laptop included) and the left panel never scrolls sideways."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QMargins, QRect, QSize

from attention_stepper.gui import i18n
from attention_stepper.gui.window_geometry import ASSUMED_FRAME, PREFERRED_SIZE, fitted_geometry

#: Start the real app (gui/app.py main) on one offscreen screen, let its event loop run a moment,
#: and print what a person would see of the window's place and of the left panel.
START = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from attention_stepper.gui import app as app_module, i18n
    from attention_stepper.gui.main_window import MainWindow

    def exec_briefly(*args):
        app = QApplication.instance()
        for _ in range(5):
            app.processEvents()
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        scroll = window.controls_scroll
        frame, available = window.frameGeometry(), window.screen().availableGeometry()
        print(json.dumps({
            "language": i18n.current_language(),
            "frame": frame.getRect(), "available": available.getRect(),
            "inside": available.contains(frame),
            "horizontal bar": scroll.horizontalScrollBar().maximum(),
            "viewport": scroll.viewport().width(), "controls need": window.controls.minimumSizeHint().width(),
            "spin box": window.controls.seed.editor.width(),
            "spin box needs": window.controls.seed.editor.minimumSizeHint().width(),
        }))
        window.close()
        return 0

    QApplication.exec = exec_briefly
    sys.exit(app_module.main())
""")


def start_on_a_screen(tmp_path, width: int, height: int, language: str) -> dict:
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}]}))
    environment = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}",
                   "XDG_CONFIG_HOME": str(tmp_path / "fresh-config"),  # nothing saved: the first start
                   "LC_ALL": f"{language}.UTF-8", "LANG": f"{language}.UTF-8", "LANGUAGE": ""}
    result = subprocess.run([sys.executable, "-c", START], env=environment, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("language", ["en_GB", "zh_CN"])
def test_at_first_start_on_a_1366_by_768_screen_the_whole_window_is_on_it(tmp_path, language):
    seen = start_on_a_screen(tmp_path, 1366, 768, language)
    assert seen["language"] == ("zh_CN" if language == "zh_CN" else "en")
    assert seen["available"] == [0, 0, 1366, 768]
    assert seen["inside"], seen
    assert seen["horizontal bar"] == 0, seen  # the left panel does not scroll sideways
    assert seen["viewport"] >= seen["controls need"], seen
    assert seen["spin box"] >= seen["spin box needs"], seen


def test_a_large_screen_gets_the_preferred_size_centred():
    available = QRect(0, 0, 1920, 1040)
    geometry = fitted_geometry(available, PREFERRED_SIZE, QMargins(4, 30, 4, 4))
    assert geometry.size() == PREFERRED_SIZE
    assert geometry.center().x() == pytest.approx(available.center().x(), abs=2)


@pytest.mark.parametrize("available", [QRect(0, 0, 1366, 768), QRect(0, 0, 1024, 600),
                                       QRect(1366, 24, 1280, 776)])  # a second screen, right of the first
def test_the_frame_fits_the_available_part_of_the_screen(available):
    frame = QMargins(6, 40, 6, 6)
    geometry = fitted_geometry(available, PREFERRED_SIZE, frame)
    assert available.contains(geometry.marginsAdded(frame)), (geometry, available)
    assert geometry.width() <= PREFERRED_SIZE.width() and geometry.height() <= PREFERRED_SIZE.height()
    assert available.width() - geometry.marginsAdded(frame).width() <= 1 or geometry.width() == 1280


def test_a_remembered_geometry_is_used_instead(qtbot, tmp_path):
    from attention_stepper.core import Parameters
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.settings_store import SettingsStore

    settings = SettingsStore(tmp_path / "s.json")
    window = MainWindow(AttentionModel(Parameters()), settings)
    qtbot.addWidget(window)
    window.setGeometry(QRect(30, 40, 700, 500))
    window.save_settings()
    again = MainWindow(AttentionModel(Parameters()), SettingsStore(tmp_path / "s.json"))
    qtbot.addWidget(again)
    again.restore_geometry()
    assert again.geometry().size() == QSize(700, 500)  # not the first start's fitted size
    assert ASSUMED_FRAME.top() > 0


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_controls_show_whole_without_a_horizontal_scroll_bar(window, qtbot, language):
    try:
        i18n.install_language(language)
        qtbot.wait(10)
        for expanded in (False, True):
            window.controls.variants.set_expanded(expanded)
            qtbot.waitUntil(lambda: window.controls_scroll.horizontalScrollBar().maximum() == 0, timeout=2000)
            scroll = window.controls_scroll
            assert scroll.viewport().width() >= window.controls.minimumSizeHint().width()
            for spin_box in (window.controls.heads.editor, window.controls.seed.editor):
                assert spin_box.width() >= spin_box.minimumSizeHint().width()
                assert spin_box.visibleRegion().boundingRect().width() == spin_box.width(), "cut at the edge"
    finally:
        i18n.install_language("en")
