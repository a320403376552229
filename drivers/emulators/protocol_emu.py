"""pyserial URL handler ``emu://MODEL?options``: an emulator as an in-process serial port.

pyserial finds it because :mod:`luxcheck.drivers.transport` appends
``luxcheck.drivers.emulators`` to ``serial.protocol_handler_packages`` (pyserial's URL
handlers). Modelled on pyserial's ``protocol_loop.py``: a :class:`serial.SerialBase` subclass,
but instead of echoing it feeds writes to the emulator and reads its timed replies. No threads,
no pty, any OS.

When the host opens the port with other data bits or parity than the meter uses, the emulator
shows the host what a real mismatched line would (the ``framing`` fault applied by itself).
After a ``disconnect`` fault, reads and writes raise ``SerialException`` with the messages
pyserial gives for a vanished pty.
"""

from __future__ import annotations

import time
from typing import Any

from serial.serialutil import PortNotOpenError, SerialBase, SerialException, Timeout

from . import emulator_from_url
from .base import Emulator

_READ_GONE = (
    "device reports readiness to read but returned no data "
    "(device disconnected or multiple access on port?)"
)


class Serial(SerialBase):  # type: ignore[misc]
    """An emulated meter behind the pyserial API."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.emulator: Emulator | None = None
        self._rx = bytearray()
        super().__init__(*args, **kwargs)

    def open(self) -> None:
        """Build the emulator from the URL (bad options raise ``ValueError``)."""
        if self.is_open:
            raise SerialException("Port is already open.")
        if self.port is None:
            raise SerialException("Port must be configured before it can be used.")
        self.emulator = emulator_from_url(str(self.port))
        self._rx = bytearray()
        self.is_open = True
        self._reconfigure_port()

    def _reconfigure_port(self) -> None:
        if self.emulator is not None:
            line = self.emulator.line
            self.emulator.host_mismatch = (self.bytesize, self.parity) != (
                line.bytesize,
                line.parity,
            )

    def close(self) -> None:
        """Close the port (the emulated meter is forgotten)."""
        self.is_open = False
        self.emulator = None

    def _emu(self) -> Emulator:
        if not self.is_open or self.emulator is None:
            raise PortNotOpenError()
        return self.emulator

    def _pump(self) -> Emulator:
        emu = self._emu()
        self._rx.extend(emu.take_output())
        return emu

    @property
    def in_waiting(self) -> int:
        """Get the number of bytes received and not yet read."""
        emu = self._pump()
        if emu.disconnected and not self._rx:
            raise SerialException(_READ_GONE)
        return len(self._rx)

    def read(self, size: int = 1) -> bytes:
        """Read up to ``size`` bytes, waiting at most the port timeout."""
        timeout = Timeout(self.timeout)  # type: ignore[arg-type]  # None = block, as pyserial
        while len(self._rx) < size:
            emu = self._pump()
            if len(self._rx) >= size:
                break
            if emu.disconnected:
                if self._rx:
                    break
                raise SerialException(_READ_GONE)
            if timeout.expired():
                break
            left = timeout.time_left()
            due = emu.next_due()
            wait = 0.05 if left is None else left
            if due is not None:
                wait = min(wait, max(0.0, due - emu.now()))
            time.sleep(max(wait, 0.0005))
        out = bytes(self._rx[:size])
        del self._rx[:size]
        return out

    def write(self, data: Any) -> int:
        """Hand bytes to the emulated meter."""
        emu = self._pump()
        if emu.disconnected:
            raise SerialException("write failed: [Errno 5] Input/output error")
        payload = bytes(data)
        emu.receive(payload)
        return len(payload)

    def reset_input_buffer(self) -> None:
        """Discard the bytes received so far."""
        self._pump()
        self._rx.clear()

    def reset_output_buffer(self) -> None:
        """Nothing is buffered on output."""
        self._emu()

    def flush(self) -> None:
        """Nothing is buffered on output."""
        self._emu()

    def _update_rts_state(self) -> None:
        pass

    def _update_dtr_state(self) -> None:
        pass

    def _update_break_state(self) -> None:
        pass

    @property
    def cts(self) -> bool:
        """Get CTS (always on)."""
        return True

    @property
    def dsr(self) -> bool:
        """Get DSR (always on)."""
        return True

    @property
    def ri(self) -> bool:
        """Get RI (off)."""
        return False

    @property
    def cd(self) -> bool:
        """Get CD (on)."""
        return True
