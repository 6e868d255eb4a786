"""Outline parsing and the area-weighted centroid (porch.coalition.geo)."""

import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from porch.coalition.geo import centroid, draw, parse_outline


def _square(x, y, size):
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def test_it_weights_the_centroid_by_area():
    outline = {
        "type": "MultiPolygon",
        "coordinates": [[_square(0, 0, 2)], [_square(10, 0, 1)]],
    }
    lat, lon = centroid(outline)
    # Areas 4 and 1, centres (1, 1) and (10.5, 0.5).
    assert lon == pytest.approx((4 * 1 + 1 * 10.5) / 5)
    assert lat == pytest.approx((4 * 1 + 1 * 0.5) / 5)


def test_it_subtracts_holes():
    outline = {"type": "Polygon", "coordinates": [_square(0, 0, 4), _square(0, 0, 2)]}
    lat, lon = centroid(outline)
    # 16 at (2, 2) minus 4 at (1, 1) over 12.
    assert lon == pytest.approx((16 * 2 - 4 * 1) / 12)
    assert lat == pytest.approx((16 * 2 - 4 * 1) / 12)


def test_it_ignores_ring_orientation():
    clockwise = {"type": "Polygon", "coordinates": [list(reversed(_square(0, 0, 2)))]}
    assert centroid(clockwise) == pytest.approx((1.0, 1.0))


def test_it_accepts_a_feature_and_keeps_only_its_geometry():
    feature = {
        "type": "Feature",
        "properties": {"name": "x"},
        "geometry": {"type": "Polygon", "coordinates": [_square(0, 0, 1)]},
    }
    assert parse_outline(json.dumps(feature)) == feature["geometry"]


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '{"type": "Polygon"}',
        '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], ["a", 0], [0, 0]]]}',
        '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [true, 0], [0, 0]]]}',
        '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, NaN], [0, 0]]]}',
        '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1e999], [0, 0]]]}',
        '{"type": "MultiPolygon", "coordinates": []}',
        '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 95], [0, 0]]]}',
    ],
)
def test_it_refuses_malformed_outlines(text):
    with pytest.raises(ValidationError):
        parse_outline(text)


@settings(max_examples=50, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
        lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids),
    )
)
def test_it_never_crashes_on_arbitrary_json(value):
    try:
        parse_outline(json.dumps(value))
    except ValidationError:
        pass


def test_it_draws_north_up():
    class Z:
        code, name = "A", "North"
        outline = {"type": "Polygon", "coordinates": [_square(0, 10, 1)]}

    class Y:
        code, name = "B", "South"
        outline = {"type": "Polygon", "coordinates": [_square(0, 0, 1)]}

    drawn = draw([Z, Y])
    north, south = drawn.shapes
    assert north.label_y < south.label_y
