"""porch.routing.repair: insertion and one ejection after the solver."""

import numpy as np

from porch.routing import repair

H = 3600


def _problem(*, v_window=(0, 24 * H), capacity=(1, 2)):
    # One hub (location 0); stops u (0) and v (1) ten minutes out.
    duration = [[0, 600, 600], [600, 0, 300], [600, 300, 0]]
    return repair.Problem(
        duration=duration,
        n_hubs=1,
        service=[300, 300],
        window_start=[9 * H, v_window[0]],
        window_end=[11 * H, v_window[1]],
        bags=[1, 1],
        hub_of=[0, 0],
        available_start=[9 * H, 12 * H],
        available_end=[13 * H, 16 * H],
        longest=[4 * H, 4 * H],
        capacity=list(capacity),
        # u only by driver 0 (say, the only Somali speaker); v by both.
        able=np.array([[True, False], [True, True]]),
    )


def test_it_ejects_a_stop_to_a_run_with_room_to_place_a_scarcer_one():
    routes = [[1], []]
    placed, changed = repair.repair(_problem(), routes, [0], budget_s=1.0)
    assert placed == [0] and changed == {0, 1}
    assert routes == [[0], [1]]
    p = _problem()
    for k, seq in enumerate(routes):
        visits, out, back = repair.simulate(p, k, seq)
        for j, _arrival, start in visits:
            assert p.window_start[j] <= start <= p.window_end[j]
        assert p.available_start[k] <= out and back <= p.available_end[k]


def test_it_changes_nothing_when_the_ejected_stop_fits_nowhere_in_time():
    # v must be served by 11:00, and driver 1 is free only from 12:00.
    routes = [[1], []]
    placed, changed = repair.repair(_problem(v_window=(9 * H, 11 * H)), routes, [0], 1.0)
    assert placed == [] and changed == set() and routes == [[1], []]


def test_it_inserts_into_a_run_with_room_where_the_window_allows():
    routes = [[1], []]
    placed, _changed = repair.repair(_problem(capacity=(2, 2)), routes, [0], 1.0)
    assert placed == [0] and sorted(routes[0]) == [0, 1]
    assert repair.simulate(_problem(), 0, [0, 1]) is not None
    # Driver 0 leaves no earlier than they are free, and not to wait at the door.
    _visits, out, _back = repair.simulate(_problem(), 0, [0])
    assert out == 9 * H
