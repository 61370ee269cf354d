"""Load and soak figures for the web service, printed (run: make load, make soak).

Not a test: nothing here fails on a slow machine, only on an error. The script serves the
advisor itself (`advisor serve` on a free port of 127.0.0.1, over a fresh SQLite folder or
the PostgreSQL database given), makes its accounts, wings and a first assessment of each
wing, then plays a room full of people using it: delivery teams answering a guided
assessment part by part, finishing it and reading the result, its wing's history, plan,
what-if and path; commissioners reading the portfolio, wings, results and comparisons.
Every other team first finishes an assessment it began before the run (so that finishing
is measured within the first minute however slow the host), then starts new ones.
Each person signs in with a cookie jar of their own, waits a random 0.5 to 2 s between
pages (a fixed seed), and now and then signs out and in again.

Every request goes to 127.0.0.1 only, and every loop is bounded: the run stops at its
duration or its request cap, whichever comes first, and each request at its time limit.

    python benchmarks/service.py load                    # 50 people for 60 s, SQLite
    python benchmarks/service.py load --database URL     # the same on PostgreSQL
    python benchmarks/service.py soak                    # 10 minutes, memory and files
    python benchmarks/service.py load --users 3 --seconds 10 --cycles 1   # a quick look

A route the build does not serve (404 when probed before the run) is named as such and
left out of the mix. The exit status is 1 when any request failed (a server error, a
refused connection, a time-out or an answer the script did not expect), 0 otherwise,
whether the targets are met or not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only address this script ever sends to
PASSWORD = "a load test password, long enough"
HIGH_DOWN = ROOT / "profiles" / "hmp-high-down-clu.yaml"
REQUEST_SECONDS = 30.0  # a request slower than this is counted as an error
MOST_PARTS = 40  # sends of one assessment's parts: far more than it has

# The kinds of page, in the order the table prints them, and each one's p95 target (ms)
FINISH = "finish an assessment"
KINDS: dict[str, float | None] = {
    "sign-in page": 150, "sign in (password check)": None, "home / portfolio": 150,
    "portfolio (CSV)": 150, "wing (history)": 150, "wing plan": 150,
    "start an assessment": 150, "assessment part (open)": 150,
    "assessment part (answer)": 150, "review before finishing": 150, FINISH: 300,
    "result": 150, "compare": 150, "what-if": 150, "path to a rung": 150, "sign out": 150,
}
# Routes other work adds: probed before the run, left out of the mix when not served
FEATURES = ("wing plan", "portfolio (CSV)", "compare", "what-if", "path to a rung")


# -- the machine ----------------------------------------------------------------------


def machine() -> str:
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return (f"{platform.machine()} {model}, {os.cpu_count()} cores{memory}, "
            f"{platform.system()}; {platform.python_implementation()} "
            f"{platform.python_version()}")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def tree(pid: int) -> list[int]:
    """A process and all its descendants (the server and its worker processes)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(stat[1])
    found, todo = [pid], [pid]
    while todo:
        parent = todo.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        todo += children
    return found


def cpu_seconds(pid: int) -> float:
    """The CPU time a process and its workers have used so far (user and system)."""
    total = 0
    for p in tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def proc_figures(pid: int) -> tuple[float, int]:
    """The resident memory (MB) and open file descriptors of a process and its workers."""
    rss, fds = 0.0, 0
    for p in tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) / 1024
            fds += sum(1 for _ in Path(f"/proc/{p}/fd").iterdir())
    return rss, fds


# -- the server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def advisor_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "advisor", *args]


@dataclass
class World:
    """What the script made before the run: who signs in, to which wings."""

    # (email, wing id, the id of an assessment the team started earlier and finishes first)
    delivery: list[tuple[str, int, int]] = field(default_factory=list)
    commissioners: list[str] = field(default_factory=list)
    wings: list[int] = field(default_factory=list)


def prepare(where: list[str], env: dict[str, str], users: int) -> World:
    """Migrate the database, then make the wings, accounts and one stored assessment of
    each wing through the library's Store. Every account has the same password, hashed
    once with the service's own argon2 parameters (signing in costs what it costs)."""
    subprocess.run(advisor_command("db", "upgrade", *where), check=True, env=env,
                   capture_output=True, timeout=120)
    from advisor import yamlio
    from advisor.assess import assess, default_rulebook
    from advisor.profile import profile_from_document
    from advisor.render import to_json
    from advisor.web import db, guided, passwords
    from advisor.web.store import Store

    data = Path(where[1]) if where[0] == "--data" else None
    url = db.database_url(data, where[1] if where[0] == "--database" else None)
    engine = db.engine_for(url)
    world = World()
    try:
        store = Store(engine)
        hashed = passwords.hash_password(PASSWORD)
        real, passwords.hash_password = passwords.hash_password, lambda password: hashed
        text = HIGH_DOWN.read_text(encoding="utf-8")
        book = default_rulebook()
        result = to_json(assess(profile_from_document(yamlio.parse(text, "profile.yaml")),
                                book))
        commissioners = max(1, users // 5)
        try:
            for i in range(users - commissioners):
                wing = store.add_wing("HMP Load", f"Wing {i + 1:02d}", by=None)
                email = f"team{i + 1:02d}@load.example"
                team = store.add_user(email, PASSWORD, "delivery", wings=(wing.id,))
                store.add_result(wing, kind="self-audit", source="upload", profile_yaml=text,
                                 rulebook_version=book.version, result_json=result, by=team)
                draft = store.start_draft(wing, "self-audit", guided.new_state(
                    "self-audit", wing.prison, wing.name), by=team)
                world.delivery.append((email, wing.id, draft.id))
                world.wings.append(wing.id)
            for i in range(commissioners):
                email = f"commissioner{i + 1:02d}@load.example"
                store.add_user(email, PASSWORD, "commissioner")
                world.commissioners.append(email)
        finally:
            passwords.hash_password = real
    finally:
        engine.dispose()
    return world


@contextlib.contextmanager
def serving(where: list[str], env: dict[str, str],
            workers: int = 1) -> Iterator[tuple[str, int, Any]]:
    """`advisor serve` on a free port of 127.0.0.1, until the block ends: (URL, pid, the
    file its output goes to)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(advisor_command("serve", *where, "--host", HOST, "--port",
                                                  str(port), "--workers", str(workers)),
                                  env=env, stdout=log, stderr=log)
        try:
            yield _answering(server, log, f"http://{HOST}:{port}"), server.pid, log
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=20)


def tracebacks(output: str, most: int = 3) -> list[str]:
    """The server's tracebacks in its output (the first `most`), each whole: what a 5xx
    in the figures was."""
    found, current = [], None
    for line in output.splitlines():
        if line.startswith("Traceback"):
            current = [line]
            found.append(current)
        elif current is not None:
            current.append(line)
            if line and not line[0].isspace() and not line.startswith("During handling"):
                current = None  # the exception's own line ends it
    return ["\n".join(block) for block in found[:most]]


def _answering(server: subprocess.Popen[bytes], log: Any, base: str) -> str:
    """`base` once the server answers there (60 s at most)."""
    deadline = time.monotonic() + 60
    while server.poll() is None:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/signin", timeout=2).status_code == 200:
                return base
        if time.monotonic() > deadline:
            raise SystemExit("advisor serve did not answer within 60 s")
        time.sleep(0.2)
    log.seek(0)
    raise SystemExit("advisor serve stopped: " + log.read().decode(errors="replace"))


# -- the figures ----------------------------------------------------------------------


@dataclass
class Tally:
    """Every request's time by page kind, and what went wrong."""

    times: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # (at, ms)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    refused_answers: int = 0
    cpu: float = 0.0  # the server's CPU seconds over the run
    driver_cpu: float = 0.0  # this script's own, on the same machine
    refusals: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)  # the server's, when it erred
    requests: int = 0
    cap: int = 0
    deadline: float = 0.0
    started: float = 0.0

    def open(self) -> bool:
        return self.requests < self.cap and time.monotonic() < self.deadline

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {what}")


class Stop(Exception):
    """The run is over (its time or its request cap): the person stops where they are."""


class Failed(Exception):
    """A request failed: counted, and the person starts their round again."""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# -- one person -----------------------------------------------------------------------

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Person:
    def __init__(self, base: str, tally: Tally, rng: random.Random, email: str, *,
                 think: tuple[float, float], served: set[str]) -> None:
        self.client = httpx.AsyncClient(base_url=base, timeout=REQUEST_SECONDS,
                                        follow_redirects=False)
        self.tally, self.rng, self.email, self.think = tally, rng, email, think
        self.served = served
        self.csrf = ""

    async def pause(self) -> None:
        wait = self.rng.uniform(*self.think)
        if time.monotonic() + wait >= self.tally.deadline:
            raise Stop
        await asyncio.sleep(wait)

    async def call(self, kind: str, method: str, url: str, expect: tuple[int, ...] = (200,),
                   data: dict[str, Any] | None = None) -> httpx.Response:
        if not self.tally.open():
            raise Stop
        self.tally.requests += 1
        start = time.perf_counter()
        try:
            response = await self.client.request(method, url, data=data)
        except httpx.HTTPError as err:
            self.tally.error(kind, f"{method} {url}: {type(err).__name__}")
            raise Failed from err
        ms = (time.perf_counter() - start) * 1000
        self.tally.times.setdefault(kind, []).append((time.monotonic() - self.tally.started,
                                                     ms))
        if response.status_code not in expect:
            self.tally.error(kind, f"{method} {url}: {response.status_code}")
            raise Failed
        found = CSRF.search(response.text)
        if found:
            self.csrf = found[1]
        return response

    async def sign_in(self) -> None:
        page = await self.call("sign-in page", "GET", "/signin")
        token = CSRF.search(page.text)
        await self.pause()
        await self.call("sign in (password check)", "POST", "/signin", (303,),
                        {"email": self.email, "password": PASSWORD, "next": "/",
                         "csrf": token[1] if token else ""})

    async def sign_out(self) -> None:
        await self.call("sign out", "POST", "/signout", (303,), {"csrf": self.csrf})

    async def result_views(self, result: int) -> None:
        """A stored assessment: its report, then what-if and the path to a rung."""
        page = await self.call("result", "GET", f"/results/{result}")
        if "what-if" in self.served:
            await self.pause()
            whatif = await self.call("what-if", "GET", f"/results/{result}/whatif")
            changed = whatif_change(whatif.text, self.rng)
            if changed:
                await self.pause()
                await self.call("what-if", "GET", f"/results/{result}/whatif?{changed}")
        if "path to a rung" in self.served:
            rungs = sorted(set(re.findall(rf"/results/{result}/path\?rung=(\d+)", page.text)))
            await self.pause()
            await self.call("path to a rung", "GET",
                            f"/results/{result}/path?rung={self.rng.choice(rungs or ['3'])}")


def whatif_change(html: str, rng: random.Random) -> str | None:
    """The what-if form sent back with one answer changed, as a query string; None when
    the page has no form of choices to change."""
    from urllib.parse import urlencode

    form = re.search(r'<form[^>]*method="get"[^>]*>(.*?)</form>', html, re.S | re.I)
    if form is None:
        return None
    radios: dict[str, list[tuple[str, bool]]] = {}
    fields: list[tuple[str, str]] = []
    for tag in re.findall(r"<input[^>]*>", form[1]):
        name, kind = re.search(r'name="([^"]+)"', tag), re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or (kind is not None and kind[1] == "submit"):
            continue
        if kind is not None and kind[1] == "checkbox":
            if " checked" in tag:
                fields.append((name[1], value[1] if value else "on"))
        elif kind is not None and kind[1] == "radio":
            radios.setdefault(name[1], []).append((value[1] if value else "",
                                                   " checked" in tag))
        else:
            fields.append((name[1], value[1] if value else ""))
    for name_, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form[1],
                                     re.S):
        radios[name_] = [(v[1] if v else "", " selected" in attributes)
                         for attributes in re.findall(r"<option([^>]*)>", options)
                         for v in [re.search(r'value="([^"]*)"', attributes)]]
    if radios:
        pick = rng.choice(sorted(radios))
        for group, values in sorted(radios.items()):
            chosen = [v for v, on in values if on]
            others = [v for v, on in values if not on]
            if group == pick and others:
                chosen = [rng.choice(others)]
            fields.extend((group, v) for v in chosen[:1])
    return urlencode(fields)


class Team(Person):
    """A delivery team on its own wing: an assessment from start to result, then its
    wing's history and plan."""

    def __init__(self, *args: Any, wing: int, draft: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wing = wing
        self.waiting: int | None = draft  # started before the run: finished first

    async def round(self) -> None:
        await self.call("home / portfolio", "GET", "/")
        await self.pause()
        await self.call("wing (history)", "GET", f"/wings/{self.wing}")
        await self.pause()
        if self.waiting is not None:  # an assessment begun earlier: review it and finish
            draft, self.waiting = f"/drafts/{self.waiting}", None
            await self.call("assessment part (open)", "GET", draft, (303,))
            url = f"{draft}/finish"
        else:
            kind = self.rng.choice(["self-audit", "self-audit", "proposal"])
            started = await self.call("start an assessment", "POST",
                                      f"/wings/{self.wing}/drafts", (303,),
                                      {"kind": kind, "csrf": self.csrf})
            draft = started.headers["location"]
            resumed = await self.call("assessment part (open)", "GET", draft, (303,))
            url = resumed.headers["location"]
        for _ in range(MOST_PARTS):
            if url.endswith("/finish"):
                break
            await self.pause()
            page = await self.call("assessment part (open)", "GET", url)
            html = page.text
            for attempt in range(4):  # a part that opens more questions is sent again
                await self.pause()
                sent = await self.call("assessment part (answer)", "POST", url, (200, 303, 400),
                                       answers(html, self.rng, plain=attempt > 1)
                                       | {"csrf": self.csrf})
                if sent.status_code == 303:
                    url = sent.headers["location"]
                    break
                if sent.status_code == 400:
                    self.tally.refused_answers += 1
                    if len(self.tally.refusals) < 5:
                        self.tally.refusals.extend(
                            re.findall(r'<p class="error" id="q\d+-error">([^<]*)<', sent.text))
                html = sent.text
            else:
                self.tally.error("assessment part (answer)", f"{url} never accepted")
                raise Failed
        await self.pause()
        await self.call("review before finishing", "GET", f"{draft}/finish")
        await self.pause()
        done = await self.call(FINISH, "POST", f"{draft}/finish", (303,), {"csrf": self.csrf})
        result = int(done.headers["location"].rsplit("/", 1)[1])
        await self.pause()
        await self.result_views(result)
        await self.pause()
        await self.call("wing (history)", "GET", f"/wings/{self.wing}")
        if "wing plan" in self.served:
            await self.pause()
            await self.call("wing plan", "GET", f"/wings/{self.wing}/plan")


class Commissioner(Person):
    """A commissioner: the portfolio, a wing, its results side by side."""

    def __init__(self, *args: Any, wings: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wings = wings
        self.seen: set[int] = set()  # the results met so far, to compare

    async def round(self) -> None:
        await self.call("home / portfolio", "GET", "/")
        if "portfolio (CSV)" in self.served:
            await self.pause()
            await self.call("portfolio (CSV)", "GET", "/portfolio.csv")
        await self.pause()
        wing = self.rng.choice(self.wings)
        page = await self.call("wing (history)", "GET", f"/wings/{wing}")
        results = sorted({int(r) for r in re.findall(r'href="/results/(\d+)"', page.text)})
        self.seen.update(results)
        if "wing plan" in self.served:
            await self.pause()
            await self.call("wing plan", "GET", f"/wings/{wing}/plan")
        if not results:
            return
        await self.pause()
        await self.result_views(self.rng.choice(results))
        if "compare" in self.served and len(self.seen) > 1:  # often two wings' results
            await self.pause()
            pair = self.rng.sample(sorted(self.seen), 2)
            await self.call("compare", "GET", f"/compare?result={pair[0]}&result={pair[1]}")


def answers(html: str, rng: random.Random, *, plain: bool = False) -> dict[str, Any]:
    """One part of the guided assessment filled in as a person might: a choice picked at
    random, a few boxes ticked, a role named, numbers and dates typed, "I don't know"
    now and then (and for everything when `plain`)."""
    form: dict[str, Any] = {}
    hints = dict(re.findall(r'<label for="(f\d+)" class="small">([^<]*)</label>', html))
    for path in re.findall(r'name="shown:([^"]+)"', html):
        form[f"shown:{path}"] = "1"
        name = re.escape(path)
        radios = re.findall(rf'type="radio" name="{name}" value="([^"]*)"', html)
        many = re.findall(rf'name="many:{name}" value="([^"]*)"', html)
        text = re.search(rf'<input type="text" id="(f\d+)" name="{name}"', html)
        has_dk = f'name="dk:{path}"' in html
        if radios:
            form[path] = "unknown" if plain and "unknown" in radios else rng.choice(radios)
        elif many:
            if plain or rng.random() < 0.2:
                form[f"dk:{path}"] = "1"
            else:
                form[f"many:{path}"] = rng.sample(many, rng.randint(1, len(many)))
        elif text is not None:
            hint = hints.get(text[1], "")
            if (plain or rng.random() < 0.25) and has_dk:
                form[f"dk:{path}"] = "1"
            elif "whole number" in hint:
                form[path] = str(rng.randint(0, 5) if "rung" in path else rng.randint(1, 60))
            elif "YYYY-MM-DD" in hint:
                form[path] = "2026-02-27"
            elif "role's title" in hint:
                form[path] = rng.choice(["Peer mentor", "Wing rep", "none"])
            elif plain:
                form[path] = "none"
            elif "commas" in hint:
                form[path] = rng.choice(["none", "Listener", "Listener, Insider"])
            else:
                form[path] = "Wing team"
    return form


async def live(person: Team | Commissioner, start_after: float, cycles: int | None) -> int:
    """One person's session until the run ends: sign in, rounds of work, now and then
    signing out and in again. The number of rounds finished."""
    done = 0
    try:
        await asyncio.sleep(start_after)
        signed = False
        while cycles is None or done < cycles:
            try:
                if not signed:
                    await person.sign_in()
                    signed = True
                    await person.pause()
                await person.round()
                done += 1
                await person.pause()
                if person.rng.random() < 0.15:
                    await person.sign_out()
                    signed = False
                    await person.pause()
            except Failed:
                signed = False
                person.client.cookies.clear()
                await person.pause()
    except Stop:
        pass
    finally:
        await person.client.aclose()
    return done


async def probe(base: str, world: World, without: list[str]) -> set[str]:
    """Which of the newer routes this build serves (404 means it does not)."""
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_SECONDS) as client:
        page = await client.get("/signin")
        token = CSRF.search(page.text)
        await client.post("/signin", data={"email": world.commissioners[0],
                                           "password": PASSWORD, "next": "/",
                                           "csrf": token[1] if token else ""})
        wing = world.wings[0]
        wing_page = await client.get(f"/wings/{wing}")
        results = re.findall(r'href="/results/(\d+)"', wing_page.text) or ["1"]
        other = (await client.get(f"/wings/{world.wings[-1]}")).text
        second = (re.findall(r'href="/results/(\d+)"', other) or results)[0]
        urls = {"wing plan": f"/wings/{wing}/plan", "portfolio (CSV)": "/portfolio.csv",
                "compare": f"/compare?result={results[0]}&result={second}",
                "what-if": f"/results/{results[0]}/whatif",
                "path to a rung": f"/results/{results[0]}/path?rung=3"}
        served = set()
        for kind, url in urls.items():
            if kind in without:
                continue
            try:
                if (await client.get(url)).status_code == 404:
                    continue
            except httpx.HTTPError:
                pass  # served, and failing: the run counts its errors
            served.add(kind)
        return served


@dataclass
class Sample:
    at: float
    rss: float
    fds: int


async def sampler(pid: int, every: float, tally: Tally, out: list[Sample]) -> None:
    while time.monotonic() < tally.deadline:
        rss, fds = proc_figures(pid)
        out.append(Sample(time.monotonic() - tally.started, rss, fds))
        await asyncio.sleep(min(every, max(0.0, tally.deadline - time.monotonic())))


async def drive(base: str, pid: int, world: World, args: argparse.Namespace, *,
                served: set[str], samples: list[Sample]) -> tuple[Tally, int]:
    users = len(world.delivery) + len(world.commissioners)
    tally = Tally(cap=args.max_requests)
    tally.started = time.monotonic()
    tally.deadline = tally.started + args.seconds
    ramp = min(args.ramp, args.seconds / 4)
    people: list[Team | Commissioner] = []
    think = (args.think[0], args.think[1])
    for i, (email, wing, draft) in enumerate(world.delivery):
        people.append(Team(base, tally, random.Random(args.seed * 1000 + i), email,
                           think=think, served=served, wing=wing,
                           draft=draft if i % 2 == 0 else None))
    for i, email in enumerate(world.commissioners):
        people.append(Commissioner(base, tally, random.Random(args.seed * 1000 + 500 + i),
                                   email, think=think, served=served, wings=world.wings))
    tasks = [live(p, ramp * i / users, args.cycles) for i, p in enumerate(people)]
    watch = sampler(pid, args.sample, tally, samples) if args.mode == "soak" else None
    runs = asyncio.gather(*tasks, *([watch] if watch else []))
    # the run stops by itself at its deadline; this bound is for a server that hangs
    found = await asyncio.wait_for(runs, timeout=args.seconds + REQUEST_SECONDS + 30)
    return tally, sum(int(n or 0) for n in found[:len(people)])


# -- the report -----------------------------------------------------------------------


def report(args: argparse.Namespace, tally: Tally, *, database: str, rounds: int,
           served: set[str], load: tuple[str, str], began: dt.datetime,
           samples: list[Sample]) -> bool:
    """Print the figures; whether every target was met."""
    elapsed = time.monotonic() - tally.started
    users = args.users
    print(f"advisor web service, {args.mode}: {users} people for {args.seconds:g} s, "
          f"arriving over the first {min(args.ramp, args.seconds / 4):g} s (think "
          f"{args.think[0]:g}-{args.think[1]:g} s, seed {args.seed}), {database}, "
          f"{args.workers} server worker{'s' if args.workers != 1 else ''}")
    print(f"machine: {machine()}")
    print(f"date: {began:%Y-%m-%d %H:%M} UTC; load average (1, 5, 15 min) before "
          f"{load[0]}, after {load[1]}")
    print(f"{'page kind':<27}{'count':>7}{'errors':>7}{'p50':>7}{'p95':>7}{'p99':>7}"
          f"{'max':>7}  target (p95)   met")
    met = True
    for kind, target in KINDS.items():
        if kind in FEATURES and kind not in served:
            why = "left out" if kind in args.without else "not served by this build"
            print(f"{kind:<27}  {why}")
            continue
        ms = [m for _, m in tally.times.get(kind, [])]
        errors = tally.errors.get(kind, 0)
        if not ms:
            print(f"{kind:<27}{0:>7}{errors:>7}")
            continue
        p95 = percentile(ms, 95)
        if target is None:
            goal, ok = "none (argon2)", "-"
        else:
            goal, ok = f"under {target:g} ms", "yes" if p95 < target else "NO"
            met = met and p95 < target
        print(f"{kind:<27}{len(ms):>7}{errors:>7}{statistics.median(ms):>7.0f}{p95:>7.0f}"
              f"{percentile(ms, 99):>7.0f}{max(ms):>7.0f}  {goal:<15}{ok}")
    every = [m for kind, times in tally.times.items() if KINDS.get(kind) is not None
             for _, m in times]
    errors = sum(tally.errors.values())
    print(f"requests: {tally.requests:,} in {elapsed:.0f} s ({tally.requests / elapsed:.1f}/s)"
          f"{', the cap reached' if tally.requests >= tally.cap else ''}; rounds finished: "
          f"{rounds}; answers refused and sent again: {tally.refused_answers}; errors: {errors}")
    if every:
        print(f"all pages but the password check: p50 {statistics.median(every):.0f} ms, "
              f"p95 {percentile(every, 95):.0f} ms")
    settled = min(args.ramp, args.seconds / 4) + 10
    after_ramp = [m for kind, times in tally.times.items() if KINDS.get(kind) is not None
                  for at, m in times if at >= settled]
    if after_ramp:
        print(f"  the same from {settled:g} s on, once everyone has arrived: p50 "
              f"{statistics.median(after_ramp):.0f} ms, p95 {percentile(after_ramp, 95):.0f} ms")
    if tally.requests:
        print(f"server CPU, all workers: {tally.cpu:.1f} s over the run "
              f"({tally.cpu / elapsed * 100:.0f}% of one core), "
              f"{tally.cpu / tally.requests * 1000:.1f} ms a request, password checks "
              f"included; this script's own CPU {tally.driver_cpu:.1f} s")
    for line in tally.examples:
        print(f"  error: {line}")
    for line in sorted(set(tally.refusals)):
        print(f"  answer refused: {line}")
    for block in tally.tracebacks:
        print("  the server's traceback:\n" + "\n".join(f"    {x}" for x in block.splitlines()))
    if samples:
        soak_report(tally, samples, args.warmup)
    print(f"targets: {'all met' if met else 'NOT all met'}; errors: {errors}")
    return met


def soak_report(tally: Tally, samples: list[Sample], warmup: float) -> None:
    warm = next((s for s in samples if s.at >= warmup), samples[-1])
    end = samples[-1]
    growth = (end.rss - warm.rss) / warm.rss * 100
    print(f"memory (RSS of the server): {samples[0].rss:.1f} MB at the start, "
          f"{warm.rss:.1f} MB after warm-up ({warm.at:.0f} s), {end.rss:.1f} MB at the end "
          f"({end.at:.0f} s): {growth:+.1f}% (target under +10%: "
          f"{'yes' if growth < 10 else 'NO'}); peak {max(s.rss for s in samples):.1f} MB")
    print(f"open files of the server: {samples[0].fds} at the start, {warm.fds} after "
          f"warm-up, {end.fds} at the end, most {max(s.fds for s in samples)}")
    print("minute   requests   p50   p95   (all pages but the password check)   RSS MB  files")
    minutes = int(max(at for times in tally.times.values() for at, _ in times) // 60) + 1
    for minute in range(minutes):
        ms = [m for kind, times in tally.times.items() if KINDS.get(kind) is not None
              for at, m in times if minute * 60 <= at < (minute + 1) * 60]
        near = [s for s in samples if s.at < (minute + 1) * 60] or samples[:1]
        if ms:
            print(f"{minute + 1:>6}{len(ms):>11}{statistics.median(ms):>6.0f}"
                  f"{percentile(ms, 95):>6.0f}{'':>39}{near[-1].rss:>6.1f}{near[-1].fds:>7}")


# -- the command ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["load", "soak"])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=None,
                        help="how long the run lasts (load 60, soak 600)")
    parser.add_argument("--max-requests", type=int, default=None,
                        help="the most requests sent (default: 10 a second a person)")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0),
                        metavar=("LEAST", "MOST"), help="seconds between pages")
    parser.add_argument("--ramp", type=float, default=30.0,
                        help="seconds over which the people arrive")
    parser.add_argument("--cycles", type=int, default=None,
                        help="stop each person after this many rounds of work")
    parser.add_argument("--without", action="append", default=[], choices=FEATURES,
                        help="leave this newer page out of the mix (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="the server's worker processes (default: one a core)")
    parser.add_argument("--database", default=None,
                        help="a PostgreSQL URL (default: SQLite in a temporary folder)")
    parser.add_argument("--sample", type=float, default=5.0,
                        help="soak: seconds between readings of the server's memory")
    parser.add_argument("--warmup", type=float, default=60.0,
                        help="soak: seconds before memory growth is counted")
    args = parser.parse_args(argv)
    if args.users < 2:
        parser.error("--users: at least 2 (a delivery team and a commissioner)")
    if args.seconds is None:
        args.seconds = 600.0 if args.mode == "soak" else 60.0
    if args.max_requests is None:
        args.max_requests = int(10 * args.seconds * args.users)
    env = {k: v for k, v in os.environ.items() if k not in ("ADVISOR_DATA",
                                                             "ADVISOR_DATABASE_URL")}
    with tempfile.TemporaryDirectory(prefix="advisor-load-") as tmp:
        if args.database:
            where, database = ["--database", args.database], "PostgreSQL"
        else:
            where, database = ["--data", str(Path(tmp) / "data")], "SQLite"
        world = prepare(where, env, args.users)
        with serving(where, env, args.workers) as (base, pid, log):
            served = asyncio.run(probe(base, world, args.without))
            before, began = load_average(), dt.datetime.now(dt.UTC)
            samples: list[Sample] = []
            cpu, own = cpu_seconds(pid), time.process_time()
            tally, rounds = asyncio.run(drive(base, pid, world, args, served=served,
                                                   samples=samples))
            tally.cpu = cpu_seconds(pid) - cpu
            tally.driver_cpu = time.process_time() - own
            after = load_average()
            if tally.errors:
                log.seek(0)
                tally.tracebacks = tracebacks(log.read().decode(errors="replace"))
        report(args, tally, database=database, rounds=rounds, served=served,
               load=(before, after), began=began, samples=samples)
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
