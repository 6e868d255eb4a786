"""Importing an existing volunteer sheet: upload → column mapping and dry
run → confirm, all or nothing, through the page, the command and the API
(issue 5 item 1, CSV import)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from porch.accounts.models import User
from porch.accounts.roles import Role
from porch.api.tests.test_api_fuzz import _fuzz as fuzz
from porch.api.tests.test_api_fuzz import wsgi_in_test_transaction  # noqa: F401 (fixture)
from porch.coalition.models import Membership
from porch.core.models import AuditEntry
from porch.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

GOOD = (
    "Nickname,Mobile,Email,Languages,Neighbourhood,Interests,Immigration status,Kids names\n"
    "maple-walker,612-555-0101,,Somali; English,Cedar Flats,Patrol member,x,y\n"
    ",,sun@example.org,es,Elm Hollow,hub_keeper; patrol,x,y\n"
)
BAD = (
    "Handle,Phone,Languages,Zone\n"
    "ok-person,612-555-0102,en,Cedar Flats\n"
    "Bad Handle!,612-555-0103,Klingon,Atlantis\n"
    ",,en,Cedar Flats\n"
)


def url(org):
    return f"/volunteers/orgs/{org.code}/import/"


def upload(client, org, text: str, name="sheet.csv"):
    sheet = io.BytesIO(text.encode("utf-8"))
    sheet.name = name
    return client.post(url(org), {"sheet": sheet})


def mapping(**columns):
    return {f"col_{i}": code for i, code in columns.items()}


GOOD_MAP = {
    "col_0": "handle",
    "col_1": "phone",
    "col_2": "email",
    "col_3": "languages",
    "col_4": "zones",
    "col_5": "roles",
}


def imported():
    return User.objects.filter(volunteer__imported=True)


def test_the_upload_shows_a_guessed_mapping_a_dry_run_and_the_refused_columns(signed_in, cast):
    client = signed_in(cast.ana)
    assert client.get(url(cast.org_a)).status_code == 200
    response = upload(client, cast.org_a, GOOD)
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 volunteers would be created." in content
    assert "Immigration status is never stored in Porch." in content
    assert "Children&#x27;s names and family details are never stored in Porch." in content
    # The guessed mapping: nickname → handle, mobile → phone, …
    for name, code in GOOD_MAP.items():
        assert f'<option value="{code}" selected>' in content.split(f'name="{name}"')[1][:900]
    # Refused columns are not offered for mapping at all.
    assert 'name="col_6"' not in content and 'name="col_7"' not in content
    assert 'name="sheet_text"' in content
    assert not imported().exists()


def test_confirming_creates_every_person_with_sealed_contacts(signed_in, cast):
    client = signed_in(cast.ana)
    response = client.post(url(cast.org_a), {"sheet_text": GOOD, **GOOD_MAP, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/volunteers/orgs/{cast.org_a.code}/recruits/"
    people = list(imported().order_by("pk"))
    assert len(people) == 2
    maple, other = people
    assert maple.handle == "maple-walker" and maple.status == User.Status.PENDING
    assert not maple.has_usable_password()
    assert maple.phone == "612-555-0101" and maple.email is None
    raw = User.objects.filter(pk=maple.pk).values_list("phone", flat=True)[0]
    assert b"612" not in bytes(raw)
    assert other.email == "sun@example.org"
    volunteer = Volunteer.objects.get(user=maple)
    assert volunteer.languages == ["so", "en"]
    assert volunteer.roles_of_interest == ["patrol"]
    assert [z.name for z in volunteer.zones.all()] == ["Cedar Flats"]
    assert Volunteer.objects.get(user=other).roles_of_interest == ["hub_keeper", "patrol"]
    assert (
        Membership.objects.filter(
            user__in=people, organisation=cast.org_a, role=Role.VOLUNTEER
        ).count()
        == 2
    )
    assert AuditEntry.objects.filter(action="volunteer.imported").count() == 2
    # They now show among the organisation's recruits.
    page = client.get(f"/volunteers/orgs/{cast.org_a.code}/recruits/").content.decode()
    assert 'id="recruit-maple-walker"' in page


def test_a_bad_row_is_shown_with_its_reason_and_nothing_is_imported(signed_in, cast):
    client = signed_in(cast.ana)
    data = {"sheet_text": BAD, "col_0": "handle", "col_1": "phone", "col_2": "languages"}
    data["col_3"] = "zones"
    dry = client.post(url(cast.org_a), data)
    content = dry.content.decode()
    assert dry.status_code == 200
    assert "1 volunteer would be created." in content
    assert "Line 3: the handle must be 3 to 40 letters" in content
    assert "unknown language “Klingon”" in content and "unknown zone “Atlantis”" in content
    assert "Line 4: no phone and no e-mail" in content
    confirmed = client.post(url(cast.org_a), {**data, "confirm": "on"})
    assert confirmed.status_code == 400
    assert "Line 3:" in confirmed.content.decode()
    assert not imported().exists()
    assert not AuditEntry.objects.filter(action="volunteer.imported").exists()


def test_a_refused_column_cannot_be_mapped_even_by_hand(signed_in, cast):
    text = "Phone,Country of birth\n612-555-0104,Somalia\n"
    client = signed_in(cast.ana)
    response = client.post(
        url(cast.org_a), {"sheet_text": text, "col_0": "phone", "col_1": "languages"}
    )
    content = response.content.decode()
    assert "Birth country, nationality and birth dates are never stored" in content
    assert "1 volunteer would be created." in content
    client.post(
        url(cast.org_a),
        {"sheet_text": text, "col_0": "phone", "col_1": "languages", "confirm": "on"},
    )
    assert Volunteer.objects.get(imported=True).languages == []


def test_a_taken_handle_is_a_bad_row(signed_in, cast):
    text = "Handle,Phone\nana,612-555-0105\n"
    response = signed_in(cast.ana).post(
        url(cast.org_a), {"sheet_text": text, "col_0": "handle", "col_1": "phone", "confirm": "on"}
    )
    assert response.status_code == 400
    assert "Line 2: this handle is taken." in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00bad", "The file is not UTF-8 text."),
        (b"Phone\n", "The sheet needs a first row of column names and at least one volunteer."),
        (b"Phone,phone\n1,2\n", "Every column needs a name of its own in the first row."),
        (b"x" * (600 * 1024), "The file is too large."),
    ],
)
def test_an_unreadable_upload_is_refused_with_a_message(signed_in, cast, content, message):
    sheet = io.BytesIO(content)
    sheet.name = "sheet.csv"
    response = signed_in(cast.ana).post(url(cast.org_a), {"sheet": sheet})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not imported().exists()


def test_the_upload_never_reaches_a_temporary_file(signed_in, cast, settings, tmp_path):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django would spill to disk past this
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    response = upload(signed_in(cast.ana), cast.org_a, GOOD)
    assert response.status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_other_organisations_and_plain_members_cannot_import(signed_in, cast):
    for person in (cast.cal, cast.ben):
        response = signed_in(person).post(
            url(cast.org_a), {"sheet_text": GOOD, **GOOD_MAP, "confirm": "on"}
        )
        assert response.status_code == 404
    assert not imported().exists()


# ---- The command ------------------------------------------------------------------------


def write(tmp_path, text):
    path = tmp_path / "sheet.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_dry_runs_by_default_and_imports_with_confirm(cast, tmp_path):
    path = write(tmp_path, GOOD)
    out = io.StringIO()
    call_command("importvolunteers", cast.org_a.code, path, "--as", "ana", stdout=out)
    assert "2 volunteers would be created." in out.getvalue()
    assert "Immigration status" in out.getvalue()
    assert not imported().exists()
    out = io.StringIO()
    call_command("importvolunteers", cast.org_a.code, path, "--as", "ana", "--confirm", stdout=out)
    assert imported().count() == 2
    assert "maple-walker" in out.getvalue()


def test_the_command_takes_a_mapping_and_refuses_bad_sheets(cast, tmp_path):
    path = write(tmp_path, BAD)
    with pytest.raises(CommandError, match="Line 3"):
        call_command(
            "importvolunteers",
            cast.org_a.code,
            path,
            "--as",
            "ana",
            "--map",
            "Handle=handle",
            "--map",
            "Phone=phone",
            "--map",
            "Languages=languages",
            "--map",
            "Zone=zones",
            "--confirm",
        )
    assert not imported().exists()


def test_the_command_refuses_someone_who_does_not_coordinate(cast, tmp_path):
    with pytest.raises(CommandError):
        call_command("importvolunteers", cast.org_a.code, write(tmp_path, GOOD), "--as", "ben")


# ---- The API ------------------------------------------------------------------------------


def api_url(org):
    return f"/api/v1/volunteers/organisations/{org.code}/import"


def test_the_api_dry_runs_then_imports(signed_in, cast):
    client = signed_in(cast.ana)
    columns = {"Nickname": "handle", "Mobile": "phone", "Email": "email"}
    body = {"sheet": GOOD, "mapping": columns}
    dry = client.post(api_url(cast.org_a), json.dumps(body), content_type="application/json")
    assert dry.status_code == 200, dry.content
    report = dry.json()
    assert report["would_create"] == 2 and report["created"] == []
    assert {c["column"] for c in report["refused"]} == {"Immigration status", "Kids names"}
    assert not imported().exists()
    body["confirm"] = True
    done = client.post(api_url(cast.org_a), json.dumps(body), content_type="application/json")
    assert done.status_code == 200
    assert len(done.json()["created"]) == 2 and imported().count() == 2


def test_the_api_refuses_a_bad_sheet_with_409_and_imports_nothing(signed_in, cast):
    body = {"sheet": BAD, "mapping": {"Handle": "handle", "Phone": "phone"}, "confirm": True}
    response = signed_in(cast.ana).post(
        api_url(cast.org_a), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 409
    assert "Line 3" in response.json()["detail"]
    assert not imported().exists()


def test_the_api_import_survives_fuzzing(cast, wsgi_in_test_transaction):  # noqa: F811
    import schemathesis

    from porch.accounts.actions import do_create_api_token

    _token, key = do_create_api_token(cast.ana, "fuzz", actor=cast.ana)
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    operation = schema.find_operation_by_label(
        "POST /api/v1/volunteers/organisations/{code}/import"
    )
    assert operation is not None
    fuzz(operation, headers)
    fuzz(operation, headers, path_parameters={"code": cast.org_a.code})


def test_the_api_offers_exactly_the_fields_the_import_knows():
    from typing import get_args

    from porch.api.volunteers import ImportField
    from porch.volunteers.importing import FIELD_CODES

    assert set(get_args(ImportField)) == FIELD_CODES


# ---- Imported people claim their account ----------------------------------------------------


def test_an_imported_person_sets_a_password_with_a_link_made_once(signed_in, cast, client):
    from porch.accounts.actions import do_vouch

    coordinator = signed_in(cast.ana)
    coordinator.post(url(cast.org_a), {"sheet_text": GOOD, **GOOD_MAP, "confirm": "on"})
    maple = User.objects.get(handle="maple-walker")
    recruits = coordinator.get(f"/volunteers/orgs/{cast.org_a.code}/recruits/").content.decode()
    assert f"/recruits/{maple.code}/claim-link/" in recruits
    made = coordinator.post(f"/volunteers/orgs/{cast.org_a.code}/recruits/{maple.code}/claim-link/")
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    link = made.content.decode().split('id="claim-link">')[1].split("<")[0]
    path = link.split("testserver")[1]
    assert path.startswith("/volunteers/claim/")
    assert Volunteer.objects.get(user=maple).claim_token_hash not in link
    client.logout()
    assert client.get(path).status_code == 200
    weak = client.post(path, {"password": "short", "password_again": "short"})
    assert weak.status_code == 400
    strong = "walking-to-school-every-morning-42"
    done = client.post(path, {"password": strong, "password_again": strong})
    assert done.status_code == 200
    vouch_code = done.content.decode().split('id="vouch-code">')[1].split("<")[0]
    maple.refresh_from_db()
    assert maple.check_password(strong)
    # The link works once.
    assert client.get(path).status_code == 404
    # The vouch code is a real one: two members vouch, she is active.
    from porch.accounts.access import find_applicant

    assert find_applicant("maple-walker", vouch_code) == maple
    do_vouch(maple, actor=cast.ana)
    do_vouch(maple, actor=cast.ben)
    maple.refresh_from_db()
    assert maple.status == User.Status.ACTIVE


def test_a_new_link_replaces_the_old_and_only_imported_people_get_one(signed_in, cast, client):
    coordinator = signed_in(cast.ana)
    coordinator.post(url(cast.org_a), {"sheet_text": GOOD, **GOOD_MAP, "confirm": "on"})
    maple = User.objects.get(handle="maple-walker")
    link_url = f"/volunteers/orgs/{cast.org_a.code}/recruits/{maple.code}/claim-link/"

    def make():
        page = coordinator.post(link_url).content.decode()
        return page.split('id="claim-link">')[1].split("<")[0].split("testserver")[1]

    first, second = make(), make()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    refused = coordinator.post(
        f"/volunteers/orgs/{cast.org_a.code}/recruits/{cast.pia.code}/claim-link/"
    )
    assert refused.status_code == 400
    assert "Only imported people" in refused.content.decode()
    other = signed_in(cast.cal).post(link_url)
    assert other.status_code == 404
