"""The review app in a real browser: Playwright driving Debian's /usr/bin/chromium.

A reviewer logs in, confirms the riskiest ad and dispatches it; an enforcement officer records
feedback and closes the case; a citizen uploads a photo that then appears in the queue.
Screenshots are saved under tests/artifacts/.
"""

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from demo.server import TARGETS
from tests.app.conftest import PASSWORDS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is not installed (make setup installs it)")


@pytest.fixture
def server(app_data):
    from app.main import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(100):
        if instance.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def sign_in(page, base, role):
    page.goto(f"{base}/login")
    page.fill("#username", role)
    page.fill("#password", PASSWORDS[role])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_review_confirm_dispatch_feedback_close(server, browser, app_data):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    started = time.monotonic()
    sign_in(page, server, "monitor")
    page.screenshot(path=ARTIFACTS / "01-dashboard.png", full_page=True)
    page.click("text=审核队列")
    page.screenshot(path=ARTIFACTS / "02-queue.png", full_page=True)
    page.click(f"a[href='/ads/{app_data['xss_ad']}']")
    assert page.locator("mark").first.inner_text() == "根治"
    assert page.evaluate("window.__xss === undefined")  # the captured <script> never ran
    frame = page.frame_locator("#frame-1")
    assert "根治牛皮癣" in frame.locator("body").inner_text()
    assert page.get_attribute("#frame-1", "sandbox") == ""  # no allow-scripts, no same-origin
    page.click("#submit-decision")
    page.wait_for_selector("text=已记录审核结论")
    page.screenshot(path=ARTIFACTS / "03-confirmed.png", full_page=True)
    page.click("#dispatch")
    page.wait_for_selector("#case-status")
    elapsed = time.monotonic() - started
    print(f"login → confirmed → dispatched in {elapsed:.1f} s")
    assert page.inner_text("#case-status") == "已派发"
    case_url = page.url
    page.screenshot(path=ARTIFACTS / "04-dispatched.png", full_page=True)
    page.click("text=退出")

    sign_in(page, server, "enforcer")
    page.goto(case_url)
    page.select_option("select[name=outcome]", "rectified")
    page.fill("input[name=note]", "当事人已撤下广告")
    page.click("#feedback")
    page.wait_for_selector("text=已反馈")
    page.click("#close-case")
    page.wait_for_selector("#case-status:has-text('已办结')")
    page.screenshot(path=ARTIFACTS / "05-closed.png", full_page=True)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_citizen_photo_reaches_the_queue(server, browser):
    citizen = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    citizen.goto(f"{server}/report")
    citizen.set_input_files("#photo", str(TARGETS.parent / "data" / "outdoor" / "photos" / "ZB-HT-0607.jpg"))
    citizen.fill("#description", "汽车站西侧路边广告牌")
    citizen.fill("#location", "桓台县东岳路")
    citizen.fill("#advertiser", "桓台驾校")
    citizen.click("#submit-report")
    code = citizen.inner_text("#tracking-code")
    assert code.startswith("ZB")
    citizen.screenshot(path=ARTIFACTS / "06-citizen-report.png", full_page=True)

    reviewer = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(reviewer, server, "monitor")
    reviewer.goto(f"{server}/queue")
    row = reviewer.locator("tr", has_text="群众举报")
    assert "包过" in row.first.inner_text()
    reviewer.screenshot(path=ARTIFACTS / "07-queue-with-citizen-report.png", full_page=True)
