"""The printable run sheet carries one QR code per stop (W5, R31).

Each QR is read back from the PDF itself (pdfimages extracts the embedded
image; its modules are compared with the code segno draws for the expected
text), so the test proves what the code says: the stop's confirmation URL,
built on the stop's random code, and nothing about the household.
"""

import datetime
import subprocess
import tempfile
from pathlib import Path

import pytest
import segno
from django.test import Client
from django.utils import timezone
from PIL import Image

from porch.aid.models import DeliveryRun
from porch.aid.tests.fixtures import make_run
from porch.core.testing import pdf_text, sign_in

pytestmark = pytest.mark.django_db


def qr_images(pdf: bytes) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdfimages", "-png", str(path), str(Path(tmp) / "img")], check=True)
        return [Image.open(p).convert("L").copy() for p in sorted(Path(tmp).glob("img-*.png"))]


def modules(image: Image.Image, size: int, border: int = 4) -> list[tuple[bool, ...]]:
    """Dark/light per module, sampled at each module's centre."""
    scale = image.width / (size + 2 * border)
    assert image.width == image.height and scale >= 1
    return [
        tuple(
            image.getpixel((int((border + c + 0.5) * scale), int((border + r + 0.5) * scale))) < 128
            for c in range(size)
        )
        for r in range(size)
    ]


def expected(text: str) -> list[tuple[bool, ...]]:
    return [tuple(bool(v) for v in row) for row in segno.make(text, error="m").matrix]


def test_each_stop_has_a_qr_code_with_its_confirmation_url_and_no_household_data(cast, signed_in):
    run = make_run(
        cast.org_a,
        cast.zone,
        status=DeliveryRun.Status.DISPATCHED,
        driver=cast.ben,
        first_stop_at=timezone.now() + datetime.timedelta(minutes=20),
        stops=2,
    )
    stops = list(run.stops.select_related("request").order_by("position"))
    client = signed_in(cast.ben)
    sheet = client.get(f"/aid/runs/{run.code}/sheet/")
    assert sheet.status_code == 200
    text = pdf_text(sheet.content)
    urls = [f"http://testserver/aid/s/{stop.code}/" for stop in stops]
    for stop, url in zip(stops, urls, strict=True):
        assert url in text.replace(" ", "")
        assert stop.request.address in text

    images = qr_images(sheet.content)
    assert len(images) == len(stops)
    for image, url, stop in zip(images, urls, stops, strict=True):
        want = expected(url)
        assert modules(image, len(want)) == want
        # Not the address, not the household code: the QR is the URL alone.
        assert modules(image, len(want)) != expected(stop.request.address)
        assert stop.request.address not in url and stop.request.code not in url

    # The cross-streets sheet printed before setting off carries no QR code.
    corners = client.get(f"/aid/runs/{run.code}/corners/")
    assert corners.status_code == 200 and qr_images(corners.content) == []


def test_the_qr_page_shows_the_stop_to_its_driver_under_way_and_404_to_everyone_else(
    cast, signed_in
):
    first = timezone.now() + datetime.timedelta(minutes=20)
    run = make_run(
        cast.org_a,
        cast.zone,
        status=DeliveryRun.Status.CLAIMED,
        driver=cast.ben,
        first_stop_at=first,
    )
    stop = run.stops.select_related("request").get()
    ben = signed_in(cast.ben)
    assert ben.get(f"/aid/s/{stop.code}/").status_code == 404  # claimed, not under way
    assert ben.post(f"/aid/runs/{run.code}/dispatch/").status_code == 302
    page = ben.get(f"/aid/s/{stop.code}/")
    assert page.status_code == 200 and stop.request.address in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert ben.get("/aid/s/NOSUCHSTOP/").status_code == 404
    ana = Client()
    sign_in(ana, cast.ana)
    assert ana.get(f"/aid/s/{stop.code}/").status_code == 404  # a coordinator: no address

    # The form on the page confirms the delivery by the household's code.
    answer = ben.post(
        f"/aid/runs/{run.code}/stops/{stop.code}/deliver/",
        {"household_code": stop.request.code},
    )
    assert answer.status_code == 302
    stop.refresh_from_db()
    assert stop.outcome == "delivered"
