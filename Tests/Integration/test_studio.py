"""Baton Studio in headless Chromium, against the real `baton serve`: every page loads without
console errors, text streams, weights follow the mix bars and the conductor pad, drawn
strokes get a continuation, OSC performer events show up on the instrument page, the workshop
builds a dataset and trains a model, MIDI-learn maps a (fake) controller, the page reconnects
by itself, and screenshots land in Tests/Integration/artifacts/."""
import json
import pathlib
import sys
import time
import urllib.error

import pytest

pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from studio_support import (LAPTOP, PHONE, WAIT, Server, api, attribute_number, choose, draw, line,  # noqa: E402
                            make_browser, open_page, press_at, screenshot, set_viewport, severe, text_status,
                            wait_for, wait_until, whole_page_screenshot)


@pytest.fixture(scope="session")
def studio(tmp_path_factory, tiny_model, second_text_model, control_model, stroke_model):
    """`baton serve` with two text models, a control model and a stroke model: (http_url, osc_port)."""
    workspace = tmp_path_factory.mktemp("studio-workspace")
    server = Server([tiny_model, second_text_model, control_model, stroke_model], workspace)
    try:
        yield server.url, server.osc_port
    finally:
        server.stop()
        server.sink.close()


# ---------------------------------------------------------------- pages

PAGES = {"landing": "/", "ensemble": "/ensemble.html", "handwriting": "/handwriting.html", "instrument": "/instrument.html"}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_loads_without_console_errors(studio, browser, page):
    url, _ = studio
    open_page(browser, url + PAGES[page])
    assert "Baton Studio" in browser.title
    current = browser.find_element(By.CSS_SELECTOR, 'nav a[aria-current="page"]')
    assert current.text == {"landing": "Overview"}.get(page, page.capitalize())
    if page == "landing":
        wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#model-rows tr")) == 4, "the landing page lists 4 models")
        assert "Shakespeare" in browser.find_element(By.ID, "model-rows").text
    if page == "ensemble":
        wait_for(browser, lambda d: attribute_number(d, "#stream", "data-chars") > 10, "no text arrived")
    if page == "handwriting":
        wait_for(browser, lambda d: d.find_element(By.ID, "model-names").text.strip() != "", "the stroke model is not named")
    if page == "instrument":
        wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bars .bar-group")) == 3, "3 input dimensions expected")
    # Web MIDI: headless Chromium has no devices (or no access): the page carries on, and
    # where there is no Web MIDI at all the MIDI tools leave the top bar.
    if page != "landing":
        status = lambda d: d.execute_script("return document.getElementById('midi-status').textContent")
        wait_for(browser, lambda d: status(d) in ("MIDI unavailable", "MIDI: no devices"), "the MIDI state is never known", timeout=15)
        if status(browser) == "MIDI unavailable":
            assert not browser.find_element(By.ID, "midi-learn").is_displayed(), "MIDI learn where there is no MIDI"
    time.sleep(0.5)   # let a few frames draw before reading the console
    assert severe(browser) == []
    if page == "landing":
        screenshot(browser, "landing.png")


def test_ensemble_streams_text(studio, browser):
    url, _ = studio
    api(url, "/api/command", {"type": "pause", "paused": False})
    open_page(browser, url + "/ensemble.html")
    first = wait_for(browser, lambda d: attribute_number(d, "#stream", "data-chars") or False, "no text at all")
    wait_for(browser, lambda d: attribute_number(d, "#stream", "data-chars") >= first + 25, "the text stopped growing")
    stream = browser.find_element(By.ID, "stream")
    assert len(stream.text) >= 25
    colours = browser.execute_script("return [...new Set([...document.querySelectorAll('#stream .line > span[style]')].map(s => s.style.color))]")
    assert colours and all(colours), "every run of text is coloured by its model"
    rows = browser.find_elements(By.CSS_SELECTOR, ".dist-row")
    assert len(rows) == 3, "a joint row and one row per text model"
    assert severe(browser) == []


def test_dragging_a_weight_bar_sets_the_weight(studio, browser):
    url, _ = studio
    api(url, "/api/command", {"type": "weights", "weights": [1, 1]})
    open_page(browser, url + "/ensemble.html")
    bar = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, '.mix-row[data-model="0"] .weight'), "no weight bar")
    press_at(browser, bar, 0.25, 0.5, then=[(-8, 0)])
    expected = 0.25 - 8 / bar.rect["width"]
    wait_until(lambda: abs(text_status(url)["weights"][0] - expected) < 0.03
               and abs(text_status(url)["weights"][0] - float(bar.get_attribute("aria-valuenow"))) < 0.006,
               f"weight 0 should be ~{expected:.2f}: {text_status(url)}")
    assert abs(text_status(url)["weights"][1] - 1) < 1e-6
    press_at(browser, bar, 0.1, 0.5, then=[(20, 0), (40, 0), (bar.rect["width"] * 0.6 - 60, 0)])
    # The drag's moves are interpolated: wait for the last value to reach the server, then compare.
    wait_until(lambda: abs(text_status(url)["weights"][0] - float(bar.get_attribute("aria-valuenow"))) < 0.006
               and abs(text_status(url)["weights"][0] - 0.7) < 0.03, f"weight 0 should follow the drag to ~0.7: {text_status(url)}")
    # keyboard: the bar is a slider
    bar.send_keys(Keys.END)
    wait_until(lambda: abs(text_status(url)["weights"][0] - 1) < 1e-3, "End sets the weight to 1")
    assert severe(browser) == []


def test_stage_view_enlarges_every_page_and_pointers_still_land(studio, browser):
    url, _ = studio
    api(url, "/api/command", {"type": "weights", "weights": [1, 1]})
    open_page(browser, url + "/ensemble.html")
    bar = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, '.mix-row[data-model="0"] .weight'), "no weight bar")
    # Selenium's element.rect ignores CSS zoom; the page and the pointer live in client coordinates.
    client_rect = lambda e: browser.execute_script("const r = arguments[0].getBoundingClientRect(); return {width: r.width, height: r.height}", e)
    topbar = browser.find_element(By.CSS_SELECTOR, ".topbar")
    height = client_rect(topbar)["height"]
    browser.find_element(By.ID, "stage").click()
    try:
        assert browser.find_element(By.ID, "stage").get_attribute("aria-pressed") == "true"
        wait_until(lambda: client_rect(topbar)["height"] > height * 1.25, f"the top bar should grow: {height} → {client_rect(topbar)}")
        width = client_rect(bar)["width"]
        ActionChains(browser, duration=50).move_to_element_with_offset(bar, int(-0.2 * width), 0).click_and_hold() \
            .move_by_offset(-6, 0).release().perform()
        expected = 0.3 - 6 / width
        wait_until(lambda: abs(text_status(url)["weights"][0] - expected) < 0.03,
                   f"in stage view weight 0 should be ~{expected:.2f}: {text_status(url)}")
        for page in PAGES.values():   # remembered on every page, and nothing runs off the side
            open_page(browser, url + page)
            assert browser.execute_script("return document.documentElement.dataset.stage") == "on", page
            overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{page} scrolls sideways by {overflow} px in stage view"
        open_page(browser, url + "/ensemble.html")
        wait_for(browser, lambda d: attribute_number(d, "#stream", "data-chars") > 40, "no text in stage view")
        screenshot(browser, "ensemble-stage.png")
        assert severe(browser) == []
    finally:
        if browser.find_element(By.ID, "stage").get_attribute("aria-pressed") == "true":
            browser.find_element(By.ID, "stage").click()


def test_conductor_pad_sets_weights_by_proximity(studio, browser):
    url, _ = studio
    api(url, "/api/command", {"type": "weights", "weights": [1, 1]})
    open_page(browser, url + "/ensemble.html")
    pad = browser.find_element(By.ID, "pad")
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".mix-row[data-model]")) == 2, "model rows")
    # Two models sit left and right of the centre; press near the right one and wander a little.
    press_at(browser, pad, 0.80, 0.5, then=[(4, 3), (4, -3)])
    wait_until(lambda: text_status(url)["weights"][1] > 0.95 and text_status(url)["weights"][0] < 0.3,
               f"near the second model: {text_status(url)['weights']}")
    press_at(browser, pad, 0.20, 0.52, then=[(-3, 0)])
    wait_until(lambda: text_status(url)["weights"][0] > 0.95 and text_status(url)["weights"][1] < 0.3,
               f"near the first model: {text_status(url)['weights']}")
    press_at(browser, pad, 0.5, 0.5, then=[(1, 0)])
    wait_until(lambda: abs(text_status(url)["weights"][0] - text_status(url)["weights"][1]) < 0.1,
               f"in the middle both models weigh alike: {text_status(url)['weights']}")
    assert severe(browser) == []


def test_ensemble_shortcuts_and_controls(studio, browser):
    url, _ = studio
    open_page(browser, url + "/ensemble.html")
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".mix-row[data-model]")) == 2, "model rows")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("2")
    wait_until(lambda: text_status(url)["weights"] == [0, 1], "2 solos the second model")
    body.send_keys("0")
    wait_until(lambda: text_status(url)["weights"] == [1, 1], "0 weighs all models alike")
    body.send_keys(" ")
    wait_until(lambda: text_status(url)["paused"], "space pauses")
    wait_for(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-paused") == "true", "the page shows the pause")
    body.send_keys(" ")
    wait_until(lambda: not text_status(url)["paused"], "space resumes")
    choose(browser, "pooling", "product")
    wait_until(lambda: text_status(url)["pooling"] == "product", "pooling → product")
    choose(browser, "pooling", "linear")
    wait_until(lambda: text_status(url)["pooling"] == "linear", "pooling → linear")
    before = text_status(url)["temperature"]
    slider = browser.find_element(By.ID, "temperature")
    slider.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    wait_until(lambda: abs(text_status(url)["temperature"] - (before + 0.03)) < 0.011, "the temperature slider steers the server")
    browser.find_element(By.ID, "lookahead-on").click()
    wait_until(lambda: text_status(url).get("lookahead") == [4, 6], "lookahead on")
    browser.find_element(By.ID, "lookahead-on").click()
    wait_until(lambda: text_status(url).get("lookahead") is None, "lookahead off")
    box = browser.find_element(By.CSS_SELECTOR, '.mix-row[data-model="1"] input[type=checkbox]')
    box.click()
    wait_until(lambda: text_status(url)["active"] == [True, False], "the model picker drops the second model")
    box.click()
    wait_until(lambda: text_status(url)["active"] == [True, True], "and takes it back")
    prime = browser.find_element(By.ID, "prime")
    prime.send_keys("ROMEO:", Keys.ENTER)
    wait_until(lambda: text_status(url)["symbols"] > 0, "still generating after priming")
    api(url, "/api/command", {"type": "temperature", "value": 1})
    assert severe(browser) == []
    screenshot(browser, "ensemble.png")


# ---------------------------------------------------------------- handwriting

def test_handwriting_gets_a_continuation(studio, browser):
    url, _ = studio
    open_page(browser, url + "/handwriting.html")
    wait_for(browser, lambda d: d.find_element(By.ID, "model-names").text.strip() != "", "the stroke model is not named")
    canvas = browser.find_element(By.ID, "sheet")
    wrap = browser.find_element(By.ID, "sheet-wrap")
    assert wrap.get_attribute("data-empty") == "true"
    draw(browser, canvas, [line((0.30, 0.30), (0.48, 0.30)), line((0.39, 0.22), (0.39, 0.55)),
                           line((0.32, 0.40), (0.32, 0.52), 4) + line((0.32, 0.40), (0.46, 0.40), 6)[1:] + line((0.46, 0.40), (0.46, 0.52), 4)[1:]])
    assert wrap.get_attribute("data-empty") == "false"
    # The writer pauses: after ~1 s the strokes go out and the model's continuation comes back.
    wait_for(browser, lambda d: attribute_number(d, "#sheet-wrap", "data-replies") >= 1, "no continuation arrived")
    assert attribute_number(browser, "#sheet-wrap", "data-model-points") == float(browser.find_element(By.ID, "steps").get_attribute("value"))
    assert attribute_number(browser, "#sheet-wrap", "data-samples") == 5, "ghosts on: five futures"
    assert browser.find_element(By.ID, "think").get_attribute("data-state") == "done"
    time.sleep(1.6)  # the answer is drawn progressively (110 points a second); let it finish for the picture
    screenshot(browser, "handwriting.png")
    # Keep the model's line, and the next answer continues from it.
    browser.find_element(By.ID, "keep").click()
    wait_for(browser, lambda d: attribute_number(d, "#sheet-wrap", "data-replies") >= 2, "no continuation after keeping")
    browser.find_element(By.ID, "clear").click()
    assert wrap.get_attribute("data-empty") == "true"
    assert severe(browser) == []


# ---------------------------------------------------------------- instrument

def test_instrument_shows_osc_events_and_plays(studio, browser):
    from pythonosc.udp_client import SimpleUDPClient
    url, osc_port = studio
    api(url, "/api/command", {"type": "mode", "mode": "callresponse"})
    open_page(browser, url + "/instrument.html")
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bars .bar-group")) == 3, "3 input dimensions expected")
    client = SimpleUDPClient("127.0.0.1", osc_port)
    before = attribute_number(browser, "#count-in", "data-count")
    for k in range(8):
        client.send_message("/interface", [0.9, 0.1 + 0.05 * k, 0.5])
        time.sleep(0.05)
    wait_for(browser, lambda d: attribute_number(d, "#count-in", "data-count") >= before + 8, "the OSC events never reached the page")
    wait_for(browser, lambda d: abs(attribute_number(d, ".bar.input", "data-value") - 0.9) < 1e-3, "the first input bar shows 0.9")
    height = browser.execute_script("return getComputedStyle(document.querySelector('.bar.input')).getPropertyValue('--v')")
    assert abs(float(height) - 0.9) < 1e-3
    # filter mode: every performer event is answered
    choose(browser, "mode", "filter")
    wait_until(lambda: api(url, "/api/status")["instrument"]["mode"] == "filter", "mode → filter")
    predicted = attribute_number(browser, "#count-out", "data-count")
    api(url, "/api/command", {"type": "timescale", "value": 0})
    for k in range(5):
        client.send_message("/interface", [0.2, 0.4, 0.6])
        time.sleep(0.05)
    wait_for(browser, lambda d: attribute_number(d, "#count-out", "data-count") >= predicted + 5, "filter mode answers each event")
    assert browser.find_element(By.CSS_SELECTOR, ".bar.prediction").get_attribute("data-value") != ""
    # play from the page: the XY pad sends performer events
    inputs = api(url, "/api/status")["instrument"]["inputs"]
    press_at(browser, browser.find_element(By.ID, "xy"), 0.7, 0.3, then=[(10, 5), (10, 5), (10, 5)])
    wait_until(lambda: api(url, "/api/status")["instrument"]["inputs"] >= inputs + 2, "the XY pad plays the instrument")
    choose(browser, "mode", "callresponse")
    wait_until(lambda: api(url, "/api/status")["instrument"]["mode"] == "callresponse", "mode → call and response")
    api(url, "/api/command", {"type": "timescale", "value": 1})
    for k in range(30):   # a lively last few seconds for the screenshot
        client.send_message("/interface", [0.5 + 0.4 * (k % 10) / 10, 0.8 - 0.02 * k, 0.3 + 0.01 * k])
        time.sleep(0.04)
    wait_for(browser, lambda d: attribute_number(d, "#count-out", "data-count") >= predicted + 10, "call and response answers", timeout=WAIT)
    assert severe(browser) == []
    whole_page_screenshot(browser, "instrument.png")


def test_workshop_builds_trains_and_switches(studio, browser):
    from pythonosc.udp_client import SimpleUDPClient
    url, osc_port = studio
    client = SimpleUDPClient("127.0.0.1", osc_port)
    inputs = api(url, "/api/status")["instrument"]["inputs"]
    for k in range(240):   # enough performer events for a dataset
        client.send_message("/interface", [(k % 17) / 17, (k % 11) / 11, (k % 5) / 5])
        time.sleep(0.004)
    wait_until(lambda: api(url, "/api/status")["instrument"]["inputs"] >= inputs + 200, "the events were not logged")
    open_page(browser, url + "/instrument.html")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#logs li[data-name]"), "the session log is listed")
    browser.find_element(By.ID, "dataset-name").send_keys("studio-test")
    browser.find_element(By.ID, "build").click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#datasets li[data-name="studio-test.npz"]'), "the dataset is listed")
    assert browser.find_element(By.ID, "train-dataset").get_attribute("value") == "studio-test.npz"
    Select(browser.find_element(By.ID, "train-size")).select_by_value("xs")
    minutes = browser.find_element(By.ID, "train-minutes")
    minutes.clear()
    minutes.send_keys("0.2")
    browser.find_element(By.ID, "train").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "progress").get_attribute("data-state") in ("finished", "cancelled"),
             "training never finished", timeout=180)
    assert "loss" in browser.find_element(By.ID, "progress-detail").text
    play = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#trained li[data-name="studio-test-xs.safetensors"] button'),
                    "the trained model is listed")
    play[0].click()
    wait_until(lambda: api(url, "/api/status")["instrument"]["model"] == "studio-test-xs", "the instrument switched models")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#trained li.current[data-name="studio-test-xs.safetensors"]'),
             "the playing model is marked")
    # and back to the model the server started with, which the list always offers
    started = api(url, "/api/models")
    control = next(m for m in started if m["kind"] == "control")
    browser.find_element(By.CSS_SELECTOR, f'#trained li[data-source="server"][data-name="{control["file"]}"] button').click()
    wait_until(lambda: api(url, "/api/status")["instrument"]["model"] == control["name"], "back to the model loaded at start")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'#trained li.current[data-name="{control["file"]}"]'), "marked as playing")
    assert "events" in browser.find_element(By.CSS_SELECTOR, '#datasets li[data-name="studio-test.npz"] .meta').text
    assert severe(browser) == []


# ---------------------------------------------------------------- MIDI-learn

FAKE_MIDI = """
(() => {
  const input = { id: 'fake-1', name: 'Fake Controller', manufacturer: 'Baton tests', type: 'input',
                  state: 'connected', connection: 'open', onmidimessage: null };
  const access = { inputs: new Map([[input.id, input]]), outputs: new Map(), sysexEnabled: false, onstatechange: null };
  window.__fakeMidi = { send(bytes) { if (input.onmidimessage) input.onmidimessage({ data: new Uint8Array(bytes), timeStamp: performance.now() }); } };
  Object.defineProperty(Navigator.prototype, 'requestMIDIAccess', { configurable: true, value: () => Promise.resolve(access) });
})();
"""


def cc(driver, number, value, channel=1):
    driver.execute_script("window.__fakeMidi.send(arguments[0])", [0xB0 + channel - 1, number, value])


def test_midi_learn_maps_a_controller(studio, browser):
    url, _ = studio
    api(url, "/api/command", {"type": "weights", "weights": [1, 1]})
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_MIDI})["identifier"]
    try:
        open_page(browser, url + "/ensemble.html")
        browser.execute_script("localStorage.clear()")
        open_page(browser, url + "/ensemble.html")
        wait_for(browser, lambda d: "Fake Controller" in d.find_element(By.ID, "midi-status").text, "the fake MIDI input is not found")
        weight = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, '.mix-row[data-model="1"] .weight'), "weight bar")
        learn = browser.find_element(By.ID, "midi-learn")
        # learn: move CC 21, click the second model's weight; move CC 22, click the temperature
        learn.click()
        assert learn.get_attribute("aria-pressed") == "true"
        cc(browser, 21, 10)
        wait_for(browser, lambda d: "CC 21" in d.find_element(By.ID, "midi-status").text, "the learnt CC is shown")
        weight.click()
        cc(browser, 22, 5)
        browser.find_element(By.ID, "c-temperature").click()
        learn.click()
        assert learn.get_attribute("aria-pressed") == "false"
        assert text_status(url)["weights"] == [1, 1], "clicking while learning maps, it does not move the control"
        assert weight.get_attribute("data-midi-cc") == "CC 21"
        # play the controller
        cc(browser, 21, 0)
        wait_until(lambda: text_status(url)["weights"][1] == 0, "CC 21 at 0 → weight 0")
        assert weight.get_attribute("aria-valuenow") == "0.00"
        cc(browser, 21, 127)
        wait_until(lambda: text_status(url)["weights"][1] == 1, "CC 21 at 127 → weight 1")
        cc(browser, 22, 127)
        wait_until(lambda: abs(text_status(url)["temperature"] - 2) < 1e-3, "CC 22 at 127 → the top of the temperature range")
        cc(browser, 22, 64)
        wait_until(lambda: abs(text_status(url)["temperature"] - 1.06) < 0.011, "CC 22 at 64 → the middle")
        assert browser.find_element(By.ID, "temperature").get_attribute("value") == "1.06"
        cc(browser, 23, 100)   # unmapped: nothing happens
        # the mapping survives a reload
        stored = json.loads(browser.execute_script("return localStorage.getItem('baton.midi.ensemble')"))
        assert stored == {"1:21": "weight:1", "1:22": "temperature"}
        open_page(browser, url + "/ensemble.html")
        wait_for(browser, lambda d: "2 mapped" in d.find_element(By.ID, "midi-status").text, "the mappings were not reloaded")
        wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '.mix-row[data-model="1"] .weight[data-midi-cc="CC 21"]'), "badge")
        cc(browser, 21, 64)
        wait_until(lambda: abs(text_status(url)["weights"][1] - 0.5) < 0.011, "after reloading CC 21 still drives the weight")
        assert severe(browser) == []
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script})
        browser.execute_script("localStorage.clear()")
        api(url, "/api/command", {"type": "temperature", "value": 1})
        api(url, "/api/command", {"type": "weights", "weights": [1, 1]})


# ---------------------------------------------------------------- phone, reconnect

def test_phone_layout_has_no_horizontal_scroll(studio, browser):
    url, _ = studio
    set_viewport(browser, *PHONE)
    try:
        for page in PAGES.values():
            open_page(browser, url + page)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= PHONE[0], f"{page} is {width} px wide on a phone"
        open_page(browser, url + "/ensemble.html")
        wait_for(browser, lambda d: attribute_number(d, "#stream", "data-chars") > 40, "no text on the phone")
        screenshot(browser, "ensemble-phone.png")
        assert severe(browser) == []
    finally:
        set_viewport(browser, *LAPTOP)


@pytest.mark.skipif(sys.platform != "linux", reason="127.0.0.2 is a loopback address on Linux only")
def test_token_is_passed_to_the_api_the_websocket_and_other_pages(browser, tiny_model, tmp_path):
    # Any address but 127.0.0.1 makes the server ask for its token; 127.0.0.2 still stays on this machine.
    server = Server([tiny_model], tmp_path, listen="127.0.0.2")
    try:
        assert server.token, "the server printed no token"
        with pytest.raises(urllib.error.HTTPError) as refused:
            api(server.url, "/api/models")
        assert refused.value.code == 401
        open_page(browser, f"{server.url}/?token={server.token}")
        wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#model-rows tr td .name")) == 1, "models listed with the token")
        browser.find_element(By.CSS_SELECTOR, 'nav a[href^="/ensemble.html"]').click()
        wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".conn").get_attribute("data-state") == "open",
                 "the ensemble page did not connect: the token was lost on the way")
        assert f"token={server.token}" in browser.current_url
        wait_for(browser, lambda d: attribute_number(d, "#stream", "data-chars") > 5, "no text with the token")
        assert severe(browser) == []
    finally:
        server.stop()
        server.sink.close()


def test_reconnects_after_a_server_restart(browser, tiny_model, second_text_model, tmp_path):
    first = Server([tiny_model], tmp_path / "a")
    second = None
    try:
        open_page(browser, first.url + "/")
        wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#model-rows tr")) == 1, "one model listed")
        first.stop()
        wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".conn").get_attribute("data-state") == "reconnecting",
                 "the page never noticed the server left", timeout=20)
        assert "reconnecting" in browser.find_element(By.CSS_SELECTOR, ".conn").text
        second = Server([tiny_model, second_text_model], tmp_path / "b", http_port=first.http_port, osc_sink=first.sink)
        wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".conn").get_attribute("data-state") == "open",
                 "the page did not reconnect")
        wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#model-rows tr")) == 2,
                 "the model list was not fetched again after reconnecting")
        # Console errors while the server was away are expected (refused connections); none after.
        browser.get_log("browser")
        time.sleep(1)
        assert severe(browser) == []
    finally:
        for server in (first, second):
            if server:
                server.stop()
        first.sink.close()


# ---------------------------------------------------------------- documentation screenshots

def documentation_screenshots(folder, models, workspace):
    """The pages with real models, for docs/screenshots (the tests' models are tiny and write nonsense):
    python3 Tests/Integration/test_studio.py screenshots docs/screenshots TEXT… CONTROL STROKES"""
    import math
    from pythonosc.udp_client import SimpleUDPClient
    server = Server(models, workspace)
    driver = make_browser()
    try:
        url = server.url
        client = SimpleUDPClient("127.0.0.1", server.osc_port)

        api(url, "/api/command", {"type": "rate", "value": 80})
        open_page(driver, url + "/ensemble.html")
        wait_for(driver, lambda d: attribute_number(d, "#stream", "data-chars") > 1000, "text", timeout=120)
        api(url, "/api/command", {"type": "rate", "value": 25})
        press_at(driver, driver.find_element(By.ID, "pad"), 0.40, 0.46, then=[(2, 1)])
        time.sleep(4)
        screenshot(driver, "ensemble.png", folder)
        set_viewport(driver, *PHONE)
        open_page(driver, url + "/ensemble.html")
        wait_for(driver, lambda d: attribute_number(d, "#stream", "data-chars") > 200, "text", timeout=120)
        screenshot(driver, "ensemble-phone.png", folder)
        set_viewport(driver, *LAPTOP)

        open_page(driver, url + "/handwriting.html")
        wait_for(driver, lambda d: d.find_element(By.ID, "model-names").text.strip() != "", "stroke model")
        draw(driver, driver.find_element(By.ID, "sheet"), [
            line((0.26, 0.33), (0.50, 0.31)), line((0.38, 0.16), (0.385, 0.78), 14),
            line((0.375, 0.36), (0.25, 0.62), 8), line((0.395, 0.36), (0.52, 0.60), 8)])
        wait_for(driver, lambda d: attribute_number(d, "#sheet-wrap", "data-replies") >= 1, "continuation")
        time.sleep(2)
        screenshot(driver, "handwriting.png", folder)

        open_page(driver, url + "/instrument.html")
        for k in range(400):   # a phrase to log, shape a dataset and show on the monitor
            t = k * 0.05
            client.send_message("/interface", [0.5 + 0.4 * math.sin(t), 0.5 + 0.35 * math.sin(t * 0.7 + 1), 0.5 + 0.3 * math.cos(t * 1.9)])
            time.sleep(0.01)
        driver.find_element(By.ID, "dataset-name").send_keys("evening-sessions")
        driver.find_element(By.ID, "build").click()
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#datasets li[data-name="evening-sessions.npz"]'), "dataset")
        Select(driver.find_element(By.ID, "train-size")).select_by_value("xs")
        minutes = driver.find_element(By.ID, "train-minutes")
        minutes.clear()
        minutes.send_keys("0.2")
        driver.find_element(By.ID, "train").click()
        wait_for(driver, lambda d: d.find_element(By.ID, "progress").get_attribute("data-state") != "running", "training", timeout=180)
        for k in range(60):   # then play, stop, and let the model answer (call and response)
            t = k * 0.08
            client.send_message("/interface", [0.5 + 0.4 * math.sin(t), 0.6 + 0.3 * math.cos(t), 0.3 + 0.2 * math.sin(t * 2)])
            time.sleep(0.05)
        time.sleep(5)
        whole_page_screenshot(driver, "instrument.png", folder)

        open_page(driver, url + "/")
        wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#model-rows tr")) == len(models), "models")
        time.sleep(2)
        screenshot(driver, "landing.png", folder)
        errors = severe(driver)
        if errors:
            print("console errors:", errors)
    finally:
        if driver:
            driver.quit()
        server.stop()
        server.sink.close()


if __name__ == "__main__":
    import tempfile
    if len(sys.argv) < 4 or sys.argv[1] != "screenshots":
        sys.exit("usage: python3 Tests/Integration/test_studio.py screenshots FOLDER MODEL.safetensors…")
    documentation_screenshots(pathlib.Path(sys.argv[2]), sys.argv[3:], pathlib.Path(tempfile.mkdtemp(prefix="baton-screenshots-")))
