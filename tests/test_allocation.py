"""Largest-remainder allocation: exact to the øre, ties to the lower holder id."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itbudget.allocation import id_order_key, largest_remainder, round_div


def test_splits_in_proportion_and_gives_leftover_ore_to_largest_remainders():
    # 100 øre over 1:1:1 -> 33.33 each; the one øre left goes to the lowest id.
    assert largest_remainder(100, {"H2": 1, "H1": 1, "H3": 1}) == {"H1": 34, "H2": 33, "H3": 33}
    # 1000 over 12:30 -> 285.71 / 714.28: remainders .71 and .28 -> H1 gets the øre.
    assert largest_remainder(1000, {"H1": 12, "H2": 30}) == {"H1": 286, "H2": 714}


def test_ties_go_to_the_lower_id_compared_naturally():
    assert largest_remainder(1, {"H10": 1, "H2": 1}) == {"H2": 1, "H10": 0}
    assert largest_remainder(1, {"100": 1, "20": 1}) == {"20": 1, "100": 0}
    assert sorted(["H10", "H2", "H1", "A3"], key=id_order_key) == ["A3", "H1", "H2", "H10"]


def test_larger_remainder_beats_lower_id():
    # 5 over 1:2 -> 1.67 / 3.33: B's remainder .33 is smaller, A (.67) gets the øre.
    assert largest_remainder(5, {"A": 1, "B": 2}) == {"A": 2, "B": 3}
    assert largest_remainder(5, {"B": 1, "A": 2}) == {"B": 2, "A": 3}


def test_zero_weights_get_nothing_unless_all_are_zero():
    assert largest_remainder(101, {"H1": 0, "H2": 1, "H3": 1}) == {"H1": 0, "H2": 51, "H3": 50}
    # Nobody has seats: split equally so no øre is lost.
    assert largest_remainder(100, {"H1": 0, "H2": 0, "H3": 0}) == {"H1": 34, "H2": 33, "H3": 33}


def test_a_net_credit_is_shared_by_the_same_rule():
    assert largest_remainder(-100, {"H1": 1, "H2": 1, "H3": 1}) == {"H1": -34, "H2": -33, "H3": -33}


def test_nothing_to_share_and_no_one_to_share_with():
    assert largest_remainder(0, {}) == {}
    assert largest_remainder(0, {"H1": 5}) == {"H1": 0}
    with pytest.raises(ValueError):
        largest_remainder(1, {})
    with pytest.raises(ValueError):
        largest_remainder(1, {"H1": -1})


ids = st.text(alphabet="AH0123456789", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(-10**12, 10**12),
       weights=st.dictionaries(ids, st.integers(0, 5000), min_size=1, max_size=40))
def test_shares_add_up_to_the_pool_exactly_whatever_the_weights(total, weights):
    shares = largest_remainder(total, weights)
    assert set(shares) == set(weights)
    assert sum(shares.values()) == total
    w = sum(weights.values())
    for k, share in shares.items():
        # Each share is its exact quota rounded down or up: never off by a whole øre.
        quota = Fraction(total * (weights[k] if w else 1), w or len(weights))
        assert quota - 1 < share < quota + 1
        if w and weights[k] == 0:
            assert share == 0


def test_round_div_rounds_halves_away_from_zero():
    # The per-workstation price and its averages: whole øre, a half øre away from zero.
    assert [round_div(n, 2) for n in (3, -3, 5, -5)] == [2, -2, 3, -3]
    assert [round_div(n, 3) for n in (4, 5, -4, -5)] == [1, 2, -1, -2]
    assert round_div(0, 7) == 0
