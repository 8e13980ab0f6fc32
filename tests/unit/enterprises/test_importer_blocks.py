"""A block of rows assembled column by column equals each row assembled on its own."""

from itertools import repeat

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.enterprises.importer import _KEYS, _assemble, _assemble_columns

slot_values = st.one_of(st.none(), st.just(""), st.booleans(), st.sampled_from(["市级", "listed", "产品A", "x"]))


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=6),
    absent=st.sets(st.integers(min_value=0, max_value=len(_KEYS) - 1)),
    data=st.data(),
)
def test_block_assembly_equals_row_assembly(n, absent, data):
    columns = [
        repeat(None) if slot in absent else data.draw(st.lists(slot_values, min_size=n, max_size=n))
        for slot in range(len(_KEYS))
    ]
    rows = [tuple(None if slot in absent else columns[slot][i] for slot in range(len(_KEYS))) for i in range(n)]
    assembled = _assemble_columns(columns, n)
    assert all(isinstance(column, list) and len(column) == n for column in assembled)
    assert [list(row) for row in zip(*assembled, strict=True)] == [_assemble(row) for row in rows]
