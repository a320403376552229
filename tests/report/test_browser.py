"""The dashboard and a classroom report in headless Chromium (Debian ``chromium``), driven
through the Chrome DevTools protocol with a small stdlib websocket client: no console errors,
no network request, Chinese text rendered in the shipped font, sorting and filtering work.
Screenshots are saved under ``test-artifacts/``."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from luxcheck.model import IlluminanceReading, MeasurementSession
from luxcheck.report.render import render_campaign
from tests.support.builders import T0, make_classroom, skip_unless_required
from tests.support.report_fixtures import (
    fill_store,
    make_store,
    report_of,
    verdicts_full,
    verdicts_not_measured,
    verdicts_pass,
)

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
if CHROMIUM is None:
    skip_unless_required(
        "Debian chromium is not installed (apt-get install chromium); browser test skipped",
        allow_module_level=True,
    )


class DevTools:
    """A minimal Chrome DevTools protocol client over one websocket (RFC 6455, client side)."""

    def __init__(self, ws_url: str) -> None:
        match = re.match(r"ws://([^:/]+):(\d+)(/.*)", ws_url)
        assert match, ws_url
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.sock = socket.create_connection((host, port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(4096)
        assert b" 101 " in response.split(b"\r\n", 1)[0], response
        self._buffer = response.split(b"\r\n\r\n", 1)[1]
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _recv_exact(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("devtools connection closed")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _recv_message(self) -> dict[str, Any]:
        payload = b""
        while True:
            b0, b1 = self._recv_exact(2)
            length = b1 & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._recv_exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._recv_exact(8))[0]
            payload += self._recv_exact(length)
            if b0 & 0x80:
                return dict(json.loads(payload))

    def _send(self, text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        self._send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = self._recv_message()
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for seen in self.events:
            if seen.get("method") == event:
                return seen
        while time.monotonic() < deadline:
            message = self._recv_message()
            self.events.append(message)
            if message.get("method") == event:
                return message
        raise TimeoutError(event)

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A campaign of two schools, with passing, failing and unmeasured classrooms, rendered."""
    root = tmp_path_factory.mktemp("site")
    store = make_store(root / "c.lux")
    fill_store(store, school_name="北京路小学")
    store.add_classroom(make_classroom("R103"))
    store.add_session(MeasurementSession("SE3", "R103", "王工", T0, ()))
    store.add_reading(IlluminanceReading("z1", "SE3", T0, None, illuminance_lx=450.0))

    reports = [
        report_of(store, "R101", verdicts_full(), "fail"),
        report_of(store, "R102", verdicts_not_measured(), "incomplete"),
        report_of(store, "R103", verdicts_pass(), "pass"),
        report_of(store, "R201", verdicts_not_measured(), "incomplete"),
    ]
    render_campaign(reports, root / "out")
    store.close()
    return root / "out"


@pytest.fixture(scope="module")
def browser() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    profile = tempfile.mkdtemp(prefix="luxcheck-chromium-")
    assert CHROMIUM is not None
    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "--window-size=1280,1000",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if process.poll() is not None or time.monotonic() > deadline:
                skip_unless_required("chromium did not start (no DevToolsActivePort)")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        yield process, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


def _open(port: int, url: str) -> DevTools:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("PUT", "/json/new?about:blank")
    target = json.loads(conn.getresponse().read())
    tools = DevTools(target["webSocketDebuggerUrl"])
    tools.call("Runtime.enable")
    tools.call("Log.enable")
    tools.call("Network.enable")
    tools.call("Page.enable")
    tools.call("Page.navigate", url=url)
    tools.wait_for("Page.loadEventFired")
    tools.evaluate("document.fonts.ready.then(() => true)")
    return tools


def _problems(tools: DevTools) -> list[str]:
    problems = []
    for event in tools.events:
        method = event.get("method")
        params = event.get("params", {})
        error = (
            method == "Runtime.exceptionThrown"
            or (method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"))
            or (method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error")
        )
        if error:
            problems.append(json.dumps(params)[:300])
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "about:")):
                problems.append(f"network request: {url}")
    return problems


def _screenshot(tools: DevTools, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    (ARTIFACTS / name).write_bytes(base64.b64decode(shot["data"]))


def _set(tools: DevTools, element_id: str, value: str, event: str) -> None:
    """Set a form control as a user would and fire its event."""
    tools.evaluate(
        f"{{ const e = document.getElementById({json.dumps(element_id)});"
        f" e.value = {json.dumps(value)}; e.dispatchEvent(new Event({json.dumps(event)})); }}"
    )


def _column(tools: DevTools, table: str, index: int) -> list[str]:
    return list(
        tools.evaluate(
            f"Array.from(document.querySelectorAll('#{table} tbody tr'))"
            f".filter(r => !r.hidden).map(r => r.cells[{index}].textContent.trim())"
        )
    )


def test_dashboard_sorts_filters_and_renders_chinese(
    site: Path, browser: tuple[subprocess.Popen[bytes], int]
) -> None:
    """Dashboard: no console error or network request; the shipped CJK font is loaded and the
    Chinese title rendered; schools come sorted by pass rate, lowest first (so the page reads
    the same without JavaScript), and clicking 'pass rate' sorts them the other way and back;
    the rectification list filters by school, by result and by search text."""
    _process, port = browser
    tools = _open(port, (site / "index.html").as_uri())
    try:
        assert tools.evaluate("document.querySelector('h1').textContent") == "检测项目总览"
        assert tools.evaluate("document.fonts.check('16px LuxcheckSansSC', '检测')")
        assert tools.evaluate(
            "Array.from(document.fonts).some(f => f.family.includes('LuxcheckSansSC')"
            " && f.status === 'loaded')"
        )
        width = tools.evaluate("document.querySelector('h1').getBoundingClientRect().width")
        assert width > 100  # the glyphs take room: rendered, not collapsed
        assert _column(tools, "schools-table", 0) == ["北京路小学", "第一中学"]  # as served
        tools.evaluate("document.querySelectorAll('#schools-table th')[6].click()")
        descending = _column(tools, "schools-table", 0)
        tools.evaluate("document.querySelectorAll('#schools-table th')[6].click()")
        ascending = _column(tools, "schools-table", 0)
        assert ascending == ["北京路小学", "第一中学"]
        assert descending == ["第一中学", "北京路小学"]
        total = len(_column(tools, "rect-table", 0))
        assert total == 14  # 2 failures in R101 + 6 + 6 not measured
        _set(tools, "rect-school", "北京路小学", "change")
        assert set(_column(tools, "rect-table", 0)) == {"北京路小学"}
        assert len(_column(tools, "rect-table", 0)) == 6
        _set(tools, "rect-school", "", "change")
        _set(tools, "rect-status", "fail", "change")
        assert _column(tools, "rect-table", 2) == ["课桌面照度均匀度", "波动深度"]
        _set(tools, "rect-status", "", "change")
        _set(tools, "rect-search", "波动", "input")
        assert _column(tools, "rect-table", 2) == ["波动深度", "波动深度", "波动深度"]
        assert tools.evaluate("document.getElementById('rect-count').textContent") == "3"
        _screenshot(tools, "dashboard.png")
        assert _problems(tools) == []
    finally:
        tools.close()


def test_classroom_report_in_browser(
    site: Path, browser: tuple[subprocess.Popen[bytes], int]
) -> None:
    """A classroom report: no console error or network request (a missing figure file would
    log one), every image loaded, the overlaid points drawn, Chinese text rendered."""
    _process, port = browser
    tools = _open(port, (site / "schools/S01/R101.html").as_uri())
    try:
        assert tools.evaluate("document.querySelector('h1').textContent") == "教室照明验收检测报告"
        assert tools.evaluate("document.querySelectorAll('svg.overlay').length") == 8
        # 16 desk points, 3 board points, 2 measured points, 2 UGR observers
        assert tools.evaluate("document.querySelectorAll('svg.overlay circle').length") == 23
        assert tools.evaluate("document.fonts.check('16px LuxcheckSansSC', '教室')")
        _screenshot(tools, "classroom.png")
        assert _problems(tools) == []
    finally:
        tools.close()
