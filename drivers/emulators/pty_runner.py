"""Serve an emulator on a pseudo-terminal (Linux/macOS), in a thread or as ``luxcheck emulate``.

``os.openpty()`` gives a master/slave pair; the emulator runs on the master, the driver opens
the slave's name with pyserial. The runner keeps its own slave descriptor open
so the master never reports EIO while no host is attached; writes to the master are
non-blocking and dropped when nobody reads (a streaming meter keeps talking regardless).

A ``disconnect`` fault closes the master: the host sees pyserial's "device reports readiness to
read but returned no data" on read and EIO on write, like an unplugged USB adapter. After
``reconnect_s`` the runner opens a new pty (same fault plan, fresh meter state) and — with a
``link`` path — points the symlink at it, like the adapter coming back under the same name.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
import tty
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import emulator_class
from .base import Emulator, FaultPlan


def _open_pty() -> tuple[int, int, str]:
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    os.set_blocking(master, False)
    return master, slave, os.ttyname(slave)


def _point_link(link: Path, target: str) -> None:
    tmp = link.with_name(link.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(target)
    try:
        tmp.replace(link)
    except OSError:
        tmp.unlink(missing_ok=True)  # leave no stray link behind (e.g. link is a folder)
        raise


def serve_once(emulator: Emulator, master: int, stop: threading.Event) -> bool:
    """Run the emulator on ``master`` until ``stop`` is set (False) or it disconnects (True)."""
    pending = bytearray()  # bytes due but not yet taken by the pty (its buffer is small)
    while not stop.is_set():
        pending += emulator.take_output()
        if pending:
            try:
                written = os.write(master, pending)
            except (BlockingIOError, InterruptedError):
                written = 0
            except OSError:
                written = len(pending)  # no host attached: the bytes go nowhere, as on a wire
            del pending[:written]
        if emulator.disconnected:
            return True
        due = emulator.next_due()
        wait = 0.05 if due is None else min(0.05, max(0.0, due - emulator.now()))
        if pending:
            wait = min(wait, 0.002)
        readable, _, _ = select.select([master], [], [], wait)
        if readable:
            try:
                data = os.read(master, 4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                time.sleep(0.01)
                continue
            emulator.receive(data)
    return False


class PtyEmulator:
    """An emulator served on a pseudo-terminal by a background thread.

    Parameters
    ----------
    model
        Model slug.
    params
        Emulator options (text or typed values), as for ``emu://`` URLs.
    link
        Optional symlink kept pointing at the current pty.
    announce
        Called with the slave path each time a pty is opened.
    """

    def __init__(
        self,
        model: str,
        params: Mapping[str, Any] | None = None,
        *,
        link: Path | None = None,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        self.cls = emulator_class(model)
        self.params = dict(params or {})
        probe = self.cls(self.params)  # checks the options now, in the caller's thread
        self.faults: FaultPlan = probe.faults
        self.reconnect_s = probe.scaled(float(probe.p["reconnect_s"]))
        self.link = link
        self.announce = announce
        self.stop_event = threading.Event()
        self.ready = threading.Event()
        self.path = ""
        self.emulator: Emulator | None = None
        self._fds: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def _open(self) -> None:
        master, slave, path = _open_pty()
        self._fds = (master, slave)
        self.path = path
        if self.link is not None:
            _point_link(self.link, path)
        self.emulator = self.cls(self.params, faults=self.faults)
        if self.announce is not None:
            self.announce(path)
        self.ready.set()

    def _close_fds(self) -> None:
        if self._fds is not None:
            for fd in self._fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._fds = None

    def run(self) -> None:
        """Serve until :meth:`stop`; reopen a fresh pty after each disconnect fault."""
        try:
            if self._fds is None:
                self._open()
            while not self.stop_event.is_set():
                assert self.emulator is not None
                assert self._fds is not None
                if not serve_once(self.emulator, self._fds[0], self.stop_event):
                    break
                self._close_fds()
                if self.stop_event.wait(self.reconnect_s):
                    break
                self._open()
        except BaseException as exc:  # reported to the owner thread
            self.error = exc
            self.ready.set()
            raise
        finally:
            self._close_fds()
            if self.link is not None:
                with contextlib.suppress(FileNotFoundError):
                    self.link.unlink()

    def start(self) -> PtyEmulator:
        """Open the pty and start serving in a daemon thread; get ``self`` (``.path`` is set)."""
        self._open()
        self._thread = threading.Thread(target=self.run, name=f"emu-{self.cls.model}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the pty."""
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> PtyEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["PtyEmulator", "serve_once"]
