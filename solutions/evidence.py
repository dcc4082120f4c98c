"""Evidence files (tài liệu kiểm chứng): accepted by what they contain, not by their name.

The name must agree with the content: a file whose name carries an extension must carry one
that its content allows (a PDF is .pdf, a Word document .docx...). A PDF named `.bat`, `.hta`,
`.docm`, `.js`, `.html` or `.svg` is refused, not renamed: the uploader learns that the file is
not what its name says (often the wrong file picked), and nothing is stored under a name that a
desktop would open with another program. A name without any extension ("scan") gets the
content's own. Downloads are always attachments, named and typed from the content
(download_name, CONTENT_TYPES), so a file stored before this rule is served safely too.
"""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ACCEPTED_HELP = _("PDF, Word, Excel, PowerPoint, OpenDocument or an image (PNG, JPEG, GIF, WebP).")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls / .ppt
_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}

# Per kind of content: the extensions its name may end in (the first is the one it is given
# when it has none) and the type it is served as. Macro-enabled names (.docm, .xlsm, .pptm)
# are not among them: the portal takes documents, not programs.
EXTENSIONS = {
    "pdf": (".pdf",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "gif": (".gif",),
    "webp": (".webp",),
    "ole": (".doc", ".xls", ".ppt"),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "pptx": (".pptx",),
    "odt": (".odt",),
    "ods": (".ods",),
    "odp": (".odp",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "ole": "application/octet-stream",  # .doc, .xls or .ppt: the bytes do not say which
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
KIND_LABELS = {
    "pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WebP",
    "ole": "Word/Excel/PowerPoint 97-2003", "docx": "Word", "xlsx": "Excel",
    "pptx": "PowerPoint", "odt": "OpenDocument", "ods": "OpenDocument", "odp": "OpenDocument",
}


def sniff(head: bytes, file) -> str | None:
    """The kind of document a file holds (a key of EXTENSIONS), from its first bytes (and its
    zip index), or None."""
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
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
                if "[Content_Types].xml" in names:
                    for prefix, kind in _OOXML_PARTS.items():
                        if any(n.startswith(prefix) for n in names):
                            return kind
                if "mimetype" in names:
                    # Read a few bytes only: a crafted entry could unpack to gigabytes.
                    with archive.open("mimetype") as entry:
                        mimetype = entry.read(80).strip()
                    return _ODF.get(mimetype)
        except Exception:  # a damaged or crafted archive (bad CRC, encryption...) is no document
            return None
        finally:
            file.seek(0)
    return None


def kind_of(file) -> str | None:
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    return sniff(head, file)


def name_for(name: str, kind: str) -> str:
    """The name a file of this kind is kept and served under: the uploader's, with the
    content's extension when the name has an extension the content does not allow."""
    path = PurePath(PurePath(name or "").name)  # never a folder
    stem = path.stem if path.suffix else path.name
    if path.suffix.lower() in EXTENSIONS[kind]:
        return path.name
    return f"{stem or 'evidence'}{EXTENSIONS[kind][0]}"


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
    kind = kind_of(file)
    if kind is None:
        raise ValidationError(
            _("This file type is not accepted. Accepted types: %(accepted)s"),
            code="bad_type",
            params={"accepted": ACCEPTED_HELP},
        )
    suffix = PurePath(file.name or "").suffix.lower()
    if suffix and suffix not in EXTENSIONS[kind]:
        raise ValidationError(
            _("This file is a %(kind)s document but its name ends in “%(suffix)s”. Rename it "
              "to end in %(expected)s (or choose the right file) and send it again."),
            code="name_mismatch",
            params={"kind": KIND_LABELS[kind], "suffix": suffix,
                    "expected": " / ".join(EXTENSIONS[kind])},
        )
