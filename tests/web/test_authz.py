"""Who may use what, tried on every route of the app's route table as every role.

The routes are read from the app itself, so a new route is in this test the moment it
exists: it must say who may use it (`create_app` refuses one that does not), every path
parameter it takes must have a value below (the test fails otherwise), and then it is
tried signed out, and signed in as each role with the ids of a wing that is not the
delivery team's, and with the team's own.

What is expected follows the rules in `advisor.web.security`: not signed in, a page
sends the browser to sign in; a role the route does not name gets 403; a delivery team
asking for another wing's wing, draft or result gets 404; everyone else gets on (any
answer but those).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import create_engine

from advisor.web.app import PUBLIC_ROUTES, access, create_app
from advisor.web.security import PUBLIC, READERS, WRITERS
from advisor.web.store import Store
from tests.web.conftest import World

ROLES = ("delivery", "commissioner", "trainer", "admin")  # the administrator last: it may
# change what the others would see (finish the draft, remove the account)
WING_PARAMS = {"wing_id", "draft_id", "result_id"}


def _routes() -> list[tuple[str, str, Any]]:
    app = create_app(Store(create_engine("sqlite://")))
    out = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            out += [(method, route.path, access(route)) for method in sorted(route.methods or ())]
    return out


ROUTES = _routes()


def fill(path: str, ids: dict[str, Any]) -> str:
    """The path with its parameters filled in; each must have a value."""
    names = re.findall(r"{(\w+)}", path)
    missing = [n for n in names if n not in ids]
    assert not missing, f"{path}: give the authorization test a value for {missing}"
    return re.sub(r"{(\w+)}", lambda m: str(ids[m[1]]), path)


def other_wings_ids(world: World) -> dict[str, Any]:
    return {"wing_id": world.wing_b, "draft_id": world.draft_b, "result_id": world.result_b,
            "user_id": world.store.user_by_email("other@example.org").id,  # type: ignore
            "key": "assessed", "filename": "profile.yaml",
            "name": "hmp-high-down-clu.yaml",
            "case": "high-down-s-ambassadors-meet-no-soft-requirement-so-the-role-is-at-"
                    "rung-0-with-structure-for-rung-3",
            "action_id": "R1a"}  # the first action of an empty proposal's plan


def own_wings_ids(world: World) -> dict[str, Any]:
    from advisor.web import guided

    wing = world.store.wing(world.wing_a)
    assert wing is not None
    team = world.store.user(world.users["delivery"])
    assert team is not None
    draft = world.store.start_draft(wing, "self-audit",
                                    guided.new_state("self-audit", wing.prison, wing.name),
                                    by=team)
    other = world.store.result(world.result_b)
    assert other is not None
    result = world.store.add_result(wing, kind="proposal", source="guided",
                                    profile_yaml=other.profile_yaml, rulebook_version="x",
                                    result_json=other.result_json, by=team)
    return {**other_wings_ids(world), "wing_id": wing.id, "draft_id": draft.id,
            "result_id": result.id}


def request(world: World, role: str | None, method: str, url: str) -> Any:
    client = world.client(role)
    if method == "GET":
        return client.get(url)
    return client.post(url, {})


def test_every_route_says_who_may_use_it() -> None:
    public = {(m, p) for m, p, who in ROUTES if who == PUBLIC}
    assert public == PUBLIC_ROUTES
    for method, path, who in ROUTES:
        assert who == PUBLIC or set(who) <= set(ROLES), (method, path, who)


@pytest.mark.parametrize(("method", "path", "who"),
                         [r for r in ROUTES if r[2] != PUBLIC],
                         ids=[f"{m} {p}" for m, p, w in ROUTES if w != PUBLIC])
def test_a_route_admits_only_its_roles_and_only_their_wings(
        world: World, method: str, path: str, who: tuple[str, ...]) -> None:
    url = fill(path, other_wings_ids(world))
    signed_out = request(world, None, method, url)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"].startswith("/signin?next=")
    for role in ROLES:
        response = request(world, role, method, url)
        scoped = bool(WING_PARAMS & set(re.findall(r"{(\w+)}", path)))
        if role not in who:
            expected = {403}
        elif role == "delivery" and scoped:
            expected = {404}  # another wing's: not told it exists
        else:
            expected = set()
        if expected:
            assert response.status_code in expected, (role, method, url, response.text[:300])
        else:
            assert response.status_code not in (401, 403, 404), (role, method, url)
            assert not response.headers.get("location", "").startswith("/signin?next=")


@pytest.mark.parametrize(("method", "path", "who"),
                         [r for r in ROUTES if r[2] != PUBLIC and "delivery" in r[2]
                          and WING_PARAMS & set(re.findall(r"{(\w+)}", r[1]))],
                         ids=[f"{m} {p}" for m, p, w in ROUTES if w != PUBLIC
                              and "delivery" in w
                              and WING_PARAMS & set(re.findall(r"{(\w+)}", p))])
def test_a_delivery_team_gets_on_with_its_own_wing(world: World, method: str, path: str,
                                                   who: tuple[str, ...]) -> None:
    url = fill(path, own_wings_ids(world))
    response = request(world, "delivery", method, url)
    assert response.status_code not in (401, 403, 404), (method, url, response.text[:300])


def test_the_roles_are_as_the_issue_says() -> None:
    by_route = {(m, p): w for m, p, w in ROUTES}
    assert by_route[("GET", "/wings/{wing_id}")] == READERS  # commissioners see every wing
    assert by_route[("POST", "/wings/{wing_id}/drafts")] == WRITERS  # and change none
    assert by_route[("GET", "/examples/{name}")] == ("admin", "commissioner", "delivery",
                                                     "trainer")
    assert all(w == ("admin",) for (m, p), w in by_route.items() if p.startswith("/admin"))
    trainer_may = sorted(p for (m, p), w in by_route.items() if w != PUBLIC and "trainer" in w)
    assert trainer_may == ["/", "/examples", "/examples/cases/{case}",
                           "/examples/cases/{case}/path", "/examples/cases/{case}/whatif",
                           "/examples/{name}", "/examples/{name}/path",
                           "/examples/{name}/steps", "/examples/{name}/whatif", "/signout"]
