"""porch import-addresses and the offline lookups it feeds."""

import io

import pytest
from django.core.management import CommandError, call_command

from porch.aid import geocode
from porch.aid.models import AddressPoint
from porch.aid.tests.fixtures import ADDRESSES

pytestmark = pytest.mark.django_db


def test_it_imports_an_openaddresses_csv_with_exact_floats():
    out = io.StringIO()
    call_command("import_addresses", str(ADDRESSES), stdout=out)
    assert "imported 26 address points" in out.getvalue()
    point = AddressPoint.objects.get(number="1101")
    assert (point.lat, point.lon, point.postcode) == (45.002, -93.2898, "55404")


def test_it_finds_an_address_by_normalised_street_and_number():
    call_command("import_addresses", str(ADDRESSES), stdout=io.StringIO())
    found = geocode.find_address("1121 cedar avenue south, apt 2")
    assert (found.lat, found.lon) == (45.0036, -93.2898)
    assert geocode.find_address("1123 Cedar Ave S") is None
    assert geocode.find_address("Cedar Ave S") is None


def test_it_finds_a_corner_where_two_streets_meet():
    call_command("import_addresses", str(ADDRESSES), stdout=io.StringIO())
    corner = geocode.find_corner("Cedar Avenue S & East 12th Street")
    assert corner is not None
    assert abs(corner.lat - 45.0101) < 0.001 and abs(corner.lon + 93.2897) < 0.001
    assert geocode.find_corner("Cedar Ave S & Nowhere St") is None


def test_it_imports_nothing_from_a_file_with_a_bad_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("LON,LAT,NUMBER,STREET\n-93.1,45.0,1,Main St\nfoo,45.0,2,Main St\n")
    with pytest.raises(CommandError, match="line 3"):
        call_command("import_addresses", str(bad))
    assert not AddressPoint.objects.exists()


def test_it_names_the_missing_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("X,Y\n1,2\n")
    with pytest.raises(CommandError, match="LON, LAT, NUMBER, STREET"):
        call_command("import_addresses", str(bad))


def test_it_is_a_porch_command(monkeypatch):
    from porch import cli

    seen = []
    monkeypatch.setattr(cli, "cmd_manage", lambda args: seen.append(args) or 0)
    assert cli.main(["import-addresses", "city.csv", "--replace"]) == 0
    assert seen == [["import_addresses", "city.csv", "--replace"]]
