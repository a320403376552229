"""``luxcheck standards list | show ID | validate FILE``: inspect and check standards packs.

- ``list``: every pack and profile (bundled, plus ``--standards-dir``).
- ``show ID [--lang zh|en]``: a profile's or a pack's full table of limits, each with its
  standard, clause, obligation and confidence; for a profile also its acceptance policy and
  decision rule.
- ``validate FILE``: check one pack or profile file strictly (exit 2 with the file, line and
  key of the first problem). A profile's packs are looked up among the bundled packs and
  those in ``--standards-dir``.
"""

from __future__ import annotations

import argparse
import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from luxcheck.compliance.packs import Registry, check_profile_references, load_registry
from luxcheck.compliance.schema import Limit, LoadedFile, Standard, load_file, normalise_id
from luxcheck.errors import EXIT_OK, InputError
from luxcheck.i18n import LANGUAGES, authored, gettext_for
from luxcheck.kernels.piecewise import PiecewiseLinear
from luxcheck.messages import _n
from luxcheck.report.format import Formatter
from luxcheck.vocabulary import METRICS

#: The column heads of a table of limits (msgids, translated when printed).
_HEAD = (_n("id"), _n("metric"), _n("limit"), _n("rooms"), _n("obligation"), _n("clause"),
         _n("confidence"))  # fmt: skip


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``standards`` command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--standards-dir",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="folder with extra packs (*.toml) and profiles (profiles/*.toml)",
    )
    parser = sub.add_parser(
        "standards",
        help="list, show or validate standards packs and profiles",
        description="luxcheck standards list | show ID [--lang zh|en] | validate FILE",
    )
    parser.add_argument(
        "--standards-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder with extra packs (*.toml) and profiles (profiles/*.toml)",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    lst = actions.add_parser("list", parents=[common], help="list packs and profiles")
    lst.add_argument(
        "--lang", choices=sorted(LANGUAGES), default="zh", help="language (default zh)"
    )
    lst.set_defaults(func=_list)

    show = actions.add_parser(
        "show", parents=[common], help="print every limit of a profile or pack with its clause"
    )
    show.add_argument("id", help="profile id (cn-classroom, …) or pack slug / id")
    show.add_argument(
        "--lang", choices=sorted(LANGUAGES), default="zh", help="language (default zh)"
    )
    show.set_defaults(func=_show)

    val = actions.add_parser("validate", parents=[common], help="check a pack or profile file")
    val.add_argument("file", type=Path, help="a pack or profile TOML file")
    val.set_defaults(func=_validate)


# --------------------------------------------------------------------------- text layout
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:g}"


def function_bands(fn: PiecewiseLinear, unit: str, lang: str = "zh") -> list[str]:
    """A piecewise-linear limit as the bands of a standard's table, e.g. for GB 40070:
    ``f ≤ 10: 0.1 %``, ``10 < f ≤ 90: 0.01·f %``, …, ``f > 3125: 不限`` (no limit)."""
    xs, ys = fn.x, fn.y
    segments = [(i, i + 1) for i in range(len(xs) - 1) if xs[i + 1] > xs[i]]
    out = []
    lt = "<" if fn.step_side == "left" else "≤"
    for n, (i, j) in enumerate(segments):
        x0, x1, y0, y1 = xs[i], xs[j], ys[i], ys[j]
        last = n == len(segments) - 1
        upper = "≤" if fn.step_side == "left" or last else "<"
        band = f"f {upper} {_num(x1)}" if n == 0 else f"{_num(x0)} {lt} f {upper} {_num(x1)}"
        if y0 == y1:
            value = _num(y0)
        elif (x0 == 0.0 and y0 == 0.0) or (x0 > 0 and math.isclose(y0 / x0, y1 / x1)):
            value = f"{y1 / x1:.6g}·f"
        else:
            value = f"{_num(y0)}→{_num(y1)}"
        out.append(f"{band}: {value} {unit}".rstrip())
    _ = gettext_for(lang)
    beyond = _("no limit") if fn.beyond == "no-limit" else _num(ys[-1])
    out.append(f"f > {_num(xs[-1])}: {beyond}")
    return out


def limit_text(limit: Limit, lang: str = "zh") -> str:
    """The limit as printed in tables, e.g. ``≥ 300 lx``, ``3300–5300 K``, ``∈ {RG0, RG1}``."""
    unit = f" {limit.unit}" if limit.unit not in ("", "1") else ""
    symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
    if limit.comparator == "range":
        assert limit.min is not None
        assert limit.max is not None
        return f"{_num(limit.min)}–{_num(limit.max)}{unit}"
    if limit.comparator == "in":
        return "∈ {" + ", ".join(limit.allowed) + "}"
    if limit.function is not None:
        fn = limit.function
        name = Formatter(lang).metric_name(fn.of)
        return (
            f"{symbol[limit.comparator]} g(f), f = {name} [{METRICS[fn.of].unit}]: "
            f"{'; '.join(function_bands(fn, limit.unit, lang))}"
        )
    assert limit.value is not None
    _ = gettext_for(lang)
    maintained = f" ({_('maintained value')})" if limit.maintained else ""
    return f"{symbol[limit.comparator]} {_num(limit.value)}{unit}{maintained}"


def _limit_rows(limits: Sequence[Limit], lang: str) -> list[list[str]]:
    fmt = Formatter(lang)
    _ = gettext_for(lang)
    rows = [[_(head) for head in _HEAD]]
    for lim in limits:
        rooms = ", ".join(
            _("All rooms") if r == "any" else fmt.room_type(r) for r in lim.room_types
        )
        rows.append(
            [
                lim.id,
                fmt.metric_name(lim.metric),
                limit_text(lim, lang),
                rooms,
                fmt.obligation(lim.obligation),
                f"{lim.standard_id} {authored(lang, lim.clause_zh, lim.clause)}",
                fmt.confidence(lim.confidence),
            ]
        )
    return rows


def _standard_header(std: Standard, lang: str) -> list[str]:
    title = authored(lang, std.title_zh, std.title)
    out = [f"{std.id}  {title}  ({std.status}; {std.path.name})"]
    mf = std.maintenance_factor
    if mf is not None:
        clause = authored(lang, mf.clause_zh, mf.clause)
        _ = gettext_for(lang)
        label = _("maintenance factor")
        confidence = Formatter(lang).confidence(mf.confidence)
        out.append(f"  {label} MF = {_num(mf.value)} ({clause}; {confidence})")
    return out


# --------------------------------------------------------------------------- commands
def _registry(args: argparse.Namespace) -> Registry:
    return load_registry(args.standards_dir)


def _list(args: argparse.Namespace) -> int:
    reg = _registry(args)
    _ = gettext_for(args.lang)
    rows = [[_("pack"), _("id"), _("limits"), ""]]
    for std in sorted(reg.standards.values(), key=lambda s: s.slug):
        title = authored(args.lang, std.title_zh, std.title)
        rows.append([std.slug, std.id, str(len(std.limit_ids)), title])
    print(_table(rows))
    print()
    rows = [[_("profile"), _("packs"), _("limits"), ""]]
    for prof in sorted(reg.profiles.values(), key=lambda p: p.id):
        title = authored(args.lang, prof.title_zh, prof.title)
        packs = ", ".join(reg.standard(i.pack).id for i in prof.includes)
        rows.append([prof.id, packs, str(len(reg.profile_limits(prof))), title])
    print(_table(rows))
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    reg = _registry(args)
    lang = args.lang
    key = normalise_id(args.id)
    if f"profile:{key}" in reg.index:
        prof = reg.profile(args.id)
        title = authored(lang, prof.title_zh, prof.title)
        print(f"{prof.id}  {title}")
        policy = reg.acceptance(prof)
        _ = gettext_for(lang)
        print(f"{_('Acceptance policy')}: {policy.policy} — {policy.describe().render(_)}")
        print(f"{_('Decision rule')}: {prof.decision.rule} — {prof.decision.describe().render(_)}")
        limits = reg.profile_limits(prof)
        for inc in prof.includes:
            std = reg.standard(inc.pack)
            print()
            print("\n".join(_standard_header(std, lang)))
            print(_table(_limit_rows([lim for lim in limits if lim.standard == std.slug], lang)))
        return EXIT_OK
    if f"pack:{key}" in reg.index:
        std = reg.standard(args.id)
        print("\n".join(_standard_header(std, lang)))
        print(_table(_limit_rows([reg.limits[i] for i in std.limit_ids], lang)))
        return EXIT_OK
    if f"limit:{key}" in reg.index:
        lim = reg.limit(args.id)
        print(_table(_limit_rows([lim], lang)))
        print(f"basis: {lim.basis}")
        return EXIT_OK
    raise InputError(
        f"unknown profile, pack or limit {args.id!r}: profiles are "
        f"{', '.join(sorted(reg.profiles))}; packs are {', '.join(sorted(reg.standards))}",
        column="ID",
    )


def _check_ids_are_free(reg: Registry, loaded: LoadedFile) -> None:
    """A pack's slug and limit ids must not be taken by another loaded file."""
    assert loaded.standard is not None
    here = loaded.path.resolve()
    names = [("pack", loaded.standard.slug, "standard.slug")]
    names += [("limit", lim.id, f"limit[{i}] ({lim.id}).id") for i, lim in enumerate(loaded.limits)]
    for kind, name, key in names:
        owner = reg.index.get(f"{kind}:{normalise_id(name)}")
        if owner is None:
            continue
        slug = owner if kind == "pack" else reg.limits[owner].standard
        other = reg.standards[slug].path
        if other.resolve() != here:
            raise InputError(
                f"{kind} id {name!r} is already used by {other}",
                source=str(loaded.path),
                column=key,
            )


def _validate(args: argparse.Namespace) -> int:
    path: Path = args.file
    loaded = load_file(path)
    if loaded.standard is not None:
        std = loaded.standard
        _check_ids_are_free(load_registry(args.standards_dir), loaded)
        print(f"ok: {path}: pack {std.id} ({std.slug}) with {len(loaded.limits)} limits")
        return EXIT_OK
    assert loaded.profile is not None
    # a profile's packs: the bundled ones and those in --standards-dir
    reg = load_registry(args.standards_dir)
    check_profile_references(reg, loaded.profile)
    prof = loaded.profile
    n = sum(
        len(inc.limits or [i for i in reg.standard(inc.pack).limit_ids if i not in inc.exclude])
        for inc in prof.includes
    )
    print(f"ok: {path}: profile {prof.id} with {len(prof.includes)} packs, {n} limits")
    return EXIT_OK
