"""Fail when a model, seed, source or column has no description.

Reads dbt's `manifest.json` (what is documented) and `catalog.json` (what columns
the warehouse relations really have, from `dbt docs generate`), so a column that a
model selects but its YAML never mentions counts as undocumented.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

CHECKED_RESOURCE_TYPES = ("model", "seed", "source", "snapshot")


@dataclass(frozen=True)
class Gap:
    """One missing description: the node and, if any, the column."""

    unique_id: str
    column: str | None

    def __str__(self) -> str:
        return f"{self.unique_id}: column {self.column!r}" if self.column else self.unique_id


def _nodes(manifest: dict) -> dict[str, dict]:
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    return {
        uid: node
        for uid, node in nodes.items()
        if node.get("resource_type") in CHECKED_RESOURCE_TYPES
        and node.get("package_name")
        == manifest["metadata"].get("project_name", node.get("package_name"))
    }


def find_gaps(manifest: dict, catalog: dict | None) -> list[Gap]:
    """Every undocumented node and column in the project's own package."""
    gaps: list[Gap] = []
    catalog_nodes = {**(catalog or {}).get("nodes", {}), **(catalog or {}).get("sources", {})}
    for uid, node in sorted(_nodes(manifest).items()):
        if not (node.get("description") or "").strip():
            gaps.append(Gap(uid, None))
        documented = {
            name.lower(): (col.get("description") or "").strip()
            for name, col in (node.get("columns") or {}).items()
        }
        actual = [c.lower() for c in (catalog_nodes.get(uid, {}).get("columns") or {})]
        for column in sorted(set(actual) | set(documented)):
            if not documented.get(column):
                gaps.append(Gap(uid, column))
    return gaps


def check(target_dir: Path) -> list[Gap]:
    """Load the artefacts from a dbt target folder and return the gaps."""
    manifest = json.loads((target_dir / "manifest.json").read_text())
    catalog_path = target_dir / "catalog.json"
    catalog = json.loads(catalog_path.read_text()) if catalog_path.exists() else None
    return find_gaps(manifest, catalog)


def main(argv: list[str] | None = None) -> int:
    """CLI: `python -m cyplink.docs_coverage [target_dir]`; exit 1 on any gap."""
    args = argv if argv is not None else sys.argv[1:]
    target = Path(args[0]) if args else Path("target")
    gaps = check(target)
    for gap in gaps:
        print(f"undocumented: {gap}")
    print(f"docs coverage: {len(gaps)} gap(s)")
    return 1 if gaps else 0


if __name__ == "__main__":
    raise SystemExit(main())
