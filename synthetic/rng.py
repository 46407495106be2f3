"""One seeded numpy Generator per component, so each part is reproducible on its own."""

from __future__ import annotations

import zlib

import numpy as np


def component_rng(seed: int, name: str) -> np.random.Generator:
    """A Generator that depends only on the run seed and the component name."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode("utf-8"))])
