"""Writing a staged list into the database, set-based (企业清单写入).

A cluster-year list of up to 200,000 firms is written with a fixed number of statements,
whatever its length:

1. the staged rows and qualifications go into two temporary tables — PostgreSQL by COPY of
   the staged bytes as they are, other backends by one `executemany`;
2. firms are inserted by credit code (`ON CONFLICT DO NOTHING`), renamed firms updated, and
   every name a firm is listed under recorded in its name history (earliest year kept);
3. firm-years no longer listed are deleted through the ORM (so related rows follow Django's
   on_delete rules), and the list is upserted by (cluster, year, firm): a firm-year keeps its
   id, its size override and note (the adopted size follows the override when there is one),
   and a row whose values did not change is not written at all;
4. the qualifications are synchronised with the staged ones (stale ones deleted, new ones
   inserted, changed levels or years updated), joined by credit code.

Must run inside `transaction.atomic()`: any failure leaves the list as it was. SQL is built
from the models' metadata (table and column names quoted by the backend); values are bound
parameters. Needs PostgreSQL ≥ 9.5 or SQLite ≥ 3.33 (upsert, UPDATE … FROM).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

from .importer import ROW_FIELDS
from .models import SME_SIZES, EnterpriseImport, Firm, FirmName, FirmQualification, FirmYear
from .stage import QUALIFICATION_COLUMNS, ROW_COLUMNS, Staged, decode_lines

STAGE_ROWS = "enterprises_stage_rows"
STAGE_QUALS = "enterprises_stage_quals"
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


@contextmanager
def _staging(staged: Staged) -> Iterator[None]:
    """The two temporary tables, filled; dropped afterwards (a rollback drops them too)."""
    rows_def = ", ".join(f"{_q(c)} {_stage_type(c)}" for c in ROW_COLUMNS)
    quals_def = (
        f"{_q('code')} {_stage_type('code')}, {_q('kind')} varchar(30), {_q('level')} varchar(20), {_q('year')} integer"
    )
    for table, definition in ((STAGE_ROWS, rows_def), (STAGE_QUALS, quals_def)):
        _execute(f"DROP TABLE IF EXISTS {_q(table)}")
        _execute(f"CREATE TEMPORARY TABLE {_q(table)} ({definition})")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for table, columns, part in (
                (STAGE_ROWS, ROW_COLUMNS, staged.row_bytes),
                (STAGE_QUALS, QUALIFICATION_COLUMNS, staged.qualification_bytes),
            ):
                if part:
                    sql = f"COPY {_q(table)} ({', '.join(_q(c) for c in columns)}) FROM STDIN"
                    with cur.cursor.copy(sql) as copy:
                        copy.write(part)
    else:
        with connection.cursor() as cur:
            for table, columns, part in (
                (STAGE_ROWS, ROW_COLUMNS, staged.row_bytes),
                (STAGE_QUALS, QUALIFICATION_COLUMNS, staged.qualification_bytes),
            ):
                if part:
                    marks = ", ".join(["%s"] * len(columns))
                    cur.executemany(
                        f"INSERT INTO {_q(table)} ({', '.join(_q(c) for c in columns)}) VALUES ({marks})",  # noqa: S608
                        list(decode_lines(part)),
                    )
    _execute(f"CREATE INDEX {_q(STAGE_ROWS + '_code')} ON {_q(STAGE_ROWS)} ({_q('code')})")
    _execute(f"CREATE INDEX {_q(STAGE_QUALS + '_code')} ON {_q(STAGE_QUALS)} ({_q('code')}, {_q('kind')})")
    yield
    _execute(f"DROP TABLE {_q(STAGE_QUALS)}")
    _execute(f"DROP TABLE {_q(STAGE_ROWS)}")


def _write_firms(year: int, now: dt.datetime) -> None:
    """New firms inserted, renamed firms renamed; the name history of renamed firms recorded."""
    firm, names, fy = _table(Firm), _table(FirmName), _table(FirmYear)
    code, fname, fid = _col(Firm, "credit_code"), _col(Firm, "name"), _q("id")
    n_firm, n_name, n_first = _col(FirmName, "firm"), _col(FirmName, "name"), _col(FirmName, "first_year")
    s = _q(STAGE_ROWS)
    now_db = _field(Firm, "updated_at").get_db_prep_save(now, connection)
    _execute(
        f"INSERT INTO {firm} ({code}, {fname}, {_col(Firm, 'created_at')}, {_col(Firm, 'updated_at')}) "  # noqa: S608
        f"SELECT s.{_q('code')}, s.{_q('name')}, %s, %s FROM {s} s WHERE 1 = 1 ON CONFLICT ({code}) DO NOTHING",
        [now_db, now_db],
    )

    def insert_names(values: str, where: str, params: list[Any]) -> None:
        """Names into the history; a name already there keeps the earliest first year."""
        _execute(
            f"INSERT INTO {names} ({n_firm}, {n_name}, {n_first}, {_col(FirmName, 'recorded_at')}) "  # noqa: S608
            f"SELECT {values} FROM {s} s JOIN {firm} f ON f.{code} = s.{_q('code')} WHERE {where} "
            f"ON CONFLICT ({n_firm}, {n_name}) DO UPDATE SET {n_first} = excluded.{n_first} "
            f"WHERE {names}.{n_first} IS NULL OR excluded.{n_first} < {names}.{n_first}",
            params,
        )

    renamed = f"f.{fname} <> s.{_q('name')}"
    y_year, y_firm, y_name = _col(FirmYear, "year"), _col(FirmYear, "firm"), _col(FirmYear, "name")
    # A firm's name before its first rename, with the first year it was listed under it.
    first_listed = f"(SELECT MIN(y.{y_year}) FROM {fy} y WHERE y.{y_firm} = f.{fid} AND y.{y_name} = f.{fname})"  # noqa: S608
    insert_names(f"f.{fid}, f.{fname}, {first_listed}, %s", renamed, [now_db])
    # The name it is listed under now, for every firm that has (or now gets) a history.
    has_history = f"EXISTS (SELECT 1 FROM {names} n WHERE n.{n_firm} = f.{fid})"  # noqa: S608
    insert_names(f"f.{fid}, s.{_q('name')}, %s, %s", f"{renamed} OR {has_history}", [year, now_db])
    _execute(
        f"UPDATE {firm} SET {fname} = s.{_q('name')}, {_col(Firm, 'updated_at')} = %s FROM {s} s "  # noqa: S608
        f"WHERE {firm}.{code} = s.{_q('code')} AND {firm}.{fname} <> s.{_q('name')}",
        [now_db],
    )


def _delete_unlisted(cluster_id: int, year: int) -> None:
    """Firm-years of the cluster-year whose firm is not in the new list, through the ORM."""
    fy, firm = _table(FirmYear), _table(Firm)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT fy.{_q('id')} FROM {fy} fy WHERE fy.{_col(FirmYear, 'cluster')} = %s "  # noqa: S608
            f"AND fy.{_col(FirmYear, 'year')} = %s AND NOT EXISTS (SELECT 1 FROM {_q(STAGE_ROWS)} s "
            f"JOIN {firm} f ON f.{_col(Firm, 'credit_code')} = s.{_q('code')} "
            f"WHERE f.{_q('id')} = fy.{_col(FirmYear, 'firm')})",
            [cluster_id, year],
        )
        ids = [r[0] for r in cur.fetchall()]
    for i in range(0, len(ids), DELETE_CHUNK):
        FirmYear.objects.filter(pk__in=ids[i : i + DELETE_CHUNK]).delete()


def _upsert_firm_years(cluster_id: int, year: int, batch: EnterpriseImport | None, now: dt.datetime) -> None:
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
        f"FROM {_q(STAGE_ROWS)} s JOIN {firm} f ON f.{_col(Firm, 'credit_code')} = s.{_q('code')} WHERE 1 = 1 "
        f"ON CONFLICT ({unique}) DO UPDATE SET {', '.join(updates)} WHERE {changed}",
        [cluster_id, year, *sme, batch.pk if batch else None, now_db, *sme],
    )


def _distinct() -> str:
    """Null-safe “differs”: PostgreSQL's IS DISTINCT FROM, SQLite's IS NOT."""
    return "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"


def _sync_qualifications(cluster_id: int, year: int) -> None:
    """The cluster-year's qualifications made equal to the staged ones, touching only differences:
    stale (firm-year, kind) pairs deleted, new ones inserted, a changed level or year updated."""
    q, fy, firm = _table(FirmQualification), _table(FirmYear), _table(Firm)
    q_fy, q_kind = _col(FirmQualification, "firm_year"), _col(FirmQualification, "kind")
    q_level, q_year = _col(FirmQualification, "level"), _col(FirmQualification, "year")
    fy_firm, fy_cluster, fy_year = _col(FirmYear, "firm"), _col(FirmYear, "cluster"), _col(FirmYear, "year")
    code, sq = _col(Firm, "credit_code"), _q(STAGE_QUALS)
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
        f"ON CONFLICT ({q_fy}, {q_kind}) DO UPDATE SET {q_level} = excluded.{q_level}, {q_year} = excluded.{q_year} "
        f"WHERE {q}.{q_level} <> excluded.{q_level} OR {q}.{q_year} {_distinct()} excluded.{q_year}",
        [cluster_id, year],
    )


def write_staged(
    *, cluster_id: int, year: int, staged: Staged, batch: EnterpriseImport | None, now: dt.datetime
) -> dict[str, int]:
    """Replace the cluster-year list with the staged rows (inside the caller's transaction)."""
    current = FirmYear.objects.filter(cluster_id=cluster_id, year=year)
    before = current.count()
    with _staging(staged):
        _write_firms(year, now)
        _delete_unlisted(cluster_id, year)
        _upsert_firm_years(cluster_id, year, batch, now)
        _sync_qualifications(cluster_id, year)
    if connection.vendor == "postgresql" and staged.rows >= ANALYZE_FROM_ROWS:
        # Fresh planner statistics, so the pages and totals that follow a big import are planned
        # for the rows it wrote (counted by ANALYZE even before this transaction commits).
        # Only the columns queries filter, join or group on: the wide text columns would triple its time.
        for model, fields in ANALYZED.items():
            _execute(f"ANALYZE {_table(model)} ({', '.join(_col(model, f) for f in fields)})")
    return {"before": before, "after": staged.rows}
