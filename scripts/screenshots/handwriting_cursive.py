#!/usr/bin/env python3
"""docs/screenshots/handwriting-cursive.png: the Handwriting page serving only the shipped UNIPEN
model, a row of cursive loops written with real pointer moves, and the model's continuation.
Run from the repository root after ./scripts/build-release.sh:
    python3 scripts/screenshots/handwriting_cursive.py docs/screenshots
"""
import math
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Integration"))
import test_studio as studio  # noqa: E402  (the Studio tests' server and browser helpers)
from selenium.webdriver.common.by import By  # noqa: E402


def cursive_loops(loops=5, points=180):
    """Joined 'e'-like loops, left to right: x advances while circling, y down on screen."""
    stroke = []
    for k in range(points + 1):
        t = k / points * loops * 2 * math.pi
        stroke.append((0.12 + 0.30 * k / points - 0.022 * math.sin(t), 0.48 - 0.045 * (1 - math.cos(t))))
    return stroke


def main(folder):
    with tempfile.TemporaryDirectory() as workspace:
        server = studio.Server([ROOT / "Models" / "strokes" / "handwriting.safetensors"], pathlib.Path(workspace))
        driver = studio.make_browser()
        try:
            studio.open_page(driver, server.url + "/handwriting.html")
            studio.wait_for(driver, lambda d: d.find_element(By.ID, "model-names").text.strip() != "", "stroke model")
            studio.draw(driver, driver.find_element(By.ID, "sheet"), [cursive_loops()[::2]])
            studio.wait_for(driver, lambda d: studio.attribute_number(d, "#sheet-wrap", "data-replies") >= 1, "continuation")
            time.sleep(3)
            studio.screenshot(driver, "handwriting-cursive.png", pathlib.Path(folder))
            errors = studio.severe(driver)
            if errors:
                print("console errors:", errors)
        finally:
            driver.quit()
            server.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
