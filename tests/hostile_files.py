"""Hostile and oversized survey files, made by a few lines of zip and XML each (issue 15).

Used by tests/unit/test_hostile.py and bench/hostile.py; nothing is kept on disk.
"""

from __future__ import annotations

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Answers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_OPEN = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 16383 -> XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def workbook(sheet_rows, dimension: str | None = None, shared: list[str] | None = None, shared_count: int | None = None) -> bytes:
    """An .xlsx whose only sheet holds ``sheet_rows`` (an iterable of XML strings, one per row)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        strings = shared or []
        count = len(strings) if shared_count is None else shared_count
        with z.open("xl/sharedStrings.xml", "w") as f:
            f.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'.encode()
            )
            for s in strings:
                f.write(f"<si><t>{s}</t></si>".encode())
            f.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(SHEET_OPEN.encode())
            if dimension:
                f.write(f'<dimension ref="{dimension}"/>'.encode())
            f.write(b"<sheetData>")
            for row in sheet_rows:
                f.write(row.encode())
            f.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def inline_row(r: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{column_letters(i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'


def dimension_bomb() -> bytes:
    """A few cells, but a sheet that declares all of A1:XFD1048576."""
    return workbook([inline_row(1, ["respondent_id", "vision_level"]), inline_row(2, ["r1", "3"])], dimension="A1:XFD1048576")


def shared_strings_bomb(entries: int = 1_200_000) -> bytes:
    """A shared-strings table of millions of entries (a few MB zipped)."""
    return workbook([inline_row(1, ["respondent_id", "vision_level"])], shared=[str(i) for i in range(entries)])


def long_sheet(rows: int = 260_000) -> bytes:
    """A very long sheet of one repeated row (compresses to a few MB)."""
    def generate():
        yield inline_row(1, ["respondent_id", "vision_level"])
        for r in range(2, rows + 2):
            yield f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>3</v></c></row>'
    return workbook(generate())


def wide_sheet(columns: int = 16_000, rows: int = 3) -> bytes:
    """A sheet 16,000 columns wide."""
    return workbook(inline_row(r, [f"c{i}" for i in range(columns)]) for r in range(1, rows + 1))


def wide_csv(columns: int = 10_000, rows: int = 20) -> bytes:
    """A CSV 10,000 columns wide (about 1.5 MB)."""
    header = ",".join(f"column {i}" for i in range(columns))
    body = "\n".join(",".join(str((r + i) % 5 + 1) for i in range(columns)) for r in range(rows))
    return (header + "\n" + body + "\n").encode()


def zip_bomb(declared: int = 2_147_483_648) -> bytes:
    """A part that says it unpacks to 2.1 GB (as a ZIP bomb's does): 1 MB of zeros, whose
    declared size in the archive's directory is set to ``declared``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 1_000_000)
    data = bytearray(buffer.getvalue())
    # the central directory entry of the sheet: its "uncompressed size" field (offset 24, 4 bytes)
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")  # the central directory's entries, in written order
    while at >= 0 and data[at + 46 : at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 1)
    data[at + 24 : at + 28] = min(declared, 0xFFFFFFFE).to_bytes(4, "little")
    return bytes(data)


# what each must be refused with (None: it is read)
EXPECTED = {
    "dimension bomb (.xlsx)": None,
    "shared strings bomb (.xlsx)": "the workbook holds 1,200,000 different texts; a survey has far fewer (the limit is 1,000,000)",
    "long sheet (.xlsx)": "the sheet has 260,001 rows; a survey has at most 250,000 respondents",
    "16,000 columns (.xlsx)": "the sheet has 16,000 columns; a survey has at most 1,000",
    "10,000 columns (.csv)": "the file has 10,000 columns; a survey has at most 1,000",
    "ZIP bomb (.xlsx)": "the workbook unpacks to 2.1 GB; the limit is 200 MB",
}

HOSTILE = {
    "dimension bomb (.xlsx)": (dimension_bomb, "x.xlsx"),
    "shared strings bomb (.xlsx)": (shared_strings_bomb, "x.xlsx"),
    "long sheet (.xlsx)": (long_sheet, "x.xlsx"),
    "16,000 columns (.xlsx)": (wide_sheet, "x.xlsx"),
    "10,000 columns (.csv)": (wide_csv, "x.csv"),
    "ZIP bomb (.xlsx)": (zip_bomb, "x.xlsx"),
}
