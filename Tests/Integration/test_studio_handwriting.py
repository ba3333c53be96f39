"""The Handwriting page with the shipped stroke models: it starts with the handwriting model
alone, a row of cursive loops is continued in connected strokes written by that model and
kept on the sheet (long answers wrap to a new line and the view follows), Undo while the
model listens cancels the answer, and Undo after Keep takes the kept line back whole. The
picture of the loops and their continuation is saved for a person to look at."""
import time

import pytest

pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from studio_support import (ARTIFACTS, LAPTOP, SHIPPED, Server, attribute_number, draw, line, open_page,  # noqa: E402
                            set_viewport, severe, wait_for)
from test_studio_layout import loops  # noqa: E402


@pytest.fixture(scope="module")
def strokes(tmp_path_factory):
    server = Server([SHIPPED / "strokes"], tmp_path_factory.mktemp("strokes"))
    try:
        yield server
    finally:
        server.stop()
        server.sink.close()


def open_sheet(browser, server):
    set_viewport(browser, *LAPTOP)
    open_page(browser, server.url + "/handwriting.html")
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#mix input[type=range]")) == 2, "a mix slider per model")
    browser.execute_script("localStorage.removeItem('baton.handwriting.scale'); localStorage.removeItem('baton.handwriting.scale-auto')")
    open_page(browser, server.url + "/handwriting.html")
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#mix input[type=range]")) == 2, "a mix slider per model")
    return browser.find_element(By.ID, "sheet")


def mix(browser):
    return {label.get_attribute("title"): float(browser.find_element(By.ID, label.get_attribute("for")).get_attribute("value"))
            for label in browser.find_elements(By.CSS_SELECTOR, "#mix label")}


def test_loops_are_continued_in_cursive_that_stays_on_the_sheet(strokes, browser):
    sheet = open_sheet(browser, strokes)
    weights = mix(browser)
    assert weights == {"Handwriting (UNIPEN)": 1.0, "Kanji": 0.0}, f"the page starts with the handwriting model alone: {weights}"
    assert browser.find_element(By.ID, "scale-auto").is_selected(), "the pen scale follows the writing by default"
    draw(browser, sheet, loops())
    wait_for(browser, lambda d: attribute_number(d, "#sheet-wrap", "data-replies") >= 1, "no continuation", timeout=90)
    # loops about 40 px tall against UNIPEN strokes about 168 units tall: about 4 units a pixel
    pen_scale = float(browser.find_element(By.ID, "scale").get_attribute("value"))
    assert 3 <= pen_scale <= 5, f"the automatic pen scale is {pen_scale}"
    wrap = browser.find_element(By.ID, "sheet-wrap")
    assert wrap.get_attribute("data-sources") == "0", "every point written by the handwriting model"
    points, down = attribute_number(browser, "#sheet-wrap", "data-model-points"), attribute_number(browser, "#sheet-wrap", "data-model-down")
    assert down / points > 0.75, f"cursive is mostly connected ink: {down} of {points} points pen-down"
    # and the answer is written at the writer's size (the loops are about 40 px tall)
    height = attribute_number(browser, "#sheet-wrap", "data-model-stroke-height")
    assert 12 <= height <= 110, f"the model's strokes are {height} px tall"
    width = browser.execute_script("return document.getElementById('sheet').offsetWidth")
    assert 0 <= attribute_number(browser, "#sheet-wrap", "data-model-left") and attribute_number(browser, "#sheet-wrap", "data-model-right") <= width
    time.sleep(1.5)   # the answer is drawn progressively
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "handwriting-cursive.png"))
    assert severe(browser) == []


def test_a_long_continuation_wraps_and_the_view_follows(strokes, browser):
    sheet = open_sheet(browser, strokes)
    browser.find_element(By.ID, "steps").send_keys(Keys.END)        # 300 points per future
    browser.find_element(By.ID, "ghosts-on").click()                # one future: quicker
    draw(browser, sheet, loops(x0=0.5, count=5))                    # start in the middle: the answer must wrap
    wait_for(browser, lambda d: attribute_number(d, "#sheet-wrap", "data-replies") >= 1, "no continuation", timeout=90)
    assert attribute_number(browser, "#sheet-wrap", "data-model-points") == 300
    width = browser.execute_script("return document.getElementById('sheet').offsetWidth")
    left, right = attribute_number(browser, "#sheet-wrap", "data-model-left"), attribute_number(browser, "#sheet-wrap", "data-model-right")
    assert 0 <= left and right <= width, f"the line runs {left}…{right} on a {width} px sheet"
    time.sleep(4)   # 300 points revealed at 110 a second
    tip = browser.execute_script("""
      const wrap = document.getElementById('sheet-wrap'), sheet = document.getElementById('sheet');
      return [Number(wrap.dataset.viewY), sheet.offsetHeight];""")
    browser.save_screenshot(str(ARTIFACTS / "handwriting-long.png"))
    assert tip[0] >= 0, tip
    browser.find_element(By.ID, "ghosts-on").click()
    assert severe(browser) == []


def test_undo_while_listening_cancels_the_answer_and_undo_after_keep_takes_the_line_back(strokes, browser):
    sheet = open_sheet(browser, strokes)
    body = browser.find_element(By.TAG_NAME, "body")
    draw(browser, sheet, [line((0.2, 0.4), (0.3, 0.45))])
    body.send_keys("z")   # within the pause: the model was listening
    time.sleep(3)
    assert attribute_number(browser, "#sheet-wrap", "data-replies") == 0, "an undone drawing still got an answer"
    assert browser.find_element(By.ID, "think").get_attribute("data-state") == "idle"
    draw(browser, sheet, loops(count=3))
    wait_for(browser, lambda d: attribute_number(d, "#sheet-wrap", "data-replies") >= 1, "a continuation", timeout=90)
    written = attribute_number(browser, "#sheet-wrap", "data-strokes")
    browser.find_element(By.ID, "keep").click()
    wait_for(browser, lambda d: attribute_number(d, "#sheet-wrap", "data-strokes") > written, "the kept line is part of the drawing")
    body.send_keys("z")
    wait_for(browser, lambda d: attribute_number(d, "#sheet-wrap", "data-strokes") == written, "one Undo takes the whole kept line back")
    # A MIDI knob on the pen scale takes it off auto (and the slider is the performer's again).
    scale = browser.find_element(By.ID, "scale")
    assert not scale.is_enabled(), "on auto the slider only shows the scale"
    browser.execute_script("arguments[0].value = '2'; arguments[0].dispatchEvent(new Event('input'))", scale)
    assert not browser.find_element(By.ID, "scale-auto").is_selected() and scale.is_enabled()
    assert severe(browser) == []
