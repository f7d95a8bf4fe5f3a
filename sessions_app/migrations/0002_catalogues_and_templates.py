"""Load the techniques, zones and plan templates of domain.md ("How a session is built")."""

from django.db import migrations

# code, name, category, relaxing, may open a session, description
TECHNIQUES = [
    (
        "stroking",
        "Stroking",
        "basic",
        True,
        True,
        "The hand slides without gathering the skin into folds, pressing lightly at most; along "
        "and across the body, in circles, spirals or zigzags. Warms up at the start and relaxes "
        "at the end.",
    ),
    (
        "rubbing",
        "Rubbing",
        "basic",
        False,
        False,
        "The skin is displaced and stretched, gathered into a roll, in circular and straight "
        "moves; about 100 moves a minute, from soft (fingertips) to tough (palms, fists).",
    ),
    (
        "kneading",
        "Kneading",
        "basic",
        False,
        False,
        "Squeezing, rolling and gripping combined: gymnastics for the muscle. Improves blood "
        "supply, muscle tone and ligament elasticity.",
    ),
    (
        "vibration",
        "Vibration",
        "basic",
        False,
        False,
        "Continuous or intermittent shock moves; patting and shaking are its auxiliary forms.",
    ),
    (
        "gluteal_stretch",
        "Gluteal stretch",
        "lumbar",
        False,
        True,
        "Stretch of the gluteal muscles; opens the introductory stage.",
    ),
    ("push_ups", "Push-ups", "lumbar", False, False, "Rhythmic pressing over the lower back."),
    (
        "fist_crest_stretch",
        "Fist-crest stretching",
        "lumbar",
        False,
        False,
        "Stretching the muscles with the crests of the fists; one of the most effective moves.",
    ),
    (
        "shaking",
        "Shaking",
        "lumbar",
        True,
        False,
        "Shaking of the muscles; relaxes, and closes the session with stroking.",
    ),
    (
        "cup_gliding",
        "Cup gliding",
        "vacuum",
        False,
        False,
        "Glass or ceramic cups glide along the muscles; improves blood flow in the sacral and "
        "lumbar region.",
    ),
    (
        "point_pressure",
        "Point pressure",
        "spot",
        False,
        False,
        "Finger pressure on pain and acupuncture points; consolidates the effect of classic "
        "massage.",
    ),
]

# code, name, deepest intensity allowed (1 light, 2 moderate, 3 deep)
ZONES = [
    ("lumbar", "Lumbar zone", 3),
    ("sacral", "Sacral zone", 3),
    ("gluteal", "Gluteal zone", 3),
    ("pelvic", "Pelvic area", 3),
    ("paravertebral", "Paravertebral zone", 3),
    ("kidney_area", "Kidney area", 1),
    ("heart_projection", "Heart projection", 1),
]

L, M = 1, 2  # light, moderate
INTRODUCTORY, MAIN, FINAL = 1, 2, 3

# name, massage type, description, steps: (stage, technique, zone, repetitions, intensity, seconds)
TEMPLATES = [
    (
        "Classic lumbosacral massage",
        "classic",
        "The clinic's standard scheme: a 3-minute warm-up, about 20 minutes of the main "
        "techniques, a few minutes of relaxing close.",
        [
            (INTRODUCTORY, "gluteal_stretch", "gluteal", 2, L, 40),
            (INTRODUCTORY, "stroking", "pelvic", 2, L, 40),
            (INTRODUCTORY, "kneading", "pelvic", 2, L, 40),
            (INTRODUCTORY, "shaking", "gluteal", 2, L, 30),
            (INTRODUCTORY, "stroking", "lumbar", 2, L, 30),
            (MAIN, "rubbing", "paravertebral", 3, M, 240),
            (MAIN, "kneading", "lumbar", 3, M, 300),
            (MAIN, "fist_crest_stretch", "lumbar", 3, M, 240),
            (MAIN, "push_ups", "sacral", 2, M, 180),
            (MAIN, "vibration", "sacral", 2, L, 120),
            (MAIN, "stroking", "kidney_area", 2, L, 120),
            (FINAL, "stroking", "lumbar", 3, L, 120),
            (FINAL, "shaking", "gluteal", 2, L, 60),
            (FINAL, "stroking", "sacral", 2, L, 120),
        ],
    ),
    (
        "Vacuum (cupping) lumbosacral massage",
        "vacuum",
        "Cups glide over the lumbar and sacral region after a manual warm-up.",
        [
            (INTRODUCTORY, "stroking", "lumbar", 2, L, 90),
            (INTRODUCTORY, "kneading", "lumbar", 2, L, 90),
            (MAIN, "cup_gliding", "paravertebral", 3, M, 600),
            (MAIN, "cup_gliding", "sacral", 3, M, 300),
            (MAIN, "cup_gliding", "gluteal", 2, M, 300),
            (FINAL, "stroking", "lumbar", 3, L, 180),
            (FINAL, "shaking", "gluteal", 2, L, 120),
        ],
    ),
    (
        "Spot (acupressure) lumbosacral massage",
        "spot",
        "Finger pressure on pain and acupuncture points, to consolidate a classic course.",
        [
            (INTRODUCTORY, "stroking", "lumbar", 2, L, 90),
            (INTRODUCTORY, "kneading", "lumbar", 2, L, 90),
            (MAIN, "point_pressure", "paravertebral", 3, M, 600),
            (MAIN, "point_pressure", "sacral", 3, M, 300),
            (MAIN, "point_pressure", "gluteal", 2, M, 300),
            (FINAL, "stroking", "lumbar", 3, L, 180),
            (FINAL, "shaking", "gluteal", 2, L, 120),
        ],
    ),
]


def load(apps, schema_editor):
    Technique = apps.get_model("sessions_app", "Technique")
    Zone = apps.get_model("sessions_app", "Zone")
    PlanTemplate = apps.get_model("sessions_app", "PlanTemplate")
    TemplateStep = apps.get_model("sessions_app", "TemplateStep")
    for position, (code, name, category, relaxing, opens, description) in enumerate(TECHNIQUES, 1):
        Technique.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "is_relaxing": relaxing,
                "opens_session": opens,
                "description": description,
                "position": position * 10,
            },
        )
    for position, (code, name, deepest) in enumerate(ZONES, 1):
        Zone.objects.get_or_create(
            code=code, defaults={"name": name, "max_intensity": deepest, "position": position * 10}
        )
    techniques = {t.code: t for t in Technique.objects.all()}
    zones = {z.code: z for z in Zone.objects.all()}
    for name, massage_type, description, steps in TEMPLATES:
        template, created = PlanTemplate.objects.get_or_create(
            name=name, defaults={"massage_type": massage_type, "description": description}
        )
        if not created:
            continue
        for position, (stage, technique, zone, repetitions, intensity, seconds) in enumerate(
            steps, 1
        ):
            TemplateStep.objects.create(
                template=template,
                stage=stage,
                position=position,
                technique=techniques[technique],
                zone=zones[zone],
                repetitions=repetitions,
                intensity=intensity,
                planned_seconds=seconds,
            )


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
