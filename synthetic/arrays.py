"""Object arrays with missing values, typed for numpy's stubs.

`np.where(mask, values, None)` is the generator's idiom for "blank where not recorded";
numpy's type stubs reject a bare None there, and a 0-d object array behaves the same.
"""

from __future__ import annotations

import numpy as np

MISSING: np.ndarray = np.array(None, dtype=object)
