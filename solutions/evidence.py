"""Evidence files (tài liệu kiểm chứng): accepted by what they contain, not by their name."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ACCEPTED_HELP = _("PDF, Word, Excel, PowerPoint, OpenDocument or an image (PNG, JPEG, GIF, WebP).")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls / .ppt
_OOXML_PARTS = ("word/", "xl/", "ppt/")


def sniff(head: bytes, file) -> str | None:
    """The kind of document a file holds, from its first bytes (and its zip index), or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(_OLE):
        return "office"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
                if "[Content_Types].xml" in names and any(
                    n.startswith(_OOXML_PARTS) for n in names
                ):
                    return "office"
                if "mimetype" in names:
                    # Read a few bytes only: a crafted entry could unpack to gigabytes.
                    with archive.open("mimetype") as entry:
                        if entry.read(80).startswith(b"application/vnd.oasis.opendocument"):
                            return "opendocument"
        except Exception:  # a damaged or crafted archive (bad CRC, encryption...) is no document
            return None
        finally:
            file.seek(0)
    return None


def validate_evidence(file) -> None:
    if file.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="too_big",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            },
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if sniff(head, file) is None:
        raise ValidationError(
            _("This file type is not accepted. Accepted types: %(accepted)s"),
            code="bad_type",
            params={"accepted": ACCEPTED_HELP},
        )
