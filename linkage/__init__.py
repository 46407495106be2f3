"""cyplink linkage: the only code that reads `identifiers/`.

It standardises identifier extracts, links every source in one model
(deterministic NHS number / UPN agreement plus a Splink 5 model on DuckDB),
clusters without chaining twins and siblings together, assigns keyed-hash
`person_id`s and writes `linkage.person_key` and `linkage.quality_*` tables.

Modules, one job each:

- `reader`: find and read `identifiers.csv` files, reporting bad files.
- `standardise`: SQL macros for names, dates, sex, postcodes, NHS numbers, UPNs.
- `model_settings`: the Splink model and run parameters, as data.
- `model`: training and scoring with Splink.
- `cluster`: constrained clustering of scored pairs into people.
- `person_id`: the pseudonymisation key and stable keyed-hash ids.
- `quality`: linkage quality tables.
- `evaluate`: pairwise precision / recall / F1 against synthetic truth.
- `pipeline`: the end-to-end run (`run_link`); `cli`: the typer commands.
- `bench`: time, memory and F1 against a plain Splink tutorial configuration.
"""

from __future__ import annotations

SOURCE_SYSTEMS: tuple[str, ...] = ("csc", "school_census", "gp", "sus", "mhsds")
"""Source systems the linkage step knows; others found on disk are linked too."""

HEALTH_SOURCES: tuple[str, ...] = ("gp", "sus", "mhsds")
LA_SOURCES: tuple[str, ...] = ("csc", "school_census")
