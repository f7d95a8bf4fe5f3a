import datetime
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from appointments.demo import add_demo_day, add_demo_week
from clinic import roles
from clinic.lib.names import name_key
from clinic.lib.progress import ProgressBar
from clinic.models import Client, Condition, RecordCounter, ReferralNote, format_record_number
from clinic.overview.demo import DEMO_COURSES, add_demo_course, generate_history, in_clinic_language
from clinic.services import file_referral, register_client
from consent.demo import sign_on_screen, write_sample_texts
from consent.models import Kind
from outcomes.demo import add_demo_points
from screening.models import Answer, Contraindication
from screening.services import record_screening
from sessions_app.models import Course, PlanTemplate

# The demo speaks the clinic's language (CLINIC_LANGUAGE): Russian names and texts for a
# Russian clinic, English ones otherwise. Each pair below is (English, Russian).

# username, (surname, given name, patronymic) in English and in Russian, role
DEMO_ACCOUNTS = [
    ("reception", ("Smirnova", "Olga", ""), ("Смирнова", "Ольга", "Игоревна"), roles.RECEPTION),
    ("therapist", ("Volkova", "Marina", ""), ("Волкова", "Марина", "Андреевна"), roles.THERAPIST),
    ("admin", ("Orlov", "Sergey", ""), ("Орлов", "Сергей", "Николаевич"), roles.CLINIC_ADMIN),
]

# key, (surname, given name, patronymic) in English and in Russian, born, sex, phone, activity,
# (occupation, complaint) in English and in Russian, conditions (ICD-10 codes)
DEMO_CLIENTS = [
    (
        "petrova",
        ("Petrova", "Anna", "Sergeyevna"),
        ("Петрова", "Анна", "Сергеевна"),
        "1968-04-21",
        "female",
        "+79161234501",
        "sedentary",
        ("Accountant", "Aching lower back after a working day, worse when sitting."),
        ("Бухгалтер", "Ноющая боль в пояснице после рабочего дня, сидя сильнее."),
        ["M42"],
    ),
    (
        "sokolov",
        ("Sokolov", "Dmitry", "Ivanovich"),
        ("Соколов", "Дмитрий", "Иванович"),
        "1975-09-02",
        "male",
        "+79161234502",
        "sedentary",
        ("Lorry driver", "Pain in the lumbar spine radiating to the left leg."),
        ("Водитель грузовика", "Боль в поясничном отделе с отдачей в левую ногу."),
        ["M51"],
    ),
    (
        "kuznetsova",
        ("Kuznetsova", "Elena", "Pavlovna"),
        ("Кузнецова", "Елена", "Павловна"),
        "1982-12-14",
        "female",
        "+79161234503",
        "sedentary",
        ("Programmer", "Stiffness in the lower back in the morning; headaches."),
        ("Программист", "Скованность в пояснице по утрам; головные боли."),
        ["M42", "R51"],
    ),
    (
        "morozov",
        ("Morozov", "Pavel", "Alekseyevich"),
        ("Морозов", "Павел", "Алексеевич"),
        "1959-06-30",
        "male",
        "+79161234504",
        "light",
        ("Retired engineer", "Long-standing lower-back pain, known disc hernia L4-L5."),
        ("Инженер на пенсии", "Давняя боль в пояснице, известная грыжа диска L4-L5."),
        ["M51", "M42"],
    ),
    (
        "lebedeva",
        ("Lebedeva", "Irina", "Olegovna"),
        ("Лебедева", "Ирина", "Олеговна"),
        "1990-03-08",
        "female",
        "+79161234505",
        "active",
        ("Teacher", "Muscle spasm in the lower back after lifting a child."),
        ("Учитель", "Мышечный спазм в пояснице после того, как подняла ребёнка."),
        ["M62.8"],
    ),
    (
        "fedorov",
        ("Fedorov", "Nikolai", "Petrovich"),
        ("Фёдоров", "Николай", "Петрович"),
        "1971-11-11",
        "male",
        "+79161234506",
        "heavy",
        ("Builder", "Pain over the sacrum after a fall at work."),
        ("Строитель", "Боль в области крестца после падения на работе."),
        ["S33"],
    ),
    (
        "popova",
        ("Popova", "Svetlana", "Viktorovna"),
        ("Попова", "Светлана", "Викторовна"),
        "2001-07-19",
        "female",
        "+79161234507",
        "light",
        ("Student", "Curvature of the spine noticed at a check-up; tires quickly."),
        ("Студентка", "Искривление позвоночника выявлено на осмотре; быстро устаёт."),
        ["M41"],
    ),
    (
        "belova",
        ("Belova", "Tatiana", "Mikhailovna"),
        ("Белова", "Татьяна", "Михайловна"),
        "1985-05-05",
        "female",
        "+79161234509",
        "active",
        ("Shop assistant", "Lower-back pain after lifting boxes; has not seen a specialist yet."),
        ("Продавец", "Боль в пояснице после переноски коробок; у специалиста ещё не была."),
        [],
    ),
    (
        "vasiliev",
        ("Vasiliev", "Aleksei", "Dmitrievich"),
        ("Васильев", "Алексей", "Дмитриевич"),
        "1964-01-25",
        "male",
        "+79161234508",
        "sedentary",
        ("Office manager", "Shooting pain along the sciatic nerve."),
        ("Офис-менеджер", "Стреляющая боль по ходу седалищного нерва."),
        ["M79.2"],
    ),
]

# What each demo client's records show on the client page, so the demo has every case:
# key -> (referral: days since the consult, decision, stage, restrictions, days valid;
#         screenings: [(days ago, items found, items unknown, blood pressure)])
R = ReferralNote.Decision
DEMO_RECORDS = {
    "petrova": ((30, R.CLEARED, "chronic", None, 90), [(13, [], [], None), (2, [], [], (125, 80))]),
    "sokolov": (
        (
            20,
            R.CLEARED_WITH_RESTRICTIONS,
            "subacute",
            (
                "No deep work over L4-L5; no vibration in the lumbar zone.",
                "Без глубокой проработки над L4-L5; без вибрации в поясничной зоне.",
            ),
            90,
        ),
        [(10, [], [], None), (1, [], [], (130, 85))],
    ),
    "kuznetsova": ((15, R.CLEARED, "chronic", None, 90), [(0, [], [], (152, 96))]),
    "morozov": ((5, R.NOT_CLEARED, "acute", None, 30), [(1, [], [], (128, 82))]),
    "lebedeva": ((120, R.CLEARED, "remission", None, 90), [(3, [], [], (118, 76))]),
    "fedorov": ((30, R.CLEARED, "subacute", None, 90), [(4, [], ["tuberculosis"], None)]),
    "popova": ((80, R.CLEARED, "chronic", None, 90), [(12, [], [], (110, 70))]),
    "vasiliev": ((25, R.CLEARED, "chronic", None, 90), [(20, [], [], (135, 85))]),
}
del R
SPECIALIST = ("Dr I. V. Petrov", "Петров И. В.")
# Cleared and screened, but not yet consented: the demo's "consent missing".
UNCONSENTED = {"lebedeva"}

# Generated clients (--clients N) take names from these lists, (English, Russian); with 21
# surnames the (name, birth date) pair stays unique for the first 525,000 numbers.
FEMALE_NAMES = [
    ("Alla", "Алла"),
    ("Daria", "Дарья"),
    ("Galina", "Галина"),
    ("Inna", "Инна"),
    ("Kira", "Кира"),
    ("Lidia", "Лидия"),
    ("Maria", "Мария"),
    ("Nina", "Нина"),
    ("Polina", "Полина"),
    ("Vera", "Вера"),
]
MALE_NAMES = [
    ("Boris", "Борис"),
    ("Egor", "Егор"),
    ("Fyodor", "Фёдор"),
    ("Gleb", "Глеб"),
    ("Kirill", "Кирилл"),
    ("Lev", "Лев"),
    ("Maxim", "Максим"),
    ("Oleg", "Олег"),
    ("Roman", "Роман"),
    ("Yuri", "Юрий"),
]
SURNAMES = [
    ("Antonov", "Антонов"),
    ("Belov", "Белов"),
    ("Chernov", "Чернов"),
    ("Davydov", "Давыдов"),
    ("Egorov", "Егоров"),
    ("Frolov", "Фролов"),
    ("Gusev", "Гусев"),
    ("Ilyin", "Ильин"),
    ("Karpov", "Карпов"),
    ("Lazarev", "Лазарев"),
    ("Makarov", "Макаров"),
    ("Nikitin", "Никитин"),
    ("Osipov", "Осипов"),
    ("Pavlov", "Павлов"),
    ("Romanov", "Романов"),
    ("Savin", "Савин"),
    ("Tarasov", "Тарасов"),
    ("Ulyanov", "Ульянов"),
    ("Vinogradov", "Виноградов"),
    ("Zaitsev", "Зайцев"),
    ("Yakovlev", "Яковлев"),
]
BIRTH_DATES_FROM = datetime.date(1940, 1, 1)
BIRTH_DATE_SPREAD_DAYS = 25_000  # about 68 years
BATCH = 1000


class Command(BaseCommand):
    help = (
        "Create the demo accounts (reception, therapist, admin; password from DEMO_PASSWORD, "
        "default clinic-demo) and demo clients with referral notes and screenings that show "
        "every eligibility case, and courses of every massage type with logged sessions. "
        "Running it again changes nothing. "
        "--clients N adds N generated clients for load tests and benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients", type=int, default=0, metavar="N", help="Also generate N more clients."
        )
        parser.add_argument(
            "--sessions",
            type=int,
            default=0,
            metavar="M",
            help="With --clients: also generate M signed sessions for those clients (the first "
            "gets 300, the others 10 each), in bulk and without change history.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DJANGO_DEBUG=0 (a demo server)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be created; store nothing."
        )

    def handle(self, *args, clients, sessions, force, dry_run, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password and refuses to run with "
                "DJANGO_DEBUG=0. Add --force if this really is a demo server."
            )
        if clients < 0 or sessions < 0:
            raise CommandError("--clients and --sessions must be zero or more.")
        if sessions and not clients:
            raise CommandError("--sessions needs --clients: the sessions go to those clients.")
        password = os.environ.get("DEMO_PASSWORD") or "clinic-demo"
        with transaction.atomic():
            accounts = self.create_accounts(password)
            new_demo = self.create_demo_clients(accounts)
            self.create_demo_day(accounts)
            generated = self.generate_clients(clients, accounts) if clients else 0
            if sessions:
                made = list(Client.objects.order_by("-pk")[:clients])[::-1]
                progress = ProgressBar(self.stdout, sessions, "Generating sessions")
                sessions = generate_history(
                    made, sessions, therapist=accounts[roles.THERAPIST], progress=progress
                )
            if dry_run:
                transaction.set_rollback(True)
        if not dry_run:
            planner_statistics()
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {new_demo} demo client(s), {generated} generated client(s) and "
                f"{sessions} generated session(s); "
                f"demo accounts: {', '.join(name for name, *_ in DEMO_ACCOUNTS)}."
            )
        )

    def create_accounts(self, password):
        accounts = {}
        for username, english, russian, role in DEMO_ACCOUNTS:
            surname, given_name, patronymic = in_clinic_language(english, russian)
            user, _ = get_user_model().objects.get_or_create(
                username=username,
                defaults={"last_name": surname, "first_name": given_name, "patronymic": patronymic},
            )
            user.set_password(password)
            user.is_active = True
            user.save()
            user.groups.add(Group.objects.get(name=role))
            accounts[role] = user
        return accounts

    def create_demo_day(self, accounts):
        therapist = accounts[roles.THERAPIST]
        add_demo_week(therapists=[therapist, accounts[roles.CLINIC_ADMIN]])
        # The demo clients' courses, registered first.
        courses = Course.objects.filter(therapist=therapist).select_related("client")
        add_demo_day(courses.order_by("pk")[:4], by=accounts[roles.RECEPTION])

    def create_demo_clients(self, accounts):
        # The sample texts, in force from two years back so that generated histories have one.
        write_sample_texts(
            by=accounts[roles.CLINIC_ADMIN],
            in_force_from=timezone.localdate() - datetime.timedelta(days=730),
        )
        add_demo_points(PlanTemplate.objects.all())
        conditions = {c.icd10: c for c in Condition.objects.all()}
        created = 0
        for key, *names, born, sex, phone, activity, english, russian, codes in DEMO_CLIENTS:
            last, first, patronymic = in_clinic_language(*names)
            job, complaint = in_clinic_language(english, russian)
            born = datetime.date.fromisoformat(born)
            if Client.objects.same_person(
                first_name=first, last_name=last, patronymic=patronymic, date_of_birth=born
            ):
                continue
            client = Client(
                first_name=first,
                last_name=last,
                patronymic=patronymic,
                date_of_birth=born,
                sex=sex,
                phone=phone,
                occupation=job,
                activity_level=activity,
                complaint=complaint,
                primary_therapist=accounts[roles.THERAPIST],
            )
            register_client(
                client=client,
                conditions=[conditions[code] for code in codes],
                by=accounts[roles.RECEPTION],
            )
            self.add_demo_records(key, client, codes, accounts)
            created += 1
        return created

    def add_demo_records(self, key, client, codes, accounts):
        if key not in DEMO_RECORDS:
            return  # waits for a specialist's letter: shown to reception on the start page
        today = timezone.localdate()
        referral, screenings = DEMO_RECORDS[key]
        consulted, decision, stage, restrictions, valid_days = referral
        consult_date = today - datetime.timedelta(days=consulted)
        note = ReferralNote(
            client=client,
            specialist_name=in_clinic_language(*SPECIALIST),
            specialty=ReferralNote.Specialty.VERTEBROLOGIST,
            consult_date=consult_date,
            diagnosis=client.complaint,
            icd10=codes[0] if codes[0].startswith("M") else "",
            stage=stage,
            decision=decision,
            restrictions=in_clinic_language(*restrictions) if restrictions else "",
            valid_until=consult_date + datetime.timedelta(days=valid_days),
            recorded_by=accounts[roles.RECEPTION],
        )
        note.full_clean()
        file_referral(note=note, by=accounts[roles.RECEPTION])
        self.add_demo_consents(key, client, consult_date, accounts)
        for days_ago, found, unknown, pressure in screenings:
            record_screening(
                client=client,
                by=accounts[roles.THERAPIST],
                screened_on=today - datetime.timedelta(days=days_ago),
                answers={
                    item: (
                        Answer.Value.PRESENT
                        if item.code in found
                        else Answer.Value.UNKNOWN
                        if item.code in unknown
                        else Answer.Value.ABSENT
                    )
                    for item in Contraindication.objects.active()
                },
                systolic=pressure[0] if pressure else None,
                diastolic=pressure[1] if pressure else None,
            )
        if key in DEMO_COURSES:
            add_demo_course(
                client,
                DEMO_COURSES[key],
                therapist=accounts[roles.THERAPIST],
                referral=note,
            )

    def add_demo_consents(self, key, client, day, accounts):
        """Consent to the processing of personal data and to the course's massage, signed on
        the screen the day of the consult; one client has not consented yet."""
        by = {"by": accounts[roles.THERAPIST], "language": settings.LANGUAGE_CODE, "signed_on": day}
        sign_on_screen(client, kind=Kind.PERSONAL_DATA, **by)
        if key not in UNCONSENTED:
            massage_type = DEMO_COURSES[key][0] if key in DEMO_COURSES else "classic"
            sign_on_screen(
                client, massage_type=massage_type, therapist=accounts[roles.THERAPIST], **by
            )

    def generate_clients(self, count, accounts):
        """Bulk-insert `count` clients with their history rows, in batches, with a progress bar."""
        numbers = RecordCounter.take(Client.RECORD_SERIES, count)
        conditions = list(Condition.objects.filter(is_active=True))
        progress = ProgressBar(self.stdout, count, "Generating clients")
        for start in range(0, count, BATCH):
            batch = [self.generated_client(n, accounts) for n in numbers[start : start + BATCH]]
            bulk_create_with_history(batch, Client, default_user=accounts[roles.RECEPTION])
            Client.conditions.through.objects.bulk_create(
                Client.conditions.through(
                    client_id=client.pk, condition=conditions[i % len(conditions)]
                )
                for i, client in enumerate(batch, start=start)
            )
            progress.advance(len(batch))
        return count

    def generated_client(self, n, accounts):
        names = FEMALE_NAMES + MALE_NAMES
        female = n % len(names) < len(FEMALE_NAMES)
        first = in_clinic_language(*names[n % len(names)])
        last = in_clinic_language(*SURNAMES[(n // len(names)) % len(SURNAMES)])
        last = f"{last}{in_clinic_language('a', 'а')}" if female else last
        return Client(
            record_number=format_record_number(n),
            first_name=first,
            last_name=last,
            name_key=name_key(last, first),  # bulk inserts skip save()
            date_of_birth=BIRTH_DATES_FROM
            + datetime.timedelta(days=(n * 7919) % BIRTH_DATE_SPREAD_DAYS),
            sex=Client.Sex.FEMALE if female else Client.Sex.MALE,
            phone=f"+7900{n:07d}",
            activity_level=Client.ActivityLevel.SEDENTARY,
            complaint=in_clinic_language("Lower-back pain.", "Боль в пояснице."),
            primary_therapist=accounts[roles.THERAPIST] if n % 2 else None,
            created_by=accounts[roles.RECEPTION],
        )


def planner_statistics():
    """A database just filled in bulk has no planner statistics: without them SQLite reads the
    start page's week of visits through every open course rather than the week's few visits
    (2.4 ms instead of a fraction at 10,000 clients), and PostgreSQL waits for autovacuum."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
