"""Transport: open a port by URL over pyserial's ``serial_for_url``, with a timeout always.

Every pyserial URL works: ``/dev/ttyUSB0``, ``COM3``, ``socket://host:port``, ``spy://...``,
``loop://``, and ``emu://MODEL?...`` for the in-process emulators (registered here by appending
``luxcheck.drivers.emulators`` to ``serial.protocol_handler_packages``, the mechanism of
pyserial's ``test/test_url.py``). The transport knows nothing about any meter.
"""

from __future__ import annotations

import serial

from luxcheck.errors import InputError

from .base import LineSettings, MeterDisconnected, MeterError, MeterPortBusy

EMULATOR_PACKAGE = "luxcheck.drivers.emulators"

if EMULATOR_PACKAGE not in serial.protocol_handler_packages:
    serial.protocol_handler_packages.append(EMULATOR_PACKAGE)

_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}


def open_transport(
    url: str, *, line: LineSettings, timeout_s: float, write_timeout_s: float | None = None
) -> serial.SerialBase:
    """Open the port at ``url`` with the meter's line settings and a read timeout.

    Parameters
    ----------
    url
        A device path or any pyserial URL (``emu://cl-200a?lux=512`` for an emulator).
    line
        Baud rate, data bits, parity and stop bits.
    timeout_s
        Read timeout [s]; must be > 0 (no call may block forever).
    write_timeout_s
        Write timeout [s]; defaults to ``timeout_s``.

    Returns
    -------
    serial.SerialBase
        The open port.

    Raises
    ------
    luxcheck.errors.InputError
        The URL is malformed or names an unknown scheme or emulator option.
    MeterDisconnected
        The port does not exist or cannot be opened.
    MeterPortBusy
        Another program holds the port (it is opened exclusively).
    MeterError
        The adapter refuses the line settings (some USB adapters reject 7-bit or parity).
    """
    if not timeout_s > 0:
        raise InputError(f"timeout must be > 0 s, got {timeout_s!r}", column="timeout_s")
    try:
        port = serial.serial_for_url(
            url,
            baudrate=line.baudrate,
            bytesize=line.bytesize,
            parity=_PARITY[line.parity],
            stopbits=line.stopbits,
            timeout=timeout_s,
            write_timeout=timeout_s if write_timeout_s is None else write_timeout_s,
            exclusive=True,
        )
    except ValueError as exc:
        raise InputError(str(exc), source=url, column="port") from exc
    except serial.SerialException as exc:
        if "exclusively lock" in str(exc):  # pyserial's words when flock(LOCK_EX) fails
            raise MeterPortBusy(f"another program holds the port ({exc})", port=url) from exc
        raise MeterDisconnected(f"cannot open the port ({exc})", port=url) from exc
    except OSError as exc:  # termios.error is not an OSError; caught below
        raise MeterDisconnected(f"cannot open the port ({exc})", port=url) from exc
    except Exception as exc:
        if type(exc).__name__ == "error" and type(exc).__module__ == "termios":
            raise MeterError(
                f"the serial adapter rejects {line} ({exc}); use an adapter that supports it",
                port=url,
            ) from exc
        raise
    return port
