"""Scans of specialists' letters and signed papers: which files are accepted, judged by their
content, and how a stored one is served."""

import logging

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MAX_SCAN_BYTES = 10 * 1024 * 1024

# The first bytes of each accepted format, and the extension and type it is stored and served as.
SIGNATURES = [
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
]
# Formats people try to upload by mistake or malice, named so the message says what was sent.
RECOGNISED_OTHERS = [
    (b"MZ", _("a Windows program")),
    (b"\x7fELF", _("a program")),
    (b"PK\x03\x04", _("a ZIP archive or an Office document")),
    (b"<", _("a web page or script")),
]


def scan_format(head):
    """(extension, content type) of a scan from its first bytes, or None if not accepted."""
    for signature, extension, content_type in SIGNATURES:
        if head.startswith(signature):
            return extension, content_type
    return None


def validate_scan(upload):
    if upload.size > MAX_SCAN_BYTES:
        raise ValidationError(
            _("The scan is %(size)s; the limit is 10 MB. Scan at a lower resolution or as PDF."),
            code="scan_too_large",
            params={"size": filesizeformat(upload.size)},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if scan_format(head) is None:
        what = next(
            (name for magic, name in RECOGNISED_OTHERS if head.lstrip().startswith(magic)), None
        )
        if what:
            raise ValidationError(
                _(
                    "This file is %(what)s, not a PDF, JPEG or PNG scan, whatever its name says. "
                    "Scan the letter again as PDF, JPEG or PNG."
                ),
                code="scan_type",
                params={"what": what},
            )
        raise ValidationError(
            _(
                "This file is not a PDF, JPEG or PNG scan, whatever its name says. "
                "Scan the letter again as PDF, JPEG or PNG."
            ),
            code="scan_type",
        )


def stored_file_response(stored, filename):
    """A stored scan (or drawn signature) as the response of a view that has checked the
    user's role: never cached, and an image with no right to run anything. `filename` is
    the download's name without its extension, which the file's content decides. The view
    is exempt from the site's CSP (csp_exempt): Chrome's PDF viewer refuses a PDF served
    under it, and images get the stricter policy set here."""
    try:
        opened = stored.open("rb")
    except FileNotFoundError:
        logger.error("%s is missing from storage", stored.name)
        raise Http404(gettext("The file is missing from storage; ask a clinic admin.")) from None
    found = scan_format(opened.read(16))
    opened.seek(0)
    if found is None:  # a file that changed in storage since it was checked
        opened.close()
        raise Http404(gettext("The stored file is not a readable PDF, JPEG or PNG."))
    extension, content_type = found
    response = FileResponse(opened, content_type=content_type, filename=f"{filename}{extension}")
    response["Cache-Control"] = "no-store, private"
    if content_type != "application/pdf":
        # Images are shown with no right to run scripts or reach other pages. PDFs go to the
        # browser's own viewer, which refuses sandboxed documents and runs isolated anyway.
        response["Content-Security-Policy"] = "sandbox"
    return response
