"""``luxcheck verify REPORT [--trust CERT] [--lab FILE] [--campaign FILE]``.

Without the campaign file: the laboratory's signature (HTML: over the visible content; PDF:
PAdES over the whole file), who signed, and whether that certificate is trusted. With
``--campaign``: also the SHA-256 of the classroom's raw readings, and the results recomputed
from the stored readings compared item by item with the report. Exit 0 only when everything
checked holds, 1 with the reasons otherwise, 2 for input that cannot be read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from luxcheck.cli.campaign_file import open_campaign
from luxcheck.errors import EXIT_CHECK_FAILED, EXIT_OK, InputError
from luxcheck.lab import LabProfile, load_lab_profile, resolve_lab_path
from luxcheck.report.provenance import read_provenance, stated_campaign, verify_report
from luxcheck.report.readout import pdf_text
from luxcheck.report.recompute import ShownReport, compare_with_campaign
from luxcheck.report.verification import (
    SignatureCheck,
    SignatureError,
    Trust,
    check_signature,
    describe,
    load_trust,
)

#: How many differing items verify lists (the count says how many there are).
_SHOWN = 20


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` command."""
    parser = sub.add_parser(
        "verify",
        help="check a report's laboratory signature (and, with --campaign, its results)",
        description="Check the laboratory's signature on a classroom report (HTML: the text a "
        "reader sees; PDF: the whole file), say who signed and whether that certificate is "
        "trusted. With --campaign, also recompute the results from the stored readings and "
        "compare them item by item with the report. Exit 0 if everything checked holds, 1 if "
        "not, 2 if an input cannot be read.",
    )
    parser.add_argument("report", type=Path, help="classroom report (HTML or PDF)")
    parser.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="CERT",
        help="trust this certificate (PEM or DER file) or SHA-256 fingerprint; repeatable",
    )
    parser.add_argument(
        "--lab",
        default=None,
        help="laboratory profile whose certificate and trusted_fingerprints to trust "
        "(default: $LUXCHECK_LAB)",
    )
    parser.add_argument("--campaign", type=Path, default=None, help="campaign file")
    parser.set_defaults(func=run)


def _trust(args: argparse.Namespace) -> Trust:
    items = list(args.trust)
    pinned: tuple[str, ...] = ()
    lab_path = resolve_lab_path(args.lab)
    if lab_path is not None:
        lab = load_lab_profile(lab_path)
        if lab.signing is not None:
            pinned = lab.signing.trusted_fingerprints
            if lab.signing.certificate is not None:
                items.append(str(lab.signing.certificate))
    return load_trust(items, pinned)


def run(args: argparse.Namespace) -> int:
    """Run ``luxcheck verify``."""
    trust = _trust(args)
    try:
        check = check_signature(args.report, trust)
    except SignatureError as exc:
        kind = "PDF" if args.report.read_bytes()[:4] == b"%PDF" else "HTML"
        check = SignatureCheck(kind, problems=[str(exc)])
    extra: list[str] = []
    campaign_lines: list[str] = []
    if args.campaign is not None:
        lab_path = resolve_lab_path(args.lab)
        lab = load_lab_profile(lab_path) if lab_path is not None else None
        extra, campaign_lines = _campaign(args.report, args.campaign, check, lab)
    print(describe(check, extra))
    for line in campaign_lines:
        print(f"  {line}")
    return EXIT_OK if check.ok and not extra else EXIT_CHECK_FAILED


def _campaign(
    report: Path, campaign: Path, check: SignatureCheck, lab: LabProfile | None
) -> tuple[list[str], list[str]]:
    """Problems and findings of the check against the campaign file."""
    problems: list[str] = []
    findings: list[str] = []
    with open_campaign(campaign) as store:
        try:
            page = stated_campaign(report)
            if page is not None:
                return _summary(page, store.campaign.campaign_id), findings
            stated = read_provenance(report)
        except InputError as exc:  # an HTML or PDF report whose provenance is gone or altered
            return [f"campaign: {exc.message}"], findings
        digest = verify_report(report, store)
        (findings if digest.ok else problems).append(f"campaign: {digest.message}")
        if not digest.ok and stated.campaign_id != store.campaign.campaign_id:
            return problems, findings
        hints = check.statement.hints if check.statement is not None else {}
        data = report.read_bytes()
        if check.kind == "PDF":
            try:
                shown = ShownReport("PDF", pdf_text(data, str(report)))
            except InputError as exc:
                return [*problems, f"campaign: {exc.message}"], findings
        else:  # what the reader sees now (a damaged byte reads as U+FFFD, as in the check)
            shown = ShownReport("HTML", data.decode("utf-8", errors="replace"))
        result = compare_with_campaign(shown, store, stated, hints, lab)
    if result.ok:
        findings.append(
            f"campaign: OK: the {result.cells} table cells and {result.lines} other lines of "
            "the report match the results recomputed from the campaign file"
        )
    else:
        count = len(result.problems)
        problems.append(
            f"campaign: {count} {'item differs' if count == 1 else 'items differ'} from the "
            "results recomputed from the campaign file (item, cell: what each says):"
        )
        problems += [f"campaign: {p}" for p in result.problems[:_SHOWN]]
        if len(result.problems) > _SHOWN:
            problems.append(f"campaign: … and {len(result.problems) - _SHOWN} more")
    return problems, findings


def _summary(page: tuple[str, str], campaign_id: str) -> list[str]:
    """A school summary or the dashboard given with ``--campaign``: which classrooms it lists
    depends on how the laboratory rendered the campaign, so it is not recomputed; its
    signature is what holds it (each classroom report it lists is verified on its own)."""
    stated, kind = page
    if stated != campaign_id:
        return [f"campaign: the {kind} is of campaign {stated!r}, the file of {campaign_id!r}"]
    return [
        f"campaign: a {kind} is not compared item by item with the campaign file (only "
        "classroom reports are); its signature is checked above, and each classroom report "
        "it lists can be verified with --campaign"
    ]
