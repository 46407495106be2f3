"""Paths and settings shared by every cyplink command.

Every setting has an environment variable (named in DESIGN.md) and a default that
works from the project root, so `make demo` needs no set-up by hand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

ENV_LANDING = "CYPLINK_LANDING"
ENV_WAREHOUSE = "CYPLINK_WAREHOUSE"
ENV_SECRET_FILE = "CYPLINK_SECRET_FILE"
ENV_TRUTH = "CYPLINK_TRUTH"
ENV_EXPORTS = "CYPLINK_EXPORTS"

DEFAULT_LANDING = Path("data/landing")
DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
DEFAULT_TRUTH = Path("data/truth")
DEFAULT_EXPORTS = Path("data/exports")
DEFAULT_DEMO_SECRET = Path("data/demo_secret.key")


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


@dataclass(frozen=True)
class Settings:
    """Resolved locations for one run."""

    landing: Path
    warehouse: Path
    truth: Path
    exports: Path
    secret_file: Path | None

    @classmethod
    def from_env(cls) -> Settings:
        secret = os.environ.get(ENV_SECRET_FILE)
        return cls(
            landing=_path_from_env(ENV_LANDING, DEFAULT_LANDING),
            warehouse=_path_from_env(ENV_WAREHOUSE, DEFAULT_WAREHOUSE),
            truth=_path_from_env(ENV_TRUTH, DEFAULT_TRUTH),
            exports=_path_from_env(ENV_EXPORTS, DEFAULT_EXPORTS),
            secret_file=Path(secret) if secret else None,
        )
