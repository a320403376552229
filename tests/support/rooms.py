"""A classroom's metrics as the analysis hands them to the compliance engine."""

from __future__ import annotations

#: A classroom that meets every shall-requirement of cn-classroom (GB 7793-2010, GB/T 36876-2018,
#: GB 40070-2021, GB/T 50034-2024 and GB 55016-2021 values with room to spare).
GOOD: dict[str, float | str | None] = {
    "desk_illuminance_mean_lx": 420.0,
    "desk_uniformity": 0.75,
    "board_illuminance_mean_lx": 650.0,
    "board_uniformity": 0.85,
    "ugr": 16.0,
    "cri_ra": 92.0,
    "cri_r9": 40.0,
    "board_cri_ra": 92.0,
    "board_cri_r9": 30.0,
    "board_cct_K": 4800.0,
    "cct_K": 5000.0,
    "colour_consistency_sdcm": 1.5,
    "luminaire_height_above_desk_m": 1.9,
    "lpd_w_per_m2": 6.0,
    "board_luminaire_distance_min_m": 0.8,
    "board_luminaire_distance_max_m": 0.9,
    "board_luminaire_height_above_board_min_m": 0.15,
    "board_luminaire_height_above_board_max_m": 0.16,
    "flicker_frequency_hz": 100.0,
    "flicker_percent": 1.0,
    "board_flicker_frequency_hz": 100.0,
    "board_flicker_percent": 1.0,
    "flicker_pst_lm": 0.3,
    "flicker_svm": 0.4,
    "blue_light_risk_group": "RG0",
    "board_blue_light_risk_group": "RG1",
}
