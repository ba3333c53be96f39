"""The Studio's integration tests share these: a real `baton serve` serving the Studio from
the source tree, headless Chromium driven by Selenium, and small helpers for waiting,
pressing, drawing and taking screenshots."""
import contextlib
import json
import pathlib
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import BATON, ROOT

STUDIO = ROOT / "Sources" / "BatonServer" / "Studio"
SHIPPED = ROOT / "Models"
ARTIFACTS = pathlib.Path(__file__).resolve().parent / "artifacts"
WAIT = 60            # seconds: generous, the machine may be busy training
LAPTOP = (1400, 900)
PHONE = (390, 844)


# ---------------------------------------------------------------- the server

class Server:
    """A running `baton serve` on OS-assigned ports, its stdout drained on a thread."""

    def __init__(self, models, workspace, http_port=0, osc_sink=None, listen=None, extra=()):
        self.sink = osc_sink or udp_sink()
        pathlib.Path(workspace).mkdir(parents=True, exist_ok=True)
        args = [str(BATON), "serve", *map(str, models), "--http-port", str(http_port), "--osc-port", "0",
                "--osc-send", f"127.0.0.1:{self.sink.getsockname()[1]}", "--workspace", str(workspace),
                "--studio", str(STUDIO), "--seed", "7", *map(str, extra)] + (["--listen", listen] if listen else [])
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        text=True, bufsize=1)
        self.output, self.url, self.osc_port, self.token = [], None, None, None
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(WAIT) or self.url is None:
            self.stop()
            raise AssertionError("baton serve did not start:\n" + "".join(self.output))

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line)
            words = line.split()
            if line.startswith("studio") and len(words) >= 2:
                address = urllib.parse.urlsplit(words[1])
                self.url = f"{address.scheme}://{address.netloc}"
                self.token = urllib.parse.parse_qs(address.query).get("token", [None])[0]
            elif line.startswith("OSC in") and len(words) >= 3:
                self.osc_port = int(words[2].rsplit(":", 1)[1])
            if self.url and self.osc_port and not self.ready.is_set():
                self.ready.set()
        self.ready.set()

    @property
    def http_port(self):
        return int(self.url.rsplit(":", 1)[1])

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@contextlib.contextmanager
def running(models, workspace, **options):
    """A `Server` for a `with` block (a module fixture): stopped and its sink closed after."""
    server = Server(models, workspace, **options)
    try:
        yield server
    finally:
        server.stop()
        server.sink.close()


def udp_sink():
    """A UDP socket that swallows the server's OSC output (so it goes somewhere real)."""
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    return sink


def api(base, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode())


# ---------------------------------------------------------------- the browser

def make_browser():
    """Headless Chromium with the browser console log kept (goog:loggingPrefs), or None if missing."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        return None
    options = Options()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", f"--window-size={LAPTOP[0]},{LAPTOP[1]}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(WAIT)
    set_viewport(driver, *LAPTOP)
    return driver


def set_viewport(driver, width, height):
    phone = width < 600
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 2 if phone else 1, "mobile": phone})


def wait_for(driver, predicate, message, timeout=WAIT):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: predicate(d), message)


def wait_until(predicate, message, timeout=WAIT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(message)


def severe(driver):
    """SEVERE browser console entries since the last call (reading the log clears it)."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def open_page(driver, url):
    """Loads a page and waits until its WebSocket is live."""
    driver.get_log("browser")
    driver.get(url)
    wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".conn").get_attribute("data-state") == "open",
             f"{url}: the connection indicator never said live")


def attribute_number(driver, selector, name):
    value = driver.find_element(By.CSS_SELECTOR, selector).get_attribute(name)
    return float(value) if value not in (None, "") else 0.0


def screenshot(driver, name, folder=None):
    folder = folder or ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    driver.execute_script("document.activeElement && document.activeElement.blur && document.activeElement.blur();"
                          "window.scrollTo(0, 0); document.querySelectorAll('.side').forEach(e => e.scrollTop = 0)")
    driver.save_screenshot(str(folder / name))


def whole_page_screenshot(driver, name, folder=None):
    """A screenshot of the whole page at laptop width (the viewport grows to the page's height)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    set_viewport(driver, LAPTOP[0], max(LAPTOP[1], int(height)))
    try:
        time.sleep(0.5)
        screenshot(driver, name, folder)
    finally:
        set_viewport(driver, *LAPTOP)


def press_at(driver, element, fx, fy, then=()):
    """Presses the mouse at a fraction (fx, fy) of an element, optionally moves by `then` offsets, releases."""
    rect = element.rect
    actions = ActionChains(driver, duration=50)
    actions.move_to_element_with_offset(element, int((fx - 0.5) * rect["width"]), int((fy - 0.5) * rect["height"]))
    actions.click_and_hold()
    for dx, dy in then:
        actions.move_by_offset(dx, dy)
    actions.release().perform()


def choose(driver, name, value):
    """Clicks the segmented option (a label around a radio button) for `value`."""
    driver.find_element(By.CSS_SELECTOR, f'input[name={name}][value={value}]').find_element(By.XPATH, "..").click()


def text_status(base):
    return api(base, "/api/status")["text"]



# ---------------------------------------------------------------- drawing

def draw(driver, canvas, strokes):
    """Draws strokes given as lists of (x, y) fractions of the canvas, with real pointer moves."""
    rect = canvas.rect
    for stroke in strokes:
        points = [(x * rect["width"], y * rect["height"]) for x, y in stroke]
        actions = ActionChains(driver, duration=20)
        x0, y0 = points[0]
        actions.move_to_element_with_offset(canvas, int(x0 - rect["width"] / 2), int(y0 - rect["height"] / 2)).click_and_hold()
        for (xa, ya), (xb, yb) in zip(points, points[1:]):
            actions.move_by_offset(int(xb) - int(xa), int(yb) - int(ya))
        actions.release().perform()


def line(a, b, n=10):
    return [(a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n) for k in range(n + 1)]
