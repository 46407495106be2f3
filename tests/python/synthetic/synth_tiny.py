"""Constants and the result type of the tiny synthetic run shared by these tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TINY_SCALE = 0.002
TINY_SEED = 7


@dataclass(frozen=True)
class TinyRun:
    """Where a tiny generation wrote its landing root and truth folder."""

    landing: Path
    truth: Path
    counts: dict[str, int]
