"""The race chart's geometry: one bar per trial, its height the charges, double charges marked."""
from hypothesis import given
from hypothesis import strategies as st

from learnkafka.payrace.chart import HEIGHT, race_chart

charges_lists = st.lists(st.integers(min_value=0, max_value=16), min_size=1, max_size=100)


def result(charges):
    return {"trials": [{"number": i + 1, "charges": c, "balance": 500 - 100 * c, "outcomes": {}}
                       for i, c in enumerate(charges)]}


@given(charges_lists)
def test_every_trial_is_one_bar_in_order_whose_height_is_its_charges(charges):
    chart = race_chart(result(charges))
    assert [b.trial for b in chart.bars] == list(range(1, len(charges) + 1))
    assert [b.charges for b in chart.bars] == charges
    xs = [b.x for b in chart.bars]
    assert xs == sorted(xs) and all(b.x + b.width <= chart.width for b in chart.bars)
    unit = chart.baseline - chart.one_y  # the height of one charge
    for bar in chart.bars:
        # Coordinates are rounded to 0.01 units; the error grows with the charges.
        assert abs(bar.height - unit * bar.charges) <= 0.01 * (bar.charges + 1)
        assert bar.y + bar.height <= HEIGHT
        assert bar.kind == ("double" if bar.charges > 1 else "once" if bar.charges else "none")


@given(charges_lists)
def test_the_axis_always_reaches_two_so_one_charge_never_fills_the_chart(charges):
    chart = race_chart(result(charges))
    assert chart.ticks[0][0] == 0 and chart.ticks[-1][0] == max(2, *charges)
