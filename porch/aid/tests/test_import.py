"""Importing a request sheet (CSV export): page, command and API.

Upload → column mapping → dry run listing bad rows with translated reasons →
import in one transaction. Callback numbers end up sealed in the vault like an
intake call's; a forbidden column refuses the whole sheet; nothing is ever
half-imported; importing the same export twice adds nothing.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from porch.accounts.actions import do_create_api_token
from porch.aid.models import AidRequest, ImportedRow
from porch.core.testing import sign_in

pytestmark = pytest.mark.django_db

HEADER = "Name,Phone,Neighborhood,Cross streets,Household size,Needs,Diet,Language,Urgency\n"


def sheet(zone, *, bad=False) -> str:
    rows = [
        f"Amina,+1 612 555 0141,{zone.code},,4,staples;halal,halal,so,urgent\n",
        f'Pat,(612) 555-0142,{zone.name},,2,"Fresh produce, hygiene",,Español,\n',
        "Lee,612-555-0143,,Cedar & 12th,1,,,,This week\n",
    ]
    if bad:
        rows.append("Kim,not a number,Atlantis,,45,caviar,paleo,xx,\n")
    return HEADER + "".join(rows)


def coordinator(cast) -> Client:
    client = Client()
    sign_in(client, cast.ana)
    return client


def upload(client, org, text: str, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("requests.csv", text.encode("utf-8"), "text/csv")
    return client.post(f"/aid/orgs/{org.code}/import/", {"step": "upload", "sheet": file}, **extra)


def mapped(text: str, step: str) -> dict:
    return {
        "step": step,
        "sheet_text": text,
        "map_callback_number": "Phone",
        "map_zone": "Neighborhood",
        "map_cross_streets": "Cross streets",
        "map_household_size": "Household size",
        "map_needs": "Needs",
        "map_diet": "Diet",
        "map_language": "Language",
        "map_urgency": "Urgency",
    }


def test_a_coordinator_uploads_maps_checks_and_imports_a_sheet(cast):
    client = coordinator(cast)
    url = f"/aid/orgs/{cast.org_a.code}/import/"
    assert client.get(url).status_code == 200
    text = sheet(cast.zone)
    page = upload(client, cast.org_a, text)
    assert page.status_code == 200
    body = page.content.decode()
    # The mapping is guessed from the headers; names are never offered.
    assert '<option value="Phone" selected>' in body
    assert '<option value="Neighborhood" selected>' in body
    preview = client.post(url, mapped(text, "preview"))
    assert preview.status_code == 200 and 'id="import"' in preview.content.decode()
    assert not AidRequest.objects.exists()  # a dry run writes nothing

    done = client.post(url, mapped(text, "import"))
    assert done.status_code == 302
    requests = list(AidRequest.objects.order_by("pk"))
    assert [r.source for r in requests] == ["import"] * 3
    first, second, third = requests
    assert (first.household_size, first.bags, first.needs, first.diet, first.language) == (
        4,
        2,
        ["staples", "halal"],
        "halal",
        "so",
    )
    assert first.urgency == "urgent" and first.zone == cast.zone
    assert second.needs == ["produce", "hygiene"] and second.language == "es"
    assert third.cross_streets == "Cedar & 12th" and third.zone is None
    # Sealed like an intake call: readable through the vault, not in the row.
    assert first.callback_number == "+16125550141"
    assert first.household_id is not None and first.callback_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT callback_number, cross_streets FROM aid_aidrequest")
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "5550141" not in raw and "Cedar & 12th" not in raw
    assert ImportedRow.objects.count() == 3

    # The same export again: every row skipped, nothing added.
    again = client.post(url, mapped(text, "preview"))
    assert 'id="skipped"' in again.content.decode()
    client.post(url, mapped(text, "import"))
    assert AidRequest.objects.count() == 3


def test_bad_rows_are_listed_with_translated_reasons_and_nothing_is_imported(cast):
    client = coordinator(cast)
    url = f"/aid/orgs/{cast.org_a.code}/import/"
    text = sheet(cast.zone, bad=True)
    preview = client.post(url, mapped(text, "preview"), HTTP_ACCEPT_LANGUAGE="es")
    body = preview.content.decode()
    assert preview.status_code == 200 and 'id="bad-rows"' in body
    assert "Elija una dieta de la lista." in body  # translated
    assert "Escriba un número de teléfono" in body
    assert "<td>5</td>" in body  # the spreadsheet's row number (header is row 1)
    table = body[body.index('id="bad-rows"') : body.index("</table>")]
    assert "not a number" not in table and "Atlantis" not in table  # no cell is echoed
    assert 'id="import"' not in body
    forced = client.post(url, mapped(text, "import"))
    assert forced.status_code == 400
    assert not AidRequest.objects.exists() and not ImportedRow.objects.exists()


@pytest.mark.parametrize(
    "column",
    ["Immigration status", "Country of birth", "Children's names", "birth_country", "Kids names"],
)
def test_a_sheet_with_a_forbidden_column_is_refused_whole(cast, column):
    client = coordinator(cast)
    text = HEADER.strip() + f",{column}\n" + f"A,+1 612 555 0141,{cast.zone.code},,4,,,,,x\n"
    page = upload(client, cast.org_a, text)
    assert page.status_code == 400
    assert "must not be uploaded" in page.content.decode()
    assert 'name="sheet_text"' not in page.content.decode()
    # The text posted back by hand is refused the same way.
    direct = client.post(f"/aid/orgs/{cast.org_a.code}/import/", mapped(text, "import"))
    assert direct.status_code == 400
    assert not AidRequest.objects.exists()


def test_a_household_count_column_is_not_mistaken_for_childrens_names(cast):
    text = f"Phone,Zone,Number of children\n+1 612 555 0141,{cast.zone.code},2\n"
    assert upload(coordinator(cast), cast.org_a, text).status_code == 200


def test_the_command_dry_runs_and_imports(cast, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(sheet(cast.zone, bad=True), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported: 1 rows"):
        call_command("import_requests", cast.org_a.code, str(path), stdout=out)
    assert "row 5:" in out.getvalue() and "not a number" not in out.getvalue()
    assert not AidRequest.objects.exists()
    path.write_text(sheet(cast.zone), encoding="utf-8")
    out = io.StringIO()
    call_command("import_requests", cast.org_a.code, str(path), "--dry-run", stdout=out)
    assert "dry run: 3 ready" in out.getvalue() and not AidRequest.objects.exists()
    call_command("import_requests", cast.org_a.code, str(path), stdout=io.StringIO())
    assert AidRequest.objects.filter(source="import").count() == 3
    path.write_text("Phone,Visa type\n+16125550100,B2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="must not be uploaded"):
        call_command("import_requests", cast.org_a.code, str(path), stdout=io.StringIO())


def test_the_api_dry_runs_and_imports(cast, client):
    _token, key = do_create_api_token(cast.ana, "test", actor=cast.ana)
    headers = {"Authorization": f"Bearer {key}"}
    url = f"/api/v1/aid/organisations/{cast.org_a.code}/request-imports"

    def post(body):
        return client.post(url, json.dumps(body), content_type="application/json", headers=headers)

    bad = post({"csv": sheet(cast.zone, bad=True)})
    assert bad.status_code == 200
    assert bad.json()["ready"] == 3 and [b["row"] for b in bad.json()["bad"]] == [5]
    assert bad.json()["mapping"]["callback_number"] == "Phone"
    refused = post({"csv": sheet(cast.zone, bad=True), "dry_run": False})
    assert refused.status_code == 409 and refused.json()["errors"][0]["loc"] == ["row", 5]
    assert not AidRequest.objects.exists()
    done = post({"csv": sheet(cast.zone), "dry_run": False})
    assert done.status_code == 200 and done.json()["imported"] == 3
    forbidden = post({"csv": "Phone,Immigration status\n+16125550100,x\n"})
    assert forbidden.status_code == 409 and "must not be uploaded" in forbidden.json()["detail"]
    unknown_column = post({"csv": sheet(cast.zone), "mapping": {"callback_number": "Nope"}})
    assert unknown_column.status_code == 409
    other = f"/api/v1/aid/organisations/{cast.org_b.code}/request-imports"
    body = json.dumps({"csv": sheet(cast.zone), "dry_run": False})
    answer = client.post(other, body, content_type="application/json", headers=headers)
    assert answer.status_code == 404
    assert AidRequest.objects.count() == 3


def test_a_sheet_with_a_lone_surrogate_is_refused_not_an_error():
    from django.core.exceptions import ValidationError

    from porch.aid import importing

    with pytest.raises(ValidationError):
        importing.read_sheet("Phone,Zone\n\ud800,Cedar Flats\n")
