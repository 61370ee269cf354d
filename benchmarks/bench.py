"""Speed and memory figures for the advisor, printed (run: make bench).

Not a test: nothing here fails on a slow machine. Each figure says what it measures and
the target it is judged by.

    make bench                            # the standard run
    python benchmarks/bench.py            # the same on whichever advisor Python finds
    python benchmarks/bench.py --soak N --batch N --differential N   # other sizes
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# After what is on the path already, so an installed advisor comes first (the tree is
# here for `tests.oracle`; run directly, it also gives the tree's advisor)
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from advisor.assess import assess  # noqa: E402
from advisor.errors import RulebookError  # noqa: E402
from advisor.profile import Profile, load_profile  # noqa: E402
from advisor.rulebook import Rulebook, load_rulebook  # noqa: E402
from advisor.words import SCALES  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def random_profile(rng: random.Random) -> Profile:
    """A varied valid profile: every scale and yes/no fact drawn at random."""
    tri = [True, False, "unknown"]

    def scale(name: str) -> str:
        return rng.choice([*SCALES[name], "unknown"])

    def role(i: int) -> dict[str, Any]:
        return {
            "title": f"Role {i}",
            "functions": {f: scale("function") for f in
                          ("induction", "single_issue", "bridging", "civic_representation")},
            "recruitment": rng.choice(["ad-hoc", "staff-selected", "open-application",
                                       "co-produced", "unknown"]),
            "profile_defined": rng.choice(tri), "expectations_communicated": rng.choice(tri),
            "training": {"accredited": rng.choice(tri), "matches_role": rng.choice(tri)},
            "supervision": scale("supervision"), "progression": scale("progression"),
            "engagement": {k: scale("engagement") for k in ("phase1", "phase2", "day_to_day")},
            "feedback_role": scale("feedback_role"), "visible_to_residents": rng.choice(tri),
            "decides_with_staff": scale("decides"), "initiative": scale("initiative"),
            "staff_back_role": rng.choice(tri),
        }

    data = {
        "profile_version": 2, "kind": "self-audit",
        "site": {"prison": "HMP Bench"}, "wing": {"name": "B wing"},
        "delivery": {k: rng.choice(tri) for k in ("partnership", "ringfenced_funding",
                                                  "staff_buy_out", "governor_sponsor",
                                                  "lived_experience_input")}
        | {"phase1": {"weeks": rng.choice([0, 8, "unknown"]), "reflective": rng.choice(tri)},
           "phase2": {"community_activities": rng.choice(tri)},
           "resident_led_initiatives": rng.choice([[], ["club"], "unknown"])},
        "roles": [role(i) for i in range(rng.randint(0, 3))],
        "other_roles": [{"title": "Lifer Rep", "paid": rng.choice(tri),
                         "engagement": scale("engagement"),
                         "delivers_in_phases": scale("engagement"),
                         "functions": {"bridging": scale("function"),
                                       "civic_representation": scale("function")}}
                        for _ in range(rng.randint(0, 2))],
        "governance": {k: rng.choice(tri) for k in (
            "wing_forum", "roles_in_wing_forum", "prisoner_council", "wing_on_council",
            "council_link_via_role", "council_aware_of_role", "peer_forum_link",
            "strategic_oversight", "policy_input", "senior_interest_in_user_voice")},
        "aspiration_rung": rng.choice([None, 1, 3, 5]),
    }
    return Profile.model_validate(data)


_HOST_BOOK: list[Rulebook] = []  # the rulebook `host` times the reference evaluator on


def host() -> str:
    """How busy the machine is right now, to print beside a figure: the load average and
    the median of 200 runs of the reference evaluator (pure Python, so it slows with the
    host and not with the engine; compare a figure with it, not with an old figure)."""
    import os

    from advisor.collate import collate
    from tests import oracle

    if not _HOST_BOOK:
        _HOST_BOOK.append(load_rulebook())
    book = _HOST_BOOK[0]
    profile = load_profile(ROOT / "profiles" / "hmp-high-down-clu.yaml")
    ref = statistics.median(_timed(lambda: collate(book, profile, oracle.run(book, profile)),
                                   200))
    return f"[host: oracle median {ref * 1000:.2f} ms, load {os.getloadavg()[0]:.2f}]"


def bench_load() -> None:
    times = []
    for _ in range(10):
        t = time.perf_counter()
        load_rulebook()
        times.append(time.perf_counter() - t)
    print(f"rulebook load and compile: median {statistics.median(times) * 1000:.1f} ms "
          f"(target: under 50 ms) {host()}")


def _timed(fn: Any, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return sorted(times)


def _high_down() -> tuple[Rulebook, Profile]:
    """The rulebook and the High Down profile, assessed once (which builds the engine)."""
    book = load_rulebook()
    profile = load_profile(ROOT / "profiles" / "hmp-high-down-clu.yaml")
    assess(profile, book)
    return book, profile


def warm_median() -> float:
    """The warm High Down assessment's median, in seconds (2,000 runs)."""
    book, profile = _high_down()
    return statistics.median(_timed(lambda: assess(profile, book), 2000))


def bench_warm() -> None:
    from advisor.collate import collate
    from tests import oracle

    book, profile = _high_down()
    times = _timed(lambda: assess(profile, book), 2000)
    lean = _timed(lambda: assess(profile, book, explain=False), 2000)
    ref = _timed(lambda: collate(book, profile, oracle.run(book, profile)), 500)
    med, ref_med = statistics.median(times), statistics.median(ref)
    print(f"warm assessment, High Down: median {med * 1000:.3f} ms, p95 "
          f"{times[int(len(times) * 0.95)] * 1000:.3f} ms over {len(times)} runs "
          "(target: median under 1.5 ms)")
    print(f"  without explanations: median {statistics.median(lean) * 1000:.3f} ms")
    from advisor.engine import engine_for

    engine = engine_for(book)
    alone = _timed(lambda: engine.run(profile), 2000)
    print(f"  the engine alone (facts in, firings out; durable plus its adapter): median "
          f"{statistics.median(alone) * 1000:.3f} ms")
    print(f"  reference evaluator (tests/oracle.py) on the same input: median "
          f"{ref_med * 1000:.3f} ms; ratio engine/oracle {med / ref_med:.2f} "
          f"(target: at most 3) {host()}")


def bench_differential(n: int) -> None:
    """The engine against the reference evaluator on many generated profiles (the test
    suite runs a few hundred; this runs thousands), one part and split into several."""
    from advisor.collate import collate
    from advisor.engine import Engine
    from advisor.render import to_json
    from tests import oracle

    book = load_rulebook()
    engines = [Engine(book), Engine(book, max_load=12)]
    rng = random.Random(20261127)
    agree = 0
    for _ in range(n):
        profile = random_profile(rng)
        expected = to_json(collate(book, profile, oracle.run(book, profile)))
        agree += all(to_json(collate(book, profile, e.run(profile))) == expected
                     for e in engines)
    print(f"differential: engine and reference evaluator give the same bytes on {agree:,} "
          f"of {n:,} generated profiles (engine in {engines[0].parts} and in "
          f"{engines[1].parts} durable rulesets)")


def bench_cli() -> None:
    import compileall
    import subprocess

    def run(args: list[str]) -> float:
        t = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - t

    import advisor

    # As pip installs a package: byte-compiled (an editable install under
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run).
    compileall.compile_dir(Path(str(advisor.__file__)).parent, quiet=1)
    command = str(Path(sys.executable).parent / "advisor")
    run([command, "assess", "profiles/hmp-high-down-clu.yaml", "--format", "json"])  # cache
    floor = statistics.median(run([sys.executable, "-c",
                                   "import pydantic, yaml, click, durable.engine"])
                              for _ in range(20))
    cli = statistics.median(run([command, "assess", "profiles/hmp-high-down-clu.yaml",
                                 "--format", "json"]) for _ in range(20))
    print(f"end to end: advisor assess High Down --format json {cli * 1000:.0f} ms against "
          f"the import floor {floor * 1000:.0f} ms: {cli / floor:.2f}x (target: at most 2.5x; "
          f"median of 20, compiled rulebook cached) {host()}")


def bench_scaling() -> None:
    import shutil
    import tempfile

    import yaml

    from advisor.engine import MAX_LOAD_PER_KIND, engine_for
    from advisor.rulebook import DEFAULT_RULES_DIR

    profile = load_profile(ROOT / "profiles" / "hmp-high-down-clu.yaml")
    base = load_rulebook()
    # rules whose conditions are fact tests only: their copies add rules, not conditions
    donors = [r.rule for r in base.rules if r.rule.kind in ("stage", "requirement")
              and all(not alt.flags for alt in r.alternatives)]
    print("scaling: rules | engine rules | durable rulesets | ms per assessment (High Down, "
          "median) | most conditions on one fact in one ruleset (engine limit 64)")
    for factor in (1, 4, 16):
        with tempfile.TemporaryDirectory() as tmp:
            rules = Path(tmp) / "rules"
            shutil.copytree(DEFAULT_RULES_DIR, rules)
            extra = len(base.rules) * (factor - 1)
            synthetic = [{"id": f"SYN{n}", "kind": "finding", "title": "synthetic load",
                          "sources": ["App 1"], "when": donors[n % len(donors)].when,
                          "then": {"finding": {"id": f"SYN{n}", "kind": "observation",
                                               "text": "synthetic"}}}
                         for n in range(extra)]
            (rules / "synthetic.yaml").write_text(json.dumps(  # JSON is YAML, no aliases
                {"description": "synthetic rules for the scaling benchmark",
                 "rules": synthetic}), encoding="utf-8")
            index = yaml.safe_load((rules / "index.yaml").read_text(encoding="utf-8"))
            index["files"].append("synthetic.yaml")
            (rules / "index.yaml").write_text(yaml.safe_dump(index), encoding="utf-8")
            book = load_rulebook(rules)
            try:
                engine = engine_for(book)
                assess(profile, book)
            except RulebookError as err:
                print(f"  {len(book.rules):5d} | refused: {err.message}")
                continue
            med = statistics.median(_timed(lambda b=book: assess(profile, b), 300))
            print(f"  {len(book.rules):5d} | {engine.size:5d} | {engine.parts:2d} | "
                  f"{med * 1000:7.3f} | {engine.heaviest} (kept at most {MAX_LOAD_PER_KIND})")
    print(f"  {host()}")


def bench_soak(n: int) -> None:
    book = load_rulebook()
    rng = random.Random(20241127)
    pool = [random_profile(rng) for _ in range(200)]
    checkpoints = {1_000, 10_000, 100_000, n}
    start_rss = rss_mb()
    t = time.perf_counter()
    marks = []
    for i in range(1, n + 1):
        assess(pool[i % len(pool)], book)
        if i in checkpoints:
            marks.append((i, rss_mb(), (time.perf_counter() - t) / i * 1000))
    print(f"soak: {n:,} assessments of 200 varied profiles, RSS before {start_rss:.1f} MB")
    for i, mb, ms in marks:
        print(f"  after {i:>7,}: RSS {mb:6.1f} MB, {ms:.3f} ms per assessment")
    if len(marks) >= 2:
        growth = (marks[-1][1] - marks[0][1]) / marks[0][1] * 100
        print(f"  RSS growth from {marks[0][0]:,} to {marks[-1][0]:,}: {growth:+.1f}% "
              f"(target: flat, under 10%) {host()}")


def bench_path() -> None:
    from advisor.path import find_path

    book = load_rulebook()
    worst = (0.0, "")
    for path in sorted((ROOT / "profiles").glob("*.yaml")):
        profile = load_profile(path)
        for rung in range(1, 6):
            t = time.perf_counter()
            find_path(book, profile, rung)
            dt = time.perf_counter() - t
            worst = max(worst, (dt, f"{path.name} to rung {rung}"))
    print(f"path: slowest search over every bundled profile and rung: {worst[0] * 1000:.0f} ms "
          f"({worst[1]}) (target: under 1 s) {host()}")


def bench_batch(n: int) -> None:
    import subprocess
    import tempfile

    import yaml

    rng = random.Random(99)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "profiles"
        folder.mkdir()
        for i in range(n):
            data = random_profile(rng).model_dump(mode="json")
            (folder / f"p{i:05d}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        # in one process, through the library: time and memory as it goes
        from advisor.batch import _results

        files = sorted(folder.glob("*.yaml"))
        marks = []
        t = time.perf_counter()
        for i, _ in enumerate(_results(files, 1, None), 1):
            if i in (1_000, n):
                marks.append((i, rss_mb(), time.perf_counter() - t))
        rate = n / marks[-1][2]
        growth = (marks[-1][1] - marks[0][1]) / marks[0][1] * 100
        print(f"batch: {n:,} generated profiles (YAML parsing, validation, assessment): "
              f"{rate:,.0f} profiles/s in one process (target: 1,000/s); RSS "
              f"{marks[0][1]:.1f} MB at 1k, {marks[-1][1]:.1f} MB at {n:,} "
              f"({growth:+.1f}%, target under 10%) {host()}")
        # end to end through the CLI, one process against two
        outputs = []
        for jobs in (1, 2):
            out = Path(tmp) / f"summary{jobs}.csv"
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "advisor", "batch", str(folder), "-o",
                            str(out), "--jobs", str(jobs)], check=True, capture_output=True)
            dt = time.perf_counter() - t
            outputs.append(out.read_bytes())
            print(f"  advisor batch --jobs {jobs}: {dt:.1f} s, {n / dt:,.0f} profiles/s "
                  f"{host()}")
        print(f"  --jobs 2 output identical to one process: {outputs[0] == outputs[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--soak", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--differential", type=int, default=3_000)
    parser.add_argument("--warm-only", action="store_true",
                        help="print only the warm High Down median, in seconds")
    args = parser.parse_args()
    if args.warm_only:
        print(warm_median())
        return
    print(f"machine: {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.system()}")
    import advisor

    print(f"advisor {advisor.__version__}, from {Path(str(advisor.__file__)).parent}; "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")
    bench_load()
    bench_warm()
    bench_differential(args.differential)
    bench_cli()
    bench_soak(args.soak)  # before scaling, whose bigger rulebooks stay loaded
    bench_scaling()
    bench_path()
    bench_batch(args.batch)


if __name__ == "__main__":
    main()
