"""Live adaptation in the Studio (issue 12), in Stage view on a 1280×720 projector: on the
Ensemble page a performer switches one model's adaptation on, pastes text into the feed box
and sends it, the text shows in the stream as theirs, and that model's surprise meter shows
two values (adapted and original) while the other model's stays empty; on the Instrument
page the same switch and meter follow performer events sent over OSC. Each page is
photographed into Tests/Integration/artifacts/ (and docs/screenshots/ with
BATON_SCREENSHOTS=docs/screenshots)."""
import os
import pathlib
import time

import pytest

pytest.importorskip("selenium.webdriver")
from pythonosc.udp_client import SimpleUDPClient  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from conftest import shared  # noqa: E402
from studio_support import ARTIFACTS, api, open_page, running, set_viewport, severe, wait_for, wait_until  # noqa: E402
from test_studio_layout import shrink  # noqa: E402


@pytest.fixture(scope="module")
def adapting(tmp_path_factory, tiny_model, second_text_model, control_model):
    with running([tiny_model, second_text_model, control_model], tmp_path_factory.mktemp("adapting"), extra=["--rate", "40"]) as server:
        yield server


def on_stage(driver, url):
    set_viewport(driver, 1280, 720)
    open_page(driver, url)
    driver.execute_script("localStorage.setItem('baton.stage', 'on')")
    open_page(driver, url)
    assert driver.execute_script("return document.documentElement.dataset.stage") == "on"


def meter(driver, row):
    """The two values a row's meter shows: (adapted, original), '–' when there is none yet."""
    return tuple(driver.find_element(By.CSS_SELECTOR, f'#adapt .adapt-row[data-model="{row}"] {part}').text
                 for part in (".adapt-now", ".adapt-original"))


def reveal(driver, element):
    """Scrolls the side column (Ensemble) or the page (Instrument) to `element`, nothing else."""
    driver.execute_script("""
      const el = arguments[0], side = el.closest('.side');
      if (side) side.scrollTop = el.getBoundingClientRect().top - side.getBoundingClientRect().top + side.scrollTop - 40;
      else el.scrollIntoView({ block: 'center' });""", element)


def photograph(driver, name, element):
    reveal(driver, element)
    driver.execute_script("document.activeElement?.blur?.()")
    time.sleep(0.3)
    folders = [ARTIFACTS] + ([pathlib.Path(os.environ["BATON_SCREENSHOTS"])] if os.environ.get("BATON_SCREENSHOTS") else [])
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(folder / name))
        shrink(folder / name)


def as_number(text):
    return float(text.replace("−", "-"))


def test_ensemble_feed_and_meter_on_stage(adapting, browser):
    on_stage(browser, adapting.url + "/ensemble.html")
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#adapt .adapt-row")) == 2, "one adaptation row per text model")
    assert meter(browser, 1) == ("–", "–")
    toggle = browser.find_element(By.CSS_SELECTOR, '#adapt .adapt-row[data-model="1"] input[type=checkbox]')
    reveal(browser, toggle)
    toggle.click()
    wait_until(lambda: api(adapting.url, "/api/status")["text"]["adaptation"][1]["enabled"], "adaptation on for the second model")
    data = shared("datasets", "text", "chilcot.txt").read_bytes()
    text = data[len(data) // 2:len(data) // 2 + 6000].decode("utf-8", errors="ignore")[:3000]
    field = browser.find_element(By.ID, "feed")
    browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", field, text)
    assert "of 4,096 bytes" in browser.find_element(By.ID, "feed-help").text
    browser.find_element(By.ID, "feed-send").click()
    wait_for(browser, lambda d: "–" not in meter(d, 1), "the meter shows the adapted and the original surprise")
    adapted, original = map(as_number, meter(browser, 1))
    print(f"meter after feeding 3 KB: adapted {adapted} vs original {original} nats/byte")
    assert 0 < adapted < 10 and 0 < original < 10
    assert meter(browser, 0) == ("–", "–"), "the model not switched on learns nothing"
    assert browser.find_element(By.ID, "feed").get_attribute("value") == "", "the box empties once sent"
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#stream .fed-text"), "the fed text shows in the stream")
    status = api(adapting.url, "/api/status")["text"]["adaptation"]
    assert status[1]["updates"] >= 1 and status[0]["updates"] == 0
    photograph(browser, "adaptation-ensemble-stage.png", browser.find_element(By.ID, "adapt"))
    browser.find_element(By.CSS_SELECTOR, '#adapt .adapt-row[data-model="1"] button[title^="Back"]').click()
    wait_until(lambda: api(adapting.url, "/api/status")["text"]["adaptation"][1]["updates"] == 0, "reset from the Studio")
    wait_for(browser, lambda d: meter(d, 1) == ("–", "–"), "the meter empties after a reset")
    assert severe(browser) == []


def test_instrument_meter_follows_the_performer(adapting, browser):
    on_stage(browser, adapting.url + "/instrument.html")
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#adapt .adapt-row")) == 1, "the instrument's adaptation row")
    toggle = browser.find_element(By.CSS_SELECTOR, "#adapt input[type=checkbox]")
    reveal(browser, toggle)
    toggle.click()
    wait_until(lambda: api(adapting.url, "/api/status")["instrument"]["adaptation"]["enabled"], "instrument adaptation on")
    osc = SimpleUDPClient("127.0.0.1", adapting.osc_port)
    for i in range(84):
        osc.send_message("/interface", [0.2 + 0.6 * (i % 5) / 5, 0.5, 0.1 * (i % 3)])
        time.sleep(0.005)
    wait_for(browser, lambda d: "–" not in meter(d, 0), "the instrument's meter shows two values")
    adapted, original = map(as_number, meter(browser, 0))
    print(f"instrument meter: adapted {adapted} vs original {original} nats/event")
    photograph(browser, "adaptation-instrument-stage.png", browser.find_element(By.ID, "adapt"))
    assert severe(browser) == []
