"""Build PDF test fixtures with fpdf2, so the PDF reader is tested on files whose content we know exactly.

The contract PDF looks like a typical exported agreement: a running header and a "Page N of M" footer on
every page, numbered sections (``1.``), clauses (``1.1``) that wrap over several lines, hanging-indent
sub-items (``(a)``), an unnumbered heading and a word hyphenated at the end of a line. The constants below
are what the tests look for in the reader's output.
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

HEADER = "CONFIDENTIAL - Acme AI Services Agreement"
TITLE = "ACME AI SERVICES AGREEMENT"
UNNUMBERED_HEADING = "Limitation of Liability"
# A clause long enough to wrap over several lines at 11 pt; the tests check it comes back as one block.
LONG_CLAUSE = (
    "1.1 The Provider shall make the Services available to the Customer in accordance with this Agreement, "
    "the Documentation and the service levels set out in Schedule 2, and shall ensure that the Services are "
    "performed with reasonable skill, care and diligence by appropriately qualified personnel who have "
    "received adequate training in data protection and information security."
)
LIABILITY_PARAGRAPH = (
    "Neither party limits or excludes its liability for death or personal injury caused by its negligence, "
    "for fraud or fraudulent misrepresentation, or for any other liability that cannot be limited or "
    "excluded by applicable law."
)
# Written line by line so that "third-" and "docu-" end lines. The reader must give back "third-party" (a
# real compound) and "documentation" (a word cut by the layout, which the document spells elsewhere).
HYPHEN_LINES = (
    "9.3 The Provider may engage a subcontractor or any other third-",
    "party provider to host the Customer Data only with the prior written consent of the Customer",
    "and shall keep the technical and organisational security measures and the related docu-",
    "mentation of each subcontractor up to date.",
)
SUB_ITEMS = (
    "(a) use the Customer Data only to provide the Services and for no other purpose whatsoever, including "
    "the training, fine-tuning or evaluation of any machine learning model;",
    "(b) not disclose the Customer Data to any third party except as permitted by this Agreement;",
    "(c) notify the Customer without undue delay after becoming aware of a Personal Data Breach.",
)

_TOPICS = (
    "Definitions",
    "Services",
    "Fees and Payment",
    "Customer Data",
    "Intellectual Property",
    "Confidentiality",
    "Warranties",
    "Term and Termination",
    "Subcontracting",
    "General",
)

_SENTENCES = (
    "The Provider shall perform its obligations under this clause in a timely and professional manner and "
    "in accordance with Good Industry Practice.",
    "Each party shall bear its own costs in connection with the negotiation and performance of this "
    "Agreement unless expressly stated otherwise.",
    "Any notice given under this clause shall be in writing and shall be delivered by hand or sent by "
    "recorded delivery to the address of the receiving party.",
    "The Customer may review the performance of the Services at reasonable intervals and the Provider shall "
    "provide such information as the Customer reasonably requests for that purpose.",
    "Nothing in this clause shall prevent either party from seeking injunctive relief in respect of a "
    "breach or threatened breach of this Agreement.",
)


class _ContractPDF(FPDF):
    """An FPDF page template with the running header and the "Page N of M" footer."""

    def header(self) -> None:
        self.set_font("Helvetica", "", 8)
        self.cell(0, 6, HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def _clause_text(section: int, clause: int) -> str:
    """A deterministic, contract-like clause of three sentences."""
    parts = [_SENTENCES[(section + clause + k) % len(_SENTENCES)] for k in range(3)]
    return f"{section}.{clause} " + " ".join(parts)


def contract_pdf_bytes(sections: int = 10) -> bytes:
    """The contract as PDF bytes; ``sections=10`` gives about 5 pages, ``sections=122`` 50."""
    pdf = _ContractPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def paragraph(text: str, *, bold: bool = False, indent: float = 0.0, gap: float = 2.5) -> None:
        pdf.set_font("Helvetica", "B" if bold else "", 11)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, 5.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    paragraph(TITLE, bold=True, gap=4)
    paragraph(
        "This Agreement is made between Acme AI Limited (the Provider) and Example Holdings plc "
        "(the Customer), each a party and together the parties."
    )
    for section in range(1, sections + 1):
        topic = _TOPICS[(section - 1) % len(_TOPICS)]
        paragraph(f"{section}. {topic.upper()}", bold=True)
        if section == 1:
            paragraph(LONG_CLAUSE)
        else:
            paragraph(_clause_text(section, 1))
        paragraph(_clause_text(section, 2))
        if section == 4:
            paragraph("4.3 The Provider shall:")
            for item in SUB_ITEMS:
                paragraph(item, indent=8, gap=1.5)
        if section == 7:
            paragraph(UNNUMBERED_HEADING, bold=True)
            paragraph(LIABILITY_PARAGRAPH)
        if section == 9:
            pdf.set_font("Helvetica", "", 11)
            for line in HYPHEN_LINES:
                pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
        paragraph(_clause_text(section, 4 if section in (4, 9) else 3))
    return bytes(pdf.output())


def write_contract_pdf(directory: Path, sections: int = 10, name: str = "contract.pdf") -> Path:
    """Write the multi-page contract PDF into ``directory`` and return its path."""
    path = Path(directory) / name
    path.write_bytes(contract_pdf_bytes(sections))
    return path


def write_image_only_pdf(directory: Path) -> Path:
    """A two-page PDF whose pages carry only a raster image, like a scan without OCR."""
    from PIL import Image, ImageDraw  # fpdf2 depends on Pillow

    image = Image.new("RGB", (400, 200), "white")
    draw = ImageDraw.Draw(image)
    for y in range(20, 200, 20):
        draw.line((20, y, 380, y), fill="black", width=3)
    pdf = FPDF(format="A4")
    for _ in range(2):
        pdf.add_page()
        pdf.image(image, x=20, y=20, w=170)
    path = Path(directory) / "scanned.pdf"
    path.write_bytes(bytes(pdf.output()))
    return path


def write_encrypted_pdf(directory: Path, password: str = "secret") -> Path:
    """The contract protected with a user password (RC4-128, which pypdf writes without extra packages)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(contract_pdf_bytes(sections=3))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = Path(directory) / "encrypted.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def write_truncated_pdf(directory: Path) -> Path:
    """The first half of the contract's bytes, as left by an interrupted download."""
    data = contract_pdf_bytes(sections=10)
    path = Path(directory) / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    return path


LATE_HEADER = "Acme / Example - Master Services Agreement (draft 3)"


def header_drawn_last_pdf_bytes(pages: int = 4) -> bytes:
    """Pages whose running header is drawn after the body, so it comes last in the text layer, and whose
    footer is a bare "- N -" page number."""
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", "", 11)
    pdf.set_auto_page_break(False)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_y(30)
        for clause in range(1, 5):
            pdf.multi_cell(0, 5.5, _clause_text(page, clause), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        pdf.set_xy(10, 8)
        pdf.cell(0, 5, LATE_HEADER)
        pdf.set_xy(10, 280)
        pdf.cell(0, 5, f"- {page} -", align="C")
    return bytes(pdf.output())
