"""Source freshness: every landing feed is checked, judged as of the release's extract date.

The summary logic runs on a hand-made `sources.json`; the end-to-end tests run
`dbt source freshness` on the session's synthetic pipeline (tests/python/conftest.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cyplink.errors import CyplinkError
from cyplink.freshness import check_freshness, parse_as_of, read_sources_json, summary_lines

# One table per landing feed carries a freshness check (models/docs/overview.md).
CHECKED_FEEDS = {
    "ssda903.episodes",
    "cin.files",
    "school_census.pupilonroll",
    "attainment.ks4",
    "mhsds.care_contacts",
    "sus.apc",
    "sus.op",
    "sus.ecds",
    "gp.events",
    "reference.population",
}


def _result(table: str, status: str, latest: str, age_days: float) -> dict:
    return {
        "unique_id": f"source.cyplink.{table}",
        "status": status,
        "max_loaded_at": latest,
        "snapshotted_at": "2025-04-30T00:00:00+00:00",
        "max_loaded_at_time_ago_in_s": age_days * 86_400,
        "criteria": {
            "warn_after": {"count": 92, "period": "day"},
            "error_after": {"count": 183, "period": "day"},
        },
    }


def test_summary_names_the_reference_date_and_every_stale_feed(tmp_path: Path) -> None:
    path = tmp_path / "sources.json"
    path.write_text(
        json.dumps(
            {
                "results": [
                    _result("sus.apc", "pass", "2025-03-31T00:00:00", 30),
                    _result("mhsds.care_contacts", "warn", "2024-12-31T00:00:00", 120),
                    _result("gp.events", "error", "2024-06-30T00:00:00", 304),
                ]
            }
        )
    )
    feeds = read_sources_json(path)
    assert [f.source for f in feeds] == ["gp.events", "mhsds.care_contacts", "sus.apc"]
    assert feeds[0].warn_after_days == 92 and feeds[0].error_after_days == 183
    lines = summary_lines(feeds, today=datetime(2026, 11, 26, tzinfo=UTC))
    assert lines[0] == (
        "source freshness as of 2025-04-30 (575 days before today): "
        "1 pass, 1 warn, 1 stale or failed"
    )
    assert "  error: gp.events newest 2024-06-30, 304 days old (limit 183 days)" in lines
    assert "  warn: mhsds.care_contacts newest 2024-12-31, 120 days old (limit 92 days)" in lines
    assert not any("sus.apc" in line for line in lines)


def test_reference_date_must_be_a_date_or_now() -> None:
    assert parse_as_of(None) is None
    assert parse_as_of(" NOW ") == "now"
    assert parse_as_of("2026-11-26") == "2026-11-26"
    with pytest.raises(CyplinkError, match=r"'26/11/2026' is not a date \(YYYY-MM-DD\)"):
        parse_as_of("26/11/2026")


@pytest.mark.e2e
def test_every_feed_is_fresh_as_of_the_synthetic_release(pipeline: object) -> None:
    landing: Path = pipeline.landing  # type: ignore[attr-defined]
    (extract_date,) = [p.name for p in (landing / "gp").iterdir()]
    feeds = check_freshness(landing, pipeline.warehouse)  # type: ignore[attr-defined]
    assert {f.source for f in feeds} == CHECKED_FEEDS
    assert {f"{f.as_of:%Y-%m-%d}" for f in feeds} == {extract_date}
    assert {f.source: f.status for f in feeds} == dict.fromkeys(CHECKED_FEEDS, "pass")
    # every feed reports the date it covers, and the returns cover their 31 March
    latest = {f.source: f"{f.latest:%m-%d}" for f in feeds if f.latest}
    assert latest.keys() == CHECKED_FEEDS
    assert latest["ssda903.episodes"] == latest["cin.files"] == "03-31"


@pytest.mark.e2e
def test_a_later_reference_date_makes_monthly_feeds_stale_before_annual_ones(
    pipeline: object,
) -> None:
    # ~9 months after the release: monthly feeds are past their 6-month limit, annual
    # returns are within their 15-month warning.
    feeds = {
        f.source: f
        for f in check_freshness(
            pipeline.landing,  # type: ignore[attr-defined]
            pipeline.warehouse,  # type: ignore[attr-defined]
            as_of="2026-01-31",
        )
    }
    for monthly in ("mhsds.care_contacts", "sus.apc", "sus.op", "sus.ecds", "gp.events"):
        assert feeds[monthly].status == "error", feeds[monthly]
    for annual in ("ssda903.episodes", "cin.files", "attainment.ks4"):
        assert feeds[annual].status == "pass", feeds[annual]
    lines = summary_lines(list(feeds.values()))
    assert lines[0].startswith("source freshness as of 2026-01-31")
    assert any(line.startswith("  error: mhsds.care_contacts newest") for line in lines)
