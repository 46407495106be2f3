"""Read what the report shows, only from publication models, and make it safe to show.

Sources, in the warehouse opened read-only:

- `publication.indicators` (required): the long indicator table of DESIGN.md.
- The indicator catalogue: `publication.indicator_catalogue` if the project publishes
  one, otherwise the seed `reference.indicator_catalogue` (metadata, not data about
  children); ids without a catalogue row get a readable name and a note.
- Linkage quality: every `publication.linkage_quality*` table, if any (a note otherwise).

Rows whose status is not `published` have their numbers blanked here, on reading, so
that nothing downstream (tables, charts, sentences) can show a suppressed value even if
the table were to carry one by mistake.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from cyplink.errors import CyplinkError
from cyplink.report.indicators import IndicatorMeta, humanise_id, with_display_rules

INDICATOR_COLUMNS = (
    "indicator_id",
    "area_code",
    "area_name",
    "period",
    "breakdown",
    "breakdown_value",
    "numerator",
    "denominator",
    "value",
    "lower_ci",
    "upper_ci",
    "status",
)
NUMERIC_COLUMNS = ("numerator", "denominator", "value", "lower_ci", "upper_ci")
CATALOGUE_COLUMNS = (
    "name",
    "definition",
    "numerator",
    "denominator",
    "unit",
    "source",
    "polarity",
)
CATALOGUE_TABLES = ("publication.indicator_catalogue", "reference.indicator_catalogue")
PUBLISHED, SUPPRESSED, NOT_APPLICABLE = "published", "suppressed", "not applicable"
HEADLINE_BREAKDOWN = "all"
# ONS prefixes of local authority codes: counties, non-metropolitan districts,
# metropolitan districts, London boroughs, unitary authorities; Welsh unitaries.
LA_CODE_PREFIXES = ("E06", "E07", "E08", "E09", "E10", "W06")


@dataclass(frozen=True)
class Area:
    """A local authority with a page of its own."""

    code: str
    name: str

    @property
    def slug(self) -> str:
        """File name of the area's page."""
        return f"{self.code}.html"


@dataclass
class ReportData:
    """Everything the report shows, read from the warehouse."""

    indicators: pd.DataFrame
    catalogue: dict[str, IndicatorMeta]
    catalogue_source: str | None
    linkage_quality: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cache: dict[tuple[str, int | None], pd.DataFrame] = {}
        self._records: dict[tuple[str, int | None], list[dict[str, Any]]] = {}

    @functools.cached_property
    def headline(self) -> pd.DataFrame:
        """Rows with `breakdown = 'all'` (one per indicator, area and period)."""
        return self.indicators[self.indicators["breakdown"] == HEADLINE_BREAKDOWN].reset_index(
            drop=True
        )

    @functools.cached_property
    def areas(self) -> list[Area]:
        """The local authorities, by name; benchmark areas (region, ICB) are left out."""
        frame = self.indicators[["area_code", "area_name"]].drop_duplicates("area_code")
        areas = [Area(str(code), str(name)) for code, name in frame.itertuples(index=False)]
        local = [a for a in areas if a.code.upper().startswith(LA_CODE_PREFIXES)]
        return sorted(local or areas, key=lambda a: a.name)

    @functools.cached_property
    def periods(self) -> list[int]:
        """Collection years present, oldest first."""
        return sorted(int(p) for p in self.indicators["period"].dropna().unique())

    def rows(self, indicator_id: str, period: int | None = None) -> pd.DataFrame:
        """Headline rows of one indicator for the LAs (one year, or every year)."""
        key = (indicator_id, period)
        if key not in self._cache:
            if (indicator_id, None) not in self._cache:
                codes = {a.code for a in self.areas}
                frame = self.headline
                self._cache[(indicator_id, None)] = frame[
                    (frame["indicator_id"] == indicator_id) & frame["area_code"].isin(codes)
                ].reset_index(drop=True)
            every = self._cache[(indicator_id, None)]
            if period is not None:
                self._cache[key] = every[every["period"] == period].reset_index(drop=True)
        return self._cache[key]

    def records(self, indicator_id: str, period: int | None = None) -> list[dict[str, Any]]:
        """`rows()` as plain dicts (None for missing), cheap to filter and read repeatedly."""
        key = (indicator_id, period)
        if key not in self._records:
            if (indicator_id, None) not in self._records:
                frame = self.rows(indicator_id)
                plain = frame.astype(object).where(frame.notna(), None).to_dict("records")
                for record in plain:
                    record["period"] = int(record["period"])
                    for column in NUMERIC_COLUMNS:
                        if record[column] is not None:
                            record[column] = float(record[column])
                self._records[(indicator_id, None)] = plain
            every = self._records[(indicator_id, None)]
            if period is not None:
                self._records[key] = [r for r in every if r["period"] == period]
        return self._records[key]

    def meta(self, indicator_id: str) -> IndicatorMeta:
        """Catalogue entry of an id (a readable stand-in if the catalogue lacks it)."""
        return self.catalogue.get(indicator_id) or IndicatorMeta(
            id=indicator_id, name=humanise_id(indicator_id)
        )


def _tables(con: object) -> set[str]:
    rows = con.execute(  # type: ignore[attr-defined]
        "select table_schema || '.' || table_name from information_schema.tables"
    ).fetchall()
    return {row[0] for row in rows}


def sanitise_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """Normalise types and blank every number on rows that are not published.

    `status` is lower-cased and stripped, `period` becomes an integer year, and
    `numerator`, `denominator`, `value`, `lower_ci`, `upper_ci` become null wherever
    status is not `published`.
    """
    missing = [c for c in INDICATOR_COLUMNS if c not in frame.columns]
    if missing:
        raise CyplinkError(
            f"publication.indicators lacks column(s) {', '.join(missing)} "
            f"(expected {', '.join(INDICATOR_COLUMNS)})"
        )
    out = frame.loc[:, list(INDICATOR_COLUMNS)].copy()
    out["status"] = out["status"].astype("string").str.strip().str.lower().fillna(PUBLISHED)
    for column in ("indicator_id", "area_code", "area_name", "breakdown", "breakdown_value"):
        out[column] = out[column].astype("string")
    out["breakdown"] = out["breakdown"].fillna(HEADLINE_BREAKDOWN)
    out["period"] = pd.to_numeric(out["period"], errors="coerce").astype("Int64")
    hidden = out["status"] != PUBLISHED
    for column in NUMERIC_COLUMNS:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Float64")
        out.loc[hidden, column] = pd.NA
    return out.sort_values(["indicator_id", "area_name", "period"]).reset_index(drop=True)


def _ratios(frame: pd.DataFrame) -> dict[str, list[float]]:
    usable = frame[(frame["numerator"] > 0) & (frame["denominator"] > 0)]
    ratio = usable["value"] / (usable["numerator"] / usable["denominator"])
    grouped = ratio.groupby(usable["indicator_id"])
    return {str(k): [float(x) for x in v.dropna()] for k, v in grouped}


def _read_catalogue(con: object, tables: set[str]) -> tuple[pd.DataFrame | None, str | None]:
    for table in CATALOGUE_TABLES:
        if table in tables:
            frame = con.execute(f"select * from {table}").df()  # type: ignore[attr-defined]
            if "id" not in frame.columns and "indicator_id" in frame.columns:
                frame = frame.rename(columns={"indicator_id": "id"})
            if "id" in frame.columns:
                return frame, table
    return None, None


def build_catalogue(
    catalogue: pd.DataFrame | None, indicators: pd.DataFrame
) -> dict[str, IndicatorMeta]:
    """One IndicatorMeta per id in the indicators (catalogue text where it has some)."""
    rows: dict[str, dict[str, str]] = {}
    if catalogue is not None:
        for record in catalogue.to_dict("records"):
            rows[str(record["id"])] = {
                c: "" if pd.isna(record.get(c)) else str(record.get(c)) for c in CATALOGUE_COLUMNS
            }
    ratios = _ratios(indicators)
    out: dict[str, IndicatorMeta] = {}
    for ident in sorted(set(indicators["indicator_id"].dropna()) | set(rows)):
        text = rows.get(ident, {})
        meta = IndicatorMeta(
            id=ident,
            name=text.get("name") or humanise_id(ident),
            definition=text.get("definition", ""),
            numerator=text.get("numerator", ""),
            denominator=text.get("denominator", ""),
            unit=text.get("unit", ""),
            source=text.get("source", ""),
            polarity=text.get("polarity", ""),
        )
        out[ident] = with_display_rules(meta, ratios.get(ident, []))
    return out


def _percentages_on_100_scale(
    indicators: pd.DataFrame, catalogue: dict[str, IndicatorMeta]
) -> tuple[pd.DataFrame, dict[str, IndicatorMeta]]:
    """Show proportions held as 0-1 fractions as percentages, like the `_pct` ones."""
    fractions = [i for i, m in catalogue.items() if m.kind == "proportion" and m.multiplier == 1]
    if not fractions:
        return indicators, catalogue
    out = indicators.copy()
    rows = out["indicator_id"].isin(fractions)
    for column in ("value", "lower_ci", "upper_ci"):
        out.loc[rows, column] = out.loc[rows, column] * 100
    fixed = {i: replace(m, multiplier=100.0) if i in fractions else m for i, m in catalogue.items()}
    return out, fixed


def sanitise_by_status(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank the numbers of rows whose `status` is not published (tables other than indicators)."""
    if "status" not in frame.columns:
        return frame
    out = frame.copy()
    hidden = out["status"].astype("string").str.strip().str.lower().fillna(PUBLISHED) != PUBLISHED
    for column in out.columns:
        if column != "status" and pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("Float64")
            out.loc[hidden, column] = pd.NA
    return out


def _connect(warehouse: Path) -> Any:
    """Read-only, unless this process already holds the file open another way (dbt)."""
    from cyplink.warehouse import connect_for_reading

    return connect_for_reading(warehouse)


def load_report_data(warehouse: Path) -> ReportData:
    """Read the publication models of a warehouse for the report."""
    if not warehouse.is_file():
        raise CyplinkError(f"warehouse {warehouse} does not exist (run `cyplink run` first)")
    with _connect(warehouse) as con:
        tables = _tables(con)
        if "publication.indicators" not in tables:
            raise CyplinkError(
                f"{warehouse} has no publication.indicators table (run `cyplink build` first)"
            )
        indicators = sanitise_indicators(con.execute("select * from publication.indicators").df())
        catalogue_frame, catalogue_source = _read_catalogue(con, tables)
        quality = {
            table.split(".", 1)[1]: con.execute(f"select * from {table}").df()
            for table in sorted(tables)
            if table.startswith("publication.linkage_quality")
        }
    notes: list[str] = []
    if indicators.empty:
        raise CyplinkError("publication.indicators is empty: nothing to report")
    if catalogue_source is None:
        notes.append(
            "No indicator catalogue was found (publication.indicator_catalogue or "
            "reference.indicator_catalogue): indicator names are derived from their ids "
            "and definitions are missing."
        )
    catalogue = build_catalogue(catalogue_frame, indicators)
    indicators, catalogue = _percentages_on_100_scale(indicators, catalogue)
    quality = {name: sanitise_by_status(frame) for name, frame in quality.items()}
    undescribed = sorted(
        i
        for i in set(indicators["indicator_id"].dropna())
        if catalogue_frame is not None and i not in set(catalogue_frame["id"].astype(str))
    )
    if undescribed:
        notes.append(f"Not in the indicator catalogue: {', '.join(undescribed)}.")
    return ReportData(
        indicators=indicators,
        catalogue=catalogue,
        catalogue_source=catalogue_source,
        linkage_quality=quality,
        notes=notes,
    )
