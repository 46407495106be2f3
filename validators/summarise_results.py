#!/usr/bin/env python3
"""Summarise a run of ``run_dfe_validators.py`` as Markdown tables (standard library only).

Reads the results CSV and the per-return CSV the runner writes and prints:

* per rule: in how many returns it fires, children flagged in all, the largest share
  of a return's children it flags and where;
* per return: children, children flagged by any rule, the largest single-rule share;
* the rules over a threshold (issue 3: 2% of a return's children), with the known
  validator artefacts marked so that they are not mistaken for data faults.

Usage::

    python validators/summarise_results.py --results out.csv [--returns out.returns.csv] \
        [--threshold 2.0] [--injected truth/injected_faults.csv]

``--injected`` names the generator's planted faults (``la_code, return_year, CHILD``):
children flagged in the return of a planted fault or the next one (where the correction
shows) are counted apart, as injected on purpose, and not held against the threshold.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

VALIDATOR_ERROR = "VALIDATOR_ERROR"

# (validator, rule code) -> (collection years affected, why the validator flags valid
# data); see docs/validation.md. 2025 is the first return with SEX M/F and the only one
# checked by the 2024-25 ruleset.
# An empty set of years means every year.
ANY_YEAR: frozenset[str] = frozenset()
KNOWN_ARTEFACTS: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("ssda903", "1001"): (
        ANY_YEAR,
        "validator sees one previous year only; DfE checks the whole care history",
    ),
    ("ssda903", "1002"): (
        ANY_YEAR,
        "validator sees one previous year only; DfE checks the whole care history",
    ),
    ("ssda903", "202"): (
        frozenset({"2025"}),
        "compares SEX with last year's as text: 1/2 -> M/F looks like a change",
    ),
    ("ssda903", "146"): (
        frozenset({"2025"}),
        "2024-25 code list holds 'k3' in lower case: valid K3 placements flagged",
    ),
}


def artefact_note(validator: str, rule_code: str, year: str) -> str:
    """Why this rule's flags in this year are a validator artefact, or '' if they are not."""
    years, note = KNOWN_ARTEFACTS.get((validator, rule_code), (frozenset(), ""))
    return note if not years or year in years else ""


@dataclass
class RuleShare:
    """Children flagged by one rule in one return."""

    validator: str
    la_code: str
    year: str
    rule_code: str
    message: str
    flagged: int
    children: int
    injected: int = 0

    @property
    def pct(self) -> float:
        """Share of the return's children, in %."""
        return 100.0 * self.flagged / self.children if self.children else 0.0

    @property
    def pct_not_injected(self) -> float:
        """Share of the return's children flagged, planted faults left out, in %."""
        return 100.0 * (self.flagged - self.injected) / self.children if self.children else 0.0


Injected = frozenset[tuple[str, str, str]]  # (la_code, collection_year, child_id)


def read_injected(path: Path) -> Injected:
    """Planted faults as (LA, year, child) for their return and the next one."""
    out: set[tuple[str, str, str]] = set()
    for row in _read(path):
        year = int(row["return_year"])
        for y in (year, year + 1):
            out.add((row["la_code"], str(y), row["CHILD"]))
    return frozenset(out)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rule_shares(
    results: list[dict[str, str]],
    returns: list[dict[str, str]],
    injected: Injected = frozenset(),
) -> tuple[list[RuleShare], dict[tuple[str, str, str], set[str]]]:
    """Distinct children per rule per return, and the children flagged by any rule."""
    children = {
        (r["validator"], r["la_code"], r["collection_year"]): int(r["children"] or 0)
        for r in returns
    }
    flagged: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    messages: dict[tuple[str, str], str] = {}
    any_rule: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in results:
        if row["rule_code"] == VALIDATOR_ERROR or not row["child_id"]:
            continue
        key = (row["validator"], row["la_code"], row["collection_year"])
        flagged[(*key, row["rule_code"])].add(row["child_id"])
        any_rule[key].add(row["child_id"])
        messages[(row["validator"], row["rule_code"])] = row["rule_message"]
    shares = [
        RuleShare(
            validator,
            la,
            year,
            code,
            messages[(validator, code)],
            len(ids),
            children.get((validator, la, year), 0),
            sum(1 for i in ids if (la, year, i) in injected),
        )
        for (validator, la, year, code), ids in flagged.items()
    ]
    return shares, any_rule


def markdown(
    results_path: Path, returns_path: Path, threshold: float, injected: Injected = frozenset()
) -> str:
    """The Markdown report for one run."""
    results = _read(results_path)
    returns = _read(returns_path)
    shares, any_rule = rule_shares(results, returns, injected)
    lines: list[str] = []

    n_children = {
        v: sum(int(r["children"] or 0) for r in returns if r["validator"] == v)
        for v in ("ssda903", "cin_census")
    }
    errors = [r for r in results if r["rule_code"] == VALIDATOR_ERROR]
    lines.append(
        f"Returns validated: {len(returns)} "
        f"({sum(1 for r in returns if r['status'] == 'ok')} ok); children over all returns: "
        f"903 {n_children['ssda903']}, CIN {n_children['cin_census']}; "
        f"VALIDATOR_ERROR rows: {len(errors)}."
    )
    lines.append("")

    worst = max(shares, key=lambda s: s.pct, default=None)
    data = [s for s in shares if not artefact_note(s.validator, s.rule_code, s.year)]
    worst_data = max(data, key=lambda s: s.pct, default=None)
    for label, share in (("any rule", worst), ("any rule except known artefacts", worst_data)):
        if share is not None:
            lines.append(
                f"Max % of children flagged by {label}: **{share.pct:.1f}%** "
                f"({share.validator} rule {share.rule_code}, {share.la_code} {share.year}: "
                f"{share.flagged} of {share.children})."
            )
    worst_clean = max(data, key=lambda s: s.pct_not_injected, default=None)
    if injected and worst_clean is not None:
        lines.append(
            "Max % of children flagged by any rule except known artefacts and injected faults: "
            f"**{worst_clean.pct_not_injected:.1f}%** ({worst_clean.validator} rule "
            f"{worst_clean.rule_code}, {worst_clean.la_code} {worst_clean.year}: "
            f"{worst_clean.flagged - worst_clean.injected} of {worst_clean.children})."
        )
    lines.append("")

    by_rule: dict[tuple[str, str], list[RuleShare]] = defaultdict(list)
    for share in shares:
        by_rule[(share.validator, share.rule_code)].append(share)
    lines.append(
        "| validator | rule | message | returns | children flagged | % of all children "
        "| max % | where (max) | of which injected | returns over threshold "
        "(artefacts and injected excluded) | note |"
    )
    lines.append("|---|---|---|---:|---:|---:|---:|---|---:|---:|---|")
    ordered = sorted(by_rule.items(), key=lambda item: -max(s.pct for s in item[1]))
    for (validator, code), items in ordered:
        top = max(items, key=lambda s: s.pct)
        over = sum(
            1
            for s in items
            if s.pct_not_injected > threshold
            and not artefact_note(s.validator, s.rule_code, s.year)
        )
        note = artefact_note(validator, code, top.year)
        message = top.message.replace("|", "/")
        if len(message) > 90:
            message = message[:87] + "..."
        lines.append(
            f"| {validator} | {code} | {message} | {len(items)} | "
            f"{sum(s.flagged for s in items)} | "
            f"{100.0 * sum(s.flagged for s in items) / max(n_children[validator], 1):.2f} | "
            f"{top.pct:.1f} | {top.la_code} {top.year} | {sum(s.injected for s in items)} "
            f"| {over} | {'artefact: ' + note if note else ''} |"
        )
    lines.append("")

    for validator in ("ssda903", "cin_census"):
        grid_returns = [r for r in returns if r["validator"] == validator]
        if not grid_returns:
            continue
        years = sorted({r["collection_year"] for r in grid_returns})
        las = sorted({r["la_code"] for r in grid_returns})
        best: dict[tuple[str, str], RuleShare] = {}
        for share in data:
            if share.validator != validator:
                continue
            key = (share.la_code, share.year)
            if key not in best or share.pct > best[key].pct:
                best[key] = share
        lines.append(
            f"{validator}: largest % of a return's children flagged by one rule "
            "(known artefacts excluded), rule code in brackets"
        )
        lines.append("")
        lines.append("| LA | " + " | ".join(years) + " |")
        lines.append("|---|" + "---:|" * len(years))
        for la in las:
            cells = []
            for year in years:
                top = best.get((la, year))
                cells.append(f"{top.pct:.0f} ({top.rule_code})" if top else "0")
            lines.append(f"| {la} | " + " | ".join(cells) + " |")
        lines.append("")

    lines.append(
        "| validator | LA | year | ruleset | children | flagged (any rule) | % | max rule % |"
    )
    lines.append("|---|---|---|---|---:|---:|---:|---|")
    max_rule: dict[tuple[str, str, str], RuleShare] = {}
    for share in shares:
        key = (share.validator, share.la_code, share.year)
        if key not in max_rule or share.pct > max_rule[key].pct:
            max_rule[key] = share
    for r in returns:
        key = (r["validator"], r["la_code"], r["collection_year"])
        n = int(r["children"] or 0)
        k = len(any_rule.get(key, set()))
        top = max_rule.get(key)
        top_text = f"{top.pct:.1f} ({top.rule_code})" if top else "-"
        pct = f"{100.0 * k / n:.1f}" if n else "-"
        lines.append(
            f"| {key[0]} | {key[1]} | {key[2]} | {r['ruleset']} | {n} | {k} | {pct} | {top_text} |"
        )
    if errors:
        lines.append("")
        lines.append("VALIDATOR_ERROR rows:")
        lines.append("")
        for e in errors:
            lines.append(
                f"- {e['validator']} {e['la_code']} {e['collection_year']}: {e['rule_message']}"
            )
    return "\n".join(lines) + "\n"


def per_return_markdown(results_path: Path, returns_path: Path) -> str:
    """Children flagged per rule for every return (LA and year), largest first."""
    results = _read(results_path)
    returns = _read(returns_path)
    shares, _ = rule_shares(results, returns)
    by_return: dict[tuple[str, str, str], list[RuleShare]] = defaultdict(list)
    for share in shares:
        by_return[(share.validator, share.la_code, share.year)].append(share)
    lines = [
        "| validator | LA | year | children | children flagged per rule: code n (%) |",
        "|---|---|---|---:|---|",
    ]
    for r in returns:
        key = (r["validator"], r["la_code"], r["collection_year"])
        items = sorted(by_return.get(key, []), key=lambda s: (-s.flagged, s.rule_code))
        cells = ", ".join(f"{s.rule_code} {s.flagged} ({s.pct:.0f})" for s in items) or "-"
        lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {r['children']} | {cells} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the Markdown summary of one runner output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--returns", type=Path, default=None)
    parser.add_argument("--threshold", type=float, default=2.0, help="% of children")
    parser.add_argument(
        "--injected", type=Path, default=None, help="truth/injected_faults.csv (planted faults)"
    )
    parser.add_argument(
        "--per-return", action="store_true", help="children flagged per rule per LA and year"
    )
    args = parser.parse_args(argv)
    returns = args.returns or args.results.with_name(args.results.stem + ".returns.csv")
    if args.per_return:
        sys.stdout.write(per_return_markdown(args.results, returns))
    else:
        injected = read_injected(args.injected) if args.injected else frozenset()
        sys.stdout.write(markdown(args.results, returns, args.threshold, injected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
