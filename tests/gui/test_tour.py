"""The guided tour: the word 爱 through the eight steps, pointing at a panel and a control at each (issue 18)."""

import re

import pytest
from PySide6.QtWidgets import QApplication

from attention_stepper.core import Parameters
from attention_stepper.gui import i18n
from attention_stepper.gui.settings import TOUR_SEEN, tour_due
from attention_stepper.gui.settings_store import SettingsStore
from attention_stepper.gui.tour import EXAMPLE_SENTENCE, STOPS, visible_rect

from app_start import start_app  # noqa: F401 (a fixture)

WALK = ["embed", "project", "scores", "scale", "softmax", "weighted_sum", "concat", "output"]


@pytest.fixture
def english():
    yield
    i18n.install_language("en")


def settle():
    for _ in range(3):
        QApplication.processEvents()


def assert_points_at_visible_widgets(window, tour):
    panel, control = tour.pointed()
    stop = tour.stop()
    assert window.model.step.key == stop.step
    assert panel is not None and control is not None
    assert any(p is panel and key == stop.panel for key, _, p in window.step_view.panels())
    for target, outline in ((panel, tour.panel_outline), (control, tour.control_outline)):
        assert target.isVisible(), target
        seen = visible_rect(target, window)
        assert not seen.isEmpty()
        assert outline.isVisible() and outline.geometry().contains(seen), (outline.geometry(), seen)
    card = tour.card
    assert card.isVisible() and window.rect().contains(card.geometry()), card.geometry()
    assert not card.geometry().contains(visible_rect(panel, window).center()), "the card is beside the panel"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_tour_walks_every_step_pointing_at_visible_panels_and_controls(window, english, language):
    window.resize(1366, 768)
    i18n.install_language(language)
    tour = window.start_tour()
    seen_texts = []
    for index, step in enumerate(WALK):
        settle()
        assert tour.index == index and tour.stop().step == step
        assert window.model.parameters.sentence == EXAMPLE_SENTENCE
        assert window.journey.token() == 1, "爱 is followed"
        assert_points_at_visible_widgets(window, tour)
        card = tour.card
        text = card.title.text() + card.body.text()
        seen_texts.append(text)
        assert "爱" in card.body.text() or step in ("concat",)
        if language == "zh_CN":
            assert re.search("[\u4e00-\u9fff]{4}", card.title.text() + card.body.text().replace("爱", ""))
            assert not re.search(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]", text), text
            assert card.next_button.text() in ("下一步", "完成")
        else:
            assert not re.search("[\u4e00-\u9fff]{5}", text), "no Chinese prose in the English tour"
        assert card.back_button.isEnabled() == (index > 0)
        tour.next()
    assert len(set(seen_texts)) == len(WALK)
    assert not tour.active and not tour.card.isVisible()
    assert not tour.panel_outline.isVisible() and not tour.control_outline.isVisible()


def test_back_next_and_the_language_switch_while_on_a_stop(window, english):
    tour = window.start_tour()
    tour.card.next_button.click()
    tour.card.next_button.click()
    assert window.model.step.key == "scores"
    tour.card.back_button.click()
    assert window.model.step.key == "project" and tour.index == 1
    english_title = tour.card.title.text()
    i18n.install_language("zh_CN")
    settle()
    assert tour.card.title.text() != english_title and "投影" in tour.card.title.text()
    assert tour.card.count.text() == "第 2 站，共 8 站"


def test_skip_closes_it_and_puts_back_what_the_person_had(window, qtbot):
    window.model.set_parameter("sentence", "the cat sat")
    window.model.go_to("softmax")
    tour = window.start_tour()
    assert window.model.parameters.sentence == EXAMPLE_SENTENCE and window.model.step.key == "embed"
    tour.next()
    tour.card.skip_button.click()
    assert not tour.active
    assert not any(widget.isVisible() for widget in (tour.card, tour.panel_outline, tour.control_outline))
    assert window.model.parameters.sentence == "the cat sat"
    assert window.model.step.key == "softmax"


def test_help_reopens_it_from_the_first_stop(window):
    assert window.tour_action in window.help_menu.actions()
    assert window.tour_action.text().replace("&", "") == "Guided tour"
    window.tour_action.trigger()
    tour = window.tour
    assert tour.active and tour.index == 0
    tour.close()
    window.model.go_to("output")
    window.tour_action.trigger()
    assert tour.active and tour.index == 0 and window.model.step.key == "embed"


def test_a_window_alone_shows_no_tour(window):
    """Every test that builds a MainWindow: no tour over it, nothing modal, the model untouched."""
    assert window.tour is None
    assert QApplication.activeModalWidget() is None


def test_the_first_run_offers_it_once_without_taking_focus_or_moving_anything(start_app, tmp_path):  # noqa: F811
    window = start_app()
    tour = window.tour
    assert tour is not None and tour.active and tour.index == -1, "offered at the first start"
    assert tour.card.isVisible() and QApplication.activeModalWidget() is None
    assert tour.pointed() == (None, None)
    assert window.model.step.key == "embed" and window.model.parameters == Parameters()
    assert QApplication.focusWidget() not in tour.card.findChildren(type(tour.card.next_button))
    assert tour.card.next_button.text() == "Start the tour"
    tour.card.next_button.click()
    assert tour.index == 0 and tour.pointed()[0] is not None
    window.close()  # the settings are written
    assert not tour_due(SettingsStore())
    second = start_app()
    assert second.tour is None, "not offered again"


def test_the_offer_can_be_declined(start_app):  # noqa: F811
    window = start_app()
    window.tour.card.skip_button.click()
    assert not window.tour.active and not window.tour.card.isVisible()
    window.close()
    store = SettingsStore()
    assert store.flag(TOUR_SEEN, False) is True


def test_every_stop_is_a_step_of_every_computation():
    from attention_stepper.core import STEP_KEYS

    assert [stop.step for stop in STOPS] == WALK
    assert set(WALK) <= set(STEP_KEYS)
