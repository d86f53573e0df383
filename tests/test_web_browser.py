"""The kiosk page in a real browser: Debian's Chromium driven by selenium through chromedriver.

Skipped, with the reason, where no Chromium or chromedriver is installed (``.ci/run`` installs them
where it can). The page is served by uvicorn on 127.0.0.1 over real reports; nothing leaves the machine.
"""

from __future__ import annotations

import os
import shutil
import struct
from decimal import Decimal
from pathlib import Path

import pytest

from tests.web_support import CORPUS, SECRET, LiveServer, build_several

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = [
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
        reason="no browser: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
    ),
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not available"),
]

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT = 10


@pytest.fixture(scope="module")
def several_bot(tmp_path_factory):
    from bot import Bot

    return Bot(build_several(tmp_path_factory.mktemp("several") / "kb.db"), readonly=True)


def serve(bot, idle: float) -> LiveServer:
    from web import Settings, create_app

    settings = Settings(db_path=bot.db_path, secret=SECRET, page=True, rate_limit="", idle_timeout=idle)
    return LiveServer(create_app(settings, bot=bot))


@pytest.fixture(scope="module")
def site(several_bot):
    with serve(several_bot, idle=600) as server:
        yield server.url


@pytest.fixture(scope="module")
def idle_site(several_bot):
    with serve(several_bot, idle=1.5) as server:
        yield server.url


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,900")
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_page_load_timeout(WAIT)
    yield d
    d.quit()


def open_page(driver, url: str, width: int = 1280, height: int = 900) -> None:
    driver.set_window_size(width, height)
    driver.get(url)
    WebDriverWait(driver, WAIT).until(EC.element_to_be_clickable((By.ID, "q")))


def type_question(driver, text: str) -> None:
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def wait_turns(driver, n: int):
    WebDriverWait(driver, WAIT).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#turns > li")) >= n)
    return driver.find_elements(By.CSS_SELECTOR, "#turns > li")[0]  # newest first


def figure(turn) -> Decimal:
    return Decimal(text(turn.find_element(By.CSS_SELECTOR, ".figure .value")))


def text(element) -> str:
    """The element's text whether or not it has faded in yet (selenium's .text is empty at opacity 0)."""
    return (element.get_attribute("textContent") or "").strip()


def test_ask_shows_the_figure_its_citation_and_the_cited_row(driver, site):
    open_page(driver, site)
    type_question(driver, "生态局三公经费多少")
    turn = wait_turns(driver, 1)
    assert figure(turn) == Decimal("16.95")
    assert text(turn.find_element(By.CSS_SELECTOR, ".figure .unit")) == "万元"
    assert "生态环境局" in text(turn.find_element(By.CSS_SELECTOR, ".cite-text"))
    assert "16.95" in text(turn.find_element(By.CSS_SELECTOR, ".answer-text"))
    # the new answer's heading takes the focus, so a screen reader reads it and Tab goes on from there
    assert driver.switch_to.active_element.get_attribute("id") == turn.find_element(By.CSS_SELECTOR, "h2").get_attribute("id")


def test_cited_table_row_is_text_with_the_cited_cell_marked(driver, site):
    open_page(driver, site)
    type_question(driver, "12345热线办公费花了多少")
    turn = wait_turns(driver, 1)
    assert figure(turn) == Decimal("9.37")
    table = WebDriverWait(driver, WAIT).until(lambda d: turn.find_element(By.CSS_SELECTOR, "table.cited-row"))
    assert "办公费" in text(table.find_element(By.TAG_NAME, "caption"))
    cited = table.find_element(By.CSS_SELECTOR, "tr.hl")
    assert Decimal(text(cited.find_element(By.TAG_NAME, "td")).replace(" ", "")) == Decimal("9.37")
    assert "决算" in text(cited.find_element(By.TAG_NAME, "th"))


def test_follow_up_goes_through_the_context_token(driver, site):
    open_page(driver, site)
    type_question(driver, "生态局三公经费多少")
    wait_turns(driver, 1)
    type_question(driver, "预算呢")
    turn = wait_turns(driver, 2)
    assert figure(turn) == Decimal("21.00")  # the 生态环境局 budget: the subject came from the token
    assert "生态环境局" in text(turn.find_element(By.CSS_SELECTOR, ".cite-text"))


def test_example_button_then_clarify_button(driver, site):
    open_page(driver, site)
    driver.find_element(By.CSS_SELECTOR, '#examples button[data-question="三公经费多少"]').click()
    turn = wait_turns(driver, 1)
    group = turn.find_element(By.CSS_SELECTOR, '.choices[role="group"]')
    choices = group.find_elements(By.TAG_NAME, "button")
    assert len(choices) >= 3 and not turn.find_elements(By.CSS_SELECTOR, ".figure")
    next(b for b in choices if "生态环境局" in text(b)).click()
    turn = wait_turns(driver, 2)
    assert figure(turn) == Decimal("16.95")


def test_idle_reset_starts_over_without_the_old_context(driver, idle_site):
    open_page(driver, idle_site)
    type_question(driver, "生态局三公经费多少")
    wait_turns(driver, 1)
    WebDriverWait(driver, WAIT).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#turns > li"))
    assert not driver.find_element(By.ID, "conversation").is_displayed()
    assert driver.switch_to.active_element.get_attribute("id") == "q"
    assert "回到开始" in driver.find_element(By.ID, "status").text
    type_question(driver, "预算呢")
    turn = wait_turns(driver, 1)
    values = turn.find_elements(By.CSS_SELECTOR, ".figure .value")
    assert not values or Decimal(text(values[0])) != Decimal("21.00")  # the old subject is gone


def test_keyboard_order_and_labels(driver, site):
    open_page(driver, site)
    from selenium.webdriver.common.action_chains import ActionChains

    order = []
    for _ in range(3):  # from a fresh page, as a keyboard user arrives
        ActionChains(driver).send_keys(Keys.TAB).perform()
        el = driver.switch_to.active_element
        order.append(el.get_attribute("id") or el.get_attribute("data-question"))
    assert order[:2] == ["q", "send"] and order[2] == "三公经费多少"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    label = driver.find_element(By.CSS_SELECTOR, 'label[for="q"]')
    assert label.text == "请输入您的问题"
    assert driver.find_element(By.CSS_SELECTOR, 'form[role="search"]')
    assert not driver.find_elements(By.CSS_SELECTOR, "a[href]")  # the page links nowhere else


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("width,height,name", [(390, 844, "phone"), (1920, 1080, "kiosk")])
def test_readable_from_phone_to_kiosk_screenshot(driver, site, tmp_path, width, height, name):
    open_page(driver, site, width, height)
    type_question(driver, "12345热线办公费花了多少")
    turn = wait_turns(driver, 1)
    WebDriverWait(driver, WAIT).until(lambda d: turn.find_elements(By.CSS_SELECTOR, "table.cited-row"))
    inner = driver.execute_script("return window.innerWidth")
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= inner, "no sideways scrolling"
    px = driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.answer-text')).fontSize)"
    )
    assert px >= 18
    height_px = driver.execute_script("return document.getElementById('send').getBoundingClientRect().height")
    assert height_px >= 44  # a touch target
    out = Path(os.environ.get("DISCLOSURE_BOT_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    shot = out / f"web-{name}.png"
    assert driver.save_screenshot(str(shot))
    w, _ = png_size(shot)
    assert w >= width * 0.9
