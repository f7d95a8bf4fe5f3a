"""The reception's and the therapist's day in Russian, in a real browser: no English word,
names as Russians write them, phones and dates typed as people type them."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinic.models import Client
from clinic.overview.tests.test_in_russian import english_in, visible_text
from clinic.tests.factories import ClientFactory, ReferralNoteFactory
from consent.tests.factories import sample_texts
from e2e.conftest import consent_in_browser, shot, sign_in
from screening.models import Contraindication
from sessions_app.models import Course

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TODAY = timezone.localdate()


@pytest.fixture
def in_russian(settings, django_user_model, reception, therapist):
    settings.LANGUAGE_CODE = "ru"  # the clinic's language (CLINIC_LANGUAGE); tests default to en
    django_user_model.objects.update(last_name="Волкова", first_name="Марина")


def no_english(page):
    words = english_in(visible_text(page.content()))
    assert words == [], f"{page.url}: {words}"


def fits(page, width):
    """The page at this width, with no sideways scrolling: the longer Russian words and the
    language switcher included."""
    page.set_viewport_size({"width": width, "height": 900})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert overflow <= 0, f"{page.url} is {overflow} px too wide at {width} px"


def test_reception_registers_files_a_clearance_and_finds_the_client_in_russian(
    page, reception, in_russian
):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    no_english(page)
    for width in (390, 820, 1366):
        fits(page, width)
    sign_in(page, "reception", labels=("Имя пользователя", "Пароль", "Войти"))
    no_english(page)

    page.get_by_role("link", name="Зарегистрировать клиента").first.click()
    page.get_by_label("Фамилия").fill("Иванова")
    page.locator("#id_first_name").fill("Мария")  # "Имя", a prefix of "Имя пользователя"
    page.get_by_label("Отчество").fill("Петровна")
    page.get_by_label("Дата рождения").fill("12031979")
    # Read back before it is stored: 12 March, never 3 December.
    expect(page.get_by_text(re.compile(r"^12 марта 1979 · \d+ (год|года|лет)$"))).to_be_visible()
    page.get_by_label("Пол").select_option("female")
    page.get_by_label("Телефон").fill("8 916 777 66 55")
    no_english(page)
    page.get_by_role("button", name="Сохранить клиента").click()
    expect(page.get_by_role("heading", name="Иванова Мария Петровна")).to_be_visible()
    expect(page.get_by_text("8 (916) 777-66-55")).to_be_visible()
    expect(page.get_by_text("12 марта 1979")).to_be_visible()
    no_english(page)
    stored = Client.objects.get(last_name="Иванова")
    assert (stored.phone, stored.date_of_birth) == ("+79167776655", datetime.date(1979, 3, 12))
    shot(page, "ru-reception-1-client")

    page.get_by_role("link", name="Добавить заключение специалиста").click()
    page.get_by_label("ФИО специалиста").fill("Петров И. В.")
    page.get_by_label("Дата консультации").fill(TODAY.strftime("%d.%m.%Y"))
    page.get_by_label("Диагноз").fill("Остеохондроз поясничного отдела")
    page.get_by_label("Стадия заболевания").select_option("chronic")
    page.get_by_label("Допущен к мануальной терапии").check()
    no_english(page)
    page.get_by_role("button", name="Сохранить заключение").click()
    expect(page.get_by_text("Заключение специалиста сохранено.")).to_be_visible()
    no_english(page)
    shot(page, "ru-reception-2-referral")

    page.goto("/")
    page.get_by_label("Найти клиента").fill("89167776655")
    page.get_by_role("button", name="Найти", exact=True).click()
    expect(page.get_by_role("link", name="Иванова Мария Петровна")).to_be_visible()
    no_english(page)
    shot(page, "ru-reception-3-search")
    page.goto("/")
    for width in (390, 820, 1366):
        fits(page, width)


def test_a_therapist_screens_plans_and_logs_a_session_in_russian(
    page, therapist, in_russian, django_user_model
):
    sample_texts()  # the clinic's consent texts, as the demo has them
    client = ClientFactory(
        last_name="Антонов", first_name="Борис", patronymic="Ильич", complaint="Боль в пояснице."
    )
    ReferralNoteFactory(
        client=client,
        consult_date=TODAY - datetime.timedelta(days=7),
        specialist_name="Петров И. В.",
        diagnosis="Остеохондроз",
    )
    django_user_model.objects.update(last_name="Волкова", first_name="Марина")
    sign_in(page, "therapist", labels=("Имя пользователя", "Пароль", "Войти"))

    page.goto(client.get_absolute_url())
    page.get_by_role("link", name="Новый скрининг").click()
    no_english(page)
    for item in Contraindication.objects.active():
        page.locator(f"input[name='item_{item.pk}'][value='absent']").check()
    page.get_by_label("Систолическое давление").fill("120")
    page.get_by_label("Диастолическое давление").fill("80")
    page.get_by_role("button", name="Сохранить скрининг").click()
    expect(page.get_by_text("Противопоказаний нет").first).to_be_visible()
    no_english(page)

    page.goto(client.get_absolute_url())
    page.get_by_role("link", name="Запланировать курс").click()
    page.get_by_label("Шаблон плана").select_option(
        label="Классический массаж пояснично-крестцового отдела"
    )
    page.get_by_label("Цель").fill("Высиживать рабочий день без боли.")
    no_english(page)
    page.get_by_role("button", name="Сохранить курс").click()
    no_english(page)
    consent_in_browser(page, show="Показать текст", sign="Подписать")
    no_english(page)
    page.goto(Course.objects.get(client=client).get_absolute_url())

    page.get_by_role("link", name="Записать сеанс").click()
    page.get_by_label("Боль до (0–10)").fill("6")
    page.get_by_label("Боль после (0–10)").fill("3")
    page.get_by_label("Хорошо").check()
    page.locator("#id_form-6-zone").select_option(label="Область почек")
    page.locator("#id_form-6-intensity").select_option("3")
    no_english(page)
    page.get_by_role("button", name="Записать сеанс").click()
    # Refused, and every reason is in Russian.
    expect(page.get_by_text("область почек").first).to_be_visible()
    no_english(page)
    shot(page, "ru-therapist-1-refused")

    page.locator("#id_form-6-zone").select_option(label="Поясничная зона")
    page.locator("#id_form-6-intensity").select_option("2")
    page.get_by_role("button", name="Записать сеанс").click()
    expect(page.get_by_text("записан как черновик")).to_be_visible()
    no_english(page)
    page.get_by_role("link", name="Подписать").click()
    page.get_by_role("button", name="Подписать и закрыть").click()
    expect(page.get_by_text("подписан и закрыт для правок")).to_be_visible()
    no_english(page)

    page.goto(client.get_absolute_url())
    expect(page.get_by_role("heading", name="Антонов Борис Ильич")).to_be_visible()
    no_english(page)
    shot(page, "ru-therapist-2-history")
    for width in (390, 820, 1366):
        fits(page, width)
