"""Sessions, form tokens and sign-in throttling: the cookie's flags, a fresh token at
every sign-in, expiry, CSRF on every form, and five failures per account per quarter
hour."""

from __future__ import annotations

import re
from typing import Any

from advisor.web.security import COOKIE
from tests.web.conftest import PASSWORD, World, browser, signin_token


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(world: World) -> None:
    plain = world.client()
    response = plain.sign_in("delivery@example.org")
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE)]
    assert re.match(rf"{COOKIE}=[\w-]{{43}}; HttpOnly; Max-Age=43200; Path=/; SameSite=lax$",
                    cookie), cookie
    secure = browser(world.app, "https://testserver")
    (cookie,) = [c for c in secure.sign_in("delivery@example.org").headers
                 .get_list("set-cookie") if c.startswith(COOKIE)]
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_signing_in_always_makes_a_new_session_and_ends_the_old(world: World) -> None:
    browser = world.client("delivery")
    first = browser.http.cookies[COOKIE]
    browser.sign_in("delivery@example.org")  # again, in the same browser
    second = browser.http.cookies[COOKIE]
    assert first != second
    stolen = world.client()
    stolen.http.cookies.set(COOKIE, first)
    assert stolen.get("/").status_code == 303  # the old token opens nothing
    assert browser.get("/").status_code == 200


def test_a_session_ends_after_two_idle_hours_or_twelve_in_all(world: World) -> None:
    browser = world.client("delivery")
    world.clock.advance(hours=1, minutes=59)
    assert browser.get("/").status_code == 200
    world.clock.advance(hours=2, minutes=1)
    expired = browser.get(f"/wings/{world.wing_a}")
    assert (expired.status_code, expired.headers["location"]) == (
        303, f"/signin?next=/wings/{world.wing_a}")
    browser.sign_in("delivery@example.org")
    for _ in range(6):
        world.clock.advance(hours=1, minutes=59)
        assert browser.get("/").status_code == 200
    world.clock.advance(minutes=7)
    assert browser.get("/").status_code == 303


def test_signing_out_ends_the_session(world: World) -> None:
    browser = world.client("delivery")
    token = browser.http.cookies[COOKIE]
    out = browser.post("/signout")
    assert (out.status_code, out.headers["location"]) == (303, "/signin")
    again = world.client()
    again.http.cookies.set(COOKIE, token)
    assert again.get("/").status_code == 303
    entries = [e.what for e in world.store.audit_log()]
    assert entries[:2] == ["signed out", "signed in"]


def test_every_form_needs_the_sessions_token_and_nothing_changes_without_it(
        world: World) -> None:
    browser = world.client("delivery")
    for form in ({}, {"csrf": ""}, {"csrf": "forged"}):
        response = browser.post("/wings", {"prison": "HMP X", "name": "Y", **form},
                                csrf=False)
        assert response.status_code == 400
        assert "This form had expired" in response.text
    assert [w.name for w in world.store.wings()] == ["B wing", "Community Living Unit (CLU)"]
    other = world.client("admin")  # another session's token is no good either
    response = browser.post("/wings", {"prison": "HMP X", "name": "Y", "csrf": other.csrf},
                            csrf=False)
    assert response.status_code == 400
    assert browser.post("/wings", {"prison": "HMP X", "name": "Y"}).status_code == 303


def test_the_sign_in_form_has_its_own_token(world: World) -> None:
    browser = world.client()
    browser.get("/signin")
    forged = browser.post("/signin", {"email": "delivery@example.org", "password": PASSWORD,
                                      "csrf": "forged"}, csrf=False)
    assert forged.status_code == 400
    assert "The form had expired; sign in again." in forged.text
    assert COOKIE not in browser.http.cookies


def test_sign_in_is_refused_after_five_failures_for_an_account(world: World) -> None:
    browser = world.client()
    for _ in range(5):
        browser.get("/signin")
        wrong = browser.post("/signin", {"email": "delivery@example.org",
                                         "password": "not the password"})
        assert wrong.status_code == 401
        assert "That email and password do not match an account." in wrong.text
    browser.get("/signin")
    refused = browser.post("/signin", {"email": "Delivery@Example.org",
                                       "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many failed attempts to sign in. Wait 15 minutes, then try again." \
        in refused.text
    assert COOKIE not in browser.http.cookies
    # another account from elsewhere is not held up
    world.client("admin")
    world.clock.advance(minutes=15, seconds=1)
    browser.get("/signin")
    assert browser.post("/signin", {"email": "delivery@example.org",
                                    "password": PASSWORD}).status_code == 303


def test_sign_in_is_refused_after_twenty_failures_from_one_address(world: World) -> None:
    browser = world.client()
    for n in range(20):
        browser.get("/signin")
        browser.post("/signin", {"email": f"guess{n}@example.org", "password": "x"})
    browser.get("/signin")
    assert browser.post("/signin", {"email": "delivery@example.org",
                                    "password": PASSWORD}).status_code == 429


def test_an_unknown_email_and_a_wrong_password_look_the_same(world: World) -> None:
    browser = world.client()
    browser.get("/signin")
    unknown = browser.post("/signin", {"email": "nobody@example.org", "password": PASSWORD})
    browser.get("/signin")
    wrong = browser.post("/signin", {"email": "delivery@example.org", "password": "nope"})
    assert unknown.status_code == wrong.status_code == 401
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", unknown.text) == strip.sub("", wrong.text)


def test_after_signing_in_the_browser_goes_only_to_a_page_of_this_site(world: World) -> None:
    browser = world.client()
    for target, expected in (("/wings/1", "/wings/1"), ("//evil.example/x", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")):
        token = signin_token(browser.get("/signin").text)
        response = browser.post("/signin", {"email": "delivery@example.org", "csrf": token,
                                            "password": PASSWORD, "next": target})
        assert response.headers["location"] == expected


def test_a_page_sent_after_the_session_ended_says_it_was_not_saved(world: World) -> None:
    """Sending a page of answers once the session has ended cannot save them (no one is
    signed in to save them for): the sign-in page says so, and leads back to that page."""
    browser = world.client("delivery")
    draft = browser.post(f"/wings/{world.wing_a}/drafts", {"kind": "self-audit"})
    url = f"{draft.headers['location']}/wing"
    world.clock.advance(hours=2, minutes=1)
    sent = browser.post(url, {"wing.beds": "40", "shown:wing.beds": "1"})
    assert (sent.status_code, sent.headers["location"]) == (
        303, f"/signin?next={url}&unsent=1")
    notice = browser.get(sent.headers["location"])
    assert "so its answers were not saved" in notice.text
    assert f'name="next" value="{url}"' in notice.text
    plain = browser.get(f"/signin?next={url}")
    assert "were not saved" not in plain.text


def _headers_hold(response: Any, url: str, https: bool) -> None:
    csp = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp, (url, csp)
    assert "default-src 'none'" in csp and "script-src" not in csp, (url, csp)
    assert response.headers.get("x-content-type-options") == "nosniff", url
    assert response.headers.get("referrer-policy") == "same-origin", url
    assert response.headers.get("x-frame-options") == "DENY", url
    for cookie in response.headers.get_list("set-cookie"):
        flags = [f.strip().lower() for f in cookie.split(";")[1:]]
        assert "httponly" in flags and "samesite=lax" in flags, (url, cookie)
        assert ("secure" in flags) == https, (url, cookie)


def test_every_route_answers_with_the_security_headers_and_safe_cookies(
        world: World) -> None:
    """Every route of the route table (as tests/web/test_authz.py reads it), signed out
    and signed in as each role, over http and https, and the answers no route makes
    (not found, too large, a method not allowed): the policy forbids scripts and
    framing, the type is never sniffed, the referrer stays on the site, every cookie is
    HttpOnly and SameSite and, over https, Secure."""
    from tests.web.test_authz import ROUTES, fill, other_wings_ids

    ids = other_wings_ids(world)
    checked = 0
    for base, https in (("http://testserver", False), ("https://testserver", True)):
        clients = [browser(world.app, base)]
        for role in ("delivery", "commissioner", "trainer", "admin"):
            signed = browser(world.app, base)
            signed.sign_in(f"{role}@example.org")
            clients.append(signed)
        for client in clients:
            for method, path, _ in ROUTES:
                if path in ("/signout", "/admin/users/{user_id}/remove"):
                    continue  # they end what the rest of the walk needs
                url = fill(path, ids)
                response = client.get(url) if method == "GET" else client.post(url, {})
                _headers_hold(response, f"{method} {url}", https)
                checked += 1
            for response in (client.get("/no/such/page"), client.http.delete("/"),
                             client.http.post("/wings", content=b"x",
                                              headers={"content-length": str(3 << 20)})):
                _headers_hold(response, "elsewhere", https)
        signing_in = clients[0].get("/signin")
        assert signing_in.headers.get_list("set-cookie")  # the sign-in form's own token
        _headers_hold(signing_in, "/signin", https)
        out = clients[1].post("/signout", {})
        assert out.status_code == 303
        _headers_hold(out, "/signout", https)
    assert checked >= 2 * 5 * 30
