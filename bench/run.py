"""make bench: how fast the main pages are at scale, next to the Django admin.

Seeds a database of its own with seed_demo (by default 10,000 clients and 100,000 sessions),
first small (10 clients, 100 sessions) to count each page's queries, then at full size to
count them again and time each page over repeated requests, in process, signed in as a
clinic admin. Prints a table, writes it as JSON, and checks the targets:

- every page runs as many queries at 100 sessions as at 100,000;
- the client search is faster than the admin's client search on the same data;
- the client page (300 sessions) is no slower than the admin's change page of that client;
- the client search answers in under 50 ms at p50.

SQLite by default (bench.sqlite3); with DATABASE_URL set to PostgreSQL, a database named
clinic_bench on that server.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


FLOOR = "floor (trivial signed-in page)"


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
    parser.add_argument("--output", default="bench-report.json")
    options = parser.parse_args()

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
    small = {name: queries for name, (queries, _) in measure(repeat=1).items()}
    print(f"Seeding {options.clients:,} clients and {options.sessions:,} sessions on {engine}…")
    call_command(
        "seed_demo", clients=options.clients - 10, sessions=options.sessions - 100, verbosity=0
    )
    analyse()
    large = measure(repeat=options.repeat)
    report = summarise(engine, options, small, large)
    Path(options.output).write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    return 0 if all(target["met"] for target in report["targets"]) else 1


def analyse():
    """A clinic's PostgreSQL has planner statistics (autovacuum keeps them); a bulk load just
    made has none yet, and its plans would not be the ones a clinic gets."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def pages():
    """The pages measured, ours next to the admin's, on the client with the longest history."""
    from django.db.models import Count

    from clinic.models import Client
    from sessions_app.models import Session

    longest = Client.objects.annotate(n=Count("courses__sessions")).order_by("-n", "pk").first()
    course = longest.courses.order_by("pk").first()
    session = Session.objects.filter(course=course).order_by("number").first()
    name = "Antonov"  # a generated last name (Antonov, Antonova): about 1 client in 21
    return {
        "start page": "/",
        "client list": "/clients/",
        # Posted once (the search is kept in the session, never in the URL), then shown.
        "client search": ("/clients/", {"q": name}),
        "admin client search": f"/admin/clinic/client/?q={name}",
        "client page": longest.get_absolute_url(),
        "admin client change page": f"/admin/clinic/client/{longest.pk}/change/",
        "course page": course.get_absolute_url(),
        "session page": session.get_absolute_url(),
        "print view": f"/clients/{longest.pk}/print/",
        FLOOR: "/accounts/password/done/",
    }, Session.objects.filter(course__client=longest).count()


def measure(repeat):
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client as Browser
    from django.test.utils import CaptureQueriesContext

    browser = Browser()
    browser.force_login(get_user_model().objects.get(username="admin"))
    urls, measure.history_size = pages()
    results = {}
    for name, url in urls.items():
        if isinstance(url, tuple):
            url, search = url
            assert browser.post(url, search).status_code == 302, (name, url)
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


def summarise(engine, options, small, large):
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
    return {
        "measured_on": datetime.date.today().isoformat(),
        "machine": machine(),
        "engine": engine,
        "clients": options.clients,
        "sessions": options.sessions,
        "sessions_on_the_client_page": measure.history_size,
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
    print()
    for target in report["targets"]:
        print(f"{'met ' if target['met'] else 'MISSED'}  {target['target']}: {target['detail']}")


if __name__ == "__main__":
    sys.exit(main())
