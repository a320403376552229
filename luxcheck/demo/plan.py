"""The synthetic campaign behind ``luxcheck demo``: schools, classrooms and what is wrong with them.

Each classroom gets a geometry, an installation (:class:`luxcheck.demo.simulate.Lighting`), a light
source (CCT, colour quality, flicker behaviour, efficacy) and, with realistic probabilities, the
defects that acceptance tests find in retrofitted classrooms: a badly aimed blackboard lamp, a
100 Hz ripple driver, a cold CCT, a low-R9 LED, a glaring luminaire, too much installed power,
too little light, and items the inspector could not measure. The plan is seeded, so the same
seed gives the same campaign.

The plan describes the *installation*; what the campaign store ends up holding is what the
simulated inspectors measured through the (emulated) meters. Nothing downstream reads the plan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from luxcheck.demo.simulate import Lighting
from luxcheck.model import Classroom, School

#: Probability of each defect in a classroom (independent draws). Shares in the range reported
#: for retrofit acceptance in practice: a few percent to about ten percent each.
DEFECT_RATES: dict[str, float] = {
    "board-uniformity": 0.09,
    "flicker-100hz": 0.07,
    "cct-out-of-range": 0.05,
    "low-r9": 0.08,
    "glare": 0.05,
    "power-density": 0.05,
    "low-illuminance": 0.05,
    "unmeasured": 0.03,
}

_DISTRICTS = [
    "玄武区",
    "秦淮区",
    "建邺区",
    "鼓楼区",
    "浦口区",
    "栖霞区",
    "雨花台区",
    "江宁区",
    "六合区",
    "溧水区",
    "高淳区",
]
_SCHOOL_KINDS = ["小学", "中学", "实验学校", "初级中学", "外国语学校"]
_SCHOOL_NAMES = [
    "长江路",
    "北京东路",
    "力学",
    "金陵",
    "游府西街",
    "琅琊路",
    "南湖",
    "夫子庙",
    "中华路",
    "汉口路",
    "银城",
    "龙江",
    "天妃宫",
    "莫愁湖",
    "仙林",
    "燕子矶",
    "梅园",
    "雨花",
    "江浦",
    "东山",
    "秣陵",
    "百家湖",
    "竹山",
    "永宁",
    "石湫",
    "淳溪",
    "固城",
    "双塘",
    "五老村",
    "成贤街",
    "火瓦巷",
    "芳草园",
    "瑞金路",
    "科利华",
    "拉萨路",
    "赤壁路",
    "宇花",
    "月苑",
    "朝天宫",
    "红山",
    "迈皋桥",
    "尧化门",
    "仙鹤门",
    "晓庄",
]


@dataclass(frozen=True)
class LightSource:
    """The light source of a room's luminaires, as the spectrometer and flicker sensor see it."""

    cct_K: float
    colour_quality: float  # 0 (poor, Ra ~ 70, R9 < 0) … 1 (excellent, Ra > 95, R9 > 80)
    flicker_frequency_hz: float  # 0 for a DC driver
    flicker_percent: float
    efficacy_lm_per_w: float


@dataclass(frozen=True)
class RoomPlan:
    """One classroom of the synthetic campaign: where it is, what is installed, what is wrong."""

    school: School
    classroom: Classroom
    lighting: Lighting
    source: LightSource
    board_source: LightSource
    defects: tuple[str, ...] = ()
    unmeasured: tuple[str, ...] = ()
    seed: int = 0
    notes: tuple[str, ...] = field(default=())


def _schools(n_schools: int, rng: np.random.Generator) -> list[School]:
    names = rng.permutation(_SCHOOL_NAMES)
    schools = []
    for i in range(n_schools):
        base = names[i % len(names)]
        kind = _SCHOOL_KINDS[int(rng.integers(len(_SCHOOL_KINDS)))]
        suffix = "" if i < len(names) else f"第{i // len(names) + 1}分校"
        district = _DISTRICTS[int(rng.integers(len(_DISTRICTS)))]
        schools.append(
            School(
                f"S{i + 1:03d}",
                f"南京市{base}{kind}{suffix}",
                district,
                f"{district}{base}{int(rng.integers(1, 300))}号",
            )
        )
    return schools


def _classroom(school: School, index: int, rng: np.random.Generator) -> Classroom:
    room_type = str(
        rng.choice(
            ["ordinary", "art", "computer", "laboratory", "multimedia"],
            p=[0.82, 0.05, 0.05, 0.05, 0.03],
        )
    )
    length = round(float(rng.uniform(8.4, 9.9)), 2)
    width = round(float(rng.uniform(6.6, 7.8)), 2)
    height = round(float(rng.uniform(3.2, 3.9)), 2)
    front = round(float(rng.uniform(2.0, 2.5)), 2)
    back = round(length - float(rng.uniform(0.5, 0.9)), 2)
    rows_y = 4 if room_type in ("art", "computer") or rng.random() < 0.2 else 3
    floor = int(rng.integers(1, 6))
    return Classroom(
        classroom_id=f"{school.school_id}-{floor}{index:02d}",
        school_id=school.school_id,
        name=f"{floor}{index:02d} 教室",
        room_type=room_type,  # type: ignore[arg-type]
        length_m=length,
        width_m=width,
        height_m=height,
        desk_rows=int(rng.integers(6, 9)),
        desk_front_m=front,
        desk_back_m=back,
        desk_height_m=0.76,
        board_width_m=round(float(rng.choice([3.6, 4.0, 4.2])), 1),
        board_height_m=1.2,
        board_bottom_m=round(float(rng.uniform(0.85, 1.0)), 2),
        luminaire_count=3 * rows_y,
        luminaire_rows=rows_y,
        luminaire_columns=3,
        board_luminaire_count=2 if rng.random() < 0.7 else 3,
        luminaire_mounting_height_m=round(height - float(rng.uniform(0.45, 0.8)), 2),
        installed_power_w=None,
        building=str(rng.choice(["教学楼 A", "教学楼 B", "综合楼", "实验楼"])),
        floor=str(floor),
    )


#: Length of the simulated grille luminaires' luminous opening [m] (1200 mm luminaires).
LUMINOUS_LENGTH_M = 1.2


def plan_campaign(
    n_classrooms: int = 1000, seed: int = 2026, rooms_per_school: float = 25.0
) -> list[RoomPlan]:
    """Plan a synthetic campaign of ``n_classrooms`` in about ``n / rooms_per_school`` schools."""
    if n_classrooms < 1:
        raise ValueError("n_classrooms must be at least 1")
    rng = np.random.default_rng(seed)
    n_schools = max(1, round(n_classrooms / rooms_per_school))
    schools = _schools(n_schools, rng)
    # spread classrooms over schools unevenly, as real schools differ in size
    weights = rng.uniform(0.5, 1.5, n_schools)
    counts = np.floor(weights / weights.sum() * n_classrooms).astype(int)
    counts = np.maximum(counts, 1)
    while counts.sum() < n_classrooms:
        counts[int(rng.integers(n_schools))] += 1
    while counts.sum() > n_classrooms:
        counts[int(np.argmax(counts))] -= 1
    plans = []
    for school, count in zip(schools, counts, strict=True):
        for index in range(1, count + 1):
            plans.append(_room_plan(school, index, rng))
    return plans


def _room_plan(school: School, index: int, rng: np.random.Generator) -> RoomPlan:
    room = _classroom(school, index, rng)
    bright = room.room_type in ("art", "computer")
    flux = float(rng.normal(5200.0 if bright else 3600.0, 200.0))
    lighting = Lighting(
        luminaire_flux_lm=flux,
        distribution_exponent=float(rng.uniform(2.2, 3.0)),
        board_lamp_flux_lm=float(rng.normal(7600.0, 300.0)) / room.board_luminaire_count,
        board_lamp_distance_m=float(rng.uniform(0.9, 0.99)),
        board_lamp_above_top_m=float(rng.uniform(0.1, 0.2)),
        board_aim_deg=float(rng.normal(57.0, 1.0)),
        luminous_area_m2=float(rng.uniform(0.16, 0.22)),
    )
    source = LightSource(
        cct_K=float(rng.uniform(4000.0, 5000.0)),
        colour_quality=float(rng.uniform(0.42, 0.95)),
        flicker_frequency_hz=0.0 if rng.random() < 0.6 else 100.0,
        flicker_percent=float(rng.uniform(0.3, 2.0)),
        efficacy_lm_per_w=float(rng.uniform(80.0, 105.0)),
    )
    board_source = dataclasses.replace(source, cct_K=float(rng.uniform(4000.0, 5000.0)))
    defects = tuple(name for name, rate in DEFECT_RATES.items() if rng.random() < rate)
    unmeasured: tuple[str, ...] = ()
    for defect in defects:
        if defect == "board-uniformity":
            # lamps aimed too steeply with a narrow beam: the lower board stays dim
            lighting = dataclasses.replace(
                lighting,
                board_aim_deg=float(rng.uniform(68.0, 76.0)),
                board_beam_exponent=6.0,
            )
        elif defect == "flicker-100hz":
            source = dataclasses.replace(
                source, flicker_frequency_hz=100.0, flicker_percent=float(rng.uniform(6.0, 30.0))
            )
        elif defect == "cct-out-of-range":
            source = dataclasses.replace(source, cct_K=float(rng.uniform(5600.0, 6500.0)))
        elif defect == "low-r9":
            source = dataclasses.replace(source, colour_quality=float(rng.uniform(0.22, 0.33)))
        elif defect == "glare":
            lighting = dataclasses.replace(
                lighting, luminous_area_m2=float(rng.uniform(0.03, 0.05)), distribution_exponent=1.2
            )
        elif defect == "power-density":
            source = dataclasses.replace(source, efficacy_lm_per_w=float(rng.uniform(32.0, 42.0)))
        elif defect == "low-illuminance":
            lighting = dataclasses.replace(lighting, luminaire_flux_lm=flux * 0.55)
        elif defect == "unmeasured":
            unmeasured = (str(rng.choice(["spectrum", "waveform", "board"])),)
    # the classroom record states the luminous opening the simulated luminaires have (1.2 m
    # long; the width gives the simulated area), as an inspector copies it from the data sheet,
    # and the retrofit's LED luminaires with the risk group of their (fictitious) IEC 62471
    # test reports
    room = dataclasses.replace(
        room,
        luminaire_luminous_length_m=LUMINOUS_LENGTH_M,
        luminaire_luminous_width_m=round(lighting.luminous_area_m2 / LUMINOUS_LENGTH_M, 4),
        luminaire_technology="led",
        luminaire_risk_group="RG0",
        board_luminaire_risk_group="RG0",
    )
    return RoomPlan(
        school,
        room,
        lighting,
        source,
        board_source,
        defects,
        unmeasured,
        seed=int(rng.integers(2**31)),
    )
