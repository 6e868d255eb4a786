"""The verifier ranking (actions.ranked_verifiers): the batched nearest-first
search gives exactly the order of a plain full sort, and its query count is
pinned (docs/benchmarks.md, Response: <= 5 ms among 30,000 volunteers)."""

import math
import random

import pytest

from porch.accounts.roles import Role, TrustLevel
from porch.coalition.models import Zone
from porch.core.testing import make_member
from porch.response import actions
from porch.response.tests.fixtures import new_report, put_on_shift
from porch.volunteers.models import SignUp

pytestmark = pytest.mark.django_db


def reference(report):
    """The rule written out plainly: every running verifier sign-up of the
    organisation, each verifier at their nearest site, sorted by (same zone,
    centroid distance, language, -trust, pk); the taker and the asked left out."""
    from django.utils import timezone

    from porch.coalition.access import counting_memberships

    now = timezone.now()
    counting = set(
        counting_memberships()
        .filter(organisation=report.organisation, role=Role.VERIFIER)
        .values_list("user_id", flat=True)
    )
    asked = set(report.dispatches.values_list("verifier_id", flat=True)) | {report.taken_by_id}
    origin = report.zone

    def distance(zone):
        if zone is None or origin is None or zone.centroid_lat is None:
            return math.inf
        if origin.centroid_lat is None:
            return math.inf
        dlat = zone.centroid_lat - origin.centroid_lat
        dlon = (zone.centroid_lon - origin.centroid_lon) * math.cos(math.radians(zone.centroid_lat))
        return math.hypot(dlat, dlon)

    best = {}
    for signup in SignUp.objects.select_related("volunteer", "shift__slot__site__zone"):
        shift = signup.shift
        if signup.state != "active" or not shift.starts_at <= now < shift.ends_at:
            continue
        if shift.slot.required_role != Role.VERIFIER:
            continue
        if shift.slot.site.organisation_id != report.organisation_id:
            continue
        user = signup.volunteer
        if user.pk not in counting or user.pk in asked:
            continue
        zone = shift.slot.site.zone
        same = zone is not None and origin is not None and zone.pk == origin.pk
        key = (
            0 if same else 1,
            0.0 if same and origin.centroid_lat is not None else distance(zone),
            0 if user.language == report.language else 1,
            -user.trust_level,
            user.pk,
        )
        best[user.pk] = min(key, best.get(user.pk, key))
    return sorted(best, key=best.__getitem__)


def test_the_batched_ranking_matches_a_plain_full_sort(cast):
    rng = random.Random(7)
    zones = [cast.zone, cast.zone_b]
    for n in range(10):
        centroid = (45 + rng.random() / 10, -93.3 + rng.random() / 10) if n % 4 else (None, None)
        zones.append(
            Zone.objects.create(
                region=cast.region,
                name=f"Zone {n}",
                centroid_lat=centroid[0],
                centroid_lon=centroid[1],
            )
        )
    # Two zones at the same distance: a tier with more than one zone.
    zones.append(
        Zone.objects.create(
            region=cast.region, name="Twin", centroid_lat=45.03, centroid_lon=-93.27
        )
    )
    people = []
    for n in range(60):
        user = make_member(f"v{n}", cast.org_a, Role.VERIFIER, trust=rng.choice([20, 30, 40]))
        user.language = rng.choice(["en", "es", "so"])
        user.save()
        people.append(user)
        if rng.random() < 0.8:
            put_on_shift(user, cast.org_a, rng.choice(zones + [None]))
        if rng.random() < 0.2:
            put_on_shift(user, cast.org_a, rng.choice(zones))
    # Not counted: a verifier of org B on org A's roster, a lapsed sign-up.
    outsider = make_member("out", cast.org_b, Role.VERIFIER)
    put_on_shift(outsider, cast.org_a, cast.zone)
    put_on_shift(people[0], cast.org_a, cast.zone).delete()
    assert TrustLevel.TRAINED == 20

    for origin in (cast.zone, zones[3], zones[4], zones[-1]):
        for language in ("en", "so"):
            report = new_report(cast, zone=origin, language=language, actor=people[1])
            expected = reference(report)
            assert len(expected) > 20
            assert [u.pk for u in actions.ranked_verifiers(report)] == expected
            for limit in (1, 2, 5):
                got = actions.ranked_verifiers(report, limit=limit)
                assert [u.pk for u in got] == expected[:limit]
    assert outsider.pk not in reference(report) and people[1].pk not in reference(report)


def test_asking_the_nearest_pair_takes_three_queries(cast, django_assert_num_queries):
    for n in range(6):
        put_on_shift(make_member(f"v{n}", cast.org_a, Role.VERIFIER), cast.org_a, cast.zone)
    put_on_shift(make_member("far", cast.org_a, Role.VERIFIER), cast.org_a, cast.zone_b)
    report = new_report(cast)
    report = type(report).objects.select_related("organisation", "zone").get(pk=report.pk)
    # Zones, the roster of the nearest tier (less the asked), the two accounts.
    with django_assert_num_queries(3):
        pair = actions.ranked_verifiers(report, limit=2)
    assert len(pair) == 2 and all(u.handle.startswith("v") for u in pair)
