"""NHS numbers (modulus 11) and UPNs (DfE check letter), generated and checked vectorised.

NHS number: weights 10..2 on digits 1-9, check = 11 - (sum mod 11); 11 -> 0, 10 -> invalid;
numbers of one repeated digit are dummies and never issued.

UPN (DfE "Unique Pupil Numbers" guidance): 13 characters, a check letter followed by the
LA number (3), establishment number (4), year of allocation (2) and serial (3). The check
letter: weight characters 2-13 by 2..13, sum, take mod 23 and map 0-22 onto
ABCDEFGHJKLMNPQRTUVWXYZ. A temporary UPN ends in a letter instead of the last digit; a
letter in position 13 takes its index in that same alphabet as its value.
"""

from __future__ import annotations

import numpy as np

UPN_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))
_NHS_WEIGHTS = np.arange(10, 1, -1)


def nhs_check_digit(base9: np.ndarray) -> np.ndarray:
    """Check digit for 9-digit bases (int64); 10 means no valid number exists."""
    digits = (base9[:, None] // (10 ** np.arange(8, -1, -1))) % 10
    r = (digits * _NHS_WEIGHTS).sum(axis=1) % 11
    check = 11 - r
    return np.where(check == 11, 0, check)


def generate_nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct valid NHS numbers as 10-character strings (never one repeated digit)."""
    out: np.ndarray = np.empty(0, np.int64)
    while len(out) < n:
        base = rng.integers(400_000_000, 800_000_000, size=int((n - len(out)) * 1.2) + 16)
        check = nhs_check_digit(base)
        full = base * 10 + check
        full = full[check != 10]
        out = np.concatenate([out, full])
        _, first = np.unique(out, return_index=True)
        out = out[np.sort(first)]
    return out[:n].astype("U10")


def nhs_is_valid(numbers: np.ndarray) -> np.ndarray:
    """Modulus-11 validity of 10-digit strings (spaces removed first)."""
    s = np.char.replace(np.asarray(numbers, dtype="U12"), " ", "")
    ok = (np.char.str_len(s) == 10) & np.char.isdigit(s)
    vals = np.where(ok, s, "0000000000").astype(np.int64)
    check = nhs_check_digit(vals // 10)
    repeated = vals % 1111111111 == 0
    return ok & (check != 10) & (check == vals % 10) & ~repeated


def corrupt_nhs(rng: np.random.Generator, numbers: np.ndarray) -> np.ndarray:
    """Change one digit of each number (a transcription error; usually fails modulus 11)."""
    s = np.asarray(numbers, dtype="U10")
    chars = s.view("U1").reshape(len(s), 10).copy()
    pos = rng.integers(0, 10, len(s))
    old = chars[np.arange(len(s)), pos].astype(np.int64)
    new = (old + rng.integers(1, 10, len(s))) % 10
    chars[np.arange(len(s)), pos] = new.astype("U1")
    return chars.view("U10").ravel()


_LETTER_VALUE = np.zeros(128, np.int64)
_LETTER_VALUE[np.array([ord(c) for c in UPN_LETTERS])] = np.arange(23)
_LETTER_VALUE[48:58] = np.arange(10)


def _char_values(chars: np.ndarray) -> np.ndarray:
    """Numeric values of a (n, 12) character matrix (digits, or letters by alphabet index)."""
    codes = np.ascontiguousarray(chars).view(np.uint32).reshape(chars.shape).astype(np.int64)
    return _LETTER_VALUE[np.clip(codes, 0, 127)]


def upn_check_letter(body: np.ndarray) -> np.ndarray:
    """DfE check letter for 12-character UPN bodies."""
    chars = np.asarray(body, dtype="U12").view("U1").reshape(len(body), 12)
    total = (_char_values(chars) * np.arange(2, 14)).sum(axis=1)
    return UPN_LETTERS[total % 23]


def make_upns(
    la_number: np.ndarray, estab: np.ndarray, year2: np.ndarray, serial: np.ndarray
) -> np.ndarray:
    """Permanent UPNs from their parts (LA number 100-999, serial 0-999)."""
    body_int = (
        np.asarray(la_number, np.int64) * 10**9
        + np.asarray(estab, np.int64) % 10**4 * 10**5
        + np.asarray(year2, np.int64) % 100 * 10**3
        + np.asarray(serial, np.int64) % 1000
    )
    body = body_int.astype("U12")
    return np.char.add(upn_check_letter(body), body)


def make_temporary_upns(
    rng: np.random.Generator, la_number: np.ndarray, estab: np.ndarray, year2: np.ndarray
) -> np.ndarray:
    """Temporary UPNs: serial of two digits then a letter in position 13."""
    n = len(la_number)
    body_int = (
        np.asarray(la_number, np.int64) * 10**8
        + np.asarray(estab, np.int64) % 10**4 * 10**4
        + np.asarray(year2, np.int64) % 100 * 100
        + rng.integers(0, 100, n)
    )
    body = np.char.add(body_int.astype("U11"), UPN_LETTERS[rng.integers(0, 23, n)])
    return np.char.add(upn_check_letter(body), body)


def upn_is_valid(upns: np.ndarray) -> np.ndarray:
    """True where a 13-character UPN carries the right check letter."""
    s = np.asarray(upns, dtype="U13")
    ok = np.char.str_len(s) == 13
    chars = s.view("U1").reshape(len(s), 13)
    total = (_char_values(chars[:, 1:]) * np.arange(2, 14)).sum(axis=1)
    return ok & (UPN_LETTERS[total % 23] == chars[:, 0])
