#!/usr/bin/python3
"""The subscribe flow in a real browser, keyboard only (issue 13, "Proof":
"keyboard-only for at least the subscribe flow").

NAME
    subscriber_browser_test.py - headless Chromium (Debian's chromium and
    chromium-driver, driven by python3-selenium) subscribes to a list on a
    real listd with Tab and Enter alone, follows the confirmation mail the
    SMTP sink received, and confirms with the page's button, again by the
    keyboard.

SYNOPSIS
    subscriber_browser_test.py --listd PATH --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    Chromium runs headless with a fresh profile in the test's temp dir and
    without the network features that would call out (background
    networking, component updates, sync). A screenshot of each page is
    saved as NN-name.png under the test's temp dir (kept with --keep; also
    copied to $LISTD_SCREENSHOTS when that names a directory).

    Proven: the info page's subscribe field is reached by Tab, the address
    typed and the form sent by Enter after the form's minimum age; the
    answer page says a confirmation was sent; the mail's confirm link opens
    a page that changes nothing; Tab reaches its button and Enter makes the
    address a member.

OUTPUT
    One line per test, then `N passed, M failed`. When chromium or
    chromedriver is not installed it says so and exits 77, which ctest
    reports as skipped (SKIP_RETURN_CODE), never as passed.
"""

import os
import re
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import WAIT, expect, store_rows  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SKIP = 77
OWNER = "owner@example.net"
MIN_AGE = 3  # web/subscriber_pages.h kRequestMinAge


def browser(env):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--window-size=1024,768",
                 "--user-data-dir=" + os.path.join(env.dir, "chromium-profile")):
        options.add_argument(flag)
    service = Service(CHROMEDRIVER, log_path=os.path.join(env.dir, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=options)


class Screens:
    """Numbered screenshots under the test's temp dir."""

    def __init__(self, env, driver):
        self.dir = os.path.join(env.dir, "screenshots")
        os.makedirs(self.dir, exist_ok=True)
        self.driver = driver
        self.count = 0

    def shot(self, name):
        self.count += 1
        path = os.path.join(self.dir, "%02d-%s.png" % (self.count, name))
        expect(self.driver.save_screenshot(path), "screenshot " + path)
        copy_to = os.environ.get("LISTD_SCREENSHOTS")
        if copy_to and os.path.isdir(copy_to):
            shutil.copy(path, copy_to)
        return path


def tab_to(driver, element_id, most=25):
    """Presses Tab until the element with id `element_id` has the focus."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for _ in range(most):
        if driver.switch_to.active_element.get_attribute("id") == element_id:
            return
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError("Tab never reached #%s (focus on %r)" % (
        element_id, driver.switch_to.active_element.get_attribute("outerHTML")))


def type_keys(driver, text):
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(text).perform()


def press_enter(driver):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).send_keys(Keys.ENTER).perform()


def wait_until(condition, what, timeout=WAIT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def is_member(env, address):
    local, domain = address.split("@")
    return store_rows(env, "SELECT count(*) FROM members WHERE local_part = '%s' AND domain = '%s'"
                      % (local, domain))[0][0] == 1


def test_subscribe_and_confirm_with_the_keyboard_only(env):
    import email
    import email.policy

    list_address = env.make_list("demo", [OWNER], algos=("ed25519",))
    env.listctl("list", "set", list_address, "advertised=on", "description=Keyboard test list")
    listd = env.start()
    driver = browser(env)
    try:
        screens = Screens(env, driver)
        driver.get(listd.web_url + "/lists/" + list_address)
        expect(driver.find_element("id", "list-address").text == list_address, "info page")
        screens.shot("info-page")
        tab_to(driver, "subscribe-address")
        type_keys(driver, "kim@example.org")
        screens.shot("address-typed")
        time.sleep(MIN_AGE + 0.3)  # the form's minimum age: a person reads first
        press_enter(driver)
        wait_until(lambda: driver.find_elements("id", "answer"), "the answer page")
        answer = driver.find_element("id", "answer").text
        expect("confirmation was sent to kim@example.org" in answer, "answer: %r" % answer)
        screens.shot("check-your-mail")

        def mails():
            return [m for m in env.sink.messages() if m.recipient == "kim@example.org"]

        wait_until(lambda: mails(), "the confirmation mail")
        parsed = email.message_from_bytes(mails()[0].data, policy=email.policy.default)
        text = parsed.get_body(preferencelist=("plain",)).get_content()
        link = re.search(re.escape(listd.web_url) + r"/confirm/[A-Za-z0-9_-]+", text)
        expect(link, "a confirm link in the mail:\n" + text)
        driver.get(link.group(0))
        expect("kim@example.org" in driver.find_element("id", "confirm-what").text, "confirm page")
        expect(not is_member(env, "kim@example.org"), "opening the link changed nothing")
        screens.shot("confirm-page")
        tab_to(driver, "confirm-submit")
        press_enter(driver)
        wait_until(lambda: driver.find_elements("id", "answer"), "the confirmation's answer")
        screens.shot("confirmed")
        expect(is_member(env, "kim@example.org"),
               "a member after Enter on the button: %r" % driver.find_element("id", "answer").text)
        print("     screenshots in %s" % screens.dir, flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium")
    if missing:
        print("skipped: not installed: %s" % ", ".join(missing))
        sys.exit(SKIP)
    sys.exit(listd_harness.run_tests(globals(), __doc__))
