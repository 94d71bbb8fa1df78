"""Exact allocation of an amount in øre by integer weights (largest remainder).

DOMAIN.md splits the pooled use of central lines marked "Fordeles pr.
arbejdsplads" over the budget holders in proportion to their workstations.
Shares are whole øre and must add up to the pool exactly, so the pool is split
by the largest-remainder (Hamilton) method: every holder first gets the floor
of its exact quota, and the øre left over go one each to the largest
remainders, ties to the lower Aftaleholder id.

"Lower id" compares ids naturally: runs of digits as numbers, so ``H2`` comes
before ``H10`` and ``20`` before ``100``; other text compares as text.
"""

from __future__ import annotations

import re

_RUNS = re.compile(r"(\d+)")


def id_order_key(holder_id: str) -> tuple:
    """Sort key for Aftaleholder ids: digit runs compared as numbers, the rest as text."""
    key = []
    for i, part in enumerate(_RUNS.split(holder_id)):
        if i % 2:  # split() puts the captured digit runs at odd positions
            key.append((0, int(part), ""))
        elif part:
            key.append((1, 0, part.casefold()))
    # The raw id breaks ties between e.g. "H01" and "H1", so the order is total.
    return (tuple(key), holder_id)


def round_div(n: int, d: int) -> int:
    """n / d (d > 0) rounded to the nearest integer, halves away from zero: a mean in whole øre."""
    q = (2 * abs(n) + d) // (2 * d)
    return -q if n < 0 else q


def largest_remainder(total_ore: int, weights: dict[str, int]) -> dict[str, int]:
    """Split ``total_ore`` over ``weights`` in whole øre; the shares sum to ``total_ore``.

    - Each key gets ``floor(total * w / W)``; the øre left over go one each to
      the keys with the largest remainders, ties to the lower id
      (:func:`id_order_key`).
    - A negative total (a net credit) is split as its absolute value and
      negated, so credits are shared by the same rule and still conserve.
    - Keys with weight 0 get 0, unless every weight is 0: then nobody has a
      better claim than anybody else and the total is split equally (as if
      every weight were 1), so that no øre is lost.
    - Weights must be integers >= 0. An empty ``weights`` can only take a
      total of 0; anything else would lose money, so it raises ``ValueError``.
    """
    total_ore = int(total_ore)
    if any(int(w) != w or w < 0 for w in weights.values()):
        raise ValueError(f"weights must be whole numbers >= 0: {weights!r}")
    if not weights:
        if total_ore:
            raise ValueError(f"cannot allocate {total_ore} øre over no one")
        return {}
    if total_ore < 0:
        return {k: -v for k, v in largest_remainder(-total_ore, weights).items()}
    w = {k: int(v) for k, v in weights.items()}
    denominator = sum(w.values())
    if denominator == 0:
        w = {k: 1 for k in w}
        denominator = len(w)
    shares, remainders = {}, {}
    for k, v in w.items():
        shares[k], remainders[k] = divmod(total_ore * v, denominator)
    left = total_ore - sum(shares.values())
    # left < number of keys with a nonzero remainder, so every extra øre lands on one.
    order = sorted((k for k in w if remainders[k] > 0),
                   key=lambda k: (-remainders[k], id_order_key(k)))
    for k in order[:left]:
        shares[k] += 1
    return shares
