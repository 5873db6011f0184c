"""English and Simplified Chinese, switchable while the app runs.

Translations use Qt's own machinery so translators can work in Qt Linguist:
``resources/translations/attention_stepper_zh_CN.ts`` is the source (made
by ``pyside6-lupdate`` from gui/ plus the core's texts, see
``resources/translations/update.py``) and the ``.qm`` beside it is what is
loaded. Installing a translator makes Qt send every widget a LanguageChange
event; each widget then sets its texts again, so nothing is restarted or lost.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

#: Language code -> the language's own name (as shown in View → Language).
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"

_installed: list[QTranslator] = []
_current = DEFAULT_LANGUAGE


def system_language() -> str:
    """The language to start in: Chinese on a Chinese system, English otherwise."""
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else DEFAULT_LANGUAGE


def current_language() -> str:
    return _current


def _translation_file(code: str) -> str:
    return str(resources.files("attention_stepper.resources").joinpath(f"translations/attention_stepper_{code}.qm"))


def install_language(code: str) -> bool:
    """Switch the running app to ``code`` ("en" or "zh_CN"); False (and no change) if its translation is missing.

    The translators being replaced are removed and deleted: parentless, they
    belong to Python and die with the last reference, so switching back and
    forth a thousand times keeps at most two alive.
    """
    global _current
    app = QCoreApplication.instance()
    if code not in LANGUAGES or app is None:
        return False
    new: list[QTranslator] = []
    if code != DEFAULT_LANGUAGE:
        ours = QTranslator()
        if not ours.load(_translation_file(code)):
            return False
        qt_own = QTranslator()  # Qt's standard buttons and dialogs (OK, Cancel, Yes…)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load(f"qtbase_{code}", folder) or qt_own.load(f"qt_{code}", folder):
            new.append(qt_own)
        new.append(ours)  # installed last, so searched first
    for translator in _installed:
        app.removeTranslator(translator)
    _installed[:] = new
    for translator in new:
        app.installTranslator(translator)
    _current = code  # installing or removing a translator made Qt send LanguageChange to every widget
    return True


def core_text(text: str) -> str:
    """Translate one of the core's texts (step titles, explanations, shape templates).

    The core knows nothing of Qt; its texts sit in the .ts file under the
    context "core" (added by resources/translations/update.py).
    """
    return QCoreApplication.translate("core", text)


class Retranslating:
    """Mixin for a widget: call its ``retranslate()`` whenever the app's language changes.

    Put it before the Qt class (``class Panel(Retranslating, QWidget)``);
    the widget sets its texts in ``retranslate()``, also called at start.
    """

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
