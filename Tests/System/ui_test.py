#!/usr/bin/env python3
"""Real-browser test of Quarry's web UI (headless Chromium through Selenium).

Expects a running `quarry serve` with the text collection `course` (the
sample course) and the image collection `fashion` (Fashion-MNIST):

    python ui_test.py --base-url http://127.0.0.1:8080 --screenshots docs/screenshots

Prints one line per test and a final `N passed, M failed`; exits 1 when any
test fails. scripts/browser-test.sh sets all of this up.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import traceback
import urllib.request
from pathlib import Path

# Selenium Manager must never download a browser or a driver.
os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# A question of courses/sample/questions.jsonl whose words occur in its answer passage.
QUESTION = "What is channeling in espresso, and why does it make one shot taste sour and bitter together?"
IMAGE_IDS = [1, 2, 3]


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--hide-scrollbars", "--lang=en-US", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    # The window's frame takes part of 1280×900 even headless: make the page itself (and the screenshots) that size.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    return driver


class UITest:
    def __init__(self, driver, base_url, screenshots, timeout):
        self.driver = driver
        self.base_url = base_url.rstrip("/")
        self.screenshots = Path(screenshots)
        self.timeout = timeout
        self.workdir = Path(tempfile.mkdtemp(prefix="quarry-ui-test-"))

    # MARK: helpers

    def wait(self, condition, message, timeout=None):
        try:
            return WebDriverWait(self.driver, timeout or self.timeout, poll_frequency=0.1).until(condition)
        except TimeoutException:
            raise AssertionError(f"timed out waiting for {message}") from None

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def open_page(self):
        self.driver.get(self.base_url + "/")
        self.wait(lambda d: "course" in self.find("#status").text, "the status line to list the collections")

    def api(self, path):
        with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
            return response.headers.get("Content-Type", ""), response.read()

    def choose(self, selector, value):
        self.wait(lambda d: any(o.get_attribute("value") == value for o in Select(self.find(selector)).options),
                  f"collection {value!r} in {selector}")
        Select(self.find(selector)).select_by_value(value)

    def error_text(self):
        banner = self.find("#error")
        return banner.text.strip() if banner.is_displayed() else ""

    def wait_for_results(self, selector):
        """Waits until the results area in `selector` has finished a search; returns its cards."""
        self.wait(lambda d: self.find(selector).get_attribute("data-state") in ("done", "error"), f"{selector} to finish")
        state = self.find(selector).get_attribute("data-state")
        assert state == "done", f"{selector} search failed: {self.error_text()!r}"
        cards = self.find_all(f"{selector} .result")
        assert cards, f"no result cards in {selector}"
        return cards

    def screenshot(self, name):
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self.driver.execute_script("window.scrollTo(0, 0)")
        path = self.screenshots / name
        assert self.driver.save_screenshot(str(path)), f"could not save {path}"
        print(f"  saved {path}")

    # MARK: tests

    def test_course_search(self):
        self.open_page()
        status = self.find("#status").text
        assert "fashion" in status, f"status line lacks the image collection: {status!r}"
        self.find("#tab-text").click()
        self.choose("#text-collection", "course")
        question = self.find("#question")
        question.clear()
        question.send_keys(QUESTION)
        self.find("#text-submit").click()
        cards = self.wait_for_results("#text-results")
        marks = self.find_all("#text-results .result mark")
        assert marks, "no <mark> in the results"
        first = cards[0]
        assert first.find_element(By.CSS_SELECTOR, ".source").text.endswith(".md"), "first card lacks its source"
        score = first.find_element(By.CSS_SELECTOR, ".score").text
        assert len(score.split(".")[-1]) == 3, f"score not shown with 3 decimals: {score!r}"
        assert not self.error_text(), f"unexpected error banner: {self.error_text()!r}"
        print(f"  {len(cards)} results, {len(marks)} highlights; first: {first.find_element(By.CSS_SELECTOR, '.source').text}")
        self.screenshot("course-search.png")

    def query_item(self):
        """Downloads the image of the first stored item among IMAGE_IDS; returns (path, category)."""
        for item_id in IMAGE_IDS:
            try:
                _, body = self.api(f"/v1/collections/fashion/items/{item_id}")
                category = json.loads(body)["category"]
                content_type, image = self.api(f"/v1/collections/fashion/items/{item_id}/image")
            except Exception as error:  # noqa: BLE001 — try the next id
                print(f"  item {item_id}: {error}")
                continue
            suffix = {"image/jpeg": ".jpg", "image/webp": ".webp"}.get(content_type.split(";")[0].strip(), ".png")
            path = self.workdir / f"query-{item_id}{suffix}"
            path.write_bytes(image)
            return path, category
        raise AssertionError(f"none of the items {IMAGE_IDS} could be fetched")

    def test_image_search(self):
        self.open_page()
        image, category = self.query_item()
        self.find("#tab-image").click()
        self.choose("#image-collection", "fashion")
        self.wait(lambda d: len(Select(self.find("#image-category")).options) > 1, "the category filter")
        self.find("#image-file").send_keys(str(image))
        cards = self.wait_for_results("#image-results")
        assert self.find("#image-results").get_attribute("data-query") == "upload", "results are not for the upload"
        first_category = cards[0].find_element(By.CSS_SELECTOR, ".category").text.strip()
        assert first_category == category, f"first result is {first_category!r}, the query item is {category!r}"
        assert self.find("#image-preview").is_displayed(), "no preview of the query image"
        self.wait(lambda d: all(d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)
                                for img in self.find_all("#image-results .result img")), "the thumbnails to load")
        print(f"  {len(cards)} results; first is {first_category!r} as expected")
        self.screenshot("image-search.png")

        assert len(cards) >= 2, "need two results to click the second"
        second = cards[1]
        second_id = second.get_attribute("data-id")
        second.click()
        self.wait(EC.staleness_of(cards[0]), "the grid to refresh after 'more like this'")
        self.wait(lambda d: self.find("#image-results").get_attribute("data-query") == f"item:{second_id}",
                  f"results similar to item {second_id}")
        cards = self.wait_for_results("#image-results")
        preview = self.find("#image-preview").get_attribute("src")
        assert f"/items/{second_id}/" in preview, f"preview is not item {second_id}: {preview!r}"
        print(f"  more like #{second_id}: {len(cards)} results")

    def test_errors_shown(self):
        self.open_page()
        self.find("#tab-text").click()
        self.choose("#text-collection", "course")
        self.find("#question").clear()
        self.find("#text-submit").click()
        self.wait(lambda d: self.error_text(), "the error banner for an empty question")
        message = self.error_text()
        assert "empty" in message.lower(), f"unexpected message for an empty question: {message!r}"
        assert "{" not in message, f"raw JSON in the error banner: {message!r}"
        print(f"  empty question: {message.splitlines()[0]!r}")

        self.find("#error-close").click()
        self.wait(lambda d: not self.find("#error").is_displayed(), "the banner to close")
        self.find("#tab-image").click()
        self.choose("#image-collection", "fashion")
        not_an_image = self.workdir / "not-an-image.png"
        not_an_image.write_text("this is plain text, not a PNG\n")
        self.find("#image-file").send_keys(str(not_an_image))
        self.wait(lambda d: self.error_text(), "the error banner for a file that is not an image")
        message = self.error_text()
        assert "{" not in message and len(message) > 10, f"unreadable error message: {message!r}"
        assert self.find("#image-results").get_attribute("data-state") == "error"
        print(f"  not an image: {message.splitlines()[0]!r}")

    def console_log(self):
        """The browser console since the last call (reading empties it)."""
        try:
            return self.driver.get_log("browser")
        except Exception:  # noqa: BLE001
            return []

    def check_page_errors(self):
        """Fails on script errors and Content-Security-Policy violations (failed requests are expected)."""
        errors = [e["message"] for e in self.console_log()
                  if e.get("level") == "SEVERE" and (e.get("source") == "javascript" or "Content Security Policy" in e["message"])]
        assert not errors, "errors in the page: " + "; ".join(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True, help="URL of the running quarry server")
    parser.add_argument("--screenshots", default="docs/screenshots", help="folder for the README screenshots")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for each step")
    args = parser.parse_args()

    driver = make_driver()
    suite = UITest(driver, args.base_url, args.screenshots, args.timeout)
    tests = [suite.test_course_search, suite.test_image_search, suite.test_errors_shown]
    passed = failed = 0
    try:
        for test in tests:
            name = test.__name__
            print(f"== {name}", flush=True)
            suite.console_log()
            try:
                test()
                suite.check_page_errors()
            except Exception as error:  # noqa: BLE001 — report every test
                failed += 1
                print(f"FAIL {name}: {error}")
                if not isinstance(error, AssertionError):
                    traceback.print_exc()
                failure_shot = suite.workdir / f"{name}-failure.png"
                if driver.save_screenshot(str(failure_shot)):
                    print(f"  screenshot of the failure: {failure_shot}")
                for entry in suite.console_log()[-20:]:
                    print(f"  console {entry.get('level')}: {entry.get('message')}")
            else:
                passed += 1
                print(f"PASS {name}")
    finally:
        driver.quit()
        if not failed:
            shutil.rmtree(suite.workdir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
