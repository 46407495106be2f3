"""Each standardiser, with the real edge cases of the NHS and DfE check schemes."""

from __future__ import annotations

import datetime as dt

import pytest

from linkage.standardise import (
    canonical_forenames,
    check_nhs_numbers,
    check_postcodes,
    check_sexes,
    check_upns,
    clean_names,
    name_variant_rows,
    parse_dates,
)


@pytest.mark.parametrize(
    ("raw", "expected", "reason"),
    [
        ("4010232137", "4010232137", None),  # weights 10..2 sum 92, 92 mod 11 = 4, 11-4 = 7
        ("401 023 2137", "4010232137", None),  # spaces stripped
        (" 401-023-2137 ", "4010232137", None),  # hyphens and padding stripped
        ("4000000020", "4000000020", None),  # remainder 0: check 11 becomes 0, valid
        ("4000000080", None, "check_digit_10"),  # remainder 1: check 10, never issued
        ("4000000089", None, "check_digit_10"),
        ("4010232138", None, "check_digit_mismatch"),  # one digit wrong
        ("4010231237", None, "check_digit_mismatch"),  # adjacent digits transposed
        ("0000000000", None, "dummy_repeated_digits"),  # passes modulus 11, a dummy
        ("1111111111", None, "dummy_repeated_digits"),  # passes modulus 11, a dummy
        ("9999999999", None, "dummy_repeated_digits"),
        ("401023213", None, "not_10_digits"),
        ("40102321377", None, "not_10_digits"),
        ("40102321X7", None, "not_10_digits"),
        ("", None, None),  # missing is not invalid
        (None, None, None),
    ],
)
def test_nhs_number_modulus_11(raw, expected, reason):
    assert check_nhs_numbers([raw]) == [(expected, reason)]


def _upn(twelve: str) -> str:
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    total = sum(
        (int(c) if c.isdigit() else letters.index(c)) * pos for pos, c in enumerate(twelve, start=2)
    )
    return letters[total % 23] + twelve


@pytest.mark.parametrize(
    ("raw", "expected", "reason"),
    [
        # python-stdnum's documented example: 8*2+1*4+2*5+5*10+1*13 = 93, 93 mod 23 = 1 -> B
        ("B801200005001", "B801200005001", None),
        ("b801 2000 05001", "B801200005001", None),  # case and spaces
        ("A801200005001", None, "check_letter_mismatch"),
        ("B801200005002", None, "check_letter_mismatch"),  # last digit changed
        (_upn("30712342400A"), _upn("30712342400A"), None),  # temporary UPN, letter A = 0
        (_upn("30712342401Z"), _upn("30712342401Z"), None),  # temporary UPN, letter Z = 22
        ("X80120000A001", None, "invalid_characters"),  # letter in the numeric part
        ("I801200005001", None, "invalid_characters"),  # I, O, S are never check letters
        ("B80120000500S", None, "invalid_characters"),
        ("B80120000500", None, "not_13_chars"),
        ("", None, None),
        (None, None, None),
    ],
)
def test_upn_check_letter(raw, expected, reason):
    assert check_upns([raw]) == [(expected, reason)]


def test_upn_remainder_zero_and_twenty_two():
    # the two ends of the letter table: remainder 0 -> A, remainder 22 -> Z
    bodies = [f"{n:012d}" for n in range(300000000000, 300000000300)]
    upns = [_upn(body) for body in bodies]
    firsts = {upn[0] for upn in upns}
    assert {"A", "Z"} <= firsts
    assert all(reason is None for _, reason in check_upns(upns))


def test_names():
    assert clean_names(["Zoë", "O'Brien", "Smith-Jones", "  baby ", "MARY  Anne", "Nk", None]) == [
        "zoe",
        "obrien",
        "smith jones",
        None,
        "mary anne",
        None,
        None,
    ]


def test_nicknames_and_variants_share_a_blocking_key():
    keys = canonical_forenames(
        ["Bill", "William", "Mohamed", "Muhammad", "Lottie", "Charlotte", "Yusuf", "Joseph"]
    )
    assert keys[0] == keys[1]
    assert keys[2] == keys[3]
    assert keys[4] == keys[5]
    assert keys[6] == keys[7]
    assert len({keys[0], keys[2], keys[4]}) == 3
    assert canonical_forenames(["Zzz", None]) == ["zzz", None]


def test_variant_groups_are_not_transitive():
    rows = {name: set(groups) for name, groups, _ in name_variant_rows()}
    assert rows["lottie"] & rows["charlie"]  # Charlie can be Charlotte
    assert rows["charles"] & rows["charlie"]  # or Charles
    assert not rows["lottie"] & rows["charles"]  # but Lottie is never Charles


def test_dates_both_formats():
    assert parse_dates(["2015-03-04", "04/03/2015", "2015/03/04", "31/02/2015", None]) == [
        dt.date(2015, 3, 4),
        dt.date(2015, 3, 4),
        None,
        None,
        None,
    ]


def test_sex_codes():
    assert check_sexes(["M", "f", "1", "2", "U", "", "X"]) == [
        ("M", None),
        ("F", None),
        ("M", None),
        ("F", None),
        (None, None),
        (None, None),
        (None, "unrecognised"),
    ]


def test_postcodes():
    assert check_postcodes(["ub7 0eh", "SW1A1AA", " w2  1ny", "UB7", "12345", None]) == [
        ("UB7 0EH", None),
        ("SW1A 1AA", None),
        ("W2 1NY", None),
        (None, "invalid_format"),
        (None, "invalid_format"),
        (None, None),
    ]
