"""Photobiological kernels: blue-light hazard (IEC 62471 / IEC TR 62778) and melanopic EDI.

All functions take spectra of shape ``(..., n_wavelengths)`` and return arrays over the leading
axes. Spectra go through the same validation and 1 nm resampling as
:mod:`luxcheck.kernels.colorimetry` (Sprague for uniform data) and the weighted sums run over
380-780 nm at 1 nm, the range every input must cover (B(λ) from 300 nm where covered).

Conventions
-----------
- **Photopic weighting** V(λ) is the CIE 1931 2° ȳ(λ) (= CIE 1924 V(λ)), K_m = 683 lm/W.
- **Blue-light hazard efficacy** (IEC TR 62778:2014 §3, IEC 62471:2006 Table 4.2 B(λ))::

      K_B,v = Σ S(λ) B(λ) Δλ / (683 · Σ S(λ) V(λ) Δλ)      [W/lm]

  so the blue-light weighted radiance of a source of luminance L_v is ``L_B = K_B,v · L_v``
  [W·m⁻²·sr⁻¹] and the weighted irradiance at illuminance E_v is ``E_B = K_B,v · E_v`` [W/m²].
  B(λ) is tabulated at 5 nm in 380-495 nm (linearly interpolated to 1 nm), is
  10^((450−λ)/50) in 500-600 nm, 0.001 in 600-700 nm and 0 above 700 nm (not defined there).
  Below 380 nm B(λ) = 0.01 down to 300 nm (the Table 4.2 row 300-380 nm; recalled, to be
  confirmed against the purchased text); it is applied from the spectrum's first wavelength
  (rounded up to whole nm, not below 300 nm) where a spectrum starts below 380 nm, so a
  spectrum measured from 380 nm gets the visible weighting only.
  :attr:`BlueLight.weighted_from_nm` says where the weighted sum began.
- **Risk groups.** Thresholds are data, never code: :func:`risk_group` takes the radiance
  limits of the standards pack (IEC 62471 RG0/RG1/RG2 upper limits) as an argument.
- **Melanopic** (CIE S 026/E:2018): ``K_mel,v = Σ S s_mel Δλ / (683 Σ S V Δλ)`` [W/lm];
  ``mel-DER = K_mel,v / K_mel,v(D65)`` with the standard's K_mel,v(D65) = 1.3262 mW/lm;
  ``mel-EDI = mel-DER · E_v`` [lx].

References
----------
IEC 62471:2006 (GB/T 20145-2006) Table 4.2; IEC TR 62778:2014 (GB/Z 39942-2021);
CIE S 026/E:2018 Table 2 and §3.4; CIE 15:2018.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.kernels import cie_tables as tables
from luxcheck.kernels import colorimetry
from luxcheck.messages import Message, _n

FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

__all__ = [
    "K_MEL_D65_W_PER_LM",
    "K_M_LM_PER_W",
    "BlueLight",
    "Melanopic",
    "blue_light",
    "luminance_boundary_cd_m2",
    "melanopic",
    "risk_group",
]

#: Maximum luminous efficacy for photopic vision [lm/W].
K_M_LM_PER_W = 683.0
#: Melanopic efficacy of luminous radiation of CIE D65, CIE S 026:2018 [W/lm].
K_MEL_D65_W_PER_LM = 1.3262e-3

_WL = np.arange(380.0, 781.0)
_SLICE = slice(20, 421)  # 380-780 nm inside colorimetry.WAVELENGTH_NM
#: The risk-group names, in increasing order of hazard.
RISK_GROUPS = ("RG0", "RG1", "RG2", "RG3")


#: The shortest wavelength the blue-light hazard weighting B(λ) is applied at [nm].
B_FROM_NM = 300.0


@cache
def _weights() -> FloatArray:
    """Columns V(λ), B(λ), s_mel(λ) on 380-780 nm at 1 nm."""
    v = tables.on_grid(tables.CMF_1931, _WL, ("ybar",))
    b = tables.on_grid(tables.BLUE_LIGHT_HAZARD, _WL, ("b",))
    mel = tables.on_grid(tables.MELANOPIC, _WL, ("s_mel",))
    w = np.concatenate([v, b, mel], axis=1)
    w.setflags(write=False)
    return w


@cache
def _b_below_380(start_nm: float) -> FloatArray:
    """B(λ) on ``start_nm``-379 nm at 1 nm (the shipped table)."""
    b: FloatArray = tables.on_grid(tables.BLUE_LIGHT_HAZARD, np.arange(start_nm, 380.0), ("b",))[
        :, 0
    ]
    b.setflags(write=False)
    return b


def _uv_start_nm(wavelength_nm: npt.ArrayLike) -> float:
    """Where the B(λ) sum begins: the first whole nm the spectrum covers, 300-380 nm."""
    wl = np.asarray(wavelength_nm, dtype=np.float64).reshape(-1)
    if wl.size == 0 or not np.isfinite(wl[0]):
        return 380.0  # resample_spectra refuses these with the reason
    return float(min(380.0, max(B_FROM_NM, np.ceil(wl[0]))))


def _weighted(
    wavelength_nm: npt.ArrayLike, spd: npt.ArrayLike, source: str | None
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    start = _uv_start_nm(wavelength_nm)
    if start >= 380.0:
        values = colorimetry.resample_spectra(wavelength_nm, spd, source=source)[..., _SLICE]
        uv = None
    else:
        grid = np.arange(start, 781.0)
        both = colorimetry.resample_spectra(wavelength_nm, spd, target_nm=grid, source=source)
        split = int(380.0 - start)
        values, uv = both[..., split:], both[..., :split]
    sums = values @ _weights()
    b = sums[..., 1]
    if uv is not None:
        b = b + uv @ _b_below_380(start)
    return sums[..., 0], b, sums[..., 2], start


@dataclass(frozen=True)
class BlueLight:
    """Blue-light hazard figures of a batch of spectra (arrays over the leading axes).

    Attributes
    ----------
    kbv_w_per_lm
        Blue-light hazard efficacy of luminous radiation K_B,v [W/lm].
    weighted_from_nm
        The wavelength the B(λ)-weighted sum began at [nm]: 380, or down to 300 where the
        spectra cover it.
    """

    kbv_w_per_lm: FloatArray
    weighted_from_nm: float = 380.0

    def weighted_radiance_w_m2_sr(self, luminance_cd_m2: npt.ArrayLike) -> FloatArray:
        """Blue-light weighted radiance L_B = K_B,v · L_v [W·m⁻²·sr⁻¹] from a luminance [cd/m²]."""
        out: FloatArray = self.kbv_w_per_lm * np.asarray(luminance_cd_m2, dtype=np.float64)
        return out

    def weighted_irradiance_w_m2(self, illuminance_lx: npt.ArrayLike) -> FloatArray:
        """Blue-light weighted irradiance E_B = K_B,v · E_v [W/m²] from an illuminance [lx]."""
        out: FloatArray = self.kbv_w_per_lm * np.asarray(illuminance_lx, dtype=np.float64)
        return out


def blue_light(
    wavelength_nm: npt.ArrayLike, spd: npt.ArrayLike, *, source: str | None = None
) -> BlueLight:
    """Compute the blue-light hazard efficacy K_B,v of spectra (IEC TR 62778).

    Parameters
    ----------
    wavelength_nm
        Wavelengths, shape (n,), covering at least 380-780 nm [nm].
    spd
        Spectra (any unit; K_B,v is a ratio), shape (..., n).
    source
        File name for error messages.

    Returns
    -------
    BlueLight
        ``kbv_w_per_lm`` over the leading axes; multiply by a luminance for L_B.

    Raises
    ------
    luxcheck.errors.InputError
        Invalid spectra (see :func:`luxcheck.kernels.colorimetry.resample_spectra`), or a spectrum
        with
        no visible light (V-weighted sum zero).
    """
    v, b, _, start = _weighted(wavelength_nm, spd, source)
    if np.any(v <= 0):
        raise InputError(
            "a spectrum has no visible light (photopic sum 0); K_B,v undefined", source=source
        )
    return BlueLight(b / (K_M_LM_PER_W * v), start)


def risk_group(l_b_w_m2_sr: npt.ArrayLike, limits_w_m2_sr: Mapping[str, float]) -> StrArray:
    """Blue-light risk group from the weighted radiance, with the limits as data.

    Parameters
    ----------
    l_b_w_m2_sr
        Blue-light weighted radiance L_B [W·m⁻²·sr⁻¹], any shape.
    limits_w_m2_sr
        Upper limits of RG0, RG1 and RG2 (a value equal to a limit is inside that group), as
        given by the standards pack for IEC 62471 (the caller passes the pack's numbers; this
        module holds none).

    Returns
    -------
    numpy.ndarray
        'RG0' … 'RG3' per element; 'not-measured' where L_B is NaN.

    Raises
    ------
    luxcheck.errors.InputError
        Missing, non-positive, non-finite or non-increasing limits, or negative radiance.
    """
    try:
        limits = np.array([float(limits_w_m2_sr[g]) for g in RISK_GROUPS[:3]])
    except KeyError as exc:
        raise InputError(f"risk-group limits must give RG0, RG1 and RG2; missing {exc}") from exc
    if not np.all(np.isfinite(limits)) or np.any(limits <= 0) or np.any(np.diff(limits) <= 0):
        raise InputError(
            f"risk-group limits must be positive and increasing, got {limits.tolist()}"
        )
    lb = np.asarray(l_b_w_m2_sr, dtype=np.float64)
    if np.any(lb < 0):
        raise InputError("blue-light weighted radiance must not be negative")
    group = np.searchsorted(limits, np.nan_to_num(lb, nan=0.0), side="left")
    out = np.asarray(RISK_GROUPS)[group]
    return np.where(np.isnan(lb), "not-measured", out)


def luminance_boundary_cd_m2(kbv_w_per_lm: npt.ArrayLike, limit_w_m2_sr: float) -> FloatArray:
    """Luminance at which L_B reaches a radiance limit: L = limit / K_B,v [cd/m²] (TR 62778).

    With the pack's RG0 limit this is the largest luminance for which a source stays RG0.
    """
    out: FloatArray = float(limit_w_m2_sr) / np.asarray(kbv_w_per_lm, dtype=np.float64)
    return out


@dataclass(frozen=True)
class Melanopic:
    """CIE S 026 melanopic quantities (arrays over the leading axes).

    Attributes
    ----------
    k_mel_v_w_per_lm
        Melanopic efficacy of luminous radiation K_mel,v [W/lm].
    der
        Melanopic daylight (D65) efficacy ratio mel-DER [1].
    edi_lx
        Melanopic equivalent daylight (D65) illuminance [lx]; NaN when no illuminance is known.
    reason
        Why ``edi_lx`` is NaN, a :class:`~luxcheck.messages.Message` (None where it is given).
    """

    k_mel_v_w_per_lm: FloatArray
    der: FloatArray
    edi_lx: FloatArray
    reason: npt.NDArray[np.object_]


def melanopic(
    wavelength_nm: npt.ArrayLike,
    spd: npt.ArrayLike,
    illuminance_lx: npt.ArrayLike | None = None,
    *,
    spectral_irradiance: bool = False,
    source: str | None = None,
) -> Melanopic:
    """Melanopic DER and EDI (CIE S 026:2018).

    Parameters
    ----------
    wavelength_nm
        Wavelengths, covering at least 380-780 nm [nm].
    spd
        Spectra, shape (..., n).
    illuminance_lx
        Measured illuminance E_v [lx] for mel-EDI (broadcast over the leading axes).
    spectral_irradiance
        When True and no illuminance is given, ``spd`` is spectral irradiance in
        W·m⁻²·nm⁻¹ and E_v = 683 Σ S V Δλ is taken from it.
    source
        File name for error messages.

    Returns
    -------
    Melanopic
        K_mel,v, mel-DER and mel-EDI (NaN with a reason when no illuminance is known).
    """
    v, _, mel, _ = _weighted(wavelength_nm, spd, source)
    if np.any(v <= 0):
        raise InputError(
            "a spectrum has no visible light (photopic sum 0); mel-DER undefined", source=source
        )
    k_mel = mel / (K_M_LM_PER_W * v)
    der = k_mel / K_MEL_D65_W_PER_LM
    if illuminance_lx is not None:
        ev = np.broadcast_to(np.asarray(illuminance_lx, dtype=np.float64), der.shape)
        if np.any(ev < 0) or not np.all(np.isfinite(ev)):
            raise InputError("illuminance must be a finite, non-negative number [lx]")
        edi = der * ev
        reason = np.full(der.shape, None, dtype=object)
    elif spectral_irradiance:
        edi = der * K_M_LM_PER_W * v
        reason = np.full(der.shape, None, dtype=object)
    else:
        edi = np.full(der.shape, np.nan)
        reason = np.full(der.shape, None, dtype=object)
        reason.fill(Message(_n("illuminance not known (relative spectrum)")))
    return Melanopic(k_mel, der, edi, reason)
