"""``screenshot --tab`` shows a tab (the inference tabs at their last or a chosen position); mistakes are one line."""

import pytest
from PySide6.QtGui import QImage

from attention_stepper.gui.cli import SCREENSHOT_TABS, main


def _shot(tmp_path, name, *arguments):
    out = tmp_path / f"{name}.png"
    assert main(["screenshot", "--size", "1000x700", "--causal", "--out", str(out), *arguments]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    return image


def test_every_tab_of_the_window_can_be_named(qapp):
    from attention_stepper.core import Parameters
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel

    window = MainWindow(AttentionModel(Parameters()))
    try:
        assert set(window.tab_pages) == set(SCREENSHOT_TABS)
        assert all(window.tabs.indexOf(window.tab_pages[name]) >= 0 for name in SCREENSHOT_TABS)
        assert len(set(window.tab_pages.values())) == len(SCREENSHOT_TABS)
    finally:
        window.close()


def test_the_inference_tabs_are_pictured_where_asked(tmp_path, capsys, monkeypatch):
    from attention_stepper.gui import main_window

    shown = []
    original = main_window.MainWindow.show

    def remember(window):
        original(window)
        shown.append(window)

    monkeypatch.setattr(main_window.MainWindow, "show", remember)
    steps = _shot(tmp_path, "steps", "--step", "scores")
    tiles = _shot(tmp_path, "tiles", "--tab", "tiles", "--position", "2")
    assert "(1000x700, tab tiles)" in capsys.readouterr().out
    window = shown[-1]
    assert window.tabs.currentWidget() is window.tiles_view and window.tiles_view.position() == 1
    generate = _shot(tmp_path, "generate", "--tab", "generate")
    window = shown[-1]
    assert window.tabs.currentWidget() is window.decode_view and window.decode_view.position() == 3, "the last token"
    assert tiles != steps and generate != tiles and generate != steps, "three different pictures"


def test_the_picture_can_be_in_chinese(tmp_path, monkeypatch):
    from attention_stepper.gui import i18n, main_window

    seen = []
    original = main_window.MainWindow.show
    monkeypatch.setattr(main_window.MainWindow, "show", lambda window: (original(window), seen.append(window)))
    try:
        _shot(tmp_path, "zh", "--tab", "generate", "--language", "zh_CN")
        tabs = seen[-1].tabs
        assert tabs.tabText(tabs.indexOf(seen[-1].decode_view)) == "逐词生成（KV 缓存）"
        assert "缓存" in seen[-1].decode_view.explanation_text()
    finally:
        i18n.install_language("en")


def test_the_inference_tabs_do_not_widen_the_window(window, qtbot):
    """A label as long as its text would set the least width of the tab, and so of the window."""
    narrowest = window.minimumSizeHint().width()
    for page in (window.tiles_view, window.decode_view):
        window.tabs.setCurrentWidget(page)
        qtbot.waitUntil(page.is_built)
        page.last()
        assert window.minimumSizeHint().width() <= max(narrowest, 900)


@pytest.mark.parametrize("arguments, message", [
    (["--tab", "tiles", "--position", "5"], "--position must be from 1 to 4 (the number of tiles); got 5"),
    (["--tab", "generate", "--position", "0"], "--position must be a whole number from 1"),
    (["--step", "scores", "--position", "2"], "--position is for --tab tiles or --tab generate"),
    ([], "the steps tab needs --step STEP"),
    (["--tab", "flash"], "invalid choice: 'flash'"),
])
def test_mistakes_are_one_line_and_write_nothing(tmp_path, capsys, arguments, message):
    out = tmp_path / "x.png"
    assert main(["screenshot", "--causal", "--out", str(out), *arguments]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error
    assert not out.exists()
