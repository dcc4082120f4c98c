"""The DOCX made a PDF for reading, by LibreOffice (headless) where it is installed."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

TIMEOUT_SECONDS = 120


class PdfUnavailable(Exception):
    """LibreOffice is not installed here, or it failed: the page says so plainly."""


def soffice() -> str | None:
    return shutil.which(settings.SOFFICE_BINARY)


def docx_to_pdf(content: bytes) -> bytes:
    binary = soffice()
    if binary is None:
        raise PdfUnavailable("LibreOffice is not installed on this server.")
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(content)
        # A profile of its own per conversion: two at once would fight over a shared one.
        profile = (folder / "profile").as_uri()
        try:
            subprocess.run(
                [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                check=True, capture_output=True, timeout=TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise PdfUnavailable(f"LibreOffice could not convert the report: {error}") from error
        target = folder / "report.pdf"
        if not target.exists():
            raise PdfUnavailable("LibreOffice produced no PDF.")
        return target.read_bytes()
