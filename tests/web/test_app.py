"""Every page of the web app through FastAPI's test client: wings, stored results and
their downloads, uploads, re-assessing, worked examples, accounts and the audit log."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from advisor.assess import default_rulebook
from advisor.render import RENDERERS, render, to_json
from advisor.web.security import Settings
from advisor.web.store import Store
from tests.conftest import HIGH_DOWN, PROFILES
from tests.web.conftest import PASSWORD, Client, Clock, World
from tests.web.helpers import assess_text


def upload(client: Client, wing: int, name: str, content: bytes) -> object:
    return client.http.post(f"/wings/{wing}/upload", data={"csrf": client.csrf},
                            files={"profile": (name, content, "application/yaml")})


def test_signing_in_leads_home_to_your_wings_only(world: World) -> None:
    anonymous = world.client()
    response = anonymous.get("/")
    assert (response.status_code, response.headers["location"]) == (303, "/signin?next=/")
    team = world.client("delivery")
    home = team.get("/")
    assert home.status_code == 200
    assert re.findall(r'<a href="/wings/(\d+)">([^<]*)</a>', home.text) == [
        (str(world.wing_a), "Community Living Unit (CLU), HMP High Down")]
    assert "delivery@example.org (Delivery team)" in home.text
    commissioner = world.client("commissioner").get("/")
    assert [n for _, n in re.findall(r'<a href="/wings/(\d+)">([^<]*)</a>',
                                     commissioner.text)] == [
        "B wing, HMP Elsewhere", "Community Living Unit (CLU), HMP High Down"]
    assert "Add a wing" not in commissioner.text  # sees every wing, changes none
    trainer = world.client("trainer").get("/")
    assert (trainer.status_code, trainer.headers["location"]) == (303, "/examples")


def test_a_delivery_team_adds_its_own_wing_and_a_bad_one_is_explained(world: World) -> None:
    team = world.client("delivery")
    added = team.post("/wings", {"prison": "HMP Brixton", "name": " C  wing "})
    assert added.status_code == 303
    wing_id = int(added.headers["location"].rsplit("/", 1)[1])
    page = team.get(f"/wings/{wing_id}")
    assert "<h1>C wing, HMP Brixton</h1>" in page.text
    again = team.post("/wings", {"prison": "HMP Brixton", "name": "C wing"})
    assert again.status_code == 400
    assert '<p class="error" id="name-error">HMP Brixton already has a wing called C wing</p>' \
        in again.text
    assert 'value="HMP Brixton"' in again.text  # what was typed is kept
    empty = team.post("/wings", {"prison": "", "name": "D wing"})
    assert '<p class="error" id="prison-error">give the prison&#39;s name</p>' in empty.text
    assert [w.name for w in world.store.wings()].count("C wing") == 1


def test_a_result_page_shows_the_report_for_each_audience_with_its_downloads(
        world: World) -> None:
    team = world.client("delivery")
    text = HIGH_DOWN.read_text(encoding="utf-8")
    response = upload(team, world.wing_a, "hmp-high-down-clu.yaml", text.encode())
    assert response.status_code == 303  # type: ignore[attr-defined]
    url = response.headers["location"]  # type: ignore[attr-defined]
    result = assess_text(text, "hmp-high-down-clu.yaml")  # the report names the file
    page = team.get(url)
    assert page.status_code == 200
    html = render(result, "html")
    body = html[html.index("<body>") + 6:html.rindex("</body>")]
    assert body in page.text  # the report itself, as `advisor assess --format html`
    assert '<link rel="stylesheet" href="/style.css">' in page.text
    assert "<script" not in page.text
    for_commissioner = team.get(f"{url}?audience=commissioner")
    html = render(result, "html", audience="commissioner")
    assert html[html.index("<body>") + 6:html.rindex("</body>")] in for_commissioner.text
    downloads = re.findall(r'<a href="(' + url + r'/[^"]+)">([^<]+)</a>', page.text)
    expected = [(f"{url}/profile.yaml", "Profile (YAML)"), (f"{url}/assessment.json", "JSON"),
                (f"{url}/report.md", "Markdown"), (f"{url}/report.html", "Report (HTML)")]
    if "csv" in RENDERERS:
        expected.append((f"{url}/plan.csv", "Action plan (CSV)"))
    assert downloads == expected
    profile = team.get(f"{url}/profile.yaml")
    assert profile.text == text
    assert profile.headers["content-disposition"] == (
        'attachment; filename="hmp-high-down-community-living-unit-clu-2-profile.yaml"')
    assert team.get(f"{url}/assessment.json").text == to_json(result)
    assert team.get(f"{url}/report.md?audience=delivery").text == render(
        result, "markdown", audience="delivery")
    alone = team.get(f"{url}/report.html")
    assert alone.text == render(result, "html")
    assert alone.headers["content-security-policy"].startswith("default-src 'none'; "
                                                               "style-src 'unsafe-inline'")
    if "csv" in RENDERERS:
        assert team.get(f"{url}/plan.csv").text == render(result, "csv")
    assert team.get(f"{url}/nothing.txt").status_code == 404


def test_a_downloaded_profile_uploaded_again_gives_the_same_assessment(world: World) -> None:
    team = world.client("delivery")
    first = upload(team, world.wing_a, "hmp-high-down-clu.yaml", HIGH_DOWN.read_bytes())
    url = first.headers["location"]  # type: ignore[attr-defined]
    downloaded = team.get(f"{url}/profile.yaml").content
    second = upload(team, world.wing_a, "downloaded.yaml", downloaded)
    url2 = second.headers["location"]  # type: ignore[attr-defined]
    assert url2 != url  # a new record
    again = json.loads(team.get(f"{url2}/assessment.json").text)
    before = json.loads(team.get(f"{url}/assessment.json").text)
    # the same assessment; only the record of which file it was read from differs
    assert (before["profile"].pop("file"), again["profile"].pop("file")) == (
        "hmp-high-down-clu.yaml", "downloaded.yaml")
    assert again == before


def test_a_result_names_the_file_only_when_a_team_uploaded_one(world: World) -> None:
    """The record line names the profile's file for an upload; an assessment answered on
    the web has no file of the team's (it is stored as profile.yaml), so none is named."""
    team = world.client("delivery")
    uploaded = upload(team, world.wing_a, "clu-2026.yaml", HIGH_DOWN.read_bytes())
    page = team.get(uploaded.headers["location"]).text  # type: ignore[attr-defined]
    assert "Worked example · profile clu-2026.yaml · rulebook " in page
    answered = world.client("commissioner").get(f"/results/{world.result_b}").text
    assert "Proposal · rulebook " in answered and "· profile " not in answered


def test_an_invalid_upload_gets_the_clis_error_and_stores_nothing(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    team = world.client("delivery")
    before = len(world.store.results(world.wing_a))
    text = HIGH_DOWN.read_text(encoding="utf-8").replace(
        "supervision: community-meeting", "supervision: weekly", 1)
    assert "supervision: weekly" in text
    bad = upload(team, world.wing_a, "../../etc/wing.yaml", text.encode())
    assert bad.status_code == 400  # type: ignore[attr-defined]
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "supervision: weekly" in t)
    message = re.search(r'<p class="error" id="profile-error" role="alert">([^<]*)</p>',
                        bad.text)  # type: ignore[attr-defined]
    assert message is not None
    # the field by the question it answers, and for which role, not by its path
    where = f"wing.yaml, line {line}, the answer to \u201cHow are holders supervised?\u201d " \
            "for role 1: "
    assert message[1].startswith(where), message[1]
    assert "roles[0]" not in message[1] and "supervision:" not in message[1]
    # then what is wrong in the very words `advisor assess wing.yaml` prints for that file
    from click.testing import CliRunner

    from advisor.cli import main

    (tmp_path / "wing.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cli = CliRunner().invoke(main, ["assess", "wing.yaml"])
    assert cli.exit_code == 2
    assert cli.output.strip() == \
        f"advisor: wing.yaml:{line}: roles[0].supervision: {message[1][len(where):]}".replace(
            "&#39;", "'")
    none = team.post(f"/wings/{world.wing_a}/upload")
    assert none.status_code == 400
    assert '<p class="error" id="profile-error" role="alert">Choose a profile file to ' \
           "upload</p>" in none.text
    huge = upload(team, world.wing_a, "wing.yaml", b"# padding\n" * 300_000)
    assert huge.status_code == 413  # type: ignore[attr-defined]
    assert "That is more than a profile can be (1 MB)" in huge.text  # type: ignore
    over = upload(team, world.wing_a, "wing.yaml", b"#" * 1_000_001)
    # the CLI's words for such a file
    assert "wing.yaml: is 1,000,001 bytes; a profile may be at most 1,000,000" \
        in over.text  # type: ignore[attr-defined]
    binary = upload(team, world.wing_a, "wing.yaml", b"\x00\x01")
    assert "wing.yaml: is a binary file, not a YAML profile" in binary.text  # type: ignore
    other = upload(team, world.wing_a, "thin.yaml",
                   (PROFILES / "thin-proposal.yaml").read_bytes())
    assert "upload it to that wing&#39;s page" in other.text  # type: ignore[attr-defined]
    assert len(world.store.results(world.wing_a)) == before


def test_re_assessing_makes_a_new_record_and_keeps_the_old(world: World) -> None:
    team = world.client("delivery")
    first = upload(team, world.wing_a, "hmp-high-down-clu.yaml", HIGH_DOWN.read_bytes())
    url = first.headers["location"]  # type: ignore[attr-defined]
    old = world.store.result(int(url.rsplit("/", 1)[1]))
    again = team.post(f"{url}/reassess")
    assert again.status_code == 303
    new = world.store.result(int(again.headers["location"].rsplit("/", 1)[1]))
    assert old is not None and new is not None
    assert new.id != old.id
    assert (new.source, new.profile_yaml, new.rulebook_version) == (
        "reassessed", old.profile_yaml, default_rulebook().version)
    kept = world.store.result(old.id)
    assert kept is not None
    assert (kept.result_json, kept.source) == (old.result_json, "upload")
    commissioner = world.client("commissioner")
    assert "Assess this profile again" not in commissioner.get(url).text
    assert commissioner.post(f"{url}/reassess").status_code == 403


def test_worked_examples_are_open_to_every_role(world: World) -> None:
    trainer = world.client("trainer")
    listing = trainer.get("/examples")
    names = re.findall(r'<a href="/examples/([^"]+)">', listing.text)
    assert "hmp-high-down-clu.yaml" in names
    example = trainer.get("/examples/hmp-high-down-clu.yaml")
    assert example.status_code == 200
    html = render(assess_text(HIGH_DOWN.read_text(encoding="utf-8"), HIGH_DOWN.name), "html")
    assert html[html.index("<body>") + 6:html.rindex("</body>")] in example.text
    assert trainer.get("/examples/nope.yaml").status_code == 404


def test_an_administrator_manages_accounts_and_sees_every_change(world: World) -> None:
    admin = world.client("admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200
    team_row = re.search(r"<td>delivery@example.org</td>\n<td>Delivery team</td>\n<td>(.*?)"
                         r"</td>", page.text, re.S)
    assert team_row is not None
    assert " ".join(re.sub(r"<[^>]+>", " ", team_row[1]).split()) == (
        "Community Living Unit (CLU), HMP High Down take away Community Living Unit (CLU), "
        "HMP High Down from delivery@example.org")
    added = admin.post("/admin/users", {"email": "New@Example.org", "password": PASSWORD,
                                        "role": "delivery", "wing": str(world.wing_b)})
    assert added.status_code == 303
    found = world.store.user_by_email("new@example.org")
    assert found is not None
    new = world.store.user(found.id)
    assert new is not None
    assert [w.id for w in new.wings] == [world.wing_b]
    bad = admin.post("/admin/users", {"email": "not an email", "password": PASSWORD,
                                      "role": "trainer"})
    assert bad.status_code == 400
    assert ('<p class="error" id="email-error">give an email address, like '
            "name@example.org</p>") in bad.text
    short = admin.post("/admin/users", {"email": "x@example.org", "password": "short",
                                        "role": "trainer"})
    assert ('<p class="error" id="password-error">a password needs at least 10 '
            "characters</p>") in short.text
    assert admin.post(f"/admin/users/{new.id}/wings",
                      {"wing": str(world.wing_a)}).status_code == 303
    assert admin.post(f"/admin/users/{new.id}/wings/{world.wing_b}/remove").status_code == 303
    again = world.store.user(new.id)
    assert again is not None and [w.id for w in again.wings] == [world.wing_a]
    assert admin.post(f"/admin/users/{new.id}/role",
                      {"role": "commissioner"}).status_code == 303
    me = world.users["admin"]
    alone = admin.post(f"/admin/users/{me}/role", {"role": "trainer"})
    assert "this is the only administrator; make another first" in alone.text
    assert "you cannot remove your own account" in admin.post(
        f"/admin/users/{me}/remove").text
    assert admin.post(f"/admin/users/{new.id}/remove").status_code == 303
    assert world.store.user_by_email("new@example.org") is None
    audit = admin.get("/admin/audit").text
    rows = re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td><td>([^<]+)</td></tr>", audit)
    assert rows[:5] == [
        ("admin@example.org", "removed account new@example.org (Commissioner)"),
        ("admin@example.org", "changed new@example.org from Delivery team to Commissioner"),
        ("admin@example.org", "took wing HMP Elsewhere B wing from new@example.org"),
        ("admin@example.org",
         "gave new@example.org wing HMP High Down Community Living Unit (CLU)"),
        ("admin@example.org", "added account new@example.org (Delivery team, wing HMP "
                              "Elsewhere B wing)")]


def test_the_first_administrator_is_made_through_the_printed_link(
        store: Store, clock: Clock) -> None:
    from advisor.web.app import create_app
    from tests.web.conftest import browser as open_browser

    browser = open_browser(create_app(store, settings=Settings(setup_token="s3cret")))
    assert "Open the set-up link" in browser.get("/signin").text
    assert browser.get("/setup?token=wrong").status_code == 404
    assert browser.get("/setup?token=s3cret").status_code == 200
    differ = browser.post("/setup", {"token": "s3cret", "email": "boss@example.org",
                                     "password": PASSWORD, "again": PASSWORD + "!"},
                          csrf=False)
    assert '<p class="error" id="again-error">the two passwords differ</p>' in differ.text
    made = browser.post("/setup", {"token": "s3cret", "email": "boss@example.org",
                                   "password": PASSWORD, "again": PASSWORD}, csrf=False)
    assert (made.status_code, made.headers["location"]) == (303, "/signin")
    boss = store.user_by_email("boss@example.org")
    assert boss is not None and boss.role == "admin"
    assert browser.get("/setup?token=s3cret").status_code == 404  # once only
    browser.sign_in("boss@example.org")


def test_the_style_sheet_is_the_reports_and_pages_allow_no_script(world: World) -> None:
    from importlib.resources import files

    browser = world.client()
    css = browser.get("/style.css")
    report_css = files("advisor").joinpath("templates", "report.css").read_text("utf-8")
    assert css.text.startswith(report_css)
    assert css.headers["content-type"].startswith("text/css")
    page = browser.get("/signin")
    assert page.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")
    assert page.headers["x-content-type-options"] == "nosniff"


def test_a_missing_page_is_a_plain_not_found(world: World) -> None:
    team = world.client("delivery")
    response = team.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert team.get("/wings/9999").status_code == 404
    assert team.get("/results/9999").status_code == 404
    assert team.get("/drafts/9999").status_code == 404


def test_the_json_stored_is_what_the_cli_prints(world: World) -> None:
    team = world.client("delivery")
    response = upload(team, world.wing_a, "hmp-high-down-clu.yaml", HIGH_DOWN.read_bytes())
    stored = world.store.result(int(response.headers["location"]  # type: ignore
                                    .rsplit("/", 1)[1]))
    assert stored is not None
    from click.testing import CliRunner

    from advisor.cli import main

    cli = CliRunner().invoke(main, ["assess", str(HIGH_DOWN), "--format", "json"])
    assert stored.result_json == cli.output
    assert json.loads(stored.result_json)["rulebook"]["version"] == stored.rulebook_version


def test_a_profile_written_by_advisor_init_is_assessed_once_named(
        world: World, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from advisor.cli import main

    path = tmp_path / "new.yaml"
    made = CliRunner().invoke(main, ["init", str(path)])
    assert made.exit_code == 0, made.output
    team = world.client("delivery")
    template = path.read_text(encoding="utf-8")
    unnamed = upload(team, world.wing_a, "new.yaml", template.encode())
    assert unnamed.status_code == 400  # type: ignore[attr-defined]
    assert ("new.yaml: this profile is about Name of the wing, Name of the prison, not "
            "Community Living Unit (CLU), HMP High Down") in unnamed.text  # type: ignore
    named = template.replace('"Name of the prison"', "HMP High Down").replace(
        '"Name of the wing"', "community living unit (CLU)")
    assert named != template
    response = upload(team, world.wing_a, "new.yaml", named.encode())
    assert response.status_code == 303  # type: ignore[attr-defined]
    stored = world.store.result(int(response.headers["location"]  # type: ignore
                                    .rsplit("/", 1)[1]))
    assert stored is not None
    assert stored.profile_yaml == named
    assert stored.result_json == to_json(assess_text(named, "new.yaml"))
