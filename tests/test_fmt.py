import numpy as np
import pytest

from backprop.fmt import num, pct, says


def test_pct_rounds_fractions_to_percent():
    assert pct(0.93549) == "93.5 %"
    assert pct(0.8848, 2) == "88.48 %"
    assert pct(np.float32(1.0), 0) == "100 %"


def test_num_rounds():
    assert num(0.6049) == "0.60"
    assert num(np.float64(1.3951), 1) == "1.4"


@pytest.mark.parametrize("bad", ["0.5", None, True])
def test_bad_values_are_refused(bad):
    with pytest.raises(TypeError, match="must be a real number"):
        pct(bad)
    with pytest.raises(TypeError, match="must be a real number"):
        num(bad)


def test_bad_digits_are_refused():
    with pytest.raises(ValueError, match="digits must be an integer >= 0, got -1"):
        pct(0.5, -1)


def test_says_accepts_the_numbers_the_sentence_states_in_order():
    says("the loss fell from 0.732 to 0.698, accuracy 92.1 %", "0.732", "0.698", "92.1 %")


@pytest.mark.parametrize("numbers", [("0.733",), ("0.698", "0.732"), ("92.1 %", "92.1 %")])
def test_says_quotes_the_sentence_to_update(numbers):
    with pytest.raises(AssertionError, match="update this sentence .*'the loss fell from 0.732"):
        says("the loss fell from 0.732 to 0.698, accuracy 92.1 %", *numbers)


def test_says_wants_rounded_strings():
    with pytest.raises(TypeError, match="rounded strings"):
        says("the loss is 0.5", 0.5)
