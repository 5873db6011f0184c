"""Panels and the whole step view saved as PNG and SVG pictures."""

import xml.etree.ElementTree as ElementTree

from PySide6.QtGui import QImage


def _texts(svg_path) -> str:
    root = ElementTree.parse(svg_path).getroot()  # raises if the file is not well-formed XML
    return " ".join(element.text or "" for element in root.iter() if element.tag.endswith("text"))


def test_panel_as_png_is_a_real_picture(window, tmp_path):
    window.model.go_to("softmax")
    path = window.exporter.save_panel_picture(tmp_path / "panel.png")
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 100
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 10


def test_panel_as_svg_parses_and_holds_the_matrix(window, tmp_path):
    window.model.go_to("softmax")
    path = window.exporter.save_panel_picture(tmp_path / "panel.svg")
    texts = _texts(path)
    assert "softmax" in texts, "the panel's title is vector text"
    assert "我" in texts and "学习" in texts, "the token labels are vector text"
    assert "0." in texts, "the cell values are vector text"


def test_step_view_as_svg_holds_every_panel(window, tmp_path):
    window.model.go_to("scores")
    path = window.exporter.save_step_picture(tmp_path / "step.svg")
    texts = _texts(path)
    for name in ("Q₁", "K₁", "Q₂", "K₂", "scores₁", "scores₂"):
        assert name in texts
    assert window.exporter.save_step_picture(tmp_path / "step.png").stat().st_size > 1000


def test_a_picture_that_cannot_be_written_leaves_nothing(window, tmp_path):
    assert window.exporter.save_panel_picture(tmp_path / "missing-folder" / "panel.svg") is None
    assert "Nothing was written" in window.exporter.last_message
    assert list(tmp_path.iterdir()) == []


def test_pictures_and_exports_get_the_usual_file_mode(window, tmp_path):
    """Temporary files are private (0600); the finished ones must follow the umask like any saved file."""
    import os

    mask = os.umask(0o022)
    try:
        picture = window.exporter.save_panel_picture(tmp_path / "panel.png")
        folder = window.exporter.export_all(tmp_path / "export")
    finally:
        os.umask(mask)
    assert picture.stat().st_mode & 0o777 == 0o644
    assert folder.stat().st_mode & 0o777 == 0o755


def test_a_failed_png_save_keeps_the_earlier_picture(window, tmp_path, monkeypatch):
    """A full disk while encoding: the earlier file stays byte for byte, no partial file appears."""
    path = window.exporter.save_panel_picture(tmp_path / "panel.png")
    before = path.read_bytes()
    monkeypatch.setattr(QImage, "save", lambda self, *args: False)
    window.model.go_to("softmax")
    assert window.exporter.save_panel_picture(tmp_path / "panel.png") is None
    assert "Nothing was written" in window.exporter.last_message
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["panel.png"]
