"""Evidence files are accepted by what they contain, not by their name; the progress form."""

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from solutions.evidence import validate_evidence
from solutions.forms import ProgressForm
from solutions.services import record_progress

# --- real (minimal) files, built in memory


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b""
    )


def jpeg() -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + b"\xff\xd9"


def gif() -> bytes:
    return b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def webp() -> bytes:
    body = b"WEBPVP8 " + struct.pack("<I", 10) + b"\x00" * 10
    return b"RIFF" + struct.pack("<I", len(body)) + body


def zip_of(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries[stored_first],
                             compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx() -> bytes:
    return zip_of({
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": '<w:document><w:body><w:p><w:r><w:t>Báo cáo</w:t></w:r></w:p>'
        "</w:body></w:document>".encode(),
    })


def xlsx() -> bytes:
    return zip_of({
        "[Content_Types].xml": CONTENT_TYPES,
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"<worksheet/>",
    })


def pptx() -> bytes:
    return zip_of({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p/>"})


def odt() -> bytes:
    return zip_of(
        {"mimetype": b"application/vnd.oasis.opendocument.text",
         "content.xml": b"<office:document-content/>",
         "META-INF/manifest.xml": b"<manifest/>"},
        stored_first="mimetype",
    )


def ods() -> bytes:
    return zip_of(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
         "content.xml": b"<office:document-content/>"},
        stored_first="mimetype",
    )


def ole() -> bytes:
    # A legacy .doc/.xls/.ppt: the Compound File header, then its 512-byte sector.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00" + (
        b"\x00" * 484
    )


def plain(messages) -> list[str]:
    """filesizeformat() joins number and unit with a no-break space."""
    return [str(m).replace("\xa0", " ") for m in messages]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


ACCEPTED = [
    ("bao-cao.pdf", pdf),
    ("anh-chup.png", png),
    ("anh-chup.jpg", jpeg),
    ("hinh.gif", gif),
    ("hinh.webp", webp),
    ("bao-cao.docx", docx),
    ("so-lieu.xlsx", xlsx),
    ("trinh-chieu.pptx", pptx),
    ("bao-cao.odt", odt),
    ("so-lieu.ods", ods),
    ("bao-cao.doc", ole),
    # The name does not matter, only the content: a real PDF saved without an extension.
    ("scan", pdf),
]


@pytest.mark.parametrize(("name", "build"), ACCEPTED, ids=[n for n, _ in ACCEPTED])
def test_accepts_real_documents(name, build):
    file = upload(name, build())
    validate_evidence(file)  # no ValidationError
    assert file.tell() == 0, "the file is rewound for whoever reads it next"


def _flip_zip_entry(data: bytes, *, local: tuple[int, bytes], central: tuple[int, bytes]):
    """Patch the first entry's local header and central directory record at byte offsets."""
    out = bytearray(data)
    at = central[0] + out.find(b"PK\x01\x02")
    out[at:at + len(central[1])] = central[1]
    out[local[0]:local[0] + len(local[1])] = local[1]
    return bytes(out)


def encrypted_mimetype() -> bytes:
    # General-purpose flag bit 0 = "encrypted": zipfile raises RuntimeError on read.
    data = odt()
    flags = struct.pack("<H", 1)
    return _flip_zip_entry(data, local=(6, flags), central=(8, flags))


def unknown_compression_mimetype() -> bytes:
    # Compression method 99 (AES): zipfile raises NotImplementedError on read.
    method = struct.pack("<H", 99)
    return _flip_zip_entry(odt(), local=(8, method), central=(10, method))


def corrupt_deflate_mimetype() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" * 10)
    data = bytearray(buffer.getvalue())
    start = 30 + len("mimetype")  # local header, name, no extra field
    data[start:start + 6] = b"\xff" * 6  # zlib.error: invalid block type
    return bytes(data)


REJECTED = [
    ("exe-renamed-pdf", "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
     + b"\x00" * 200),
    ("plain-zip-renamed-docx", "report.docx", zip_of({"notes.txt": b"hello"})),
    ("zip-with-content-types-but-no-office-part", "report.docx",
     zip_of({"[Content_Types].xml": CONTENT_TYPES, "payload/run.js": b"alert(1)"})),
    ("zip-with-office-folder-but-no-content-types", "report.xlsx",
     zip_of({"xl/workbook.xml": b"<workbook/>"})),
    ("epub-is-not-opendocument", "book.odt",
     zip_of({"mimetype": b"application/epub+zip"}, stored_first="mimetype")),
    ("truncated-zip", "report.docx", b"PK\x03\x04" + b"\x00" * 40),
    ("text-file", "report.pdf", "Báo cáo tiến độ quý I\n".encode()),
    ("html", "report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("svg", "chart.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'),
    ("pdf-magic-not-at-start", "report.pdf", b"\n\n" + pdf()),
    ("empty-file", "report.pdf", b""),
    # Damaged or crafted archives must be refused, not crash the request with a 500.
    ("zip-encrypted-entry", "report.odt", encrypted_mimetype()),
    ("zip-unknown-compression", "report.odt", unknown_compression_mimetype()),
    ("zip-corrupt-deflate-stream", "report.odt", corrupt_deflate_mimetype()),
]


@pytest.mark.parametrize(("name", "content"), [(n, c) for _, n, c in REJECTED],
                         ids=[i for i, _, _ in REJECTED])
def test_rejects_what_is_not_a_document(name, content):
    file = upload(name, content)
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            validate_evidence(file)
        message = str(caught.value.messages[0])
    assert caught.value.code == "bad_type"
    assert "not accepted" in message
    assert "PDF" in message  # it says what is accepted


def test_a_zip_bomb_is_not_unpacked_into_memory():
    """A small upload whose "mimetype" entry inflates to 100 MB must not be read whole.

    Deflate reaches about 1000:1, so a 10 MB upload could otherwise inflate to ~10 GB.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w") as entry:
            entry.write(b"application/vnd.oasis.opendocument.text")
            block = b" " * (1 << 20)
            for _ in range(100):
                entry.write(block)
    file = upload("report.odt", buffer.getvalue())
    assert file.size < 1 << 20

    tracemalloc.start()
    try:
        try:
            validate_evidence(file)
        except ValidationError:
            pass  # refusing is fine; what matters is memory
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"validation allocated {peak / 2**20:.0f} MB"


class TestSizeLimit:
    def test_over_the_limit_says_the_size_and_the_limit(self, settings):
        settings.EVIDENCE_MAX_BYTES = 1000
        file = upload("report.pdf", pdf() + b"%" * (1536 - len(pdf())))
        with translation.override("en"):
            with pytest.raises(ValidationError) as caught:
                validate_evidence(file)
            messages = plain(caught.value.messages)
        assert caught.value.code == "too_big"
        assert messages == ["The file is 1.5 KB; the limit is 1000 bytes."]

    def test_exactly_at_the_limit_is_accepted(self, settings):
        settings.EVIDENCE_MAX_BYTES = 1000
        validate_evidence(upload("report.pdf", pdf().ljust(1000, b" ")))

    def test_one_byte_over_is_refused(self, settings):
        settings.EVIDENCE_MAX_BYTES = 1000
        with pytest.raises(ValidationError) as caught:
            validate_evidence(upload("report.pdf", pdf().ljust(1001, b" ")))
        assert caught.value.code == "too_big"

    def test_an_11_mb_file_with_the_default_limit(self):
        content = pdf() + b"0" * (11 * 1024 * 1024 - len(pdf()))
        form = ProgressForm(
            data={"percent": "50", "note": "Kèm bản quét"},
            files={"evidence": upload("ban-quet.pdf", content)},
        )
        with translation.override("en"):
            assert not form.is_valid()
            assert plain(form.errors["evidence"]) == [
                "The file is 11.0 MB; the limit is 10.0 MB."
            ]


class TestProgressForm:
    def _errors(self, data, files=None):
        form = ProgressForm(data=data, files=files)
        with translation.override("en"):
            assert not form.is_valid()
            return {field: [str(m) for m in messages] for field, messages in form.errors.items()}

    @pytest.mark.parametrize(
        ("percent", "expected"),
        [
            ("101", "The progress is at most 100%."),
            ("-1", "The progress is at least 0%."),
            ("abc", "Enter a whole number from 0 to 100."),
            ("50.5", "Enter a whole number from 0 to 100."),
            ("1e2", "Enter a whole number from 0 to 100."),
            ("", "Enter the progress, a whole number from 0 to 100."),
        ],
    )
    def test_invalid_percent(self, percent, expected):
        assert self._errors({"percent": percent, "note": "Đã làm"}) == {"percent": [expected]}

    def test_missing_percent(self):
        assert self._errors({"note": "Đã làm"}) == {
            "percent": ["Enter the progress, a whole number from 0 to 100."]
        }

    @pytest.mark.parametrize("note", ["", "   ", "\n\t  \r\n"])
    def test_empty_or_blank_note(self, note):
        assert self._errors({"percent": "50", "note": note}) == {
            "note": ["Describe what was done."]
        }

    def test_note_too_long(self):
        errors = self._errors({"percent": "50", "note": "x" * 5001})
        assert list(errors) == ["note"]
        assert "5000" in errors["note"][0]

    @pytest.mark.parametrize(("raw", "clean"), [("0", 0), ("100", 100), (" 75 ", 75),
                                                ("50.0", 50)])
    def test_valid_data_cleans_to_an_int_and_a_stripped_note(self, raw, clean):
        form = ProgressForm(data={"percent": raw, "note": "  Đã ban hành quyết định \n"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["percent"] == clean
        assert type(form.cleaned_data["percent"]) is int
        assert form.cleaned_data["note"] == "Đã ban hành quyết định"
        assert not form.cleaned_data["evidence"]

    def test_accepts_a_real_document(self):
        form = ProgressForm(data={"percent": "60", "note": "x"},
                            files={"evidence": upload("bao-cao.docx", docx())})
        assert form.is_valid(), form.errors

    def test_refuses_an_exe_named_pdf(self):
        errors = self._errors({"percent": "60", "note": "x"},
                              {"evidence": upload("report.pdf", b"MZ\x90\x00" + b"\x00" * 60)})
        assert list(errors) == ["evidence"]
        assert "not accepted" in errors["evidence"][0]

    def test_refuses_an_empty_file(self):
        errors = self._errors({"percent": "60", "note": "x"},
                              {"evidence": upload("report.pdf", b"")})
        assert list(errors) == ["evidence"]

    def test_initial_percent_is_the_assignment_latest(self, assignment_a):
        assignment_a.latest_percent = 35
        assert ProgressForm(assignment=assignment_a).initial["percent"] == 35
        bound = ProgressForm(data={"percent": "40", "note": "x"}, assignment=assignment_a)
        assert bound.initial.get("percent") is None

    @pytest.mark.parametrize(("name", "build"), [("bao-cao.docx", docx), ("bao-cao.odt", odt),
                                                 ("anh.png", png)])
    def test_the_validated_file_is_stored_whole(self, assignment_a, staff_a, name, build):
        """Sniffing reads the head and the zip index: what is stored must still be the whole
        file, from its first byte."""
        content = build()
        form = ProgressForm(data={"percent": "60", "note": "x"},
                            files={"evidence": upload(name, content)})
        assert form.is_valid(), form.errors
        entry = record_progress(
            assignment=assignment_a, user=staff_a, percent=form.cleaned_data["percent"],
            note=form.cleaned_data["note"], evidence=form.cleaned_data["evidence"],
        )
        with entry.evidence.open("rb") as stored:
            assert stored.read() == content


MISNAMED = [
    ("bao-cao.docm", docx),  # a macro-enabled name on a Word document
    ("bao-cao.bat", pdf),
    ("bao-cao.svg", pdf),
    ("so-lieu.docx", xlsx),  # an Excel workbook named as Word
    ("anh.pdf", png),
]


@pytest.mark.parametrize(("name", "build"), MISNAMED, ids=[n for n, _ in MISNAMED])
def test_a_name_that_does_not_match_the_content_is_refused(name, build):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            validate_evidence(upload(name, build()))
        message = str(caught.value.messages[0])
    assert caught.value.code == "name_mismatch"
    assert "Rename it" in message
