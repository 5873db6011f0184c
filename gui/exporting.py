"""File → Export… actions: dialogs in front, the core's export behind.

Every action takes its path as an argument when called from code (tests
inject paths; no dialog opens) and asks with a file dialog otherwise.
Failures become one message box; nothing half-written is left behind
because the core and ``atomic_write`` write to temporary names first.
Pictures are rendered into memory and checked whole before a byte reaches
the disk, so a full disk can only fail the save, never shorten the file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QObject, QPoint, QRect, QSize, Signal
from PySide6.QtGui import QGuiApplication, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from attention_stepper.core.export import export_computation, export_problem, table_text
from attention_stepper.core.files import LeftBehindError, atomic_write_bytes
from attention_stepper.core.torch_layout import is_torch_weights_file, load_torch_weights, save_torch_weights
from attention_stepper.core.weights import WeightsFileError, load_weights, save_weights

from .model import AttentionModel
from .step_view import StepView


class Exporter(QObject):
    """The export actions; a QObject so its messages translate under its own name."""

    #: Weights were loaded from a file (the Weights, the file's name): the window says which weights are in use.
    weightsOpened = Signal(object, str)

    def __init__(self, model: AttentionModel, step_view: StepView, parent: QWidget, settings=None):
        super().__init__(parent)
        self.model = model
        self.step_view = step_view
        self.owner = parent
        self.settings = settings
        #: The last message shown to the person (tests read it instead of a dialog).
        self.last_message = ""

    # --- helpers ---------------------------------------------------------------
    def _start_folder(self) -> str:
        if self.settings is not None:
            return self.settings.text("export/folder", str(Path.home()))
        return str(Path.home())

    def _remember_folder(self, path: Path) -> None:
        if self.settings is not None:
            self.settings.set("export/folder", str(path.parent))
            self.settings.sync()

    def _report(self, title: str, message: str, error: bool = False, interactive: bool = True) -> None:
        self.last_message = message
        if interactive:
            box = QMessageBox.warning if error else QMessageBox.information
            box(self.owner, title, message)

    def _confirm_replace(self, folder: Path) -> bool:
        answer = QMessageBox.question(
            self.owner, self.tr("Replace folder?"),
            self.tr("{0} holds an earlier export. Replace it with this one?").format(folder))
        return answer == QMessageBox.StandardButton.Yes

    def _export_folder(self, folder, force, keys, title: str) -> Path | None:
        interactive = folder is None
        if folder is None:
            chosen = QFileDialog.getSaveFileName(self.owner, title, self._start_folder(),
                                                 self.tr("Folder (*)"))[0]
            if not chosen:
                return None
            folder = chosen
        folder = Path(folder)
        if force is None:
            force = False
            if folder.is_dir() and not folder.is_symlink() and self._holds_something(folder):
                problem = export_problem(folder)
                if problem:  # someone's own files: never offered for replacing
                    self._report(title, self.tr("{0} is not empty and is not an earlier export ({1}); nothing was "
                                                "written. Choose a new or empty folder.").format(folder, problem),
                                 True, interactive)
                    return None
                if not interactive or not self._confirm_replace(folder):
                    self._report(title, self.tr("{0} is not empty; nothing was written.").format(folder),
                                 True, interactive)
                    return None
                force = True
        try:
            written = export_computation(self.model.computation, folder, force=force, keys=keys)
        except LeftBehindError as error:  # not "Nothing was written": say what is left and where
            message = self.tr("Could not export to {0}: {1}.").format(folder, error.strerror or error)
            if error.left_behind:
                message += " " + self.tr("The unfinished folder {0} could not be removed; delete it yourself.").format(
                    ", ".join(str(path) for path in error.left_behind))
            if error.earlier is not None:
                message += " " + self.tr("The earlier folder is now {0} and the new export took its name {1}; "
                                         "swap them back by hand.").format(error.earlier, folder)
            self._report(title, message, True, interactive)
            return None
        except (OSError, ValueError) as error:
            self._report(title, self.tr("Could not export to {0}: {1}. Nothing was written.").format(
                folder, getattr(error, "strerror", None) or error), True, interactive)
            return None
        self._remember_folder(written)
        self.last_message = self.tr("Exported to {0}").format(written)
        return written

    @staticmethod
    def _holds_something(folder: Path) -> bool:
        """True if ``folder`` has an entry; an unreadable folder counts (the export then says why it fails)."""
        try:
            return any(folder.iterdir())
        except OSError:
            return False

    # --- actions ---------------------------------------------------------------
    def export_all(self, folder: str | Path | None = None, force: bool | None = None) -> Path | None:
        """Every matrix, manifest.json and weights.npz: what ``attention-stepper export`` writes."""
        return self._export_folder(folder, force, None, self.tr("Export all matrices"))

    def export_step(self, folder: str | Path | None = None, force: bool | None = None) -> Path | None:
        """The current step's matrices (all heads), in the export format."""
        step = self.model.step
        keys = list(step.inputs) + list(step.outputs)
        return self._export_folder(folder, force, keys, self.tr("Export this step as CSV"))

    def _save_picture(self, widget: QWidget, path, title: str, stem: str) -> Path | None:
        """Save ``widget`` as PNG or SVG, chosen by the file's suffix (asking for a name when none is given)."""
        interactive = path is None
        if path is None:
            suggested = Path(self._start_folder()) / f"{stem}.png"
            path = QFileDialog.getSaveFileName(self.owner, title, str(suggested), self.tr(
                "PNG image (*.png);;SVG vector image (*.svg)"))[0]
            if not path:
                return None
        path = Path(path)
        try:
            if path.suffix.lower() == ".svg":
                save_svg(widget, path)
            else:
                save_png(widget, path)
        except OSError as error:
            self._report(title, self.tr("Could not save {0}: {1}. Nothing was written.").format(
                path, error.strerror or error), True, interactive)
            return None
        self._remember_folder(path)
        return path

    def save_panel_picture(self, path: str | Path | None = None) -> Path | None:
        """The selected panel (or the step's first output) as PNG or SVG (by the file's suffix)."""
        key, head = self.step_view.current_matrix()
        stem = f"{key}{'' if head is None else f'_head{head + 1}'}"
        return self._save_picture(self.step_view.panel(key, head), path, self.tr("Save panel as picture"),
                                  stem)

    def save_step_picture(self, path: str | Path | None = None) -> Path | None:
        """Every panel of the current step, as laid out on screen, as PNG or SVG."""
        return self._save_picture(self.step_view, path, self.tr("Save step view as picture"),
                                  f"step-{self.model.step.key}")

    def open_weights(self, path: str | Path | None = None) -> bool:
        """Use weights from an .npz: our layout (w_q, w_k, w_v, w_o) or PyTorch's MultiheadAttention layout.

        The sizes come from the file (for PyTorch's layout the head count is
        the current one). A bad file is refused with a message and changes nothing.
        """
        interactive = path is None
        title = self.tr("Open weights")
        if path is None:
            path = QFileDialog.getOpenFileName(self.owner, title, self._start_folder(),
                                               self.tr("Weights (*.npz)"))[0]
            if not path:
                return False
        path = Path(path)
        try:
            if is_torch_weights_file(path):
                weights = load_torch_weights(path, self.model.parameters.heads)
            else:
                weights = load_weights(path)
            self.model.set_weights(weights)
        except (WeightsFileError, ValueError, OSError) as error:
            self._report(title, self.tr("Could not use {0}: {1}").format(path.name, error), True, interactive)
            return False
        self.weightsOpened.emit(weights, path.name)
        self._remember_folder(path)
        self.last_message = self.tr("Using the weights from {0}").format(path.name)
        return True

    def save_weights(self, path: str | Path | None = None, torch_layout: bool | None = None) -> Path | None:
        """Save the current weights as .npz, in our layout or PyTorch's (chosen by the dialog's filter)."""
        interactive = path is None
        title = self.tr("Save weights")
        ours, torch = self.tr("Attention Stepper weights (*.npz)"), self.tr("PyTorch MultiheadAttention layout (*.npz)")
        if path is None:
            path, chosen = QFileDialog.getSaveFileName(self.owner, title, str(Path(self._start_folder()) / "weights.npz"),
                                                       f"{ours};;{torch}")
            if not path:
                return None
            torch_layout = chosen == torch
        path = Path(path)
        try:
            if torch_layout:
                save_torch_weights(self.model.computation.weights, path)
            else:
                save_weights(self.model.computation.weights, path)
        except (ValueError, OSError) as error:
            self._report(title, self.tr("Could not save {0}: {1}. Nothing was written.").format(
                path, getattr(error, "strerror", None) or error), True, interactive)
            return None
        self._remember_folder(path)
        return path

    def copy_matrix(self) -> str:
        """Put the selected matrix on the clipboard as tab-separated text (pastes into a spreadsheet)."""
        key, head = self.step_view.current_matrix()
        computation = self.model.computation
        rows, columns = computation.labels(key)
        text = table_text(computation.matrix(key, head), rows, columns, "\t")
        QGuiApplication.clipboard().setText(text)
        self.last_message = self.tr("Copied {0} to the clipboard").format(
            key if head is None else f"{key} (head {head + 1})")
        return text

    def save_window_png(self, path: str | Path, window: QWidget) -> Path:
        """The whole window as PNG (used by the screenshot command)."""
        return save_png(window, path)


def png_bytes(widget: QWidget) -> bytes:
    """The widget as a whole PNG, in memory (OSError if Qt could not encode it)."""
    image = widget.grab().toImage()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    saved = image.save(buffer, "PNG")
    buffer.close()
    data = bytes(buffer.data())
    if not saved or not data.startswith(b"\x89PNG") or not data.endswith(b"IEND\xaeB`\x82"):
        raise OSError("could not encode the picture as PNG")
    return data


def save_png(widget: QWidget, path: str | Path) -> Path:
    """Render a widget to a PNG file, atomically: encoded in memory, then written, flushed and renamed."""
    return atomic_write_bytes(path, png_bytes(widget))


def svg_bytes(widget: QWidget) -> bytes:
    """The widget as a whole SVG document, in memory.

    pyqtgraph's own SVGExporter fails with PySide6 6.12 (pyqtgraph #3485), so
    the widget paints itself into a QSvgGenerator instead; panels keep their
    vector lines and text.
    """
    from PySide6.QtSvg import QSvgGenerator

    size = widget.size()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(size.width(), size.height()))
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(widget.windowTitle() or "Attention Stepper")
    generator.setDescription("Exported from Attention Stepper")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError("could not start drawing the SVG picture")
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    buffer.close()
    data = bytes(buffer.data())
    if not data.rstrip().endswith(b"</svg>"):
        raise OSError("could not draw the whole SVG picture")
    return data


def save_svg(widget: QWidget, path: str | Path) -> Path:
    """Render a widget to an SVG file, atomically: drawn in memory, checked whole, then written and renamed."""
    return atomic_write_bytes(path, svg_bytes(widget))
