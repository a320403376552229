"""Write the small sample spectrometer exports in ``tests/data/spectra/`` (run once; committed).

The spectra are synthetic white LEDs from :func:`luxcheck.demo.synth_spectra.white_led_spd` (known
CCT, Duv and illuminance); the file layouts follow the makers' export formats (docs/meters.md) and
the real
exports shipped with colour-science 0.4.7 (``colour/io/tests/resources``). Usage::

    .venv/bin/python scripts/make_spectra_samples.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from luxcheck.demo.synth_spectra import white_led_spd
from luxcheck.kernels import colorimetry

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "spectra"
NOTE = (
    "synthetic white LED written by scripts/make_spectra_samples.py (luxcheck), not a measurement"
)


def _summary(wl: np.ndarray, spd: np.ndarray) -> dict[str, float]:
    m = colorimetry.spectral_metrics(wl, spd[None, :])
    return {
        "lux": 683.0 * float(m.Y[0]),
        "cct": float(m.cct_K[0]),
        "duv": float(m.duv[0]),
        "ra": float(m.ra[0]),
        "x": float(m.x[0]),
        "y": float(m.y[0]),
    }


def generic_csv() -> None:
    wl = np.arange(380.0, 781.0, 5.0)
    spd = white_led_spd(
        wl, [3000.0, 4000.0, 5000.0], red_peak_nm=[640.0, 630.0, 620.0], illuminance_lx=500.0
    )
    lines = [
        f"# {NOTE}",
        "# three classroom LEDs, 3000/4000/5000 K, Duv 0, 500 lx",
        "# unit: W/m2/nm",
        "wavelength_nm,room101_3000K,room102_4000K,room103_5000K",
    ]
    lines += [f"{w:g},{a:.8g},{b:.8g},{c:.8g}" for w, a, b, c in zip(wl, *spd, strict=True)]
    (OUT / "generic_three_leds.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def uprtek() -> None:
    wl = np.arange(380.0, 781.0)
    spd = white_led_spd(wl, 4000.0, illuminance_lx=650.0)
    s = _summary(wl, spd)
    keys = [
        ("Model Name", "CV600"),
        ("Serial Number", "00X00000"),
        ("Time", "2026/09/01_10:15:00"),
        ("Memo", NOTE),
        ("LUX", f"{s['lux']:.6f}"),
        ("CCT", f"{s['cct']:.6f}"),
        ("Duv", f"{s['duv']:.6f}"),
        ("x", f"{s['x']:.6f}"),
        ("y", f"{s['y']:.6f}"),
        ("CRI", f"{s['ra']:.6f}"),
    ]
    lines = [f"{k}\t{v}" for k, v in keys]
    lines += [f"{w:.0f}nm\t{v * 1000:.6f}" for w, v in zip(wl, spd, strict=True)]  # mW/m²/nm
    (OUT / "uprtek_cv600_synthetic.xls").write_text("\n".join(lines) + "\n", encoding="ascii")


def sekonic() -> None:
    wl1 = np.arange(380.0, 781.0)
    spd = white_led_spd(wl1, 3500.0, duv=-0.001, illuminance_lx=300.0)
    s = _summary(wl1, spd)
    lines = [
        "Date Saved,01/09/2026 10:20:00 a.m.",
        f"Title,{NOTE}",
        "",
        "Measuring Mode,Ambient",
        "Viewing Angle [°],2",
        f"Tcp [K],{s['cct']:.0f}",
        f"⊿uv,{s['duv']:.4f}",
        f"Illuminance [lx],{s['lux']:.1f}",
        f"CIE1931 x,{s['x']:.4f}",
        f"CIE1931 y,{s['y']:.4f}",
        f"CRI Ra,{s['ra']:.1f}",
        "SSI1,---",
        "",
    ]
    lines += [
        f"Spectral Data {w:.0f}[nm],{v:.12f}" for w, v in zip(wl1[::5], spd[::5], strict=True)
    ]
    lines.append("")
    lines += [f"Spectral Data {w:.0f}[nm],{v:.12f}" for w, v in zip(wl1, spd, strict=True)]
    lines += [
        "",
        "TM-30 Color Vector Graphic,Reference Illuminant x,Reference Illuminant y,"
        "Measured Illuminant x,Measured Illuminant y",
    ]
    lines += [f"bin{i},1,0,1,0" for i in range(1, 17)]
    (OUT / "sekonic_c7000_synthetic.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def asensetek() -> None:
    wl = np.arange(380.0, 781.0)
    points = []
    for cct, lux in ((4000.0, 520.0), (5000.0, 480.0)):
        spd = white_led_spd(wl, cct)
        s = _summary(wl, spd)
        points.append(
            {
                "spectrumPoints": [
                    {f"{w:.0f}": round(float(v), 6)} for w, v in zip(wl, spd, strict=True)
                ],
                "lux": lux,
                "temperature": round(s["cct"]),
                "duv": round(s["duv"], 5),
                "cri": round(s["ra"], 1),
            }
        )
    doc = {
        "product_name": "Lighting Passport",
        "timestamp": 1788000000,
        "device_name": "SYNTH0001",
        "measurement_type": "single",
        "notes": NOTE,
        "data_points": points,
    }
    (OUT / "asensetek_passport_synthetic.txt").write_text(
        json.dumps(doc, indent=1) + "\n", encoding="utf-8"
    )


def hp330() -> None:
    wl = np.arange(380.0, 781.0)
    spd = white_led_spd(wl, 4500.0, illuminance_lx=400.0)
    s = _summary(wl, spd)
    lines = [
        "HP330,SYNTH0001,401,380,780,0,0",
        "Date,20260901",
        "Time,102500",
        f"0,Illuminance(lx),{s['lux']:.4f}",
        f"57,CCT(K),{s['cct']:.0f}",
        f"19,x,{s['x']:.4f}",
        f"20,y,{s['y']:.4f}",
        f"34,Ra,{s['ra']:.1f}",
        f"60,duv,{s['duv']:.5f}",
    ]
    lines += [f"{w:.0f}(mW/m2/nm),{v * 1000:.6f}" for w, v in zip(wl, spd, strict=True)]
    lines += [""] * (450 - len(lines))
    records = b"".join((line + "\n").encode("ascii").ljust(100, b"\x00") for line in lines)
    (OUT / "hopoocolor_hp330_synthetic.csv").write_bytes(records)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    generic_csv()
    uprtek()
    sekonic()
    asensetek()
    hp330()


if __name__ == "__main__":
    main()
