"""A bounded load test: many therapists at once, through the pages, against a running server.

Each virtual therapist signs in, searches for their client, opens the client's history and
the course, then logs and signs a session, again and again. Afterwards the database is asked
whether every session the server said it stored is there and signed.

Run by `make loadtest` (loadtest/run.sh starts gunicorn on PostgreSQL around it):
    python loadtest/therapists.py prepare --therapists 20
    python loadtest/therapists.py run --url http://127.0.0.1:8770 --therapists 20 --rounds 8
"""

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from clinic import roles  # noqa: E402
from clinic.models import Client, ReferralNote  # noqa: E402
from clinic.services import file_referral, register_client  # noqa: E402
from screening.models import Answer, Contraindication  # noqa: E402
from screening.services import record_screening  # noqa: E402
from sessions_app.models import Course, PlanTemplate, Session  # noqa: E402
from sessions_app.services import plan_course  # noqa: E402

PASSWORD = "load-test-password-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def username(n):
    return f"load-therapist-{n:03d}"


@transaction.atomic
def prepare(count):
    """One therapist with one client, cleared and screened, and an empty course each."""
    group = Group.objects.get(name=roles.THERAPIST)
    today = timezone.localdate()
    template = PlanTemplate.objects.get(massage_type="classic")
    items = list(Contraindication.objects.active())
    for n in range(count):
        user, _ = get_user_model().objects.get_or_create(username=username(n))
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(group)
        client = register_client(
            client=Client(
                first_name=f"Load{n:03d}",
                last_name="Client",
                date_of_birth=datetime.date(1970, 1, 1) + datetime.timedelta(days=n),
                sex=Client.Sex.FEMALE,
                phone=f"+7955{n:07d}",
            ),
            by=user,
        )
        referral = ReferralNote(
            client=client,
            specialist_name="Dr Load",
            consult_date=today - datetime.timedelta(days=30),
            diagnosis="Lumbar osteochondrosis",
            stage=ReferralNote.Stage.CHRONIC,
            decision=ReferralNote.Decision.CLEARED,
            valid_until=today + datetime.timedelta(days=60),
        )
        file_referral(note=referral, by=user)
        record_screening(
            client=client,
            by=user,
            answers=dict.fromkeys(items, Answer.Value.ABSENT),
            screened_on=today - datetime.timedelta(days=2),
        )
        plan_course(
            client=client,
            template=template,
            by=user,
            therapist=user,
            referral=referral,
            goal="Load test",
            planned_sessions=60,
            start_date=today - datetime.timedelta(days=3),
        )
    print(f"Prepared {count} therapists, clients and courses.")


class Therapist(threading.Thread):
    def __init__(self, base, n, rounds, results):
        super().__init__()
        self.base, self.n, self.rounds, self.results = base, n, rounds, results
        self.cookies = {}
        course = Course.objects.select_related("client").get(client__first_name=f"Load{n:03d}")
        self.course, self.client = course, course.client
        self.steps = [
            {
                "stage": step.stage,
                "technique": step.technique_id,
                "zone": step.zone_id,
                "repetitions": step.repetitions,
                "intensity": step.intensity,
            }
            for step in course.steps.all()
        ]
        self.logged = []

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        # The server runs as in production, behind a TLS proxy: say the request came over it.
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            # Django checks that a form posted over HTTPS comes from its own pages.
            request.add_header("Referer", f"https://{urllib.parse.urlparse(self.base).netloc}/")
        started = time.perf_counter()
        try:
            response = NO_REDIRECTS.open(request, timeout=60)
            status, headers, text = response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            status, headers, text = error.code, error.headers, error.read().decode(errors="replace")
        self.results.append(
            (path.split("?")[0].rstrip("0123456789/") or "/", status, time.perf_counter() - started)
        )
        for cookie in headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return status, headers, text

    def form_token(self, path):
        _, _, page = self.request(path)
        found = CSRF.search(page)
        return found.group(1) if found else ""

    def run(self):
        token = self.form_token("/accounts/login/")
        self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username(self.n), "password": PASSWORD},
        )
        start = timezone.now() - datetime.timedelta(hours=20)
        for round_ in range(self.rounds):
            # The search is posted and kept in the session, then the list shows it.
            token = self.form_token("/clients/")
            self.request("/clients/", {"csrfmiddlewaretoken": token, "q": f"Load{self.n:03d}"})
            self.request("/clients/")
            self.request(f"/clients/{self.client.pk}/")
            self.request(f"/clients/{self.client.pk}/courses/{self.course.pk}/")
            path = f"/clients/{self.client.pk}/courses/{self.course.pk}/sessions/new/"
            token = self.form_token(path)
            performed = timezone.localtime(start + datetime.timedelta(minutes=10 * round_))
            data = {
                "csrfmiddlewaretoken": token,
                "performed_at": performed.strftime("%Y-%m-%dT%H:%M"),
                "introductory_duration": "3:00",
                "main_duration": "20:00",
                "final_duration": "5:00",
                "pain_before": 6,
                "pain_after": 4,
                "tolerance": "well",
                "notes": "",
                "form-TOTAL_FORMS": len(self.steps),
                "form-INITIAL_FORMS": len(self.steps),
                "form-MIN_NUM_FORMS": 0,
                "form-MAX_NUM_FORMS": 1000,
            }
            for index, step in enumerate(self.steps):
                data.update({f"form-{index}-{k}": v for k, v in step.items()})
            status, headers, _ = self.request(path, data)
            if status == 302:
                session_path = urllib.parse.urlparse(headers["Location"]).path
                self.logged.append(int(session_path.rstrip("/").rsplit("/", 1)[1]))
                sign_token = self.form_token(session_path)
                self.request(f"{session_path}sign/", {"csrfmiddlewaretoken": sign_token})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(NoRedirect)


def run(base, count, rounds, report):
    results = []
    therapists = [Therapist(base, n, rounds, results) for n in range(count)]
    started = time.perf_counter()
    for therapist in therapists:
        therapist.start()
    for therapist in therapists:
        therapist.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds for _, _, seconds in results)
    logged = [pk for therapist in therapists for pk in therapist.logged]
    stored = Session.objects.filter(pk__in=logged)
    summary = {
        "therapists": count,
        "rounds": rounds,
        "requests": len(results),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(results) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000),
        "server_errors_5xx": sum(1 for _, status, _ in results if status >= 500),
        "other_errors_4xx": sum(1 for _, status, _ in results if 400 <= status < 500),
        "sessions_logged": len(logged),
        "sessions_in_database": stored.count(),
        "sessions_signed": stored.filter(signed_at__isnull=False).count(),
        "sessions_expected": count * rounds,
    }
    summary["lost_sessions"] = summary["sessions_logged"] - summary["sessions_in_database"]
    Path(report).write_text(json.dumps(summary, indent=2) + "\n")
    width = max(len(key) for key in summary)
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")
    ok = (
        summary["server_errors_5xx"] == 0
        and summary["lost_sessions"] == 0
        and summary["sessions_logged"] == summary["sessions_expected"]
    )
    print("PASS: no 5xx, no lost session" if ok else "FAIL")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["prepare", "run"])
    parser.add_argument("--therapists", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--url", default="http://127.0.0.1:8770")
    parser.add_argument("--report", default="loadtest-report.json")
    options = parser.parse_args()
    if options.action == "prepare":
        prepare(options.therapists)
        return 0
    return run(options.url, options.therapists, options.rounds, options.report)


if __name__ == "__main__":
    sys.exit(main())
