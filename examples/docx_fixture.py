"""What the example builders share: reproducible DOCX packages with explicit fonts.

Imported by ``build_example.py`` and ``negotiation/build_negotiation.py``; each passes its own fixed timestamp.
"""

from __future__ import annotations

import io
import zipfile

from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Pt, RGBColor
from docx.styles.style import ParagraphStyle


def normalise_zip(data: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Rewrite the package with fixed entry timestamps and permissions so that its bytes are reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=date_time)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def set_explicit_fonts(r_pr: CT_RPr, font: str) -> None:
    """Replace theme font references in run properties with an explicit font (rendering does not depend on the
    theme a reader's Word or LibreOffice installs)."""
    fonts = r_pr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)


def plain_heading_style(style: ParagraphStyle, size: float, before: float, after: float, font: str) -> None:
    """A heading or title style in black bold ``font`` at ``size`` points, spaced ``before``/``after`` points,
    with the template's border and contextual spacing removed."""
    set_explicit_fonts(style.element.get_or_add_rPr(), font)
    style.font.size = Pt(size)
    size_cs = style.element.rPr.find(qn("w:szCs"))
    if size_cs is not None:
        size_cs.set(qn("w:val"), str(round(size * 2)))
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.font.bold = True
    p_pr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        element = p_pr.find(qn(tag))
        if element is not None:
            p_pr.remove(element)
    style.paragraph_format.space_before = Pt(before)
    style.paragraph_format.space_after = Pt(after)
