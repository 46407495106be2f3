"""Open a static HTML page in headless Chromium and check that it rendered.

Reusable by any test (the report here; the dbt docs site in the end-to-end tests):

    from helpers import open_and_check
    check = open_and_check(path, ["svg.marks", "#key-facts"], Path("test-artifacts/x.png"))

Uses Debian's `/usr/bin/chromium` and `/usr/bin/chromedriver` (CHROMIUM_BINARY and
CHROMEDRIVER override them); `chromium_missing()` gives the reason to skip when they
are absent. Chromium starts with networking features off and a throw-away profile, so
a page that needs the network fails visibly.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)
WINDOW = (1280, 900)
# Console errors the dbt docs single-page app (dbt-core 1.11 `--static`) always logs
# from file:// URLs: AngularJS image bindings requested before compilation and a
# favicon path left unresolved. They are dbt's, not the page content's; pass these
# as `ignore` when opening a docs site.
DBT_DOCS_KNOWN_NOISE = (
    r"Unsafe attempt to load URL .*%7B%7B",
    r"favicon.* Failed to load resource",
)
MAX_SCREENSHOT_HEIGHT = 9_000


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)):
        if not (Path(path).is_file() or shutil.which(path)):
            return (
                f"{name} not found at {path}: install it with "
                "`apt-get install -y chromium chromium-driver` (.ci/run does)"
            )
    return None


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium WebDriver with browser console logging, closed on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="cyplink-chromium-")
    for flag in (
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@dataclass
class PageCheck:
    """What a page did when it was opened."""

    url: str
    title: str
    console: list[dict] = field(default_factory=list)
    ignore: tuple[str, ...] = ()
    missing_text: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    chart_count: int = 0
    charts_failed: int = 0
    screenshot: Path | None = None

    @property
    def errors(self) -> list[str]:
        """SEVERE console messages (JavaScript errors, failed loads)."""
        return [
            m["message"]
            for m in self.console
            if m.get("level") == "SEVERE"
            and not any(re.search(pattern, m["message"]) for pattern in self.ignore)
        ]

    def problems(self, expected: Mapping[str, int]) -> list[str]:
        """Everything wrong with the page, as readable lines (empty when all is well)."""
        found = [f"console error: {e.splitlines()[0][:300]}" for e in self.errors]
        found += [
            f"selector {sel!r}: found {self.counts.get(sel, 0)}, expected at least {n}"
            for sel, n in expected.items()
            if self.counts.get(sel, 0) < n
        ]
        found += [f"text not on the page: {text!r}" for text in self.missing_text]
        if self.charts_failed:
            found.append(f"{self.charts_failed} of {self.chart_count} charts failed to draw")
        return found


def _wait_for_charts(driver: object, timeout: float) -> None:
    """Wait until the report's script marks every chart done (or there are none)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = driver.execute_script(  # type: ignore[attr-defined]
            "return [document.readyState, !!document.getElementById('chart-specs'),"
            " document.body && document.body.getAttribute('data-charts')]"
        )
        ready, has_charts, charts_done = state
        if ready == "complete" and (not has_charts or charts_done == "done"):
            return
        time.sleep(0.1)


def _screenshot(driver: object, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script(  # type: ignore[attr-defined]
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"
    )
    driver.set_window_size(WINDOW[0], min(int(height) + 40, MAX_SCREENSHOT_HEIGHT))  # type: ignore[attr-defined]
    time.sleep(0.2)
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    driver.set_window_size(*WINDOW)  # type: ignore[attr-defined]
    return path


def open_and_check(
    html_path: Path,
    expected_selectors: Sequence[str] | Mapping[str, int],
    screenshot_path: Path | None,
    *,
    driver: object | None = None,
    timeout: float = 30.0,
    settle: float = 0.0,
    expected_text: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fragment: str = "",
) -> PageCheck:
    """Open `html_path` from disk, wait for it to render, check it and take a screenshot.

    `expected_selectors` are CSS selectors that must each match at least once (or at
    least the given number of times, as a mapping). Raises AssertionError listing every
    console error, missing element and failed chart; returns the PageCheck otherwise.
    Pass `driver` to reuse one browser for several pages; `settle` waits extra seconds
    for pages that render after load (e.g. the dbt docs app). `expected_text` must each
    appear in the page's visible text; console errors matching a regex in `ignore`
    (e.g. DBT_DOCS_KNOWN_NOISE) are not counted. `fragment` is appended to the URL
    (e.g. `#!/model/model.cyplink.indicators` opens a model page of the dbt docs app).
    """
    from selenium.webdriver.common.by import By

    expected = (
        dict(expected_selectors)
        if isinstance(expected_selectors, Mapping)
        else dict.fromkeys(expected_selectors, 1)
    )
    if driver is None:
        with chromium() as own:
            return open_and_check(
                html_path,
                expected,
                screenshot_path,
                driver=own,
                timeout=timeout,
                settle=settle,
                expected_text=expected_text,
                ignore=ignore,
                fragment=fragment,
            )
    url = Path(html_path).resolve().as_uri() + fragment
    driver.get_log("browser")  # type: ignore[attr-defined]  # drop messages of earlier pages
    driver.get(url)  # type: ignore[attr-defined]
    _wait_for_charts(driver, timeout)
    if settle:
        time.sleep(settle)
    find = driver.find_elements  # type: ignore[attr-defined]
    check = PageCheck(url=url, title=driver.title, ignore=tuple(ignore))  # type: ignore[attr-defined]
    if expected_text:
        body = driver.execute_script("return document.body.innerText")  # type: ignore[attr-defined]
        check.missing_text = [t for t in expected_text if t not in body]
    check.counts = {sel: len(find(By.CSS_SELECTOR, sel)) for sel in expected}
    check.chart_count = len(find(By.CSS_SELECTOR, ".chart[id]"))
    check.charts_failed = len(find(By.CSS_SELECTOR, "[data-rendered='error']"))
    if screenshot_path is not None:
        check.screenshot = _screenshot(driver, screenshot_path)
    check.console = driver.get_log("browser")  # type: ignore[attr-defined]
    problems = check.problems(expected)
    assert not problems, f"{url}:\n  " + "\n  ".join(problems)
    return check
