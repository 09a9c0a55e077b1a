from hypothesis import given
from hypothesis import strategies as st

from stakeholders.validators import (
    is_valid_tax_code,
    normalize_tax_code,
    tax_code_check_digit,
)

ten_digits = st.text(alphabet="0123456789", min_size=10, max_size=10)


def with_check_digit(first_ten: str) -> str:
    return first_ten + str(tax_code_check_digit(first_ten))


def test_known_partite_iva_are_valid():
    # Published partite IVA of Italian public bodies and companies.
    for code in ("00743110157", "02438750586", "80016350821", "01114601006"):
        assert is_valid_tax_code(code), code


def test_wrong_length_letters_and_all_zeros_are_invalid():
    for code in ("", "0074311015", "007431101570", "0074311015A", "00000000000", "٠٠٧٤٣١١٠١٥٧"):
        assert not is_valid_tax_code(code)


@given(ten_digits.filter(lambda s: s != "0" * 10))
def test_a_computed_check_digit_always_validates(first_ten):
    assert is_valid_tax_code(with_check_digit(first_ten))


@given(ten_digits.filter(lambda s: s != "0" * 10), st.integers(1, 9))
def test_any_other_last_digit_is_rejected(first_ten, shift):
    code = with_check_digit(first_ten)
    wrong = code[:10] + str((int(code[10]) + shift) % 10)
    assert not is_valid_tax_code(wrong)


@given(ten_digits.filter(lambda s: s != "0" * 10), st.integers(0, 9), st.integers(1, 9))
def test_a_single_changed_digit_is_detected(first_ten, position, shift):
    code = with_check_digit(first_ten)
    changed = str((int(code[position]) + shift) % 10)
    mutated = code[:position] + changed + code[position + 1 :]
    # Luhn detects every single-digit error.
    assert not is_valid_tax_code(mutated)


@given(st.text(max_size=20))
def test_validation_never_raises_on_arbitrary_text(text):
    assert is_valid_tax_code(text) in (True, False)
    assert is_valid_tax_code(normalize_tax_code(text)) in (True, False)


def test_spaces_and_it_prefix_are_normalized():
    assert normalize_tax_code(" IT 007 431 10157 ") == "00743110157"
