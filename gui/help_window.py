"""Help → How to read this: a window of its own that reads in the language the app is in now.

The page is one HTML file per language (resources/how_to_read.html and
how_to_read.zh_CN.html, written whole rather than sentence by sentence so
they read naturally). The window stays open beside the main window; when the
language is switched while it is open, it loads the other page at once.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from .i18n import DEFAULT_LANGUAGE, Retranslating, current_language

#: The page of each language; a language without its own page shows the English one.
PAGES = {"en": "how_to_read.html", "zh_CN": "how_to_read.zh_CN.html"}


def help_page(language: str) -> str:
    """The HTML of the How-to-read page in ``language``."""
    name = PAGES.get(language, PAGES[DEFAULT_LANGUAGE])
    return resources.files("attention_stepper.resources").joinpath(name).read_text(encoding="utf-8")


class HowToReadWindow(Retranslating, QDialog):
    """The How-to-read page and a Close button; non-modal, so the steps can be followed while reading."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.browser = QTextBrowser(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(self.buttons)
        self.resize(620, 560)
        self.language = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("How to read this"))
        language = current_language()
        if language != self.language:  # a new page only when the language changed: the reader keeps their place
            self.language = language
            self.browser.setHtml(help_page(language))
