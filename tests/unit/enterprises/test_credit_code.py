import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.enterprises import credit_code as cc

body17 = st.text(alphabet=cc.ALPHABET, min_size=17, max_size=17)


def _to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_the_examples_of_the_domain_notes_get_their_documented_check_characters():
    assert cc.check_char("91310000MA1FL4B24") == "G"
    assert cc.check_char("91310115MA1K3Y8X1") == "H"
    assert cc.is_valid("91310000MA1FL4B24G")
    assert cc.is_valid("91310115MA1K3Y8X1H")


def test_check_value_thirty_one_is_written_as_zero():
    # Search a body whose weighted sum is a multiple of 31: its check character must be "0".
    rng = random.Random(7)
    for _ in range(10_000):
        body = "".join(rng.choice(cc.ALPHABET) for _ in range(17))
        total = sum(cc.VALUES[c] * w for c, w in zip(body, cc.WEIGHTS, strict=True))
        if total % 31 == 0:
            assert cc.check_char(body) == "0"
            assert cc.is_valid(body + "0")
            return
    pytest.fail("no body with a weighted sum divisible by 31 found")


@settings(max_examples=60, deadline=None)
@given(body17)
def test_every_generated_code_validates(body):
    assert cc.validate(cc.complete(body)).ok


@settings(max_examples=40, deadline=None)
@given(body17)
def test_every_single_character_change_of_a_valid_code_fails(body):
    code = cc.complete(body)
    for pos in range(18):
        for ch in cc.ALPHABET:
            if ch == code[pos]:
                continue
            changed = code[:pos] + ch + code[pos + 1 :]
            assert not cc.is_valid(changed), changed
        for ch in "IOSVZ":
            assert not cc.is_valid(code[:pos] + ch + code[pos + 1 :])


@settings(max_examples=40, deadline=None)
@given(body17)
def test_lower_case_full_width_and_spaced_input_normalises_to_the_valid_code(body):
    code = cc.complete(body)
    messy = " " + _to_full_width(code.lower()[:9]) + "\u3000" + code.lower()[9:] + " \t"
    result = cc.validate(messy)
    assert result.ok
    assert result.code == code


def test_errors_say_which_rule_failed_in_chinese():
    assert cc.validate("").error == "未填写"
    assert cc.validate("9131000MA1FL4B24G").error == "应为18位，实际为17位"
    assert "不允许的字符" in cc.validate("91310000MA1FL4B2IG").error
    assert cc.validate("91310000MA1FL4B24H").error == "校验位错误"


def test_a_number_turned_into_a_float_by_a_spreadsheet_is_rejected_not_guessed():
    assert not cc.is_valid(9.13100001e17)


bodies = st.text(alphabet=cc.ALPHABET, min_size=17, max_size=17)
column_cells = st.one_of(
    bodies.map(cc.complete),  # valid
    bodies.map(lambda b: b + "0"),  # valid only when 0 is the check symbol
    bodies.map(lambda b: cc.complete(b).lower()),
    bodies,  # 17 characters
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=18, max_size=18),  # I, O, S, V, Z too
    st.just(""),
    st.none(),
    st.just(9.13e17),
)


@given(st.lists(column_cells, max_size=12))
def test_a_column_of_codes_is_valid_exactly_when_every_code_is(codes):
    expected = bool(codes) and all(isinstance(c, str) and cc.is_valid_clean(c) for c in codes)
    assert cc.all_valid_clean(codes) == expected
