"""Writing enterprise lists into the database as versions (企业清单版本的写入与生效).

A preview writes the uploaded list into a PENDING `FirmList` while it validates (`ListWriter`):

- on PostgreSQL two threads, each with its own connection, take the validated blocks of 5,000
  rows and, in one transaction per block, look up the block's firms by credit code and COPY in
  the new ones, draw the rows' ids from the sequence and COPY the rows and their qualifications
  straight into their tables (the text built column by column). The database parses, stores
  and indexes them on the other core while Python validates the next block;
- on other backends (SQLite: development, demo, tests) the same happens inline, block by block,
  through `bulk_create`.

Confirming the import (`activate_list`) then writes almost nothing, however long the list: the
size overrides of firms still listed are carried over, renamed firms are renamed (with their
name history), and the pending list becomes current. The previous one is marked superseded (its
record stays, as the history of imports) and its rows are purged by a background task.
A preview that finds errors, is cancelled or is abandoned has its pending list deleted
(`delete_list`), with the firms it alone had introduced: the current list never changed.

SQL is built from the models' metadata (table and column names quoted by the backend); values
are bound parameters or COPY data.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any

import psycopg
from django.db import IntegrityError, connection, connections, models, transaction
from django.db.models import Min

from . import importer
from .importer import ROW_FIELDS, ParsedRow
from .models import SME_SIZES, Firm, FirmList, FirmName, FirmQualification, FirmYear, ListStatus

# The FirmYear columns a list row fills, in the order `_copy_block` writes them.
ROW_COLUMNS: tuple[str, ...] = (
    "id",
    "firm_list",
    "cluster",
    "year",
    "firm",
    *ROW_FIELDS,
    "computed_size",
    "size",
    "is_sme",
    "size_override",
    "size_override_note",
    "warnings",
)
_DB_DEFAULTS = ("updated_at",)  # filled by the database (db_default), not COPYed
QUALIFICATION_COLUMNS: tuple[str, ...] = ("firm_year", "kind", "level", "year")
ANALYZE_FROM_ROWS = 1000
# Only the columns the pages, totals and checks filter or join on: each column costs the sample.
ANALYZED: dict[type[models.Model], tuple[str, ...]] = {
    FirmYear: ("cluster", "year", "firm_list", "firm"),
    FirmQualification: ("firm_year",),
}
_SME = frozenset(str(s) for s in SME_SIZES)


def _check_columns() -> None:
    """Fail loudly if FirmYear gains a column this writer does not fill."""
    names = {f.name for f in FirmYear._meta.concrete_fields}
    covered = {*ROW_COLUMNS, *_DB_DEFAULTS}
    if names != covered:
        raise RuntimeError(f"store.py does not match FirmYear: {sorted(names ^ covered)}")


_check_columns()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[models.Model]) -> str:
    return _q(model._meta.db_table)


def _col(model: type[models.Model], name: str) -> str:
    f = model._meta.get_field(name)
    assert isinstance(f, models.Field)
    return _q(str(f.column))


def _execute(sql: str, params: Sequence[Any] | None = None) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return int(cur.rowcount)


WRITER_THREADS = 2
# A validated block: its rows and, when the validator has them, their values column by column.
Block = tuple[list[ParsedRow], list[list[Any]] | None]


class ListWriter:
    """Writes a preview's valid rows into its pending list, block by block (see the module text).

    `send(rows)` hands over a validated block; `close()` waits until every block is stored and
    returns (rows, qualifications) written; `abort()` stops. On PostgreSQL the blocks are written
    by WRITER_THREADS threads, each with its own connection, taking blocks from one bounded queue
    (the preview waits if the database falls behind): storing a block costs the database about
    twice what validating it costs Python, so two backends keep pace with one validating thread.
    Blocks are independent (a file lists a credit code once), so their order does not matter.
    """

    def __init__(self, firm_list: FirmList, *, threaded: bool) -> None:
        self.firm_list = firm_list
        self.rows = 0
        self.qualifications = 0
        self.closed = False
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._blocks: queue.Queue[Block | None] = queue.Queue(maxsize=2 * WRITER_THREADS)
        self._threaded = threaded

    def send(self, rows: list[ParsedRow], columns: list[list[Any]] | None = None) -> None:
        """Hand over a validated block; `columns`, when given, are its rows' `ROW_FIELDS` values
        column by column (the writer then need not regroup them)."""
        if not rows or self._error is not None:
            return
        # The threads (and their connections) start with the first full block: a list that fits
        # in one block has nothing to overlap with and is written here, at once.
        if self._threaded and not self._threads and len(rows) >= importer.PROGRESS_EVERY:
            for n in range(WRITER_THREADS):
                thread = threading.Thread(target=self._run, name=f"firm-list-{self.firm_list.pk}-{n}", daemon=True)
                thread.start()
                self._threads.append(thread)
        if not self._threads:
            self._write((rows, columns))
        else:
            self._blocks.put((rows, columns))

    def close(self) -> tuple[int, int]:
        """Wait for every block; (rows, qualifications) written. Raises what the writing raised."""
        self._stop()
        if self._error is not None:
            raise self._error
        self._analyze()
        return self.rows, self.qualifications

    def abort(self) -> None:
        self._error = self._error or RuntimeError("aborted")
        self._stop()

    def _stop(self) -> None:
        self.closed = True
        for _thread in self._threads:
            self._blocks.put(None)
        for thread in self._threads:
            thread.join()

    def _analyze(self) -> None:
        """Fresh planner statistics once a long list is in, so that the pages and totals which
        follow are planned for its real size (only the columns they filter, join or group on)."""
        if connection.vendor != "postgresql" or self.rows < ANALYZE_FROM_ROWS:
            return
        for model, fields in ANALYZED.items():
            _execute(f"ANALYZE {_table(model)} ({', '.join(_col(model, f) for f in fields)})")

    def _run(self) -> None:
        ended = False
        try:
            # This connection only writes pending blocks, which need not wait for the disk:
            # after a crash the preview is simply run again (its list is deleted as stale). The
            # commit that makes a list current is an ordinary, synchronous one.
            _execute("SET synchronous_commit = off")
            while (block := self._blocks.get()) is not None:
                if self._error is None:
                    self._write(block)
            ended = True
        except BaseException as exc:  # reported to the preview by close()
            self._error = self._error or exc
        finally:
            if not ended:
                while self._blocks.get() is not None:  # let the preview's puts through
                    pass
            connections.close_all()  # this thread's connection

    def _write(self, block: Block) -> None:
        rows, columns = block
        if connection.vendor != "postgresql":
            with transaction.atomic():
                written = _insert_block(self.firm_list, rows, _firm_ids(rows))
        else:
            try:
                with transaction.atomic():
                    written = _copy_block(self.firm_list, rows, columns, _firm_ids_postgresql(rows, racing=False))
            except (IntegrityError, psycopg.errors.UniqueViolation):  # COPY's errors are psycopg's own
                # Another import inserted one of this block's new firms meanwhile: the block is
                # written again, its firms inserted by INSERT … ON CONFLICT DO NOTHING.
                with transaction.atomic():
                    written = _copy_block(self.firm_list, rows, columns, _firm_ids_postgresql(rows, racing=True))
        with self._lock:
            self.rows += len(rows)
            self.qualifications += written


def _firm_ids(rows: list[ParsedRow]) -> dict[str, int]:
    """Credit code → firm id for a block, inserting the firms not known yet under their listed
    name (a known firm keeps its name until the list is confirmed: `activate_list` renames)."""
    Firm.objects.bulk_create(
        [Firm(credit_code=r.code, name=r.data[0]) for r in rows],
        ignore_conflicts=True,
        batch_size=500,
    )
    return known_firm_ids([r.code for r in rows])


def known_firm_ids(codes: list[str]) -> dict[str, int]:
    """Credit code → id of the firms already known (any backend)."""
    if connection.vendor == "postgresql":
        return _known_firms(codes)
    ids: dict[str, int] = {}
    for i in range(0, len(codes), 900):  # SQLite binds at most 999 parameters
        ids.update(Firm.objects.filter(credit_code__in=codes[i : i + 900]).order_by().values_list("credit_code", "id"))
    return ids


def _known_firms(codes: list[str]) -> dict[str, int]:
    """PostgreSQL: credit code → id of the firms already known. The codes travel as one JSON
    text: a Python list bound as an array is converted element by element, ten times slower."""
    firm, code = _table(Firm), _col(Firm, "credit_code")
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT f.{code}, f.{_q('id')} FROM json_array_elements_text(%s::json) AS c "  # noqa: S608
            f"JOIN {firm} f ON f.{code} = c",
            [json.dumps(codes)],
        )
        return dict(cur.fetchall())


_SEQUENCES: dict[tuple[str, str], str] = {}


def _draw_ids(cur: Any, model: type[models.Model], n: int) -> list[str]:
    """PostgreSQL: n ids drawn from the model's id sequence, as the text COPY takes. The
    sequence is named once per database: `nextval(pg_get_serial_sequence(…))` looks it up again
    for every id drawn, which cost six times the drawing (39 ms against 7 ms for 5,000 ids);
    the ids come back as one text, not as 5,000 result rows."""
    key = (str(connection.settings_dict["NAME"]), model._meta.db_table)
    if key not in _SEQUENCES:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        _SEQUENCES[key] = cur.fetchone()[0]
    cur.execute("SELECT string_agg(nextval(%s::regclass)::text, ',') FROM generate_series(1, %s)", [_SEQUENCES[key], n])
    return str(cur.fetchone()[0]).split(",")


def _firm_ids_postgresql(rows: list[ParsedRow], *, racing: bool) -> dict[str, int]:
    """`_firm_ids` on PostgreSQL: the known firms looked up, the new ones COPYed in with ids
    drawn first — or, `racing` another import that inserted some of them since, inserted by
    INSERT … ON CONFLICT DO NOTHING and looked up again."""
    firm, code, name = _table(Firm), _col(Firm, "credit_code"), _col(Firm, "name")
    ids = _known_firms([r.code for r in rows])
    new = [r for r in rows if r.code not in ids]
    if not new:
        return ids
    with connection.cursor() as cur:
        if racing:
            cur.execute(
                f"INSERT INTO {firm} ({code}, {name}) "  # noqa: S608
                "SELECT e ->> 0, e ->> 1 FROM json_array_elements(%s::json) AS e "
                f"ON CONFLICT ({code}) DO NOTHING",
                [json.dumps([(r.code, r.data[0]) for r in new], ensure_ascii=False)],
            )
            return ids | _known_firms([r.code for r in new])
        new_ids = _draw_ids(cur, Firm, len(new))
        # created_at, updated_at: the database's now() (db_default)
        text = _copy_text([new_ids, [r.code for r in new], _text_column([r.data[0] for r in new])])
        with cur.cursor.copy(f"COPY {firm} ({_q('id')}, {code}, {name}) FROM STDIN") as copy:
            copy.write(text)
    ids.update(zip((r.code for r in new), map(int, new_ids), strict=True))
    return ids


# —— COPY text, built column by column ——
# COPY's text format: tab-separated, \N for null, backslash escapes in text. Each column of a
# block is converted in one pass (a text column only when it holds a character to escape), then
# the lines are joined: a tenth of the time of formatting 30 values row by row.

NULL = "\\N"
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text_column(values: Sequence[str | None]) -> Sequence[str]:
    if None in values:
        values = ["" if v is None else v for v in values]
    if _NEEDS_ESCAPE.search("".join(values)):  # type: ignore[arg-type]
        return [v.translate(_ESCAPES) for v in values]  # type: ignore[union-attr]
    return values  # type: ignore[return-value]


def _number_column(values: Sequence[Any]) -> list[str]:
    if type(None) not in set(map(type, values)):
        return list(map(str, values))
    return [NULL if v is None else str(v) for v in values]


_FLAG_TEXT = {True: "t", False: "f"}


def _flag_column(values: Sequence[Any]) -> list[str]:
    return list(map(_FLAG_TEXT.__getitem__, map(bool, values)))


def _json_column(values: Sequence[list[Any]]) -> list[str]:
    return ["[]" if not v else json.dumps(v, ensure_ascii=False).translate(_ESCAPES) for v in values]


def _converter(name: str) -> Callable[[Sequence[Any]], Sequence[str]]:
    field = FirmYear._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        return _flag_column
    if isinstance(field, models.JSONField):
        return _json_column
    if isinstance(field, models.CharField | models.TextField):
        return _text_column
    return _number_column


_ROW_CONVERTERS = [_converter(name) for name in ROW_FIELDS]


def _copy_text(columns: Sequence[Iterable[str]]) -> str:
    return "\n".join(map("\t".join, zip(*columns, strict=False))) + "\n"


def _copy_block(
    firm_list: FirmList, rows: list[ParsedRow], by_field: Sequence[Sequence[Any]] | None, firm_ids: dict[str, int]
) -> int:
    """PostgreSQL: the block's rows and qualifications COPYed into their tables (ids drawn first,
    so the qualifications name their row without reading anything back); `by_field`, when
    given, are the rows' values column by column (else regrouped from the rows)."""
    fy, fq = _table(FirmYear), _table(FirmQualification)
    with connection.cursor() as cur:
        ids = _draw_ids(cur, FirmYear, len(rows))
        sizes = [r.size for r in rows]
        if by_field is None:
            by_field = list(zip(*(r.data for r in rows), strict=True))
        data = [convert(column) for convert, column in zip(_ROW_CONVERTERS, by_field, strict=True)]
        columns: list[Iterable[str]] = [
            ids,
            repeat(str(firm_list.pk)),
            repeat(str(firm_list.cluster_id)),
            repeat(str(firm_list.year)),
            [str(firm_ids[r.code]) for r in rows],
            *data,
            sizes,  # computed_size
            sizes,  # size (no override yet: `activate_list` carries the previous list's)
            ["t" if size in _SME else "f" for size in sizes],
            repeat(""),
            repeat(""),
            _json_column([r.warnings for r in rows]),
        ]
        names = ", ".join(_col(FirmYear, c) for c in ROW_COLUMNS)
        with cur.cursor.copy(f"COPY {fy} ({names}) FROM STDIN") as copy:
            copy.write(_copy_text(columns))
        quals = [
            f"{row_id}\t{kind}\t{level}\t{NULL if qyear is None else qyear}\n"
            for row_id, r in zip(ids, rows, strict=True)
            for kind, level, qyear in r.qualifications
        ]
        if quals:
            names = ", ".join(_col(FirmQualification, c) for c in QUALIFICATION_COLUMNS)
            with cur.cursor.copy(f"COPY {fq} ({names}) FROM STDIN") as copy:
                copy.write("".join(quals))
    return len(quals)


def _insert_block(firm_list: FirmList, rows: list[ParsedRow], firm_ids: dict[str, int]) -> int:
    """Other backends: the block through bulk_create (which reads the new rows' ids back)."""
    objs = []
    for r in rows:
        values = dict(zip(ROW_FIELDS, r.data, strict=True))
        objs.append(
            FirmYear(
                firm_list=firm_list,
                cluster_id=firm_list.cluster_id,
                year=firm_list.year,
                firm_id=firm_ids[r.code],
                computed_size=r.size,
                size=r.size,
                is_sme=r.size in _SME,
                warnings=r.warnings,
                **values,
            )
        )
    FirmYear.all_lists.bulk_create(objs, batch_size=200)
    quals = [
        FirmQualification(firm_year_id=obj.pk, kind=kind, level=level, year=qyear)
        for obj, r in zip(objs, rows, strict=True)
        for kind, level, qyear in r.qualifications
    ]
    FirmQualification.all_lists.bulk_create(quals, batch_size=500)
    return len(quals)


def list_rows(firm_list: FirmList) -> models.QuerySet[FirmYear]:
    """A list's rows, whatever its status (by its cluster-year's index, then the list)."""
    return FirmYear.all_lists.filter(cluster_id=firm_list.cluster_id, year=firm_list.year, firm_list=firm_list)


def list_counts(firm_list: FirmList) -> tuple[int, int]:
    """Rows and qualifications a list holds, counted in the database."""
    rows = list_rows(firm_list)
    quals = FirmQualification.all_lists.filter(firm_year__in=rows.values("id")).count()
    return rows.count(), quals


def activate_list(*, pending: FirmList, now: dt.datetime) -> dict[str, int]:
    """Make a pending list its cluster-year's current list (inside the caller's transaction,
    which holds the cluster row's lock): overrides carried over, firms renamed, previous list
    superseded. Returns the number of rows before and after."""
    previous = (
        FirmList.objects.select_for_update()
        .filter(cluster_id=pending.cluster_id, year=pending.year, status=ListStatus.CURRENT)
        .first()
    )
    before = list_rows(previous).count() if previous else 0
    if previous is not None:
        _carry_overrides(previous, pending)
    _rename_firms(pending, now)
    if previous is not None:
        FirmList.objects.filter(pk=previous.pk).update(status=ListStatus.SUPERSEDED)
        from .tasks import enterprise_list_purge_task

        previous_id = previous.pk
        transaction.on_commit(lambda: enterprise_list_purge_task.enqueue(previous_id))
    FirmList.objects.filter(pk=pending.pk).update(status=ListStatus.CURRENT, activated_at=now)
    return {"before": before, "after": pending.row_count}


def _carry_overrides(previous: FirmList, pending: FirmList) -> None:
    """人工认定规模 of a firm still listed is kept: its override and note, and the adopted size."""
    fy = _table(FirmYear)
    list_col, firm_col = _col(FirmYear, "firm_list"), _col(FirmYear, "firm")
    override, note = _col(FirmYear, "size_override"), _col(FirmYear, "size_override_note")
    size, is_sme = _col(FirmYear, "size"), _col(FirmYear, "is_sme")
    cluster, year = _col(FirmYear, "cluster"), _col(FirmYear, "year")
    marks = ", ".join(["%s"] * len(_SME))
    _execute(
        f"UPDATE {fy} SET {override} = o.{override}, {note} = o.{note}, {size} = o.{override}, "  # noqa: S608
        f"{is_sme} = (o.{override} IN ({marks})) FROM {fy} o "
        f"WHERE o.{cluster} = %s AND o.{year} = %s AND o.{list_col} = %s AND o.{override} <> '' "
        f"AND {fy}.{firm_col} = o.{firm_col} AND {fy}.{list_col} = %s",
        [*sorted(_SME), previous.cluster_id, previous.year, previous.pk, pending.pk],
    )


def _rename_firms(pending: FirmList, now: dt.datetime) -> None:
    """Known firms listed under another name are renamed; their name history records every name
    with the first year it was listed under (the earliest kept)."""
    firm, names, fy = _table(Firm), _table(FirmName), _table(FirmYear)
    fid, fname = _q("id"), _col(Firm, "name")
    n_firm, n_name, n_first = _col(FirmName, "firm"), _col(FirmName, "name"), _col(FirmName, "first_year")
    y_list, y_firm, y_name = (_col(FirmYear, f) for f in ("firm_list", "firm", "name"))
    y_cluster, y_year = _col(FirmYear, "cluster"), _col(FirmYear, "year")
    in_list = f"y.{y_cluster} = %s AND y.{y_year} = %s AND y.{y_list} = %s"
    where_list = [pending.cluster_id, pending.year, pending.pk]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT f.{fid}, f.{fname}, y.{y_name} FROM {fy} y JOIN {firm} f ON f.{fid} = y.{y_firm} "  # noqa: S608
            f"WHERE {in_list} AND f.{fname} <> y.{y_name}",
            where_list,
        )
        renamed = cur.fetchall()

    def insert_names(values: list[tuple[Any, ...]]) -> None:
        """Names into the history; a name already there keeps the earliest first year."""
        with connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {names} ({n_firm}, {n_name}, {n_first}, {_col(FirmName, 'recorded_at')}) "  # noqa: S608
                "VALUES (%s, %s, %s, %s) "
                f"ON CONFLICT ({n_firm}, {n_name}) DO UPDATE SET {n_first} = excluded.{n_first} "
                f"WHERE {names}.{n_first} IS NULL OR excluded.{n_first} < {names}.{n_first}",
                values,
            )

    # The name before this rename, with the first year it was listed under (in a confirmed list).
    ids = [firm_id for firm_id, _old, _new in renamed]
    first: dict[tuple[int, str], int] = {}
    for i in range(0, len(ids), 900):
        for firm_id, listed_name, year in (
            FirmYear.all_lists.filter(firm_id__in=ids[i : i + 900])
            .exclude(firm_list__status=ListStatus.PENDING)
            .values("firm_id", "name")
            .annotate(first=Min("year"))
            .values_list("firm_id", "name", "first")
            .order_by()
        ):
            first[(firm_id, listed_name)] = year
    insert_names([(firm_id, old_name, first.get((firm_id, old_name)), now) for firm_id, old_name, _new in renamed])
    # The name each firm with a history (renamed ones included, by now) is listed under here.
    _execute(
        f"INSERT INTO {names} ({n_firm}, {n_name}, {n_first}, {_col(FirmName, 'recorded_at')}) "  # noqa: S608
        f"SELECT y.{y_firm}, y.{y_name}, %s, %s FROM {fy} y WHERE {in_list} "
        f"AND y.{y_firm} IN (SELECT n.{n_firm} FROM {names} n) "
        f"ON CONFLICT ({n_firm}, {n_name}) DO UPDATE SET {n_first} = excluded.{n_first} "
        f"WHERE {names}.{n_first} IS NULL OR excluded.{n_first} < {names}.{n_first}",
        [pending.year, now, *where_list],
    )
    with connection.cursor() as cur:
        cur.executemany(
            f"UPDATE {firm} SET {fname} = %s, {_col(Firm, 'updated_at')} = %s WHERE {fid} = %s",  # noqa: S608
            [(new_name, now, firm_id) for firm_id, _old, new_name in renamed],
        )


def _delete_rows(firm_list: FirmList) -> list[int]:
    """Delete a list's qualifications and rows; the ids of the firms they named."""
    fy, fq = _table(FirmYear), _table(FirmQualification)
    y_cluster, y_year, y_list, y_firm = (_col(FirmYear, f) for f in ("cluster", "year", "firm_list", "firm"))
    in_list = f"{y_cluster} = %s AND {y_year} = %s AND {y_list} = %s"
    where = [firm_list.cluster_id, firm_list.year, firm_list.pk]
    with connection.cursor() as cur:
        cur.execute(f"SELECT {y_firm} FROM {fy} WHERE {in_list}", where)  # noqa: S608
        firm_ids = [i for (i,) in cur.fetchall()]
    _execute(
        f"DELETE FROM {fq} WHERE {_col(FirmQualification, 'firm_year')} IN "  # noqa: S608
        f"(SELECT {_q('id')} FROM {fy} WHERE {in_list})",
        where,
    )
    _execute(f"DELETE FROM {fy} WHERE {in_list}", where)  # noqa: S608
    return firm_ids


def delete_list(list_id: int) -> None:
    """Delete a pending (or abandoned) list with its rows and qualifications, and the firms it
    alone introduced (no other list's row and no name history names them)."""
    firm, names, fy = _table(Firm), _table(FirmName), _table(FirmYear)
    with transaction.atomic():
        firm_list = FirmList.objects.select_for_update().filter(pk=list_id).first()
        if firm_list is None:
            return
        firm_ids = _delete_rows(firm_list)
        chunk = 900 if connection.vendor == "sqlite" else 50_000
        for i in range(0, len(firm_ids), chunk):
            part = firm_ids[i : i + chunk]
            marks = ", ".join(["%s"] * len(part))
            _execute(
                f"DELETE FROM {firm} WHERE {_q('id')} IN ({marks}) "  # noqa: S608
                f"AND NOT EXISTS (SELECT 1 FROM {fy} y WHERE y.{_col(FirmYear, 'firm')} = {firm}.{_q('id')}) "
                f"AND NOT EXISTS (SELECT 1 FROM {names} n WHERE n.{_col(FirmName, 'firm')} = {firm}.{_q('id')})",
                part,
            )
        firm_list.delete()


def purge_superseded_rows(list_id: int) -> None:
    """A superseded list's rows and qualifications are deleted (the list record stays, with its
    counts and import, as the history of what was imported): the cluster-year index then holds
    only the current list and any pending one."""
    with transaction.atomic():
        firm_list = FirmList.objects.select_for_update().filter(pk=list_id, status=ListStatus.SUPERSEDED).first()
        if firm_list is not None:
            _delete_rows(firm_list)


def delete_stale_lists(keep: Callable[[set[int]], set[int]]) -> int:
    """Delete the pending lists whose ids `keep` does not return (their import was committed
    elsewhere, cancelled, failed, deleted or left unconfirmed); the number deleted."""
    pending = set(FirmList.objects.filter(status=ListStatus.PENDING).values_list("pk", flat=True))
    stale = pending - keep(pending)
    for list_id in sorted(stale):
        delete_list(list_id)
    return len(stale)
