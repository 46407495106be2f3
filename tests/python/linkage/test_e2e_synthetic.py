"""End to end on a tiny synthetic population: precision and recall meet the targets."""

from __future__ import annotations

import inspect

import pytest

from linkage.evaluate import evaluate_warehouse
from linkage.pipeline import run_link

SCALE = 0.01
SEED = 42


def _generate():
    try:
        import synthetic
    except ImportError as error:  # pragma: no cover - depends on the other package
        pytest.skip(f"synthetic package not importable: {error}")
    generate = getattr(synthetic, "generate", None)
    if generate is None:
        pytest.skip("synthetic.generate is not available yet (issue 3)")
    return generate


@pytest.mark.e2e
def test_linkage_meets_targets_on_synthetic(tmp_path, key_file):
    generate = _generate()
    landing, truth = tmp_path / "landing", tmp_path / "truth"
    kwargs = {"scale": SCALE, "seed": SEED, "landing": landing, "truth": truth}
    accepted = inspect.signature(generate).parameters
    try:
        generate(**{k: v for k, v in kwargs.items() if k in accepted})
    except ModuleNotFoundError as error:  # the generator is still being written (issue 3)
        if not (error.name or "").startswith("synthetic"):
            raise
        pytest.skip(f"synthetic generator incomplete: {error}")
    if not (landing / "identifiers").is_dir():
        pytest.skip("synthetic.generate wrote no identifier extracts yet")

    warehouse = tmp_path / "wh.duckdb"
    result = run_link(landing, warehouse, key_file, show_progress=False)
    assert not result.errors, result.errors

    evaluation = evaluate_warehouse(warehouse, truth)
    assert evaluation.keys_only_in_person_key == 0
    assert evaluation.keys_only_in_truth == 0
    overall = evaluation.overall()
    assert overall.precision >= 0.998, overall
    assert overall.recall >= 0.99, overall
    for la_source in ("csc", "school_census"):
        row = evaluation.row("la_to_health", la_source, "gp+sus+mhsds")
        assert row.recall >= 0.98, row
