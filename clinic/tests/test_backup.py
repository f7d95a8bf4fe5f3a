"""backup and restore keep every row and every history entry, and the scans."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from clinic.models import Client, ReferralNote
from clinic.tests.factories import ClientFactory

# Transactional tests empty the database afterwards; serialized_rollback puts the data of the
# migrations (catalogues, counters) back for the tests that come next.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def every_row():
    """The number of rows of every model of the project, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"clinic", "screening", "sessions_app", "auth", "axes"}
    }


def test_a_backup_brings_back_every_row_history_entry_and_scan(tmp_path, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    note = ReferralNote.objects.first()
    note.scan = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 the letter")
    note.save()
    before = every_row()
    assert before["clinic.HistoricalClient"] > 0 and before["sessions_app.SessionStep"] > 0

    call_command("backup", str(tmp_path / "b"))
    ClientFactory(first_name="Added", last_name="Afterwards")
    Client.objects.filter(last_name="Petrova").update(phone="+70000000000")
    note.scan.storage.delete(note.scan.name)
    assert every_row() != before

    call_command("restore", str(tmp_path / "b"), yes=True)

    assert every_row() == before
    assert Client.objects.get(last_name="Petrova").phone == "+79161234501"
    note.refresh_from_db()
    assert note.scan.storage.exists(note.scan.name)


def test_the_backup_refuses_an_existing_folder(tmp_path):
    (tmp_path / "b").mkdir()
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(tmp_path / "b"))


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="is not there"):
        call_command("restore", str(tmp_path), yes=True)


def test_dry_runs_write_nothing(tmp_path, capsys):
    call_command("backup", str(tmp_path / "b"), dry_run=True)
    assert not (tmp_path / "b").exists()
    assert "Would write" in capsys.readouterr().out


def test_a_backup_is_readable_by_its_owner_only(tmp_path):
    call_command("backup", str(tmp_path / "b"))
    assert (tmp_path / "b").stat().st_mode & 0o077 == 0
    for written in (tmp_path / "b").rglob("*"):
        assert written.stat().st_mode & 0o077 == 0, written


def test_a_failed_backup_leaves_no_half_folder(tmp_path, monkeypatch):
    import clinic.lib.backups as backups

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(backups.shutil, "copytree", broken)
    media = tmp_path / "media"
    media.mkdir()
    monkeypatch.setattr(backups.settings, "MEDIA_ROOT", media)
    with pytest.raises(CommandError, match="disk full"):
        call_command("backup", str(tmp_path / "b"))
    assert not (tmp_path / "b").exists()


def test_restore_keeps_a_linked_scans_folder_and_fills_it(tmp_path, settings):
    real = tmp_path / "real-media"
    (real / "referral-scans").mkdir(parents=True)
    (real / "referral-scans" / "old.pdf").write_bytes(b"%PDF-old")
    link = tmp_path / "media-link"
    link.symlink_to(real)
    settings.MEDIA_ROOT = link
    call_command("backup", str(tmp_path / "b"))
    (real / "referral-scans" / "old.pdf").unlink()
    (real / "referral-scans" / "new.pdf").write_bytes(b"%PDF-new")

    call_command("restore", str(tmp_path / "b"), yes=True)

    assert link.is_symlink()
    assert sorted(p.name for p in (real / "referral-scans").iterdir()) == ["old.pdf"]
