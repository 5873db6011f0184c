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
    """Switch the running app to ``code`` ("en" or "zh_CN"); False if its translation is missing."""
    global _current
    app = QCoreApplication.instance()
    if code not in LANGUAGES or app is None:
        return False
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code != DEFAULT_LANGUAGE:
        ours = QTranslator(app)
        if not ours.load(_translation_file(code)):
            return False
        qt_own = QTranslator(app)  # Qt's standard buttons and dialogs (OK, Cancel, Yes…)
        if qt_own.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) or \
                qt_own.load(f"qt_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_own)
            _installed.append(qt_own)
        app.installTranslator(ours)
        _installed.append(ours)
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
