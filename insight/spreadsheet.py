"""A small XLSX writer for the report's tables: values, a handful of styles, print set-up.

The period report's workbook holds one row per overdue assignment: tens of thousands of rows
at national scale. openpyxl, even write-only, builds a cell object and an XML element for each
value; this writes each row as a string, which is what keeps the year's file fast to make.
It knows only what the exports use: text, numbers and dates; the styles below; column widths;
the first row frozen, filtered and repeated on every printed page; A4 fitted to the width; a
header and footer. openpyxl reads the files back in the tests.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# The cell styles (indexes into styles.xml's cellXfs).
PLAIN, HEAD, BOLD, TITLE, WRAP, DATE, BOLD_DATE = range(7)
DATE_FORMAT = "dd/mm/yyyy"
HEAD_FILL = "FFDFE3EA"
EPOCH = datetime.datetime(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk)
WRAP_OVER = 40  # text longer than this wraps in its column
# Characters XML 1.0 cannot carry (a spreadsheet cell would be refused): dropped.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

STYLES = f"""{XML_HEAD}<styleSheet xmlns="{MAIN}">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>\
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="13"/><name val="Calibri"/></font></fonts>\
<fills count="3"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="{HEAD_FILL}"/><bgColor indexed="64"/>\
</patternFill></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="7">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" \
applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" \
applyFont="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


def _text(value: str) -> str:
    return escape(ILLEGAL.sub("", value))


def _cell(ref: str, value, style: int | None) -> str:
    """One <c> element; `style` None: the value's own (dates as dates, long text wrapped)."""
    kind = type(value)
    if kind is str and value:
        if style is None:
            style = WRAP if len(value) > WRAP_OVER else PLAIN
        s = f' s="{style}"' if style else ""
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    if kind is int or kind is float:
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>' if style else ""
    if kind is bool:
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime.date):
        moment = (value if isinstance(value, datetime.datetime)
                  else datetime.datetime.combine(value, datetime.time()))
        serial = (moment.replace(tzinfo=None) - EPOCH) / datetime.timedelta(days=1)
        s = BOLD_DATE if style == BOLD else DATE
        return f'<c r="{ref}" s="{s}"><v>{serial:g}</v></c>'
    return _cell(ref, str(value), style)  # e.g. a lazy translation, a Decimal


@dataclass
class Sheet:
    title: str
    widths: dict[int, float] = field(default_factory=dict)  # column (1-based) -> characters
    freeze_header: bool = False
    filter_header: bool = False
    repeat_header: bool = False
    landscape: bool = False
    header: tuple[str, str, str] = ("", "", "")  # printed page header: left, centre, right
    footer_right: str = ""
    top_margin: float = 0.75
    _rows: list[str] = field(default_factory=list)
    _width: int = 0
    _letters: list[str] = field(default_factory=list)

    def append(self, values: list, style: int | list | None = None) -> None:
        """The next row. style: one for every cell, one per cell, or None (each value's own)."""
        number = len(self._rows) + 1
        if len(values) > len(self._letters):
            self._letters = [get_column_letter(i) for i in range(1, len(values) + 1)]
        styles = style if isinstance(style, list) else [style] * len(values)
        cells = "".join(_cell(f"{self._letters[i]}{number}", value, styles[i])
                        for i, value in enumerate(values))
        self._width = max(self._width, len(values))
        self._rows.append(f'<row r="{number}">{cells}</row>' if cells else f'<row r="{number}"/>')

    @property
    def ref(self) -> str:
        return f"A1:{get_column_letter(max(self._width, 1))}{max(len(self._rows), 1)}"

    def xml(self, *, selected: bool) -> str:
        pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                if self.freeze_header else "")
        tab = ' tabSelected="1"' if selected else ""
        cols = "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
                       for c, w in sorted(self.widths.items()))
        left, centre, right = (_text(part.replace("&", "&&")) for part in self.header)
        header = f"<oddHeader>&amp;L{left}&amp;C{centre}&amp;R{right}</oddHeader>"
        footer = (f"<oddFooter>&amp;R{_text(self.footer_right)}</oddFooter>"
                  if self.footer_right else "")
        return "".join([
            XML_HEAD, f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">',
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            f'<dimension ref="{self.ref}"/>',
            f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>',
            '<sheetFormatPr defaultRowHeight="15"/>',
            f"<cols>{cols}</cols>" if cols else "",
            "<sheetData>", *self._rows, "</sheetData>",
            f'<autoFilter ref="{self.ref}"/>' if self.filter_header and len(self._rows) > 1
            else "",
            f'<pageMargins left="0.7" right="0.7" top="{self.top_margin:g}" bottom="0.75" '
            'header="0.3" footer="0.3"/>',
            f'<pageSetup paperSize="9" orientation="{"landscape" if self.landscape else "portrait"}" '
            'fitToWidth="1" fitToHeight="0"/>',
            f"<headerFooter>{header}{footer}</headerFooter>",
            "</worksheet>",
        ])


class Book:
    def __init__(self):
        self.sheets: list[Sheet] = []

    def sheet(self, title: str, **options) -> Sheet:
        sheet = Sheet(title=title, **options)
        self.sheets.append(sheet)
        return sheet

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name="{escape(s.title, {chr(34): "&quot;"})}" '
                         f'sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, start=1))
        names = []
        for i, s in enumerate(self.sheets):
            quoted = "'" + s.title.replace("'", "''") + "'"
            if s.filter_header and len(s._rows) > 1:
                absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", s.ref)
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" '
                             f'hidden="1">{escape(quoted)}!{absolute}</definedName>')
            if s.repeat_header:
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                             f"{escape(quoted)}!$1:$1</definedName>")
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
                f'<bookViews><workbookView activeTab="0"/></bookViews>'
                f"<sheets>{sheets}</sheets>{defined}</workbook>")

    def save(self) -> bytes:
        n = len(self.sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1))
        types = (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>')
        root_rels = (f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
                     f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        book_rels = "".join(
            f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
        book_rels = (f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">{book_rels}'
                     f'<Relationship Id="rId{n + 1}" Type="{RELS}/styles" Target="styles.xml"/>'
                     "</Relationships>")
        out = io.BytesIO()
        # A quicker deflate than zlib's default: the year's file comes out a tenth larger in a
        # fraction of the time.
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
            archive.writestr("[Content_Types].xml", types)
            archive.writestr("_rels/.rels", root_rels)
            archive.writestr("xl/workbook.xml", self._workbook())
            archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
            archive.writestr("xl/styles.xml", STYLES)
            for i, sheet in enumerate(self.sheets, start=1):
                archive.writestr(f"xl/worksheets/sheet{i}.xml", sheet.xml(selected=i == 1))
        return out.getvalue()
