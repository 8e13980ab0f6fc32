"""The fast cell parsers give exactly what the general parsers give (values and error messages)."""

import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from apps.enterprises.columns import COLUMNS, CellError, fast_column, fast_parser

WORDS = sorted(
    {w for c in COLUMNS for w in c.options}
    | {"是", "否", "无", "有", "√", "×", "Y", "n", "市级", "省级", "国家级", "工业", "制造业", "其他", "上市", "否 "}
    | {"", " ", "　", "-", "—", "无。", "N/A", "=A1+B1", "=", "１２０", "1,234.5", "1，234", "12万元", "3人"}
    | {"上海示例科技有限公司", "上海　示例  公司", " 嘉定区", "安亭镇 ", "a\tb", "x\ny", "ｆｕｌｌ", "Ⅻ", "ﬁ"}
)
cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1e6).map(lambda f: round(f, 3)),
    st.sampled_from([0.0, -0.0, 1.0, 1e9, 1e9 + 0.5, 1e13, 9.99e12, 2023.0, 1899.0, 45047.0, 0.005, 2.675]),
    st.sampled_from(WORDS),
    st.text(alphabet="0123456789.,， 　无是否市级省国家工业上海公司-=ＡａIiΩ\t", max_size=12),
    st.text(max_size=8),
    st.just("长" * 201),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2030, 1, 1)),
)


def outcome(parse, value):
    try:
        result = parse(value)
    except CellError as exc:
        return ("error", str(exc))
    return ("ok", type(result), repr(result))


@pytest.mark.parametrize("column", [c for c in COLUMNS if c.kind != "code"], ids=lambda c: c.key)
@settings(max_examples=150, deadline=None)
@given(value=cells)
def test_fast_parser_agrees_with_the_general_parser(column, value):
    fast = fast_parser(column)
    expected = outcome(column.parse, value)
    assert outcome(fast, value) == expected
    assert outcome(fast, value) == expected  # a second time: answered from the word cache


def test_word_cache_keeps_one_and_true_apart():
    """1 == 1.0 == True in a dict: the cache must only ever be keyed by strings."""
    level = next(c for c in COLUMNS if c.key == "q_specialised")
    fast = fast_parser(level)
    assert fast("1") == fast(1) == "municipal"
    with pytest.raises(CellError):
        fast(True)


# Blocks of cells: mostly of one common kind (so the column-wise C-level paths are taken), with
# the odd cell that is not (so they must notice and fall back to the cell parsers).
common_floats = st.floats(min_value=0, max_value=1e7).map(lambda f: round(f, 2))
whole_floats = st.integers(min_value=0, max_value=10**9).map(float)
clean_texts = st.sampled_from(["上海示例科技有限公司", "嘉定区", "安亭镇", "", "A B", "ｆ", "长" * 60, "无", "=x"])
blocks = st.one_of(
    st.lists(common_floats, max_size=30),
    st.lists(whole_floats, max_size=30),
    st.lists(st.one_of(common_floats, whole_floats, cells), max_size=30),
    st.lists(st.one_of(common_floats, st.sampled_from([-0.0, -1.0, 1e13, 1e9 + 0.5, 1e9 + 1])), max_size=30),
    # Amounts up to the limit with two decimals (whole cents), with more, and the ties that
    # binary floats round the other way (1.005 is stored as 1.00499…).
    st.lists(st.floats(min_value=0, max_value=1e13, exclude_max=True).map(lambda f: round(f, 2)), max_size=30),
    st.lists(
        st.one_of(
            common_floats,
            st.floats(min_value=0, max_value=1e13, exclude_max=True),
            st.sampled_from([1.005, 0.125, 2.675, 9999999999999.99, 0.0, 1e-9]),
        ),
        max_size=30,
    ),
    st.lists(st.one_of(common_floats, st.sampled_from([float("nan"), float("inf"), -float("inf")])), max_size=30),
    st.lists(clean_texts, max_size=30),
    st.lists(st.one_of(clean_texts, st.sampled_from(WORDS), st.text(max_size=4)), max_size=30),
    st.lists(st.sampled_from(WORDS), max_size=30),
    st.lists(cells, max_size=30),
)


@pytest.mark.parametrize("column", [c for c in COLUMNS if c.kind != "code"], ids=lambda c: c.key)
@settings(max_examples=120, deadline=None)
@given(block=blocks)
@example(block=[1.5, -0.0])  # a negative zero among whole cents keeps its sign, as in the cell parser
@example(block=[1.5, 1.005])  # a tie the binary float rounds down: not whole cents
def test_column_parser_agrees_with_the_cell_parser(column, block):
    """A whole column parsed at once: the same values, and exactly the failing cells named."""
    parse_column = fast_column(column)
    for _ in range(2):  # a second time: answered from the word cache
        values, failed = parse_column(block)
        assert len(values) == len(block)
        for i, value in enumerate(block):
            expected = outcome(column.parse, value)
            if expected[0] == "error":
                assert i in failed
            else:
                assert i not in failed
                assert ("ok", type(values[i]), repr(values[i])) == expected
