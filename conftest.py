"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from shouwang.common.testing import Cast, build_cast, make_jpeg


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Tests never reach outside this machine; browser tests talk to loopback only."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
        ):
            raise RuntimeError(f"network access in tests: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # The cast logs in often; a slow password hash would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts and ends in the default language. A request leaves its language active
    on the thread (LocaleMiddleware does not reset it), so an English page in one test would
    otherwise turn the next test's messages English."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def jpeg() -> Iterator[SimpleUploadedFile]:
    yield SimpleUploadedFile("photo.jpg", make_jpeg(), content_type="image/jpeg")


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, for the tests marked ``browser``."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian's Chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as p:
            chromium = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
