import numpy as np
import pytest

from porch.routing.model import RoutingError
from porch.routing.vrplib_io import (
    check_routes,
    format_cost,
    gap_percent,
    read_instance,
    read_solution,
)

BEST_KNOWN = {
    "C101": "827.3",
    "C201": "589.1",
    "R101": "1637.7",
    "R201": "1143.2",
    "RC101": "1619.8",
    "RC201": "1261.8",
}


@pytest.mark.parametrize("name", sorted(BEST_KNOWN))
def test_it_computes_the_known_cost_of_each_best_known_solution(data_dir, name):
    instance = read_instance(data_dir / f"{name}.txt")
    solution = read_solution(data_dir / f"{name}.sol")
    check = check_routes(instance, solution.routes)
    assert check.problems == []
    assert format_cost(check.cost) == BEST_KNOWN[name]
    assert solution.cost == float(BEST_KNOWN[name])


def test_it_reads_a_solomon_file_in_the_dimacs_convention(data_dir):
    c101 = read_instance(data_dir / "C101.txt")
    assert (c101.name, c101.num_locations, c101.num_vehicles, c101.capacity) == (
        "C101",
        101,
        25,
        200,
    )
    assert list(c101.coords[1]) == [45.0, 68.0]
    assert c101.demand[1] == 10
    assert list(c101.time_windows[1]) == [9120, 9670]  # 912–967, ×10
    assert c101.service[1] == 900 and c101.service[0] == 0
    # Depot (40, 50) to customer 1 (45, 68): sqrt(349) = 18.681 → 18.6 → 186.
    assert c101.distances[0, 1] == 186


VRPLIB_TEXT = """NAME : tiny
TYPE : VRPTW
DIMENSION : 4
VEHICLES : 2
CAPACITY : 10
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 0 7.5
4 -2 0
DEMAND_SECTION
1 0
2 6
3 4
4 5
TIME_WINDOW_SECTION
1 0 100
2 0 20
3 5 40
4 0 100
SERVICE_TIME_SECTION
1 0
2 1
3 1
4 1.5
DEPOT_SECTION
1
-1
"""


def test_it_reads_a_vrplib_vrptw_file(tmp_path):
    path = tmp_path / "tiny.vrp"
    path.write_text(VRPLIB_TEXT)
    tiny = read_instance(path)
    assert (tiny.num_locations, tiny.num_vehicles, tiny.capacity, tiny.num_depots) == (4, 2, 10, 1)
    assert tiny.distances[0, 1] == 50 and tiny.distances[1, 2] == 46  # sqrt(21.25) = 4.60
    assert list(tiny.service) == [0, 10, 10, 15]
    assert tiny.time_windows[2].tolist() == [50, 400]
    good = check_routes(tiny, [[1, 2], [3]])
    assert good.feasible and format_cost(good.cost) == "21.1"  # 5 + 4.6 + 7.5, then 2 + 2
    assert np.array_equal(tiny.distances, tiny.distances.T)


def test_it_finds_what_is_wrong_with_a_solution(tmp_path):
    path = tmp_path / "tiny.vrp"
    path.write_text(VRPLIB_TEXT)
    tiny = read_instance(path)
    # 0→2 at 7.5, done 8.5; →3 at 16.2, done 17.7; →1 at 24.1, after its window (20).
    problems = check_routes(tiny, [[2, 3, 1]]).problems
    assert any("window" in p for p in problems)
    assert any("exceeds capacity" in p for p in problems)
    assert any("on routes" in p for p in check_routes(tiny, [[1], [1, 2, 3]]).problems)
    assert any("not visited" in p for p in check_routes(tiny, [[1]]).problems)
    assert any("only 2 vehicles" in p for p in check_routes(tiny, [[1], [2], [3]]).problems)


def test_it_refuses_files_it_cannot_read(tmp_path):
    with pytest.raises(RoutingError, match="cannot read"):
        read_instance(tmp_path / "missing.txt")
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("NAME : x\nDIMENSION : three\n")
    with pytest.raises(RoutingError):
        read_instance(garbage)
    empty_sol = tmp_path / "empty.sol"
    empty_sol.write_text("Cost 12\n")
    with pytest.raises(RoutingError, match="no routes"):
        read_solution(empty_sol)


def test_it_formats_costs_exactly_and_computes_gaps():
    assert format_cost(8273) == "827.3" and format_cost(10) == "1.0"
    assert gap_percent(1000.0, 800.0) == pytest.approx(25.0)
