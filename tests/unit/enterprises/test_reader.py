"""Reading rows below the header: blank rows (spaces of any width count as blank), row numbers,
the end of the sheet after a run of blank rows, and the row limit."""

import pytest

from apps.enterprises import reader
from apps.enterprises.reader import ReadError, _blank_row, _data_blocks


@pytest.mark.parametrize(
    ("row", "blank"),
    [
        ([], True),
        (["", None, "  "], True),
        (["　", "\t"], True),  # full-width space, tab
        ([" x"], False),
        (["", 0], False),
        ([0.0], False),
        ([None, None, "企业"], False),
        ([False], False),
    ],
)
def test_blank_rows_are_rows_of_empty_or_whitespace_cells(row, blank):
    assert _blank_row(row) is blank


def test_rows_keep_their_sheet_numbers_and_a_long_blank_run_ends_the_sheet(monkeypatch):
    monkeypatch.setattr(reader, "MAX_BLANK_RUN", 3)
    head = [["标题"], ["统一社会信用代码", "企业名称"], ["A", "甲"]]
    rest = iter([["", ""], ["B", "乙"], [None], [""], ["  "], ["C", "丙"]])
    assert list(_data_blocks(head, 1, rest, 10)) == [([3, 5], [["A", "甲"], ["B", "乙"]])]


def test_blocks_hold_at_most_the_size_asked_and_skip_blank_rows():
    rest = iter([["1"], [""], ["2"], ["3"], [None, "x"], ["4"]])
    assert list(_data_blocks([["表头"]], 0, rest, 2)) == [
        ([2], [["1"]]),  # row 3 is blank
        ([4, 5], [["2"], ["3"]]),
        ([6, 7], [[None, "x"], ["4"]]),
    ]


def test_more_rows_than_the_limit_is_refused(settings):
    settings.ENTERPRISE_IMPORT_MAX_ROWS = 2
    rows = _data_blocks([["表头"]], 0, iter([["1"], ["2"], ["3"]]), 10)
    with pytest.raises(ReadError, match="超过 2 行"):
        list(rows)
