import socket

import numpy as np
import pytest

from porch.routing.distances import UNREACHABLE, HaversineProvider, OsrmTableProvider
from porch.routing.model import Driver, Hub, RoutingError, Stop
from porch.routing.plan import plan
from porch.routing.tests.osrm_fake import SPEED_MS, road_m

# A few points around a city centre, as (lat, lon).
POINTS = [
    (44.9537, -93.0900),
    (44.9778, -93.2650),
    (44.9400, -93.1500),
    (44.9900, -93.1000),
    (44.9200, -93.2000),
    (44.9650, -93.0500),
    (44.9450, -93.2300),
    (44.9850, -93.1800),
    (44.9300, -93.1100),
]


def expected(points):
    n = len(points)
    dist = np.zeros((n, n), dtype=np.int64)
    dur = np.zeros((n, n), dtype=np.int64)
    for i, (lat1, lon1) in enumerate(points):
        for j, (lat2, lon2) in enumerate(points):
            metres = road_m((lon1, lat1), (lon2, lat2))
            dist[i, j] = round(round(metres, 1))
            dur[i, j] = round(round(metres / SPEED_MS, 1))
    return dist, dur


def test_it_gives_integer_haversine_matrices_scaled_by_circuity_and_speed():
    one_degree_north = [(45.0, -93.0), (46.0, -93.0)]
    m = HaversineProvider(circuity=1.3, speed_kmh=36).matrices(one_degree_north)
    assert m.distance_m.dtype == np.int64 and m.duration_s.dtype == np.int64
    # One degree of latitude is 111.195 km on the mean-radius sphere.
    assert m.distance_m[0, 1] == round(111_195.08 * 1.3)
    assert m.duration_s[0, 1] == round(111_195.08 * 1.3 / 10)
    assert m.distance_m[1, 0] == m.distance_m[0, 1]
    assert (np.diag(m.distance_m) == 0).all()


def test_it_refuses_a_nonsensical_circuity_or_speed():
    with pytest.raises(RoutingError):
        HaversineProvider(circuity=0.5)
    with pytest.raises(RoutingError):
        HaversineProvider(speed_kmh=0)


def test_it_reads_osrm_table_durations_and_distances(osrm):
    m = OsrmTableProvider(osrm.url).matrices(POINTS)
    dist, dur = expected(POINTS)
    assert (m.distance_m == dist).all()
    assert (m.duration_s == dur).all()
    assert len(osrm.requests) == 1
    path = osrm.requests[0]
    assert path.startswith("/table/v1/driving/-93.090000,44.953700;")
    assert "annotations=duration,distance" in path


def test_it_fetches_a_matrix_larger_than_the_table_limit_in_blocks(osrm):
    osrm.max_table_size = 4
    m = OsrmTableProvider(osrm.url, max_table_size=4).matrices(POINTS)
    dist, dur = expected(POINTS)
    assert (m.distance_m == dist).all() and (m.duration_s == dur).all()
    # 9 points in blocks of 2: 5 × 5 requests, none over OSRM's limit.
    assert len(osrm.requests) == 25
    assert all("sources=" in p and "destinations=" in p for p in osrm.requests)


def test_it_marks_pairs_without_a_road_unreachable(osrm):
    lat, lon = POINTS[2]
    osrm.unroutable.add((lon, lat))
    m = OsrmTableProvider(osrm.url).matrices(POINTS)
    assert m.duration_s[0, 2] == UNREACHABLE and m.distance_m[2, 1] == UNREACHABLE
    assert m.duration_s[2, 2] == 0 and m.duration_s[0, 1] < UNREACHABLE


@pytest.mark.parametrize("code", ["NoSegment", "TooBig", "InvalidQuery"])
def test_it_raises_a_clear_error_when_osrm_does_not_answer_ok(osrm, code):
    osrm.answer_code = code
    with pytest.raises(RoutingError, match=f"OSRM answered '{code}'"):
        OsrmTableProvider(osrm.url).matrices(POINTS)


def test_it_raises_a_clear_error_when_osrm_answers_garbage(osrm):
    osrm.raw_body = b"<html>502 Bad Gateway</html>"
    with pytest.raises(RoutingError, match="not JSON"):
        OsrmTableProvider(osrm.url).matrices(POINTS)
    osrm.raw_body = b'{"code": "Ok", "durations": [[0]]}'
    with pytest.raises(RoutingError, match="malformed"):
        OsrmTableProvider(osrm.url).matrices(POINTS)


def test_it_raises_a_clear_error_when_osrm_is_down():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RoutingError, match="unreachable"):
        OsrmTableProvider(f"http://127.0.0.1:{port}", timeout_s=2).matrices(POINTS)


def test_it_refuses_a_url_that_is_not_http():
    with pytest.raises(RoutingError):
        OsrmTableProvider("file:///etc/passwd")


def test_it_plans_with_osrm_times(osrm):
    hubs = [Hub("h", *POINTS[0])]
    drivers = [Driver("d", "h", 9 * 3600, 12 * 3600, capacity=10)]
    stops = [
        Stop(f"s{i}", *p, window_start=9 * 3600, window_end=12 * 3600)
        for i, p in enumerate(POINTS[1:])
    ]
    result = plan(stops, drivers, hubs, provider=OsrmTableProvider(osrm.url), time_limit_s=0.5)
    assert not result.unassigned
    run = result.runs[0]
    _, dur = expected(POINTS)
    order = [0] + [int(s[1:]) + 1 for s in run.stop_ids] + [0]
    driving = sum(dur[a, b] for a, b in zip(order, order[1:], strict=False))
    assert run.return_time - run.departure == driving + 300 * len(stops)
