"""The Studio's layout promises, with the shipped models, at the sizes performers use: Stage
view on a 1280×720 projector, a 1366×768 laptop, a 1920×1080 screen and a 390×844 phone.
The text is on screen without scrolling (at least six lines), the conductor pad and (on the
instrument page) the monitor and the play pad fit in Stage view, no page scrolls sideways,
no label on the pad covers another, and no cut-off name lacks a tooltip. Each page is
photographed at each size into Tests/Integration/artifacts/ (the same routine writes
docs/screenshots: `python3 Tests/Integration/test_studio_layout.py docs/screenshots`)."""
import math
import pathlib
import subprocess
import sys
import time

import pytest

pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402

from studio_support import (ARTIFACTS, SHIPPED, Server, api, attribute_number, draw, make_browser, open_page,  # noqa: E402
                            set_viewport, severe, wait_for)

SIZES = {"stage": (1280, 720, True), "laptop": (1366, 768, False), "desktop": (1920, 1080, False), "phone": (390, 844, False)}
PAGES = {"overview": "/", "ensemble": "/ensemble.html", "handwriting": "/handwriting.html", "instrument": "/instrument.html"}

# Distinct text lines inside the stream's visible box and the window (client coordinates,
# which include Stage view's zoom).
VISIBLE_LINES = """
const stream = document.querySelector('#stream');
const box = stream.getBoundingClientRect();
const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
const range = document.createRange();
range.selectNodeContents(stream.querySelector('.stream-text'));
const tops = [];
for (const r of range.getClientRects()) {
  if (r.width < 2 || r.height < 8 || r.top < top - 1 || r.bottom > bottom + 1) continue;
  if (!tops.some((t) => Math.abs(t - r.top) < 6)) tops.push(r.top);
}
return tops.length;
"""

# Elements that cut their text off (an ellipsis, or hidden overflow on one line) and show
# less than all of it, without a tooltip that holds it.
TRUNCATED_WITHOUT_TOOLTIP = """
const bad = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.children.length || !el.textContent.trim() || !el.getClientRects().length) continue;
  const box = el.getBoundingClientRect();
  if (box.width <= 2 || box.height <= 2) continue;   // for screen readers only: not shown at all
  const cs = getComputedStyle(el);
  const clips = cs.textOverflow === 'ellipsis' || (cs.overflowX !== 'visible' && cs.whiteSpace === 'nowrap');
  if (!clips || el.scrollWidth <= el.clientWidth + 1) continue;
  const tip = el.closest('[title]');
  if (!tip || !tip.title.includes(el.textContent.trim().slice(0, 12))) bad.push(el.className + ': ' + el.textContent.trim().slice(0, 40));
}
return bad;
"""

PAD_LABEL_OVERLAPS = """
const pad = document.querySelector('#pad').getBoundingClientRect();
const rects = [...document.querySelectorAll('.pad-label')].map((e) => [e.textContent, e.getBoundingClientRect()]);
const problems = [];
rects.forEach(([name, r], i) => {
  if (r.left < pad.left - 1 || r.right > pad.right + 1 || r.top < pad.top - 1 || r.bottom > pad.bottom + 1) problems.push(name + ' leaves the pad');
  rects.slice(i + 1).forEach(([other, q]) => {
    const w = Math.min(r.right, q.right) - Math.max(r.left, q.left), h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
    if (w > 0.5 && h > 0.5) problems.push(name + ' overlaps ' + other);
  });
});
return [rects.length, problems];
"""

FULLY_VISIBLE = """
const r = document.querySelector(arguments[0]).getBoundingClientRect();
return r.width > 0 && r.top >= -1 && r.left >= -1 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1;
"""


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """`baton serve` with the models `make run` plays."""
    server = Server([SHIPPED], tmp_path_factory.mktemp("shipped"), extra=["--rate", "40"])
    try:
        yield server
    finally:
        server.stop()
        server.sink.close()


@pytest.fixture(scope="module")
def written(shipped):
    """Enough text for several lines on every screen: a moment at full speed, then a performing rate."""
    api(shipped.url, "/api/command", {"type": "fastest", "on": True})
    deadline = time.time() + 60
    while time.time() < deadline and api(shipped.url, "/api/status")["text"]["symbols"] < 2500:
        time.sleep(0.2)
    api(shipped.url, "/api/command", {"type": "rate", "value": 40})
    return shipped


def show(driver, server, page, size):
    """Opens `page` at `size` (Stage view on or off) and lets it fill."""
    width, height, stage = SIZES[size]
    set_viewport(driver, width, height)
    open_page(driver, server.url + PAGES[page])
    driver.execute_script("localStorage.setItem('baton.stage', arguments[0])", "on" if stage else "off")
    open_page(driver, server.url + PAGES[page])
    assert (driver.execute_script("return document.documentElement.dataset.stage") == "on") == stage
    if page == "ensemble":
        wait_for(driver, lambda d: attribute_number(d, "#stream", "data-chars") > 300, "the text did not fill")
        wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".pad-label")) == 7, "the pad's labels")
    if page == "overview":
        wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#model-rows tr td .name")) > 3, "the model list")
    if page == "instrument":
        wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bars .bar-group")) == 3, "the instrument's bars")
    time.sleep(1.5)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("page", list(PAGES))
def test_layout_promises(written, browser, page, size):
    show(browser, written, page, size)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 1, f"{page} at {size} scrolls sideways by {overflow} px"
    assert browser.execute_script(TRUNCATED_WITHOUT_TOOLTIP) == [], f"{page} at {size}: names cut off without a tooltip"
    if page == "ensemble":
        lines = browser.execute_script(VISIBLE_LINES)
        assert lines >= 6, f"{size}: only {lines} lines of text visible without scrolling"
        count, problems = browser.execute_script(PAD_LABEL_OVERLAPS)
        assert count == 7 and problems == [], f"{size}: {problems}"
        if size == "stage":
            assert browser.execute_script(FULLY_VISIBLE, "#pad"), "Stage view: the conductor pad is not fully on screen"
    if page == "instrument" and size == "stage":
        for part in (".monitor", "#xy"):
            assert browser.execute_script(FULLY_VISIBLE, part), f"Stage view: {part} is not fully on screen"
    browser.execute_script("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{page}-{size}.png"))
    assert severe(browser) == []


def test_text_only_view_is_only_the_text(written, browser):
    set_viewport(browser, 1280, 720)
    open_page(browser, written.url + "/ensemble.html?view=text")
    wait_for(browser, lambda d: attribute_number(d, "#stream", "data-chars") > 200, "text")
    time.sleep(1)
    hidden = browser.execute_script("return ['.topbar', '.side', '.dist-panel'].map((s) => getComputedStyle(document.querySelector(s)).display)")
    assert hidden == ["none", "none", "none"]
    assert browser.execute_script(VISIBLE_LINES) >= 8
    size = browser.execute_script("return parseFloat(getComputedStyle(document.querySelector('#stream')).fontSize)")
    assert size >= 40, f"the projector's text is {size}px"
    browser.save_screenshot(str(ARTIFACTS / "ensemble-text-only.png"))
    browser.find_element(By.TAG_NAME, "body").send_keys("t")
    wait_for(browser, lambda d: d.execute_script("return document.documentElement.dataset.view") is None, "t returns to the Studio")
    assert "view=text" not in browser.current_url


def test_a_page_opened_mid_performance_shows_the_text_so_far(written, browser):
    api(written.url, "/api/command", {"type": "pause", "paused": True})
    try:
        set_viewport(browser, 1280, 720)
        open_page(browser, written.url + "/ensemble.html?view=text")
        # paused: nothing new arrives, yet the projector is full of the text written so far
        wait_for(browser, lambda d: d.execute_script(VISIBLE_LINES) >= 8, "the text so far is shown at once", timeout=5)
        assert api(written.url, "/api/status")["text"]["paused"]
        assert severe(browser) == []
    finally:
        api(written.url, "/api/command", {"type": "pause", "paused": False})


# ---------------------------------------------------------------- documentation screenshots

def loops(y=0.40, x0=0.08, count=6, width=0.05, height=0.12):
    """A row of cursive loops (a prolate cycloid), as fractions of the sheet."""
    points = []
    for k in range(count * 16 + 1):
        t = k / 16 * 2 * math.pi
        points.append((x0 + width * (t / (2 * math.pi)) + 0.018 * math.sin(t), y - height / 2 * (1 - math.cos(t)) * 0.5 + height / 4))
    return [points]


def prepare(driver, server, page):
    """Makes a page worth a picture: text written, a row of loops continued, an instrument played."""
    if page == "handwriting":
        sheet = driver.find_element(By.ID, "sheet")
        draw(driver, sheet, loops())
        wait_for(driver, lambda d: attribute_number(d, "#sheet-wrap", "data-replies") >= 1, "a continuation", timeout=90)
        time.sleep(3)
    if page == "instrument":
        from pythonosc.udp_client import SimpleUDPClient
        client = SimpleUDPClient("127.0.0.1", server.osc_port)
        for k in range(90):
            t = k * 0.09
            client.send_message("/interface", [0.5 + 0.4 * math.sin(t), 0.55 + 0.3 * math.cos(t * 0.8), 0.4 + 0.3 * math.sin(t * 2.1)])
            time.sleep(0.04)
        time.sleep(4)


def documentation_screenshots(folder):
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    server = Server([SHIPPED], pathlib.Path("/tmp") / f"baton-screenshots-{int(time.time())}", extra=["--rate", "40"])
    driver = make_browser()
    try:
        api(server.url, "/api/command", {"type": "fastest", "on": True})
        time.sleep(4)
        api(server.url, "/api/command", {"type": "rate", "value": 30})
        for page in PAGES:
            for size in SIZES:
                show(driver, server, page, size)
                prepare(driver, server, page)
                driver.execute_script("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
                path = folder / f"{page}-{size}.png"
                driver.save_screenshot(str(path))
                shrink(path)
                print(path, path.stat().st_size)
        set_viewport(driver, 1280, 720)
        open_page(driver, server.url + "/ensemble.html?view=text")
        wait_for(driver, lambda d: attribute_number(d, "#stream", "data-chars") > 400, "the projector's text")
        driver.save_screenshot(str(folder / "ensemble-text-only.png"))
        shrink(folder / "ensemble-text-only.png")
    finally:
        driver.quit()
        server.stop()
        server.sink.close()


def shrink(path):
    """A palette PNG (pngquant when it is installed): the screenshots stay small in the repository."""
    try:
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--quality", "60-90", "--output", str(path), str(path)],
                       check=False, capture_output=True)
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 Tests/Integration/test_studio_layout.py FOLDER")
    documentation_screenshots(sys.argv[1])
