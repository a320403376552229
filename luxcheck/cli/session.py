"""``luxcheck session list|void``: the measurement sessions of a campaign, and withdrawing one.

Examples::

    luxcheck session list nj2026.lux --classroom S001-101
    luxcheck session void nj2026.lux S001-101-20261203T101500 \\
        --reason "lux meter out of calibration" --by 张明
    luxcheck session void nj2026.lux S001-101-20261203T101500 --undo \\
        --reason "calibration certificate found valid" --by 张明

A void withdraws a whole session: its readings stay in the file, the analysis no longer uses
them (for each quantity the latest valid session that measured it counts, see the README's "How
results are decided"); re-run ``luxcheck analyse`` and ``luxcheck report``. A void is undone by
another record (``--undo``); both are kept, with who, when and why, for the auditor.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from luxcheck.acquire.holds import SessionRow, session_rows, void_session
from luxcheck.cli.campaign_file import open_campaign
from luxcheck.errors import EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``session`` command."""
    parser = sub.add_parser(
        "session",
        help="list the measurement sessions of a campaign; withdraw (void) one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    listing = actions.add_parser(
        "list",
        help="sessions with classroom, inspector, start/end, kind, readings and state",
    )
    listing.add_argument("campaign", type=Path, help="campaign file")
    listing.add_argument("--classroom", help="only this classroom's sessions")
    listing.add_argument("--json", action="store_true", help="one JSON object per session")
    listing.set_defaults(func=_list)

    void = actions.add_parser(
        "void", help="withdraw a whole session (append-only; --undo undoes a withdrawal)"
    )
    void.add_argument("campaign", type=Path, help="campaign file")
    void.add_argument("session", help="session id (see 'luxcheck session list')")
    void.add_argument("--reason", required=True, help="why (kept for the auditor)")
    void.add_argument("--by", required=True, help="who withdraws it")
    void.add_argument("--undo", action="store_true", help="undo the session's withdrawal")
    void.set_defaults(func=_void)


def _when(row: SessionRow) -> tuple[str, str]:
    start = row.session.started_at
    if row.ended_at is None:
        return f"{start:%Y-%m-%d %H:%M}", ""
    end = row.ended_at.astimezone(start.tzinfo)
    same_day = end.date() == start.date()
    return f"{start:%Y-%m-%d %H:%M}", f"{end:%H:%M}" if same_day else f"{end:%Y-%m-%d %H:%M}"


def _state(row: SessionRow) -> str:
    if row.void is not None:
        return f"void ({row.void.by}, {row.void.at:%Y-%m-%d}: {row.void.reason})"
    if row.holder:
        return f"{row.state} ({row.holder})"
    return row.state


def _list(args: argparse.Namespace) -> int:
    with open_campaign(args.campaign) as store:
        if args.classroom is not None:
            store.classroom(args.classroom)  # an unknown classroom is an error, not an empty list
        rows = session_rows(store, args.classroom)
    if args.json:
        for row in rows:
            s = row.session
            print(
                json.dumps(
                    {
                        "session_id": s.session_id,
                        "classroom_id": s.classroom_id,
                        "inspector": s.inspector,
                        "started_at": s.started_at.isoformat(),
                        "ended_at": row.ended_at.isoformat() if row.ended_at else None,
                        "kind": s.kind,
                        "retest_reason": s.retest_reason,
                        "readings": row.readings,
                        "state": row.state,
                        "holder": row.holder,
                        "void_reason": row.void.reason if row.void else None,
                        "void_by": row.void.by if row.void else None,
                    },
                    ensure_ascii=False,
                )
            )
        return EXIT_OK
    if not rows:
        print("no sessions" + (f" of classroom {args.classroom}" if args.classroom else ""))
        return EXIT_OK
    header = ("session", "classroom", "inspector", "start", "end", "kind", "readings", "state")
    table = [header]
    for row in rows:
        s = row.session
        kind = "re-test" + (f": {s.retest_reason}" if s.retest_reason else "")
        table.append(
            (
                s.session_id,
                s.classroom_id,
                s.inspector,
                *_when(row),
                kind if s.kind == "retest" else "first",
                str(row.readings),
                _state(row),
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header) - 1)]
    for line in table:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=False)) + "  " + line[-1])
    return EXIT_OK


def _void(args: argparse.Namespace) -> int:
    with open_campaign(args.campaign) as store:
        record = void_session(store, args.session, reason=args.reason, by=args.by, undo=args.undo)
        room = store.session(args.session)
    assert room is not None  # void_session refuses an unknown session
    done = "withdrawal undone" if args.undo else "withdrawn"
    print(
        f"session {record.session_id} (classroom {room.classroom_id}) {done}: {record.void_id} "
        f"by {record.by} at {record.at:%Y-%m-%d %H:%M} UTC ({record.reason}). "
        "Re-run 'luxcheck analyse' and 'luxcheck report' for the classroom's results."
    )
    return EXIT_OK
