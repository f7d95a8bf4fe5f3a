"""make bench: how fast the main pages are at scale, next to the Django admin.

Seeds a database of its own with seed_demo (by default 10,000 clients and 100,000 sessions),
first small (10 clients, 100 sessions) to count each page's queries, then at full size to
count them again and time each page over repeated requests, in process. Then serves the same
pages from gunicorn as in production (2 workers, DJANGO_DEBUG=0) and measures each page's
requests per second with wrk over two connections, next to the floor: a signed-in page that
reads nothing. Prints both tables, writes them as JSON, and checks the targets:

- every page runs as many queries at 100 sessions as at 100,000;
- the client search is faster than the admin's client search on the same data;
- the client page (300 sessions) is no slower than the admin's change page of that client;
- the client search answers in under 50 ms at p50;
- under gunicorn, every main page serves at least 25 % of the floor's requests per second, the
  print view of 300 sessions at least 10 % (issue 18), and every page answers 2xx throughout.

The pages are a clinic admin's, but for the therapist's start page. SQLite by default
(bench.sqlite3); with DATABASE_URL set to PostgreSQL, a database named clinic_bench on that
server. The throughput mode needs wrk (apt-get install -y wrk); --no-throughput skips it.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


FLOOR = "floor (trivial signed-in page)"
# Issue 18's share of the floor's requests per second under gunicorn, in %.
MAIN_PAGE_SHARE = 25
PRINT_VIEW_SHARE = 10
# As issue 18 measured: two gunicorn workers, two connections at a time.
WORKERS = 2
CONNECTIONS = 2
WARM_UP_SECONDS = 2

# wrk counts only 4xx and 5xx as errors, so a redirect to the sign-in page would count as served:
# this counts every answer that is not 2xx, and prints the run's figures as one line of JSON.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then not_2xx = not_2xx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_2xx") end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "microseconds": %d, "p50_us": %f, "not_2xx": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), total,
    e.connect + e.read + e.write + e.timeout))
end
"""


class Page(NamedTuple):
    url: str
    user: str = "admin"
    search: dict | None = None  # posted to the URL first: the search is kept in the session
    # The share of the floor's requests per second it must reach under gunicorn, in %.
    share: int | None = MAIN_PAGE_SHARE

    @property
    def session(self):
        """A search gets a signed-in session of its own, or the plain list would show it."""
        return self.user, self.search is not None


def bench_database():
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        import psycopg

        url = urlparse(configured)
        with psycopg.connect(urlunparse(url._replace(path="/postgres")), autocommit=True) as db:
            db.execute("DROP DATABASE IF EXISTS clinic_bench")
            db.execute("CREATE DATABASE clinic_bench")
        return urlunparse(url._replace(path="/clinic_bench")), "PostgreSQL"
    target = ROOT / "bench.sqlite3"
    for leftover in ROOT.glob("bench.sqlite3*"):
        leftover.unlink()
    return f"sqlite:///{target}", "SQLite"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
    parser.add_argument(
        "--seconds", type=int, default=10, help="Seconds of load per page under gunicorn."
    )
    parser.add_argument(
        "--no-throughput",
        dest="throughput",
        action="store_false",
        help="Time the pages in process only: no gunicorn, no wrk.",
    )
    parser.add_argument("--output", default="bench-report.json")
    options = parser.parse_args()
    if options.throughput and not shutil.which("wrk"):
        # Said before seeding, which takes minutes.
        sys.exit(
            "make bench measures throughput with wrk: apt-get install -y wrk "
            "(or BENCH_ARGS=--no-throughput)"
        )

    url, engine = bench_database()
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "1"  # seed_demo is for demo databases; the 2FA is off
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", clients=10, sessions=100, stdout=quiet)
    small = {name: queries for name, (queries, _) in measure(pages()[0], repeat=1).items()}
    print(f"Seeding {options.clients:,} clients and {options.sessions:,} sessions on {engine}…")
    call_command(
        "seed_demo", clients=options.clients - 10, sessions=options.sessions - 100, verbosity=0
    )
    table, history_size = pages()
    large = measure(table, repeat=options.repeat)
    served = throughput(table, options.seconds) if options.throughput else None
    report = summarise(engine, options, history_size, small, large, served)
    Path(options.output).write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    return 0 if all(target["met"] for target in report["targets"]) else 1


def pages():
    """The pages measured, ours next to the admin's, on the client with the longest history;
    and the number of sessions in that history."""
    from django.db.models import Count
    from django.urls import reverse

    from clinic.models import Client
    from clinic.overview.demo import in_clinic_language
    from sessions_app.models import Session

    longest = Client.objects.annotate(n=Count("courses__sessions")).order_by("-n", "pk").first()
    course = longest.courses.order_by("pk").first()
    session = Session.objects.filter(course=course).order_by("number").first()
    # A generated last name (Antonov, Antonova: about 1 client in 21), in the language the demo
    # wrote the names in.
    name = in_clinic_language("Antonov", "Антонов")
    return {
        "start page (clinic admin)": Page("/"),
        "start page (therapist)": Page("/", user="therapist"),
        "client list": Page("/clients/"),
        "client search": Page("/clients/", search={"q": name}),
        "admin client search": Page(f"/admin/clinic/client/?q={quote(name)}", share=None),
        "client page": Page(longest.get_absolute_url()),
        "admin client change page": Page(f"/admin/clinic/client/{longest.pk}/change/", share=None),
        "course page": Page(course.get_absolute_url()),
        "session page": Page(session.get_absolute_url()),
        "session form": Page(reverse("sessions_app:session_create", args=[longest.pk, course.pk])),
        "print view": Page(f"/clients/{longest.pk}/print/", share=PRINT_VIEW_SHARE),
        FLOOR: Page("/accounts/password/done/", share=None),
    }, Session.objects.filter(course__client=longest).count()


def measure(table, repeat):
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client as Browser
    from django.test.utils import CaptureQueriesContext

    browsers = {}
    results = {}
    for name, page in table.items():
        if page.session not in browsers:
            browsers[page.session] = Browser()
            browsers[page.session].force_login(get_user_model().objects.get(username=page.user))
        browser, url = browsers[page.session], page.url
        if page.search:
            assert browser.post(url, page.search).status_code == 302, (name, url)
        for _ in range(2):  # warm the caches
            assert browser.get(url).status_code == 200, (name, url)
        reset_queries()  # DEBUG's query log is capped; start it afresh for each page
        with CaptureQueriesContext(connection) as queries:
            browser.get(url)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            browser.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = (len(queries.captured_queries), timings)
    return results


def throughput(table, seconds):
    """Each page's requests per second from gunicorn, signed in over HTTP as a browser is."""
    from loadtest.browser import Browser

    password = os.environ.get("DEMO_PASSWORD") or "clinic-demo"  # as seed_demo reads it
    print(f"Serving from gunicorn: {len(table)} pages, {seconds} s each…")
    with tempfile.TemporaryDirectory() as scratch, gunicorn() as base:
        script = Path(scratch) / "count.lua"
        script.write_text(WRK_SCRIPT)
        browsers = {}

        def served_page(name):
            page = table[name]
            if page.session not in browsers:
                browsers[page.session] = Browser(base, [])
                if not browsers[page.session].sign_in(page.user, password):
                    raise RuntimeError(f"{page.user} could not sign in over HTTP")
            return {
                **load(browsers[page.session], page, script, seconds),
                "target_percent": page.share,
            }

        # The floor is loaded first and last, and the two averaged: on a shared machine the pace
        # of every request drifts over the minutes a run takes (the floor alone measured from 375
        # to 478 requests/s in three runs of the same code).
        first = served_page(FLOOR)
        served = {name: served_page(name) for name in table if name != FLOOR}
        served[FLOOR] = averaged(first, served_page(FLOOR))
    return served


def averaged(first, last):
    """Two loads of one page as one: their mean pace, each kept as measured."""
    if problem(first) or problem(last):
        return first if problem(first) else last
    return {
        **last,
        "requests_per_second": round(
            (first["requests_per_second"] + last["requests_per_second"]) / 2, 1
        ),
        "p50_ms": round((first["p50_ms"] + last["p50_ms"]) / 2, 1),
        "requests": first["requests"] + last["requests"],
        "failed": first["failed"] + last["failed"],
        "first_and_last": [first["requests_per_second"], last["requests_per_second"]],
    }


@contextlib.contextmanager
def gunicorn():
    """gunicorn as in production, on the bench's database, stopped however the run ends. The
    back office's two-factor sign-in is off: the bench has no authenticator."""
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CLINIC_ADMIN_2FA": "0",
    }
    # Without DEBUG the pages name their static files through collectstatic's manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    address = f"127.0.0.1:{free_port()}"
    command = [Path(sys.executable).parent / "gunicorn", "clinic.wsgi", "--bind", address]
    command += ["--workers", str(WORKERS), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    try:
        wait_for(server, f"http://{address}")
        yield f"http://{address}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(server, base, seconds=30):
    from loadtest.browser import Browser

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit code {server.returncode}); see above")
        if Browser(base, []).request("/healthz")[0] == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {seconds} s")


def load(browser, page, script, seconds):
    """The page under wrk's load after a warm-up, once it is seen to answer 200: a page that
    sends the bench to the sign-in page would otherwise be timed as the sign-in page."""
    if page.search:
        token = browser.form_token(page.url)
        status, _, _ = browser.request(page.url, {"csrfmiddlewaretoken": token, **page.search})
        if status != 302:
            return {"error": f"the search answered {status}"}
    status, headers, _ = browser.request(page.url)
    if status != 200:
        return {"error": f"answered {status} {headers.get('Location', '')}".rstrip()}
    cookies = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    command = ["wrk", "-t", str(CONNECTIONS), "-c", str(CONNECTIONS), "-s", str(script)]
    # A slow page is slow, not failed: gunicorn's own limit, not wrk's 2 s.
    command += ["--timeout", "30s", "-H", f"Cookie: {cookies}"]
    # As from the TLS proxy that production's settings expect in front.
    command += ["-H", "X-Forwarded-Proto: https", browser.base + page.url]
    wrk(command, WARM_UP_SECONDS)  # both workers' caches and database connections, as in use
    return wrk(command, seconds)


def wrk(command, seconds):
    run = subprocess.run([*command, "-d", f"{seconds}s"], capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(f"wrk failed: {run.stderr.strip()}")
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        "requests_per_second": round(figures["requests"] / figures["microseconds"] * 1e6, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "requests": figures["requests"],
        "failed": figures["not_2xx"] + figures["socket_errors"],
    }


def machine():
    """What the figures were measured on: they mean little without it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()"
            if connection.vendor == "postgresql"
            else "SELECT 'SQLite ' || sqlite_version()"
        )
        database = cursor.fetchone()[0].split(" on ")[0]
    return (
        f"{os.cpu_count()} cores ({cpu_model()}), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, {database}"
    )


def cpu_model():
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return models[0] if models else platform.processor() or "unknown CPU"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summarise(engine, options, history_size, small, large, served):
    rows = {
        name: {
            "queries_at_100_sessions": small[name],
            "queries_at_full_size": queries,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
        }
        for name, (queries, timings) in large.items()
    }
    # The floor is a signed-in page that reads nothing: what every request pays regardless.
    floor = rows[FLOOR]["p50_ms"]
    for row in rows.values():
        row["p50_vs_floor"] = round(row["p50_ms"] / floor, 1)
    search, admin_search = rows["client search"], rows["admin client search"]
    page, admin_page = rows["client page"], rows["admin client change page"]
    same_queries = [
        n for n, r in rows.items() if r["queries_at_100_sessions"] != r["queries_at_full_size"]
    ]
    report = {
        "measured_on": datetime.date.today().isoformat(),
        "machine": machine(),
        "engine": engine,
        "clients": options.clients,
        "sessions": options.sessions,
        "sessions_on_the_client_page": history_size,
        "repeat": options.repeat,
        "pages": rows,
        "targets": [
            {
                "target": "every page's query count is the same at 100 and at full size",
                "met": not same_queries,
                "detail": "all equal" if not same_queries else f"differ: {same_queries}",
            },
            {
                "target": "client search faster than the admin's client search",
                "met": search["p50_ms"] < admin_search["p50_ms"],
                "detail": f"{search['p50_ms']} ms vs {admin_search['p50_ms']} ms at p50 "
                f"(ratio {search['p50_ms'] / admin_search['p50_ms']:.2f})",
            },
            {
                "target": "client page no slower than the admin's change page",
                "met": page["p50_ms"] <= admin_page["p50_ms"],
                "detail": f"{page['p50_ms']} ms vs {admin_page['p50_ms']} ms at p50 "
                f"(ratio {page['p50_ms'] / admin_page['p50_ms']:.2f})",
            },
            {
                "target": "client search under 50 ms at p50",
                "met": search["p50_ms"] < 50,
                "detail": f"{search['p50_ms']} ms",
            },
        ],
    }
    if served:
        report["throughput"] = with_shares(served)
        runs = served[FLOOR].get("first_and_last")
        report["throughput_setup"] = (
            f"gunicorn, {WORKERS} workers, DJANGO_DEBUG=0; wrk, {CONNECTIONS} connections, "
            f"{options.seconds} s a page after {WARM_UP_SECONDS} s of warm-up"
            + (f"; the floor loaded first and last ({runs[0]} and {runs[1]} req/s)" if runs else "")
        )
        report["targets"] += throughput_targets(report["throughput"])
    return report


def problem(row):
    """Why a page's figure under gunicorn does not count, if it does not."""
    if "error" in row:
        return row["error"]
    if row["failed"]:
        return f"{row['failed']} of {row['requests']} requests failed (not 2xx, or no answer)"
    if not row["requests"]:
        return "no request answered within the run"
    return None


def with_shares(served):
    """Each page's requests per second as a share of the floor's, and whether it reaches its
    target; a page whose requests failed has no share, and meets no target."""
    floor = None if problem(served[FLOOR]) else served[FLOOR]["requests_per_second"]
    for row in served.values():
        counts = floor and not problem(row)
        row["share_of_floor_percent"] = (
            round(100 * row["requests_per_second"] / floor, 1) if counts else None
        )
        goal = row["target_percent"]
        row["met"] = (
            None if goal is None else bool(counts) and row["share_of_floor_percent"] >= goal
        )
    return served


def throughput_targets(rows):
    floor = rows[FLOOR]
    targets = [
        {
            "target": f"{name}: at least {row['target_percent']} % of the floor's requests per "
            "second under gunicorn",
            "met": row["met"],
            "detail": share_detail(row, floor),
        }
        for name, row in rows.items()
        if row["target_percent"] is not None
    ]
    failing = [f"{name}: {problem(row)}" for name, row in rows.items() if problem(row)]
    targets.append(
        {
            "target": "every page answers 2xx under gunicorn",
            "met": not failing,
            "detail": "; ".join(failing) or "all did",
        }
    )
    return targets


def share_detail(row, floor):
    if problem(row):
        return f"not measured: {problem(row)}"
    if problem(floor):
        return f"no floor to compare with: {problem(floor)}"
    rate, goal = row["requests_per_second"], row["target_percent"]
    floor_rate = floor["requests_per_second"]
    detail = f"{row['share_of_floor_percent']} % ({rate} of {floor_rate} req/s)"
    if row["met"]:
        return detail
    needed = floor_rate * goal / 100
    return (
        f"{detail}: {goal - row['share_of_floor_percent']:.1f} points short, needs "
        f"{needed:.1f} req/s ({needed / rate:.2f} times as many)"
    )


def print_report(report):
    print(f"\nMeasured on {report['measured_on']}: {report['machine']}")
    print(
        f"{report['engine']}: {report['clients']:,} clients, {report['sessions']:,} sessions "
        f"({report['sessions_on_the_client_page']} on the client page), "
        f"{report['repeat']} requests a page\n"
    )
    print(f"{'page':<32}{'queries (100 / full)':>22}{'p50 ms':>10}{'p95 ms':>10}{'x floor':>9}")
    for name, row in report["pages"].items():
        counts = f"{row['queries_at_100_sessions']} / {row['queries_at_full_size']}"
        print(
            f"{name:<32}{counts:>22}{row['p50_ms']:>10}{row['p95_ms']:>10}"
            f"{row['p50_vs_floor']:>9.1f}"
        )
    if "throughput" in report:
        print_throughput(report)
    print()
    for target in report["targets"]:
        print(f"{'met ' if target['met'] else 'MISSED'}  {target['target']}: {target['detail']}")


def print_throughput(report):
    print(f"\nUnder load: {report['throughput_setup']}\n")
    print(f"{'page':<32}{'req/s':>10}{'p50 ms':>10}{'% of floor':>12}{'target':>9}")
    for name, row in report["throughput"].items():
        if problem(row):
            print(f"{name:<32}  failed: {problem(row)}")
            continue
        share, goal = row["share_of_floor_percent"], row["target_percent"]
        verdict = {None: "", True: "  met", False: "  MISSED"}[row["met"]]
        print(
            f"{name:<32}{row['requests_per_second']:>10}{row['p50_ms']:>10}"
            f"{'—' if share is None else share:>12}{'—' if goal is None else f'{goal} %':>9}"
            f"{verdict}"
        )


if __name__ == "__main__":
    sys.exit(main())
