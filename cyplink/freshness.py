"""Source freshness: is each landing feed as current as its cadence says it should be?

Runs `dbt source freshness` (thresholds and the date each feed is judged by are in the
source YAML; policy in the docs overview, "Source freshness") and summarises the result.
A stale feed is reported, not fatal: the build is still correct for the data it was
given, and the reader of the summary decides whether to wait for the next extract.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from cyplink.config import PROJECT_ROOT
from cyplink.dbt_runner import run_dbt
from cyplink.errors import CyplinkError

ENV_FRESHNESS_AS_OF = "CYPLINK_FRESHNESS_AS_OF"


@dataclass(frozen=True)
class FeedFreshness:
    """One source table's freshness check."""

    source: str  # source_name.table_name
    status: str  # pass / warn / error / runtime error
    latest: datetime | None  # newest date the feed holds (its loaded_at_field)
    as_of: datetime | None  # the date it was judged against
    age_days: float | None
    warn_after_days: int | None
    error_after_days: int | None


def _parse_time(value: object) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _days(threshold: dict | None) -> int | None:
    if not threshold or threshold.get("count") is None:
        return None
    per_day = {"day": 1.0, "hour": 1 / 24, "minute": 1 / 1440}[threshold["period"]]
    return round(threshold["count"] * per_day)


def read_sources_json(path: Path) -> list[FeedFreshness]:
    """The feeds of dbt's `sources.json` (written by `dbt source freshness`)."""
    results = json.loads(path.read_text())["results"]
    feeds = []
    for result in results:
        criteria = result.get("criteria") or {}
        age = result.get("max_loaded_at_time_ago_in_s")
        feeds.append(
            FeedFreshness(
                source=result["unique_id"].split(".", 2)[-1],
                status=result["status"],
                latest=_parse_time(result.get("max_loaded_at")),
                as_of=_parse_time(result.get("snapshotted_at")),
                age_days=None if age is None else age / 86_400,
                warn_after_days=_days(criteria.get("warn_after")),
                error_after_days=_days(criteria.get("error_after")),
            )
        )
    return sorted(feeds, key=lambda feed: feed.source)


def parse_as_of(value: str | None) -> str | None:
    """`now`, an ISO date (`2026-11-26`) or None; anything else is a clear error."""
    if value is None or value.strip().lower() in ("now", "today"):
        return None if value is None else "now"
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise CyplinkError(
            f"freshness reference date {value!r} is not a date (YYYY-MM-DD) or 'now' "
            f"(--freshness-as-of / {ENV_FRESHNESS_AS_OF})"
        ) from None


def check_freshness(
    landing: Path, warehouse: Path, as_of: str | None = None
) -> list[FeedFreshness]:
    """Run `dbt source freshness` and return one FeedFreshness per configured feed.

    `as_of` (a date, or `now`) sets var `freshness_as_of`; by default the feeds are
    judged as of the landing's GP extract date (macros/staging/source_freshness.sql).
    """
    as_of = parse_as_of(as_of or os.environ.get(ENV_FRESHNESS_AS_OF) or None)
    target = Path(os.environ.get("DBT_TARGET_PATH") or PROJECT_ROOT / "target")
    output = target / "sources.json"  # where dbt writes it
    output.unlink(missing_ok=True)
    run_dbt(
        ["source", "freshness"],
        landing=landing,
        warehouse=warehouse,
        extra_vars={"freshness_as_of": as_of} if as_of else None,
        allow_failure=True,
    )
    if not output.is_file():
        raise CyplinkError(f"dbt source freshness wrote no {output}: see the dbt log above")
    return read_sources_json(output)


def summary_lines(feeds: Sequence[FeedFreshness], today: datetime | None = None) -> list[str]:
    """Plain lines for the console: the reference date, the counts, each stale feed."""
    if not feeds:
        return ["source freshness: no feed has a freshness check"]
    today = today or datetime.now(UTC)
    as_of = next((feed.as_of for feed in feeds if feed.as_of), None)
    counts = {status: sum(feed.status == status for feed in feeds) for status in ("pass", "warn")}
    failed = len(feeds) - counts["pass"] - counts["warn"]
    lines = []
    if as_of:
        lines.append(
            f"source freshness as of {as_of:%Y-%m-%d} ({(today - as_of).days} days before today): "
            f"{counts['pass']} pass, {counts['warn']} warn, {failed} stale or failed"
        )
    for feed in feeds:
        if feed.status == "pass":
            continue
        latest = f"{feed.latest:%Y-%m-%d}" if feed.latest else "no dated rows"
        age = f"{feed.age_days:.0f} days old" if feed.age_days is not None else "age unknown"
        limit = feed.error_after_days if feed.status == "error" else feed.warn_after_days
        lines.append(f"  {feed.status}: {feed.source} newest {latest}, {age} (limit {limit} days)")
    return lines
