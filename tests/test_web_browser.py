"""The web pages in a real browser: Debian's headless Chromium driven through Selenium.

Skips (saying why) when Chromium, chromedriver or Selenium is missing; `.ci/run`
installs the Debian packages first, so CI runs these.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from armstrack.store import Store
from armstrack.web.testing import browser_missing

MISSING = browser_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=f"no browser: {MISSING}")


@pytest.fixture(scope="module")
def site(web_db: Path) -> Iterator[str]:
    from armstrack.web.app import create_app, wrap
    from armstrack.web.testing import serving

    with serving(wrap(create_app(str(web_db)))) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from armstrack.web.testing import chromium

    with chromium(1280, 800) as driver:
        yield driver


@pytest.fixture(scope="module")
def deals(web_db: Path) -> list:
    with Store(str(web_db)) as store:
        return store.deals()


def _console_errors(browser: Any) -> list[str]:
    """Console messages at SEVERE level (errors, CSP violations) since the last call.

    ChromeDriver's log request can race a page that is still being torn down ("Node with
    given id does not belong to the document"); that is the driver, not the page, so the
    request is repeated a few times before the error counts.
    """
    import time

    from selenium.common.exceptions import WebDriverException

    for attempt in range(4):
        try:
            entries = browser.get_log("browser")
            break
        except WebDriverException:
            if attempt == 3:
                raise
            time.sleep(0.5)
    return [e["message"] for e in entries if e["level"] == "SEVERE"]


def _open(browser: Any, url: str) -> None:
    browser.get(url)
    assert browser.execute_script("return document.readyState") == "complete"


def _follow(browser: Any, element: Any) -> None:
    """Click a link or button and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 30).until(expected_conditions.staleness_of(old))
    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script("return document.readyState") == "complete")


def _alerts_raised(browser: Any) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        browser.switch_to.alert.dismiss()
    except NoAlertPresentException:
        return False
    return True


def test_register_filters_sort_and_pages(site: str, browser: Any, deals: list) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _console_errors(browser)
    _open(browser, site + "/?per_page=10")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.deals tbody tr")
    assert len(rows) == min(10, len(deals))
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "a[rel=next]"))
    assert "page=2" in browser.current_url
    # Filter through the form, as a user would; the result is a shareable URL.
    _open(browser, site + "/")
    browser.find_element(By.NAME, "supplier").send_keys("Russia")
    Select(browser.find_element(By.NAME, "sort")).select_by_value("-first_reported")
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button"))
    assert "supplier=Russia" in browser.current_url
    assert "sort=-first_reported" in browser.current_url
    suppliers = {td.text for td in browser.find_elements(
        By.CSS_SELECTOR, "table.deals tbody td:nth-child(2)")}
    assert suppliers == {"Russia"}
    shown = len(browser.find_elements(By.CSS_SELECTOR, "table.deals tbody tr"))
    assert shown == sum(d.supplier == "RUS" for d in deals)
    # A facet link narrows further and shows as a removable chip.
    _follow(browser, browser.find_element(By.CSS_SELECTOR, ".facets section:nth-of-type(2) li a"))
    assert "recipient=" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, ".chips .chip")
    assert _console_errors(browser) == []


def test_deal_page_shows_its_timeline_and_evidence(site: str, browser: Any, deals: list) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    deal = max(deals, key=lambda d: len(d.timeline))
    _console_errors(browser)
    _open(browser, f"{site}/deals/{deal.id}")
    chart = browser.find_element(By.ID, "timeline")
    assert chart.is_displayed() and chart.size["width"] > 500
    marks = browser.find_elements(By.CSS_SELECTOR, "#timeline a.mark")
    assert len(marks) == len(deal.timeline)
    # Each type has its own colour, and factuality shows in the mark's fill.
    fills = {(m.get_attribute("class"), m.find_element(By.CSS_SELECTOR, "rect, circle")
              .value_of_css_property("fill-opacity")) for m in marks}
    assert len(fills) >= 2
    claims = browser.find_elements(By.CSS_SELECTOR, "ol.claims > li")
    assert len(claims) == len(deal.timeline)
    assert browser.find_elements(By.CSS_SELECTOR, "ol.claims mark.r-trigger")
    first = deal.timeline[0].event.evidence
    assert claims[0].find_element(By.CSS_SELECTOR, "blockquote").text == first.strip()
    marks[0].click()  # a mark leads to its claim (same page: only the fragment changes)
    WebDriverWait(browser, 30).until(lambda b: b.current_url.endswith("#claim-0"))
    assert _console_errors(browser) == []


def test_article_page_marks_its_events(site: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    _console_errors(browser)
    _open(browser, site + "/articles/001_india-rafale-contract")
    marks = browser.find_elements(By.CSS_SELECTOR, "#article-text mark.event")
    assert marks
    background = marks[0].value_of_css_property("background-color")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    link = marks[0].find_element(By.CSS_SELECTOR, ".ev-label a")
    _follow(browser, link)
    assert "/deals/" in browser.current_url
    assert browser.find_element(By.ID, "timeline").is_displayed()
    assert _console_errors(browser) == []


def test_network_and_country_charts_render(site: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    _console_errors(browser)
    _open(browser, site + "/network")
    nodes = browser.find_elements(By.CSS_SELECTOR, "#network a.node")
    edges = browser.find_elements(By.CSS_SELECTOR, "#network a.edge path")
    assert len(nodes) >= 3 and edges
    assert browser.find_element(By.ID, "network").size["height"] > 400
    _open(browser, site + "/network?category=aircraft&year_from=2015")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#network a.edge")) < len(edges)
    _open(browser, site + "/countries/USA")
    assert browser.find_elements(By.CSS_SELECTOR, "#years rect.exports")
    assert _console_errors(browser) == []


def test_hostile_payloads_stay_inert(site: str, browser: Any, deals: list) -> None:
    from selenium.webdriver.common.by import By

    hostile = [d for d in deals if any(s.article.startswith("90") for s in d.sources)]
    assert hostile
    pages = ["/articles/901_hostile-script", "/articles/902_hostile-data-url",
             "/search?q=alert", *(f"/deals/{d.id}" for d in hostile)]
    for path in pages:
        _open(browser, site + path)
        assert not _alerts_raised(browser), path
        assert browser.find_elements(By.TAG_NAME, "script") == [], path
        assert browser.find_elements(By.CSS_SELECTOR, "main img, main [onerror], main [onload]"
                                     ) == [], path
        for link in browser.find_elements(By.CSS_SELECTOR, "a[href]"):
            href = (link.get_attribute("href") or "").lower()
            assert not href.startswith(("javascript:", "data:")), (path, href)
        # The payload is shown as text, so a reader sees what the article said.
        assert "alert(" in browser.find_element(By.TAG_NAME, "main").text, path
    _open(browser, site + "/articles/901_hostile-script")
    assert "<script" in browser.find_element(By.CSS_SELECTOR, "h1").text
    assert browser.find_element(By.CSS_SELECTOR, ".nolink").text.startswith("javascript:")
    assert _console_errors(browser) == []
