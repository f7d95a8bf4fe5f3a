"""Sample consent texts (each kind, in Russian and English) for the demo and for a clinic to
adapt in the back office, and a drawn signature for demo and test consents."""

import math
import struct
import zlib

from django.utils import timezone

from consent.models import Consent, Kind
from consent.services import (
    fill,
    record_consent,
    sha256,
    stored_as,
    text_in_force,
    write_text,
)

REPRESENTATIVE = {"ru": "Представитель: {representative}", "en": "Representative: {representative}"}

SAMPLE_TEXTS = {
    (Kind.TREATMENT, "ru"): (
        "Информированное добровольное согласие на медицинский массаж",
        """Я, {signer}, даю информированное добровольное согласие на медицинское вмешательство —
курс медицинского массажа пояснично-крестцового отдела позвоночника (вид массажа:
{massage_type}) — пациенту {client} в организации «{clinic}».

Массаж проводит {therapist} по методике клиники: вводная часть (поглаживание, около
3 минут), основная часть (растирание, разминание, вибрация, около 20 минут) и
заключительная часть.

Мне в доступной форме разъяснены:
— цель курса: уменьшить боль и скованность, улучшить подвижность поясницы;
— возможные неприятные ощущения и осложнения: временное усиление боли, болезненность мышц,
покраснение кожи, при вакуумном массаже — следы от банок, головокружение;
— что перед каждым сеансом проверяются заключение врача и отсутствие противопоказаний, и что
я обязан(а) сообщать об изменениях самочувствия;
— другие способы лечения и последствия отказа от массажа.

Я сообщил(а) достоверные сведения о своём здоровье. Я могу отказаться от массажа или отозвать
это согласие в любой момент, сообщив об этом сотруднику клиники.

Дата: {date}""",
    ),
    (Kind.TREATMENT, "en"): (
        "Informed consent to medical massage",
        """I, {signer}, give my informed and voluntary consent to a medical intervention — a course
of medical massage of the lumbosacral spine (massage type: {massage_type}) — for {client}
at {clinic}.

The massage is given by {therapist} by the clinic's technique: an introductory stage
(stroking, about 3 minutes), the main stage (rubbing, kneading, vibration, about 20 minutes)
and a final stage.

It has been explained to me in words I understand:
— the aim of the course: less pain and stiffness, better movement of the lower back;
— the discomfort and complications it may cause: pain that is worse for a while, sore
muscles, reddened skin, marks of the cups after vacuum massage, dizziness;
— that a specialist's clearance and the absence of contraindications are checked before every
session, and that I must tell the clinic when my health changes;
— other ways of treatment, and what refusing massage may mean.

I have told the truth about my health. I may refuse the massage or withdraw this consent at
any time by telling a member of the clinic's staff.

Date: {date}""",
    ),
    (Kind.REFUSAL, "ru"): (
        "Отказ от медицинского массажа",
        """Я, {signer}, отказываюсь от медицинского вмешательства — курса медицинского массажа
пояснично-крестцового отдела позвоночника (вид массажа: {massage_type}) — для пациента
{client} в организации «{clinic}».

Мне в доступной форме разъяснены возможные последствия отказа, в том числе сохранение или
усиление боли и ограничение подвижности, и то, что я могу в любой момент снова обратиться в
клинику и дать согласие на лечение.

Дата: {date}""",
    ),
    (Kind.REFUSAL, "en"): (
        "Refusal of medical massage",
        """I, {signer}, refuse a medical intervention — a course of medical massage of the
lumbosacral spine (massage type: {massage_type}) — for {client} at {clinic}.

What refusing may mean has been explained to me in words I understand, among it pain and
stiffness that last or grow worse, and that I may come back to the clinic and consent to the
treatment at any time.

Date: {date}""",
    ),
    (Kind.PERSONAL_DATA, "ru"): (
        "Согласие на обработку персональных данных",
        """Я, {signer}, в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ
«О персональных данных» даю организации «{clinic}» согласие на обработку персональных данных
пациента {client}: фамилии, имени, отчества, даты рождения, контактных данных и сведений о
состоянии здоровья — для оказания медицинских услуг, ведения медицинской документации и
напоминаний о записи.

Обработка включает сбор, запись, хранение, уточнение, использование и уничтожение данных, в
том числе в информационной системе клиники. Данные не передаются третьим лицам без моего
согласия, кроме случаев, предусмотренных законом.

Согласие действует до его отзыва; я могу отозвать его, сообщив об этом клинике.

Дата: {date}""",
    ),
    (Kind.PERSONAL_DATA, "en"): (
        "Consent to the processing of personal data",
        """I, {signer}, consent to {clinic} processing the personal data of {client} — names, date
of birth, contact details and information about health — to provide medical care, keep the
medical record and send appointment reminders, as the data protection law allows.

Processing means collecting, recording, keeping, correcting, using and destroying the data,
in the clinic's record system among others. The data are not passed to anyone else without
my consent, except where the law requires it.

This consent holds until I withdraw it, which I may do by telling the clinic.

Date: {date}""",
    ),
}


def unwrapped(body):
    """A sample text as it is stored: wrapped here for reading, one line per paragraph (and
    per dash-led item of a list) there, so that the screen wraps it to its own width."""
    lines = []
    for line in body.splitlines():
        if lines and lines[-1] and line and not line.startswith("—"):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return "\n".join(lines)


def write_sample_texts(*, by, in_force_from):
    """Version 1 of each sample text, unless a text of that kind and language exists."""
    written = []
    for (kind, language), (title, body) in SAMPLE_TEXTS.items():
        if text_in_force(kind, language, in_force_from) is None:
            body = f"{unwrapped(body)}\n{REPRESENTATIVE[language]}"
            written.append(
                write_text(
                    by=by,
                    kind=kind,
                    language=language,
                    title=title,
                    body=body,
                    in_force_from=in_force_from,
                )
            )
    return written


def drawn_signature(seed=1, width=240, height=60):
    """A PNG of a wavy stroke, as the signature pad sends one (8-bit RGBA, transparent)."""
    ink = bytearray(height * width * 4)
    for x in range(10, width - 10):
        y = int(height / 2 + height / 3 * math.sin(x / (7 + seed)))
        for dy in (0, 1):
            offset = ((y + dy) * width + x) * 4
            ink[offset : offset + 4] = b"\x0b\x2a\x5b\xff"
    return rgba_png(bytes(ink), width, height)


def rgba_png(pixels, width, height):
    """An 8-bit RGBA PNG of `pixels` (4 bytes each, row by row), every row unfiltered."""
    stride = 4 * width
    rows = b"".join(b"\0" + pixels[row * stride : (row + 1) * stride] for row in range(height))

    def chunk(kind, body):
        checksum = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def sign_on_screen(client, *, by, kind=Kind.TREATMENT, language="en", signed_on=None, **details):
    """A consent of `client` signed on the screen, as the signing page would store it."""
    signed_on = signed_on or timezone.localdate()
    text = text_in_force(kind, language, signed_on)
    details = {
        "signed_by": Consent.Signer.CLIENT,
        "representative_name": "",
        "representative_relationship": "",
        "massage_type": "classic" if kind != Kind.PERSONAL_DATA else "",
        "therapist": None,
        **details,
    }
    shown = fill(text, client=client, details=details, on=signed_on)
    return record_consent(
        client=client,
        text=text,
        details=details,
        shown_sha256=sha256(shown),
        by=by,
        signed_on=signed_on,
        signature=drawn_signature(1),
        countersignature=drawn_signature(2),
    )


def bulk_consents(clients, *, by, signed_on, language):
    """One consent to classic massage per client, inserted in bulk for benchmarks: the rows a
    real consent has, sharing one pair of drawn signatures."""
    text = text_in_force(Kind.TREATMENT, language, signed_on)
    details = {"signed_by": Consent.Signer.CLIENT, "massage_type": "classic", "therapist": by}
    files = {}
    for part, seed in (("signature", 1), ("countersignature", 2)):
        field = Consent._meta.get_field(part)
        name = field.generate_filename(None, "generated.png")
        files[part] = field.storage.save(name, stored_as(drawn_signature(seed), ".png"))
    consents = []
    for client in clients:
        shown = fill(text, client=client, details=details, on=signed_on)
        consent = Consent(
            client=client,
            text=text,
            kind=text.kind,
            shown_text=shown,
            shown_text_sha256=sha256(shown),
            massage_type="classic",
            therapist=by,
            signed_by=Consent.Signer.CLIENT,
            method=Consent.Method.SCREEN,
            countersigned_by=by,
            signed_on=signed_on,
            **files,
        )
        consent.record_sha256 = consent.fingerprint()
        consents.append(consent)
    return Consent.objects.bulk_create(consents)
