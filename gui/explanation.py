"""The explanation pane: the current step's formula, its live shapes and why it is done."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser

from attention_stepper.core.formulas import shape_lines

from .i18n import Retranslating, core_text
from .model import AttentionModel, Change


class ExplanationPane(Retranslating, QTextBrowser):
    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._shown = ""
        self.setOpenExternalLinks(False)
        self.setMinimumWidth(180)
        model.changed.connect(self._model_changed)
        self.refresh()

    def _model_changed(self, change: Change) -> None:
        if change.computation or change.step or change.head:  # the live shapes are those of the head shown
            self.refresh()

    def retranslate(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.setToolTip(self.tr("What the current step computes, with the sizes of the matrices right now"))
        model = self.model
        step = model.step
        head = model.head or 0
        number = model.step_index + 1
        shapes = "<br>".join(html.escape(line) for line in
                             shape_lines(model.computation, step.key, head, translate=core_text))
        text = (
            f"<h3>{number}. {html.escape(core_text(step.title))}</h3>"
            f"<p style='font-size: large;'><b>{html.escape(core_text(step.formula))}</b></p>"
            f"<p style='font-family: monospace;'>{shapes}</p>"
            f"<p>{html.escape(core_text(step.explanation))}</p>"
        )
        if text != self._shown:  # most changes (heads, a sentence of the same length) leave it as it is
            self._shown = text
            self.setHtml(text)  # lays the whole document out again and scrolls back to the top

    def plain_text(self) -> str:
        return self.toPlainText()
