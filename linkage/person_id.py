"""The pseudonymisation key and stable keyed-hash `person_id`s.

Decisions:

- `person_id` is HMAC-SHA256 with a secret key (DESIGN.md): a plain hash of an
  identifier could be reversed by trying every value, a keyed hash cannot without
  the key. The key comes from `CYPLINK_SECRET_FILE` (`--secret-file`). Without
  one, a demo key is generated once at `data/demo_secret.key` (and reused), and
  the run says so on stderr: it is for synthetic data only.
- The key is never logged, printed or written anywhere else. HMAC is computed
  set-based in DuckDB from the inner/outer pads (RFC 2104), held in a temporary
  in-memory table that is dropped straight after.
- Stability: a person's id is the keyed hash of a *cluster anchor*, the member
  record with the earliest `record_date` (ties and missing dates broken by the
  smallest keyed record hash). Re-running on the same data gives the same ids;
  appending a later year adds records with later dates, so existing anchors and
  ids stay put unless clusters genuinely merge or split. When two clusters merge,
  the merged person keeps the id of the older anchor.
"""

from __future__ import annotations

import hashlib
import secrets
import sys
from pathlib import Path

import duckdb

from cyplink.config import DEFAULT_DEMO_SECRET
from cyplink.errors import CyplinkError

_BLOCK = 64


def load_key(secret_file: Path | None, demo_path: Path = DEFAULT_DEMO_SECRET) -> bytes:
    """Read the key file, or create/reuse the demo key and say so on stderr."""
    if secret_file is not None:
        path = Path(secret_file)
        if not path.is_file():
            raise CyplinkError(f"secret file {path} does not exist")
        key = path.read_bytes().strip()
        if len(key) < 16:
            raise CyplinkError(f"secret file {path} holds fewer than 16 bytes: too short a key")
        return key
    demo = Path(demo_path)
    if demo.is_file():
        print(
            f"cyplink: no CYPLINK_SECRET_FILE given: using the demo key at {demo} "
            "(synthetic data only, never for real records)",
            file=sys.stderr,
        )
        return demo.read_bytes().strip()
    demo.parent.mkdir(parents=True, exist_ok=True)
    demo.write_text(secrets.token_hex(32) + "\n")
    demo.chmod(0o600)
    print(
        f"cyplink: no CYPLINK_SECRET_FILE given: generated a demo key at {demo} "
        "(synthetic data only, never for real records)",
        file=sys.stderr,
    )
    return demo.read_bytes().strip()


def _pads(key: bytes) -> tuple[bytes, bytes]:
    block = hashlib.sha256(key).digest() if len(key) > _BLOCK else key
    block = block.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


class KeyedHasher:
    """HMAC-SHA256 in DuckDB SQL; use as a context manager so the pads are dropped."""

    TABLE = "_hmac_pads"

    def __init__(self, con: duckdb.DuckDBPyConnection, key: bytes) -> None:
        self.con = con
        self._key = key

    def __enter__(self) -> KeyedHasher:
        ipad, opad = _pads(self._key)
        self.con.execute(f"create or replace temp table {self.TABLE} (ipad blob, opad blob)")
        self.con.execute(f"insert into {self.TABLE} values (?, ?)", [ipad, opad])
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.execute(f"drop table if exists {self.TABLE}")

    def sql(self, message_sql: str) -> str:
        """SQL for the hex HMAC of a varchar expression; needs `_hmac_pads` in the FROM."""
        return (
            f"sha256({self.TABLE}.opad || unhex(sha256({self.TABLE}.ipad || "
            f"encode({message_sql}))))"
        )


RECORD_MESSAGE_SQL = (
    "'record' || chr(31) || {t}.source_system || chr(31) || {t}.provider_code || chr(31) "
    "|| {t}.source_record_id"
)


def assign_person_ids(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Build `person_ids(key_id, person_id)` from `record_keys` and `clusters`.

    `record_keys(key_id, source_system, provider_code, source_record_id, first_record_date)`
    and `clusters(key_id, cluster_id)` must exist.
    """
    with KeyedHasher(con, key) as hasher:
        con.execute(
            "create or replace table record_hashes as select record_keys.key_id, "
            f"{hasher.sql(RECORD_MESSAGE_SQL.format(t='record_keys'))} as record_hash "
            f"from record_keys cross join {hasher.TABLE}"
        )
        con.execute(
            f"""
            create or replace table person_ids as
            with members as (
                select clusters.key_id, clusters.cluster_id, record_keys.first_record_date,
                    record_hashes.record_hash
                from clusters
                inner join record_keys on record_keys.key_id = clusters.key_id
                inner join record_hashes on record_hashes.key_id = clusters.key_id
            ),
            anchors as (
                select cluster_id,
                    arg_min(record_hash, (coalesce(first_record_date, date '9999-12-31'),
                        record_hash)) as anchor_hash
                from members
                group by cluster_id
            ),
            ids as (
                select anchors.cluster_id,
                    {hasher.sql("'person' || chr(31) || anchors.anchor_hash")} as person_id
                from anchors cross join {hasher.TABLE}
            )
            select members.key_id, ids.person_id
            from members
            inner join ids on ids.cluster_id = members.cluster_id
            """
        )
        con.execute("drop table record_hashes")
