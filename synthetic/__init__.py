"""Synthetic North West London child population written to the landing contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def generate(
    scale: float = 0.01,
    seed: int = 42,
    landing: Path = Path("data/landing"),
    truth: Path = Path("data/truth"),
    **kwargs: Any,
) -> dict[str, int]:
    """Simulate and write landing files and truth (see `synthetic.run.generate`)."""
    from synthetic.run import generate as _generate

    return _generate(scale=scale, seed=seed, landing=landing, truth=truth, **kwargs)
