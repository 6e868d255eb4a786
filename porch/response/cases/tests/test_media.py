"""Incident media (R6, R19): sealed as it streams, never spooled in plaintext,
capped, downloadable only by the legal partner, with a metadata-free copy."""

import hashlib
import io
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory, override_settings
from PIL import Image

from porch.accounts.roles import Role
from porch.core.testing import files_holding, make_member
from porch.response.cases import actions
from porch.response.cases.models import IncidentMedia, MediaChunk, TimeBucket
from porch.vault.crypto import DecryptionFailed

pytestmark = pytest.mark.django_db

CANARY = b"CANARY-evidence-7f3a plate MN-TEST-77 "


def photo_with_gps() -> bytes:
    """A JPEG with camera and GPS EXIF, padded past the memory threshold with
    a canary after the end-of-image marker (decoders ignore it)."""
    image = Image.new("RGB", (64, 48), (10, 200, 30))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (44.0, 58.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue() + CANARY * 8000  # ~300 KB


@pytest.fixture
def lia(cast):
    return make_member("lia", cast.org_a, Role.LEGAL)


@pytest.fixture
def handoff(cast):
    return actions.do_create_handoff(
        cast.org_a,
        zone=cast.zone,
        time_bucket=TimeBucket.LAST_HOUR,
        what_happened="Taken at the corner",
        contact_route="via the pastor",
        actor=cast.dee,
    )


@pytest.fixture
def spool(tmp_path, monkeypatch):
    """Where Django would spool an upload, and Python's temp dir: both watched."""
    path = tmp_path / "spool"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))
    with override_settings(
        PORCH_MAX_BODY_BYTES=5 * 1024 * 1024,
        FILE_UPLOAD_MAX_MEMORY_SIZE=1024,
        FILE_UPLOAD_TEMP_DIR=str(path),
        PORCH_LEGAL_MEDIA_MAX_BYTES=2 * 1024 * 1024,
    ):
        yield path


def raw_column(table: str, column: str) -> list[bytes]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 (fixed names)
        return [bytes(row[0]) for row in cursor.fetchall() if row[0] is not None]


def upload(client, handoff, data: bytes, name="IMG_0042.jpg"):
    url = f"/response/legal/handoff/{handoff.code}/media/"
    return client.post(url, {"media": SimpleUploadedFile(name, data, "image/jpeg")})


def test_the_control_django_s_default_handlers_would_spool_the_canary(spool):
    """Proves the grep below can see a spooled file: the same body parsed by
    Django's default handlers lands in the temp dir in plaintext."""
    request = RequestFactory().post(
        "/", {"media": SimpleUploadedFile("x.jpg", photo_with_gps(), "image/jpeg")}
    )
    spooled = request.FILES["media"]
    try:
        assert files_holding(spool, CANARY) != []
    finally:
        spooled.close()


def test_it_seals_an_upload_as_it_streams_and_spools_nothing(cast, signed_in, lia, handoff, spool):
    data = photo_with_gps()
    client = signed_in(lia)
    done = upload(client, handoff, data)
    assert done.status_code == 302
    media = IncidentMedia.objects.get()
    assert media.kind == IncidentMedia.Kind.IMAGE and media.format == "jpeg"
    assert media.size == len(data) and media.chunk_count == MediaChunk.objects.count() > 1
    # Nothing in the temp dirs, the upload spool, or var/; only ciphertext in the rows.
    assert files_holding(spool, CANARY) == []
    assert files_holding(Path(settings.BASE_DIR) / "var", CANARY[:20]) == []
    chunks = raw_column("response_cases_mediachunk", "data")
    assert chunks and not any(CANARY[:20] in c or c.startswith(b"\xff\xd8") for c in chunks)
    assert not any(
        b"CanaryCam" in c for c in raw_column("response_cases_incidentmedia", "shared_copy")
    )
    # The file name is not kept anywhere.
    assert b"IMG_0042" not in b"".join(chunks)
    # The original comes back whole, with the digest the page shows.
    page = client.get(f"/response/legal/handoff/{handoff.code}/")
    assert hashlib.sha256(data).hexdigest().encode() in page.content
    original = client.get(f"/response/legal/media/{media.code}/original/")
    assert original["Cache-Control"] == "no-store"
    assert b"".join(original.streaming_content) == data


def test_the_shareable_copy_has_no_exif_or_gps(cast, signed_in, lia, handoff, spool):
    client = signed_in(lia)
    upload(client, handoff, photo_with_gps())
    media = IncidentMedia.objects.get()
    original = b"".join(
        client.get(f"/response/legal/media/{media.code}/original/").streaming_content
    )
    assert b"CanaryCam" in original
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    copy = client.get(f"/response/legal/media/{media.code}/shareable/")
    assert copy.status_code == 200 and copy["Content-Type"] == "image/jpeg"
    shared = Image.open(io.BytesIO(copy.content))
    assert shared.size == (64, 48)
    assert dict(shared.getexif()) == {} and "exif" not in shared.info
    assert b"CanaryCam" not in copy.content and CANARY[:20] not in copy.content


def test_it_refuses_a_file_over_the_cap_and_keeps_nothing(cast, signed_in, lia, handoff, spool):
    with override_settings(PORCH_LEGAL_MEDIA_MAX_BYTES=100_000):
        refused = upload(signed_in(lia), handoff, photo_with_gps())
    assert refused.status_code == 400
    assert b"The file is larger than" in refused.content
    assert not IncidentMedia.objects.exists() and not MediaChunk.objects.exists()
    assert files_holding(spool, CANARY) == []


def test_a_video_is_kept_sealed_without_a_shareable_copy(cast, signed_in, lia, handoff, spool):
    video = b"\x00\x00\x00\x18ftypmp42" + CANARY * 100
    client = signed_in(lia)
    assert upload(client, handoff, video, name="clip.mp4").status_code == 302
    media = IncidentMedia.objects.get()
    assert media.kind == IncidentMedia.Kind.OTHER and media.format == "mp4"
    assert client.get(f"/response/legal/media/{media.code}/shareable/").status_code == 404
    original = client.get(f"/response/legal/media/{media.code}/original/")
    assert 'filename="' + media.code + '.mp4"' in original["Content-Disposition"]


def test_no_file_is_a_clear_message(cast, signed_in, lia, handoff):
    refused = signed_in(lia).post(f"/response/legal/handoff/{handoff.code}/media/", {})
    assert refused.status_code == 400
    assert b"Choose a photo, video or recording to add." in refused.content


def test_only_the_legal_partner_of_the_organisation_gets_the_media(
    cast, signed_in, lia, handoff, spool
):
    upload(signed_in(lia), handoff, photo_with_gps())
    media = IncidentMedia.objects.get()
    leo = make_member("leo", cast.org_b, Role.LEGAL)
    for user in (leo, cast.ana, cast.eve, cast.gus, cast.dee):
        client = signed_in(user)
        assert client.get(f"/response/legal/media/{media.code}/original/").status_code == 404
        assert client.get(f"/response/legal/media/{media.code}/shareable/").status_code == 404
        assert upload(client, handoff, b"x").status_code == 404
    assert IncidentMedia.objects.count() == 1


def test_the_upload_checks_csrf(cast, lia, handoff, client):
    from django.test import Client

    from porch.core.testing import sign_in

    strict = Client(enforce_csrf_checks=True)
    sign_in(strict, lia)
    refused = upload(strict, handoff, b"\xff\xd8\xff" + CANARY)
    assert refused.status_code == 403
    assert not IncidentMedia.objects.exists()


def test_a_chunk_out_of_place_does_not_open(cast, lia, handoff, spool, signed_in):
    upload(signed_in(lia), handoff, photo_with_gps())
    media = IncidentMedia.objects.get()
    first, second = MediaChunk.objects.order_by("index")[:2]
    MediaChunk.objects.filter(pk=first.pk).update(data=second.__dict__["data"])
    with pytest.raises(DecryptionFailed):
        list(actions.media_original(media))
    MediaChunk.objects.filter(pk=second.pk).delete()
    with pytest.raises(ValidationError):
        actions.media_original(media)


def test_purging_the_handoff_deletes_its_record_and_media(cast, signed_in, lia, handoff, spool):
    client = signed_in(lia)
    upload(client, handoff, photo_with_gps())
    client.post(f"/response/legal/handoff/{handoff.code}/entry/", {"kind": "note", "text": "seen"})
    actions.do_purge_handoff(handoff, actor=lia)
    assert not IncidentMedia.objects.exists() and not MediaChunk.objects.exists()
    assert not handoff.entries.exists()
    page = client.get(f"/response/legal/handoff/{handoff.code}/")
    assert b"Personal data purged" in page.content


def test_a_photo_with_a_huge_canvas_gets_no_copy(cast, signed_in, lia, handoff, spool, monkeypatch):
    monkeypatch.setattr(actions, "SHARE_MAX_PIXELS", 64 * 47)
    client = signed_in(lia)
    assert upload(client, handoff, photo_with_gps()).status_code == 302
    media = IncidentMedia.objects.get()
    assert media.kind == IncidentMedia.Kind.OTHER and media.shared_copy is None
    assert client.get(f"/response/legal/media/{media.code}/shareable/").status_code == 404
