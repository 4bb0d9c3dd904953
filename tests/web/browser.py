"""A real Chromium for the Mini App tests: Debian's chromium and chromium-driver, via selenium.

Nothing is downloaded: the driver's path is given explicitly (so Selenium Manager never
runs), and the tests skip with a reason only where the Debian packages are missing (CI
installs them: see .ci/run). Telegram's SDK script cannot load without the internet; the
pages then read the same launch parameters from the URL, which is what they do in a plain
browser too. Selenium is blocking, so calls run in a thread while the bot's loop serves.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WIDTH, HEIGHT = 360, 780
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # No internet here: Telegram's SDK fails at once instead of waiting on DNS.
    "--host-resolver-rules=MAP telegram.org ~NOTFOUND",
    f"--window-size={WIDTH},{HEIGHT}",
)
T = TypeVar("T")


def launch_url(base: str, init_data: str | None, theme: str | None = None) -> str:
    """A page URL with Telegram's launch parameters in the fragment, as Telegram opens it."""
    params = []
    if init_data is not None:
        params.append(f"tgWebAppData={quote(init_data, safe='')}")
    if theme is not None:
        params.append(f"tgWebAppThemeParams={quote(theme, safe='')}")
    params.append("tgWebAppPlatform=web")
    return f"{base}#{'&'.join(params)}"


class Browser:
    """A thin async face on a selenium driver."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(fn, *args)

    async def open(self, url: str) -> None:
        await self.call(self.driver.get, url)

    async def js(self, script: str, *args: Any) -> Any:
        return await self.call(self.driver.execute_script, script, *args)

    async def until(self, script: str, *args: Any, timeout: float = 10.0) -> Any:
        """Wait until a JavaScript expression returns something truthy; return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = await self.js(f"return ({script});", *args)
            if value:
                return value
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for: {script}")
            await asyncio.sleep(0.05)

    async def ready(self) -> str:
        return str(await self.until("document.body && document.body.dataset.ready"))

    async def click(self, css: str) -> None:
        await self.until("document.querySelector(arguments[0])", css)
        await self.js("document.querySelector(arguments[0]).click();", css)

    async def type(self, css: str, text: str) -> None:
        from selenium.webdriver.common.by import By

        element = await self.call(self.driver.find_element, By.CSS_SELECTOR, css)
        await self.call(element.send_keys, text)

    async def select(self, css: str, value: str) -> None:
        await self.js(
            "const s = document.querySelector(arguments[0]); s.value = arguments[1];"
            "s.dispatchEvent(new Event('change'));",
            css,
            value,
        )

    async def text(self, css: str) -> str:
        return str(await self.js("return document.querySelector(arguments[0]).innerText;", css))

    async def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await self.call(self.driver.save_screenshot, str(SCREENSHOTS / f"{name}.png"))

    async def fits_width(self) -> bool:
        """The page is laid out at 360 px and nothing sticks out sideways."""
        width, scroll = await self.js(
            "return [window.innerWidth, document.documentElement.scrollWidth];"
        )
        return bool(width == WIDTH and scroll <= WIDTH)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed "
            "(apt-get install chromium chromium-driver; .ci/run does this)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download anything
    profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile.name}"):
        options.add_argument(flag)
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = await asyncio.to_thread(webdriver.Chrome, service=service, options=options)
    # Headless windows have a minimum width; the page must work on a 360 px phone.
    metrics = {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": True}
    await asyncio.to_thread(driver.execute_cdp_cmd, "Emulation.setDeviceMetricsOverride", metrics)
    try:
        yield Browser(driver)
    finally:
        await asyncio.to_thread(driver.quit)
        profile.cleanup()
