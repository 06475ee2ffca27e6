"""The pages a reader sees, in headless Chromium at a desktop and a phone width, in English
and in Russian: each page shows its content in the interface's language, nothing makes the
page scroll sideways, no text runs out of its box, and chart text stays readable (at least
10 px high; a chart wider than a phone scrolls inside its own box). Screenshots of each are
kept in tests/artifacts/screens/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import Browser, available
from servers import project_app
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running

pytestmark = pytest.mark.skipif(
    not available(),
    reason="Debian chromium and chromium-driver are not installed (python3 tasks.py test installs them)",
)
SCREENS = Path(__file__).parent / "artifacts" / "screens"
PAGES = {  # name: path, and a text the page must show
    "home": ("/", "Communist Party of Turkestan"),
    "person": ("/person/turar-risqulov", "Rïsqulov"),
    "party": ("/organization/communist-party-of-turkestan", "Communist Party of Turkestan"),
    "statistics": ("/dataset/composition-1922", "1922"),
    "search": ("/search?q=%D0%A0%D1%8B%D1%81%D0%BA%D1%83%D0%BB%D0%BE%D0%B2", "Rïsqulov"),
    "missing": ("/person/ryskulov", "Rïsqulov"),
}
WIDTHS = {"desktop": 1280, "phone": 390}
SEARCH = {"en": "Search", "ru": "Поиск"}

# what overflows: the page sideways, an element past the viewport, text past its own box
# (where the box does not scroll), and chart text under 10 px
OVERFLOW = """
const out = [];
const width = document.documentElement.clientWidth;
if (document.documentElement.scrollWidth > width + 1) out.push('the page scrolls sideways');
for (const el of document.querySelectorAll('h1,h2,h3,p,li,td,th,a,label,button,code,figure,table,pre')) {
  const box = el.getBoundingClientRect();
  const text = (el.textContent || '').trim().slice(0, 40);
  if (box.right > width + 1) out.push(`${el.tagName} "${text}" ends at ${Math.round(box.right)} px`);
  if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible')
    out.push(`${el.tagName} "${text}" runs out of its box`);
}
for (const t of document.querySelectorAll('figure.chart svg text')) {
  const h = t.getBoundingClientRect().height;
  if (h > 0 && h < 10) { out.push(`chart text "${t.textContent}" is ${h.toFixed(1)} px high`); break; }
}
return out;
"""


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[Browser, str]]:
    with project_app(Limits(timeout=10, max_results=100)) as app, running(app) as url:
        browser = Browser()
        try:
            yield browser, url
        finally:
            browser.quit()


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("language", sorted(SEARCH))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_reads_well(
    site: tuple[Browser, str], name: str, language: str, width: str
) -> None:
    browser, base = site
    path, shown = PAGES[name]
    browser.driver.set_window_size(WIDTHS[width], 900)
    browser.get(f"{base}{path}{'&' if '?' in path else '?'}lang={language}")
    SCREENS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(SCREENS / f"{name}-{language}-{width}.png")
    body = browser.text(browser.find("body"))
    assert shown in body and SEARCH[language] in browser.text(browser.find("nav"))
    assert browser.text(browser.find("h1")).strip()
    assert browser.script(OVERFLOW) == []


# every line of the data model's boxes ends inside its box
CLIPPED = """
const out = [];
for (const g of document.querySelectorAll('figure.model svg g')) {
  const box = g.querySelector('rect').getBBox();
  for (const t of g.querySelectorAll('text')) {
    const b = t.getBBox();
    if (b.x + b.width > box.x + box.width) out.push(t.textContent);
  }
}
return out;
"""


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("path", ["/ontology", "/shapes"])
def test_the_vocabulary_pages_lead_back_and_fit(
    site: tuple[Browser, str], path: str, width: str
) -> None:
    browser, base = site
    browser.driver.set_window_size(WIDTHS[width], 900)
    browser.get(base + path)
    SCREENS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(SCREENS / f"{path.strip('/')}-{width}.png")
    assert browser.find('nav a[href="/"]').text == "turkestan-kg"
    assert browser.script(OVERFLOW) == []
    assert browser.script(CLIPPED) == []
