"""A clean block, checked column by column, gives exactly what the row-by-row checks give.

The importer takes a block whose every credit code is clean, valid and new (and whose cells all
read) through its column-wise path: qualifications, size classes and warnings worked out column
by column, and the columns handed to the writer. Forcing the row-by-row path (by having the
column-wise code check fail) must give the same rows, values, qualifications, sizes, warnings
and errors — and the columns handed over must be the rows' values.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from apps.enterprises import credit_code, importer
from apps.enterprises.columns import COLUMN_BY_KEY
from apps.enterprises.reader import RawSheet
from tests.factories_enterprises import make_code

KEYS = [
    "credit_code",
    "name",
    "industry",
    "employees",
    "revenue",
    "total_assets",
    "rd_expense",
    "rd_staff",
    "invention_patents",
    "q_specialised",
    "qy_specialised",
    "q_high_tech",
    "qy_high_tech",
    "qy_little_giant",  # a year column without its level column
    "leading_industry_related",
    "cloud",
    "product_1",
    "product_2",
]
amounts = st.one_of(st.none(), st.floats(min_value=0, max_value=1e6).map(lambda f: round(f, 2)))
years = st.one_of(st.none(), st.integers(min_value=2015, max_value=2026))
row_cells = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["上海示例科技有限公司", "嘉定精密制造厂"]),
        "industry": st.sampled_from(["工业", "批发业", "建筑业", "软件和信息技术服务业"]),
        "employees": st.integers(min_value=0, max_value=2000),
        "revenue": st.floats(min_value=0, max_value=1e6).map(lambda f: round(f, 2)),
        "total_assets": amounts,
        "rd_expense": amounts,
        "rd_staff": st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
        "invention_patents": st.one_of(st.none(), st.integers(min_value=0, max_value=50)),
        "q_specialised": st.sampled_from([None, "市级", "省级"]),
        "qy_specialised": years,
        "q_high_tech": st.sampled_from([None, "国家级"]),
        "qy_high_tech": years,
        "qy_little_giant": st.one_of(st.none(), st.just(2020)),
        "leading_industry_related": st.sampled_from([None, "是", "否"]),
        "cloud": st.sampled_from([None, "是", "否"]),
        "product_1": st.sampled_from([None, "伺服电机"]),
        "product_2": st.sampled_from([None, "减速器"]),
    }
)


def sheet_of(rows: list[dict[str, Any]]) -> RawSheet:
    cells = [[make_code(1000 + i), *(row[key] for key in KEYS[1:])] for i, row in enumerate(rows)]

    def blocks(size: int) -> Iterator[tuple[list[int], list[list[Any]]]]:
        for start in range(0, len(cells), size):
            part = cells[start : start + size]
            yield list(range(start + 2, start + 2 + len(part))), part

    columns = dict(enumerate(KEYS))
    headers = {i: COLUMN_BY_KEY[key].header for i, key in columns.items()}
    return RawSheet("企业清单", 1, columns, headers, [], blocks, set(), len(cells))


def validated(rows: list[dict[str, Any]], *, row_by_row: bool) -> tuple[Any, list[Any]]:
    handed: list[Any] = []
    with pytest.MonkeyPatch.context() as m:
        m.setattr(importer, "PROGRESS_EVERY", 3)
        if row_by_row:
            m.setattr(credit_code, "all_valid_clean", lambda codes: False)
        result = importer.validate_sheet(
            sheet_of(rows), 2024, on_block=lambda block, _errors, columns: handed.append((block, columns))
        )
    return result, handed


def parsed(result: Any) -> list[tuple[Any, ...]]:
    return [(r.row, r.code, r.data, r.qualifications, r.size, r.warnings) for r in result.rows]


VALID_ROW = {
    "name": "上海示例科技有限公司",
    "industry": "工业",
    "employees": 50,
    "revenue": 3000.5,
    "total_assets": None,
    "rd_expense": 150.0,
    "rd_staff": 8,
    "invention_patents": 2,
    "q_specialised": "市级",
    "qy_specialised": 2022,
    "q_high_tech": None,
    "qy_high_tech": None,
    "qy_little_giant": None,
    "leading_industry_related": None,
    "cloud": "是",
    "product_1": "伺服电机",
    "product_2": None,
}


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(row_cells, min_size=1, max_size=8))
# No employees but patents (and no R&D staff): warned only through the no-employees check.
@example(
    rows=[
        {
            **VALID_ROW,
            "employees": 0,
            "invention_patents": 3,
            "rd_staff": None,
            "q_specialised": None,
            "qy_specialised": None,
        }
    ]
)
def test_a_clean_block_gives_what_the_row_by_row_checks_give(rows):
    by_columns, handed = validated(rows, row_by_row=False)
    by_rows, handed_rows = validated(rows, row_by_row=True)
    assert parsed(by_columns) == parsed(by_rows)
    assert [e.text() for e in by_columns.errors] == [e.text() for e in by_rows.errors]
    assert all(columns is None for _block, columns in handed_rows)
    for block, columns in handed:
        if columns is not None:
            assert [list(values) for values in zip(*columns, strict=True)] == [r.data for r in block]


def test_the_clean_path_is_taken_for_valid_rows():
    """The comparison above is not of one path with itself: valid rows go column-wise."""
    row = VALID_ROW
    result, handed = validated([row, row, row, row], row_by_row=False)
    assert [columns is not None for _block, columns in handed] == [True, True]
    assert result.rows[0].qualifications == [("specialised", "municipal", 2022)]
