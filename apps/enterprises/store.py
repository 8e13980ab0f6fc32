"""Writing a staged list into the database, set-based (企业清单写入).

A cluster-year list of up to 200,000 firms is written with a fixed number of statements,
whatever its length:

1. the staged rows and qualifications are two tables: on PostgreSQL the import's own UNLOGGED
   stage tables, filled, indexed and analysed during the preview (`StageStream`, a second
   thread and connection fed block by block while the preview validates the next block, so the
   database's parsing and storing overlaps the Python work); on other backends two temporary
   tables filled from the stage file by one `executemany` (or COPY, for a file stage on PostgreSQL);
2. firms are inserted by credit code (`ON CONFLICT DO NOTHING`), renamed firms updated, and
   every name a firm is listed under recorded in its name history (earliest year kept);
3. firm-years no longer listed are deleted through the ORM (so related rows follow Django's
   on_delete rules), and the list is upserted by (cluster, year, firm): a firm-year keeps its
   id, its size override and note (the adopted size follows the override when there is one),
   and a row whose values did not change is not written at all;
4. the qualifications are synchronised with the staged ones (stale ones deleted, new ones
   inserted, changed levels or years updated), joined by credit code.

A first list of a cluster-year (no rows yet; the caller holds the cluster row's lock) is
inserted without ON CONFLICT and without the delete passes. On PostgreSQL the transaction runs
without JIT (it only adds compile time to these few large statements) and with room to sort and
hash in memory; the foreign keys stay as they are (deferred, checked at COMMIT: about a fifth of
the commit's database time for 100,000 rows, the price of keeping them).

Must run inside `transaction.atomic()`: any failure leaves the list as it was. SQL is built
from the models' metadata (table and column names quoted by the backend); values are bound
parameters. Needs PostgreSQL ≥ 9.5 or SQLite ≥ 3.33 (upsert, UPDATE … FROM).
"""

from __future__ import annotations

import datetime as dt
import queue
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from .importer import ROW_FIELDS
from .models import SME_SIZES, EnterpriseImport, Firm, FirmName, FirmQualification, FirmYear
from .stage import QUALIFICATION_COLUMNS, ROW_COLUMNS, Staged, decode_lines

STAGE_ROWS = "enterprises_stage_rows"
STAGE_QUALS = "enterprises_stage_quals"
RENAMED = "enterprises_stage_renamed"
STAGE_PREFIX = "enterprises_stage_"  # + import id + _rows / _quals: a preview's stage (PostgreSQL)
DELETE_CHUNK = 900
ANALYZE_FROM_ROWS = 1000
ANALYZED: dict[type[models.Model], tuple[str, ...]] = {
    FirmYear: ("cluster", "year", "firm", "leading_industry_related", "is_sme", "size", "listing_status"),
    FirmQualification: ("firm_year", "kind", "level"),
}

# Every FirmYear column and where its value comes from when a list is written.
_FROM_STAGE = (*ROW_FIELDS, "computed_size", "size_reason", "warnings")
_SET_BY_WRITER: tuple[str, ...] = ("cluster", "year", "firm", "size", "is_sme", "size_override")
_SET_BY_WRITER += ("size_override_note", "source_import", "updated_at")


def _check_columns() -> None:
    """Fail loudly if FirmYear gains a column this writer does not fill."""
    names = {f.name for f in FirmYear._meta.concrete_fields if not f.primary_key}
    covered = set(_FROM_STAGE) | set(_SET_BY_WRITER)
    if names != covered:
        raise RuntimeError(f"store.py does not match FirmYear: {sorted(names ^ covered)}")


_check_columns()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[models.Model]) -> str:
    return _q(model._meta.db_table)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    f = model._meta.get_field(name)
    assert isinstance(f, models.Field)
    return f


def _col(model: type[models.Model], name: str) -> str:
    return _q(str(_field(model, name).column))


def _stage_type(name: str) -> str:
    if name == "code":
        return str(_field(Firm, "credit_code").db_type(connection))
    return str(_field(FirmYear, name).db_type(connection))


def _execute(sql: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return int(cur.rowcount)


@dataclass(frozen=True)
class StageTables:
    """The two tables holding a staged list (rows, qualifications) and how many rows each holds."""

    rows_table: str
    quals_table: str
    rows: int
    qualifications: int


def _stage_definitions() -> tuple[str, str]:
    rows_def = ", ".join(f"{_q(c)} {_stage_type(c)}" for c in ROW_COLUMNS)
    quals_def = (
        f"{_q('code')} {_stage_type('code')}, {_q('kind')} varchar(30), {_q('level')} varchar(20), {_q('year')} integer"
    )
    return rows_def, quals_def


def _index_and_analyze(tables: StageTables) -> None:
    _execute(f"CREATE INDEX {_q(tables.rows_table + '_code')} ON {_q(tables.rows_table)} ({_q('code')})")
    _execute(
        f"CREATE INDEX {_q(tables.quals_table + '_code')} ON {_q(tables.quals_table)} ({_q('code')}, {_q('kind')})"
    )
    if connection.vendor == "postgresql":
        # New tables have no statistics until analysed; without them the joins below are planned
        # for a handful of rows (nested loops over 100,000). Only the join column: analysing the
        # wide text columns would cost ten times as much.
        _execute(f"ANALYZE {_q(tables.rows_table)} ({_q('code')}), {_q(tables.quals_table)} ({_q('code')})")


@contextmanager
def _staging(staged: Staged | StageTables) -> Iterator[StageTables]:
    """The staged list as two tables: those the preview filled (PostgreSQL, `StageStream`), or two
    temporary tables filled from a stage file, dropped afterwards (a rollback drops them too)."""
    if isinstance(staged, StageTables):
        yield staged
        return
    tables = StageTables(STAGE_ROWS, STAGE_QUALS, staged.rows, staged.qualifications)
    for table, definition in zip((STAGE_ROWS, STAGE_QUALS), _stage_definitions(), strict=True):
        _execute(f"DROP TABLE IF EXISTS {_q(table)}")
        _execute(f"CREATE TEMPORARY TABLE {_q(table)} ({definition})")
    with connection.cursor() as cur:
        for table, columns, part in (
            (STAGE_ROWS, ROW_COLUMNS, staged.row_bytes),
            (STAGE_QUALS, QUALIFICATION_COLUMNS, staged.qualification_bytes),
        ):
            if not part:
                continue
            names = ", ".join(_q(c) for c in columns)
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {_q(table)} ({names}) FROM STDIN") as copy:
                    copy.write(part)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(f"INSERT INTO {_q(table)} ({names}) VALUES ({marks})", list(decode_lines(part)))  # noqa: S608
    _index_and_analyze(tables)
    yield tables
    _execute(f"DROP TABLE {_q(STAGE_QUALS)}")
    _execute(f"DROP TABLE {_q(STAGE_ROWS)}")


def _write_firms(st: StageTables, year: int, now: dt.datetime) -> None:
    """New firms inserted, renamed firms renamed; the name history of renamed firms recorded."""
    firm, names, fy = _table(Firm), _table(FirmName), _table(FirmYear)
    code, fname, fid = _col(Firm, "credit_code"), _col(Firm, "name"), _q("id")
    n_firm, n_name, n_first = _col(FirmName, "firm"), _col(FirmName, "name"), _col(FirmName, "first_year")
    s, r = _q(st.rows_table), _q(RENAMED)
    now_db = _field(Firm, "updated_at").get_db_prep_save(now, connection)
    # Known firms listed under another name, found once (before the new firms are inserted: a
    # new firm is inserted under its listed name, so only a known firm can be renamed).
    _execute(f"DROP TABLE IF EXISTS {r}")
    _execute(
        f"CREATE TEMPORARY TABLE {r} AS SELECT f.{fid} AS {_q('firm_id')}, f.{fname} AS {_q('old_name')}, "  # noqa: S608
        f"s.{_q('name')} AS {_q('new_name')} FROM {s} s JOIN {firm} f ON f.{code} = s.{_q('code')} "
        f"WHERE f.{fname} <> s.{_q('name')}"
    )
    _execute(
        f"INSERT INTO {firm} ({code}, {fname}, {_col(Firm, 'created_at')}, {_col(Firm, 'updated_at')}) "  # noqa: S608
        f"SELECT s.{_q('code')}, s.{_q('name')}, %s, %s FROM {s} s WHERE 1 = 1 ORDER BY s.{_q('code')} "
        f"ON CONFLICT ({code}) DO NOTHING",
        [now_db, now_db],
    )

    def insert_names(select: str, params: list[Any]) -> None:
        """Names into the history; a name already there keeps the earliest first year."""
        _execute(
            f"INSERT INTO {names} ({n_firm}, {n_name}, {n_first}, {_col(FirmName, 'recorded_at')}) {select} "
            f"ON CONFLICT ({n_firm}, {n_name}) DO UPDATE SET {n_first} = excluded.{n_first} "
            f"WHERE {names}.{n_first} IS NULL OR excluded.{n_first} < {names}.{n_first}",
            params,
        )

    y_year, y_firm, y_name = _col(FirmYear, "year"), _col(FirmYear, "firm"), _col(FirmYear, "name")
    # A renamed firm's name before this rename, with the first year it was listed under it.
    first_listed = (
        f"(SELECT MIN(y.{y_year}) FROM {fy} y WHERE y.{y_firm} = r.{_q('firm_id')} AND y.{y_name} = r.{_q('old_name')})"  # noqa: S608
    )
    insert_names(
        f"SELECT r.{_q('firm_id')}, r.{_q('old_name')}, {first_listed}, %s FROM {r} r WHERE 1 = 1",  # noqa: S608
        [now_db],
    )
    # The name it is listed under now, for every firm that has (by now, renamed ones included) a history.
    insert_names(
        f"SELECT f.{fid}, s.{_q('name')}, %s, %s FROM {s} s JOIN {firm} f ON f.{code} = s.{_q('code')} "  # noqa: S608
        f"WHERE f.{fid} IN (SELECT n.{n_firm} FROM {names} n)",
        [year, now_db],
    )
    _execute(
        f"UPDATE {firm} SET {fname} = r.{_q('new_name')}, {_col(Firm, 'updated_at')} = %s FROM {r} r "  # noqa: S608
        f"WHERE {firm}.{fid} = r.{_q('firm_id')}",
        [now_db],
    )
    _execute(f"DROP TABLE {r}")


def _delete_unlisted(st: StageTables, cluster_id: int, year: int) -> None:
    """Firm-years of the cluster-year whose firm is not in the new list, through the ORM."""
    fy, firm = _table(FirmYear), _table(Firm)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT fy.{_q('id')} FROM {fy} fy WHERE fy.{_col(FirmYear, 'cluster')} = %s "  # noqa: S608
            f"AND fy.{_col(FirmYear, 'year')} = %s AND NOT EXISTS (SELECT 1 FROM {_q(st.rows_table)} s "
            f"JOIN {firm} f ON f.{_col(Firm, 'credit_code')} = s.{_q('code')} "
            f"WHERE f.{_q('id')} = fy.{_col(FirmYear, 'firm')})",
            [cluster_id, year],
        )
        ids = [r[0] for r in cur.fetchall()]
    for i in range(0, len(ids), DELETE_CHUNK):
        FirmYear.objects.filter(pk__in=ids[i : i + DELETE_CHUNK]).delete()


def _upsert_firm_years(
    st: StageTables, cluster_id: int, year: int, batch: EnterpriseImport | None, now: dt.datetime, *, fresh: bool
) -> None:
    """The list upserted by (cluster, year, firm); a plain insert when the cluster-year has no rows."""
    fy, firm = _table(FirmYear), _table(Firm)
    targets = [_col(FirmYear, f) for f in (*_FROM_STAGE, *_SET_BY_WRITER)]
    stage_values = [f"s.{_q(c)}" for c in _FROM_STAGE]
    override, size, is_sme = _col(FirmYear, "size_override"), _col(FirmYear, "size"), _col(FirmYear, "is_sme")
    computed = f"s.{_q('computed_size')}"
    sme_marks = ", ".join(["%s"] * len(SME_SIZES))
    values = [
        *stage_values,
        "%s",  # cluster
        "%s",  # year
        f"f.{_q('id')}",  # firm
        computed,  # size (before any override)
        f"({computed} IN ({sme_marks}))",  # is_sme
        "''",  # size_override
        "''",  # size_override_note
        "%s",  # source_import
        "%s",  # updated_at
    ]
    kept = {"cluster", "year", "firm", "size_override", "size_override_note", "size", "is_sme"}
    updates = [f"{_col(FirmYear, f)} = excluded.{_col(FirmYear, f)}" for f in (*_FROM_STAGE, *_SET_BY_WRITER)]
    updates = [u for f, u in zip((*_FROM_STAGE, *_SET_BY_WRITER), updates, strict=True) if f not in kept]
    updates.append(f"{size} = CASE WHEN {fy}.{override} <> '' THEN {fy}.{override} ELSE excluded.{size} END")
    updates.append(
        f"{is_sme} = CASE WHEN {fy}.{override} <> '' THEN ({fy}.{override} IN ({sme_marks})) ELSE excluded.{is_sme} END"
    )
    unique = ", ".join(_col(FirmYear, f) for f in ("cluster", "year", "firm"))
    # A listed row whose values are all unchanged is left alone (its updated_at and source stay).
    changed = " OR ".join(f"{fy}.{_col(FirmYear, f)} {_distinct()} excluded.{_col(FirmYear, f)}" for f in _FROM_STAGE)
    now_db = _field(FirmYear, "updated_at").get_db_prep_save(now, connection)
    sme = [str(s) for s in SME_SIZES]
    _execute(
        f"INSERT INTO {fy} ({', '.join(targets)}) SELECT {', '.join(values)} "  # noqa: S608
        f"FROM {_q(st.rows_table)} s JOIN {firm} f ON f.{_col(Firm, 'credit_code')} = s.{_q('code')} WHERE 1 = 1 "
        f"ORDER BY f.{_q('id')} "
        # A first list for the cluster-year (no rows, and the cluster row locked by the caller) has
        # nothing to conflict with: a plain insert, without the per-row speculative-insertion check
        # (a conflict would still fail on the unique index and roll everything back).
        + ("" if fresh else f"ON CONFLICT ({unique}) DO UPDATE SET {', '.join(updates)} WHERE {changed}"),
        [cluster_id, year, *sme, batch.pk if batch else None, now_db, *([] if fresh else sme)],
    )


def _distinct() -> str:
    """Null-safe “differs”: PostgreSQL's IS DISTINCT FROM, SQLite's IS NOT."""
    return "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"


def _sync_qualifications(st: StageTables, cluster_id: int, year: int, *, fresh: bool) -> None:
    """The cluster-year's qualifications made equal to the staged ones, touching only differences:
    stale (firm-year, kind) pairs deleted, new ones inserted, a changed level or year updated.
    A first list (`fresh`: the cluster-year had no rows, hence no qualifications) is inserted."""
    q, fy, firm = _table(FirmQualification), _table(FirmYear), _table(Firm)
    q_fy, q_kind = _col(FirmQualification, "firm_year"), _col(FirmQualification, "kind")
    q_level, q_year = _col(FirmQualification, "level"), _col(FirmQualification, "year")
    fy_firm, fy_cluster, fy_year = _col(FirmYear, "firm"), _col(FirmYear, "cluster"), _col(FirmYear, "year")
    code, sq = _col(Firm, "credit_code"), _q(st.quals_table)
    if not fresh:
        _execute(
            f"DELETE FROM {q} WHERE {q_fy} IN (SELECT y.{_q('id')} FROM {fy} y "  # noqa: S608
            f"WHERE y.{fy_cluster} = %s AND y.{fy_year} = %s) "
            f"AND NOT EXISTS (SELECT 1 FROM {fy} y2 JOIN {firm} f ON f.{_q('id')} = y2.{fy_firm} "
            f"JOIN {sq} sq ON sq.{_q('code')} = f.{code} AND sq.{_q('kind')} = {q}.{q_kind} "
            f"WHERE y2.{_q('id')} = {q}.{q_fy})",
            [cluster_id, year],
        )
    _execute(
        f"INSERT INTO {q} ({q_fy}, {q_kind}, {q_level}, {q_year}) "  # noqa: S608
        f"SELECT y.{_q('id')}, sq.{_q('kind')}, sq.{_q('level')}, sq.{_q('year')} FROM {sq} sq "
        f"JOIN {firm} f ON f.{code} = sq.{_q('code')} "
        f"JOIN {fy} y ON y.{fy_firm} = f.{_q('id')} AND y.{fy_cluster} = %s AND y.{fy_year} = %s WHERE 1 = 1 "
        + (
            ""
            if fresh
            else f"ON CONFLICT ({q_fy}, {q_kind}) DO UPDATE SET {q_level} = excluded.{q_level}, "
            f"{q_year} = excluded.{q_year} "
            f"WHERE {q}.{q_level} <> excluded.{q_level} OR {q}.{q_year} {_distinct()} excluded.{q_year}"
        ),
        [cluster_id, year],
    )


def write_staged(
    *, cluster_id: int, year: int, staged: Staged | StageTables, batch: EnterpriseImport | None, now: dt.datetime
) -> dict[str, int]:
    """Replace the cluster-year list with the staged rows (inside the caller's transaction)."""
    current = FirmYear.objects.filter(cluster_id=cluster_id, year=year)
    before = current.count()
    postgres = connection.vendor == "postgresql"
    if postgres:
        # These statements are few and large: JIT compilation (triggered by their cost
        # estimates) adds ~0.25 s to each and saves nothing. For this transaction only.
        _execute("SET LOCAL jit = off")
        # Room to sort and hash 100,000 staged rows in memory rather than in temporary files.
        _execute("SET LOCAL work_mem = '64MB'")
    fresh = before == 0  # the first list of this cluster-year: nothing to delete or to update
    with _staging(staged) as st:
        _write_firms(st, year, now)
        if not fresh:
            _delete_unlisted(st, cluster_id, year)
        _upsert_firm_years(st, cluster_id, year, batch, now, fresh=fresh)
        if postgres and staged.rows >= ANALYZE_FROM_ROWS:
            # Fresh planner statistics for the rows just written, so the qualifications are joined
            # to them (and the pages and totals that follow are planned) for their real number
            # (ANALYZE counts them even before this transaction commits). Only the columns
            # queries filter, join or group on: the wide text columns would triple its time.
            _analyze(FirmYear)
        _sync_qualifications(st, cluster_id, year, fresh=fresh)
    if postgres and staged.rows >= ANALYZE_FROM_ROWS:
        _analyze(FirmQualification)
    return {"before": before, "after": staged.rows}


def _analyze(model: type[models.Model]) -> None:
    _execute(f"ANALYZE {_table(model)} ({', '.join(_col(model, f) for f in ANALYZED[model])})")


# —— the preview's stage on PostgreSQL ——


def stage_tables(import_id: int) -> tuple[str, str]:
    """Names of the two tables an import's preview stages its rows in (owned by that import)."""
    return f"{STAGE_PREFIX}{import_id}_rows", f"{STAGE_PREFIX}{import_id}_quals"


class StageStream:
    """Streams a preview's valid rows into the import's two UNLOGGED stage tables (PostgreSQL).

    A second thread, with its own connection, creates the tables and runs one COPY that the
    preview feeds block by block while it validates the next block: PostgreSQL parses and stores
    the rows on the other core. `close()` waits for the COPY, copies the qualifications, indexes
    and analyses the tables (committed: they outlive the preview, until the import is committed,
    cancelled or found stale); `abort()` drops them. Unlogged: a crash empties them, and the
    commit then finds too few rows and asks for a new upload.
    """

    def __init__(self, import_id: int) -> None:
        self.rows_table, self.quals_table = stage_tables(import_id)
        self.rows = 0
        self.qualifications = 0
        self.closed = False
        self._quals: list[bytes] = []
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"stage-{import_id}", daemon=True)
        self._thread.start()

    def send(self, row_part: bytes, qualification_part: bytes, rows: int, qualifications: int) -> None:
        if self._error is None:
            self._blocks.put(row_part)
        self._quals.append(qualification_part)
        self.rows += rows
        self.qualifications += qualifications

    def close(self) -> StageTables:
        """Wait until every row is stored; the tables' names and counts (raises if the COPY failed)."""
        self.closed = True
        self._blocks.put(None)
        self._thread.join()
        if self._error is not None:
            drop_stage(self.rows_table, self.quals_table)
            raise self._error
        return StageTables(self.rows_table, self.quals_table, self.rows, self.qualifications)

    def abort(self) -> None:
        self.closed = True
        self._error = self._error or RuntimeError("aborted")
        self._blocks.put(None)
        self._thread.join()
        drop_stage(self.rows_table, self.quals_table)

    def _run(self) -> None:
        from django.db import connections

        ended = False  # the preview's end-of-rows (None) taken from the queue
        try:
            rows_def, quals_def = _stage_definitions()
            for table, definition in ((self.rows_table, rows_def), (self.quals_table, quals_def)):
                _execute(f"DROP TABLE IF EXISTS {_q(table)}")
                _execute(f"CREATE UNLOGGED TABLE {_q(table)} ({definition})")
            with connection.cursor() as cur:
                columns = ", ".join(_q(c) for c in ROW_COLUMNS)
                with cur.cursor.copy(f"COPY {_q(self.rows_table)} ({columns}) FROM STDIN") as copy:
                    while (block := self._blocks.get()) is not None:
                        if self._error is not None:  # aborted: leave the COPY (rolled back)
                            raise RuntimeError("aborted")
                        copy.write(block)
                    ended = True
                    if self._error is not None:
                        raise RuntimeError("aborted")
                quals = b"".join(self._quals)
                if quals:
                    columns = ", ".join(_q(c) for c in QUALIFICATION_COLUMNS)
                    with cur.cursor.copy(f"COPY {_q(self.quals_table)} ({columns}) FROM STDIN") as copy:
                        copy.write(quals)
            _index_and_analyze(StageTables(self.rows_table, self.quals_table, 0, 0))
        except BaseException as exc:  # reported to the preview by close()
            self._error = self._error or exc
            while not ended and self._blocks.get() is not None:  # let the preview's puts through
                pass
        finally:
            connections.close_all()  # this thread's connection


def drop_stage(rows_table: str, quals_table: str) -> None:
    if connection.vendor != "postgresql":
        return
    _execute(f"DROP TABLE IF EXISTS {_q(rows_table)}, {_q(quals_table)}")


def stage_counts(tables: tuple[str, str]) -> tuple[int, int] | None:
    """Rows in an import's two stage tables, or None when they are gone."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_class WHERE relname IN (%s, %s) AND relkind = 'r'", list(tables))
        if cur.fetchone()[0] != 2:
            return None
        cur.execute(f"SELECT (SELECT count(*) FROM {_q(tables[0])}), (SELECT count(*) FROM {_q(tables[1])})")  # noqa: S608
        rows, quals = cur.fetchone()
    return int(rows), int(quals)


_STAGE_NAME = re.compile(rf"^{STAGE_PREFIX}(\d+)_(rows|quals)$")


def drop_stale_stages(keep: Callable[[set[int]], set[int]]) -> int:
    """Drop the stage tables of every import `keep` does not name (committed, cancelled, failed,
    deleted or abandoned previews); the number of tables dropped."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname LIKE %s",
            [STAGE_PREFIX.replace("_", "\\_") + "%"],
        )
        found = {name: int(m.group(1)) for (name,) in cur.fetchall() if (m := _STAGE_NAME.match(name))}
    kept = keep(set(found.values()))
    stale = [name for name, import_id in found.items() if import_id not in kept]
    for name in stale:
        _execute(f"DROP TABLE IF EXISTS {_q(name)}")
    return len(stale)
