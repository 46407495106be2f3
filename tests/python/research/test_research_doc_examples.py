"""The example queries in the research marts' documentation run against a built warehouse.

Every research mart and publication model documents an example query in a fenced
```sql block of its YAML description (ehrQL's habit: docs examples are tests), so
the documentation cannot rot: a renamed column or model fails here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(PROJECT / "analyses"))

import rq4_early_mh_support as analysis  # noqa: E402

RESEARCH_YAML = [
    *sorted((PROJECT / "models" / "marts" / "research").glob("_*.yml")),
    *sorted((PROJECT / "models" / "publication" / "research").glob("_*.yml")),
]
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)


def documented_models() -> dict[str, str]:
    """Model name -> description, for every model in the research YAML files."""
    models: dict[str, str] = {}
    for path in RESEARCH_YAML:
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            if not model["name"].startswith("int_"):
                models[model["name"]] = model.get("description", "")
    return models


def example_queries() -> list[tuple[str, str]]:
    """(model, sql) for every ```sql block in a research model description."""
    return [
        (name, block.strip())
        for name, description in documented_models().items()
        for block in SQL_BLOCK.findall(description)
    ]


def test_every_research_model_documents_an_example_query() -> None:
    models = documented_models()
    assert models, "no research models found"
    missing = [name for name, description in models.items() if not SQL_BLOCK.search(description)]
    assert missing == [], f"models without an example query: {missing}"


def test_every_research_model_states_grain_and_question() -> None:
    for path in RESEARCH_YAML:
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            meta = model.get("config", {}).get("meta", {})
            assert meta.get("grain"), f"{model['name']}: meta.grain missing"
            assert meta.get("research_question"), f"{model['name']}: meta.research_question missing"


def test_each_example_names_its_own_model() -> None:
    for name, sql in example_queries():
        assert re.search(rf"\b(marts|publication)\.{name}\b", sql), (
            f"{name}: example reads another model"
        )


@pytest.mark.e2e
@pytest.mark.parametrize(("model", "sql"), example_queries(), ids=lambda value: str(value)[:40])
def test_documented_example_runs_on_the_built_warehouse(pipeline, model: str, sql: str) -> None:
    with analysis.connect(pipeline.warehouse) as con:
        cursor = con.execute(sql)
        columns = [column[0] for column in cursor.description]
        cursor.fetchall()
    assert columns, f"{model}: example returned no columns"
