"""Dates as int32 day numbers (days since 1970-01-01) and the helpers around them.

Every simulated date is a day number, so that whole columns are shifted, compared
and formatted with numpy and pyarrow and never with Python loops.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NEVER = np.int32(2**31 - 1)  # "no such date" sentinel (far future)


def day(year: int, month: int = 1, dom: int = 1) -> int:
    """Day number of one calendar date."""
    return int(np.datetime64(f"{year:04d}-{month:02d}-{dom:02d}", "D").astype(np.int64))


def days_from_ymd(year: np.ndarray, month: np.ndarray, dom: np.ndarray) -> np.ndarray:
    """Vectorised day numbers from year, month and day-of-month arrays (dom must be valid).

    Integer "days from civil" arithmetic (H. Hinnant), exact for the proleptic Gregorian
    calendar and much faster than datetime64 conversions.
    """
    y = np.asarray(year, np.int64) - (np.asarray(month, np.int64) <= 2)
    m = np.asarray(month, np.int64)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + np.asarray(dom, np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return (era * 146097 + doe - 719468).astype(np.int32)


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split day numbers into (year, month, day-of-month) int arrays ("civil from days")."""
    z = np.asarray(days, np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    dom = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, dom


def add_years(days: np.ndarray, years: int | np.ndarray) -> np.ndarray:
    """The same calendar day `years` later (29 February maps to 1 March)."""
    y, m, dom = ymd(days)
    y2 = y + np.asarray(years, np.int64)
    leap_fix = (m == 2) & (dom == 29)
    m2 = np.where(leap_fix, 3, m)
    d2 = np.where(leap_fix, 1, dom)
    return days_from_ymd(y2, m2, d2)


def collection_year(days: np.ndarray) -> np.ndarray:
    """Collection year named by its end (2024 = 1 April 2023 to 31 March 2024)."""
    y, m, _ = ymd(days)
    return (y + (m >= 4)).astype(np.int32)


def year_start(cy: int) -> int:
    """First day (1 April) of collection year `cy`."""
    return day(cy - 1, 4, 1)


def year_end(cy: int) -> int:
    """Last day (31 March) of collection year `cy`."""
    return day(cy, 3, 31)


def age_years(dob: np.ndarray, at: np.ndarray | int) -> np.ndarray:
    """Completed years of age at a date (vectorised, birthday-exact)."""
    y1, m1, d1 = ymd(dob)
    y2, m2, d2 = ymd(np.broadcast_to(np.asarray(at), np.shape(dob)))
    before = (m2 < m1) | ((m2 == m1) & (d2 < d1))
    return (y2 - y1 - before).astype(np.int32)


def fmt(days: np.ndarray, pattern: str = "%Y-%m-%d", valid: np.ndarray | None = None) -> pa.Array:
    """Format day numbers as strings; entries not `valid` (or NEVER) become null."""
    arr = np.asarray(days, np.int64)
    mask = arr >= int(NEVER) if valid is None else ~np.asarray(valid, bool) | (arr >= int(NEVER))
    safe = np.where(mask, 0, arr).astype("datetime64[D]")
    dates = pa.array(safe, type=pa.date32(), mask=mask)
    if pattern == "%Y-%m-%d":
        return pc.cast(dates, pa.string())
    return pc.strftime(pc.cast(dates, pa.timestamp("s")), format=pattern)


def fmt_datetime(days: np.ndarray, seconds: np.ndarray) -> pa.Array:
    """ISO 8601 local datetimes `YYYY-MM-DDTHH:MM:SS` from day numbers and second of day."""
    ts = np.asarray(days, np.int64) * 86400 + np.asarray(seconds, np.int64)
    arr = pa.array(ts.astype("datetime64[s]"), type=pa.timestamp("s"))
    return pc.strftime(arr, format="%Y-%m-%dT%H:%M:%S")
