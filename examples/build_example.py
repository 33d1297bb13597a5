"""Build the example "AI Features Amendment" used to exercise the proportion pipeline.

Run from the repository root::

    python examples/build_example.py

The script writes ``examples/ai-features-amendment.docx``. The output is byte-for-byte reproducible: core
properties, the tracked change, the comment and the timestamps of the ZIP entries are all fixed, and nothing
depends on the clock or on randomness.

The agreement text is original drafting for this project. Several terms are deliberately disproportionate
(see ``examples/README.md``) so that later stages of the pipeline can be checked against known answers.

Structure of the DOCX:

* Articles are ``Heading 1`` paragraphs. Their numbers ("1.", "2.", ...) come from a multilevel list
  (``abstractNumId`` 10, ``numId`` 10) whose level 0 is linked to the ``Heading 1`` style.
* Sections ("1.1", "1.2", ...) are ``List Number 2`` paragraphs; that style is linked to level 1 of the same
  list. Sub-items use direct ``w:numPr`` at level 2 ("(a)") and level 3 ("(i)").
* Schedule 2 has its own list (``abstractNumId`` 11, ``numId`` 11) rendering "S2.1" and "(a)".
* Schedule headings are ``Heading 1`` paragraphs whose style numbering is switched off with ``numId`` 0.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docx_fixture import normalise_zip, plain_heading_style, set_explicit_fonts

OUTPUT: Final = Path(__file__).resolve().parent / "ai-features-amendment.docx"

AUTHOR: Final = "Example Vendor Legal"
FIXED_TIME: Final = dt.datetime(2026, 1, 15, 0, 0, 0, tzinfo=dt.UTC)
ZIP_TIME: Final = (2026, 1, 15, 0, 0, 0)

REVIEWER: Final = "Harbor Legal"
REVIEWER_INITIALS: Final = "HL"
REVIEW_TIME: Final = "2026-01-10T09:00:00Z"
COMMENT_TIME: Final = dt.datetime(2026, 1, 10, 9, 0, 0, tzinfo=dt.UTC)
COMMENT_TEXT: Final = (
    "Harbor cannot accept training on our data by default. We need opt-in consent, confirmation that the "
    "Model Providers do not train on our Inputs, and an opt-out that also covers data already collected. "
    "Please also confirm how long the Schedule 1 providers keep Inputs."
)

MAIN_ABSTRACT_ID: Final = 10
MAIN_NUM_ID: Final = 10
SCHEDULE_ABSTRACT_ID: Final = 11
SCHEDULE_NUM_ID: Final = 11
REVISION_IDS: Final = {"ins": 901, "del": 902}

FONT: Final = "Calibri"

# Inline markup used in the content below:
#   **text**  bold run          {+text+}  tracked insertion by REVIEWER
#   [[text]]  comment anchor    {-text-}  tracked deletion by REVIEWER
TOKEN_RE: Final = re.compile(r"(\*\*.+?\*\*|\{\+.+?\+\}|\{-.+?-\}|\[\[.+?\]\])")


# --------------------------------------------------------------------------------------------------------
# Content model
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One paragraph-level unit of the agreement.

    ``kind`` is one of: ``title``, ``subtitle``, ``label`` (bold unnumbered line), ``body`` (plain
    paragraph), ``article`` (Heading 1, auto-numbered), ``section`` (level 1), ``item`` (level 2),
    ``subitem`` (level 3), ``schedule`` (unnumbered Heading 1), ``s2`` and ``s2item`` (Schedule 2 list),
    ``table`` (Schedule 1 table) and ``signatures`` (signature block).
    """

    kind: str
    text: str = ""
    new_page: bool = False


def title(text: str) -> Block:
    return Block("title", text)


def subtitle(text: str) -> Block:
    return Block("subtitle", text)


def label(text: str) -> Block:
    return Block("label", text)


def body(text: str) -> Block:
    return Block("body", text)


def article(text: str) -> Block:
    return Block("article", text)


def section(heading: str, text: str) -> Block:
    return Block("section", f"**{heading}.** {text}" if heading else text)


def definition(term: str, text: str) -> Block:
    return Block("section", f'**"{term}"** {text}')


def item(text: str) -> Block:
    return Block("item", text)


def subitem(text: str) -> Block:
    return Block("subitem", text)


def schedule(text: str, new_page: bool = False) -> Block:
    return Block("schedule", text, new_page)


def s2(heading: str, text: str) -> Block:
    return Block("s2", f"**{heading}.** {text}")


def s2item(text: str) -> Block:
    return Block("s2item", text)


PROVIDER_TABLE: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("Provider", "Purpose", "Location", "Retention"),
    (
        "Cirrus Model Labs, Inc.",
        "Large language model inference for AI Assist and Route Summariser",
        "United States (Virginia); Ireland for tenants hosted in the EU",
        "Inputs and Output kept for up to 30 days for abuse monitoring",
    ),
    (
        "Arcline Vision Ltd.",
        "Optical character recognition and field classification for Document Extraction",
        "United Kingdom (London)",
        "Not stored after the response is returned",
    ),
    (
        "Vectorhaus GmbH",
        "Hosting of embeddings and the retrieval index used by AI Assist",
        "Germany (Frankfurt)",
        "For the life of Customer's workspace",
    ),
    (
        "Nimbus Analytics, Inc. (Vendor)",
        "Prompt and response logs, quality evaluation and abuse review",
        "United States (Oregon)",
        "As determined under Section 5.2",
    ),
)

SIGNATORIES: Final[tuple[str, str]] = ("NIMBUS ANALYTICS, INC.", "HARBOR LOGISTICS LTD.")

CONTENT: Final[tuple[Block, ...]] = (
    title("AI Features Amendment"),
    subtitle("to the Master Subscription Agreement between Nimbus Analytics, Inc. and Harbor Logistics Ltd."),
    body(
        'This AI Features Amendment (this "Amendment") is made on 1 February 2026 (the "Amendment Effective '
        'Date") between Nimbus Analytics, Inc., a Delaware corporation whose principal office is in Austin, '
        'Texas ("Vendor"), and Harbor Logistics Ltd., a company incorporated in England and Wales whose '
        'registered office is in Felixstowe, Suffolk ("Customer"). Vendor and Customer are each a "party" '
        'and together the "parties".'
    ),
    label("Background"),
    body(
        "The parties entered into a Master Subscription Agreement dated 1 March 2024 (as amended from time "
        'to time, the "Agreement") under which Vendor provides Customer with access to the Nimbus freight '
        "analytics platform. Vendor has added machine-learning and generative AI features to that platform, "
        "and this Amendment sets out the additional terms on which Customer may use them. This Amendment "
        "supplements the Agreement and, in respect of the AI Features, prevails over it to the extent of any "
        "conflict. The parties therefore agree as follows:"
    ),
    # ---------------------------------------------------------------------------------------------- 1
    article("Definitions and Interpretation"),
    definition(
        "AI Features",
        "means the functionality of the Services that generates, predicts, classifies, summarises or "
        "transforms content by means of a Model, including AI Assist, Route Summariser and Document "
        "Extraction described in Section 2.1, any Preview Features, and any successor or additional "
        "functionality that Vendor designates as an AI feature.",
    ),
    definition(
        "AI Usage Policy",
        "means Vendor's policy on the acceptable use of the AI Features, published at "
        "nimbus-analytics.example/legal/ai-usage, as updated by Vendor from time to time.",
    ),
    definition(
        "Authorised User",
        "means an employee or contractor of Customer whom Customer permits to use the Services under the Agreement.",
    ),
    definition(
        "Customer Data",
        "means all data and information, in any form, that Customer or its Authorised Users upload to, "
        "store in or process through the Services, including shipment records, customs documentation, "
        "details of Customer's suppliers and customers, and Personal Data, but excluding Usage Data.",
    ),
    definition(
        "Input",
        "means any prompt, instruction, question, file, document or other material that Customer or an "
        "Authorised User submits to an AI Feature, together with any Customer Data that the AI Feature "
        "retrieves or is given access to in order to respond.",
    ),
    definition(
        "Model",
        "means a machine-learning model, including a large language model, an embedding model or a "
        "classification model, together with its parameters (including its weights), that is used to "
        "provide an AI Feature, whether developed by Vendor or by a Model Provider.",
    ),
    definition(
        "Model Provider",
        "means a third party that makes a Model, or the computing infrastructure on which a Model runs, "
        "available to Vendor for the purpose of providing the AI Features, including each third party "
        "listed in Schedule 1.",
    ),
    definition(
        "Output",
        "means any text, data, summary, classification, extracted field, recommendation, code or other "
        "result generated by an AI Feature in response to an Input.",
    ),
    definition(
        "Personal Data",
        'has the meaning given in the data processing addendum forming part of the Agreement (the "DPA").',
    ),
    definition(
        "Security Incident",
        "means any confirmed unauthorised access to, or acquisition, disclosure, alteration, loss or "
        "destruction of, Customer Data, Inputs or Output while they are in the possession or under the "
        "control of Vendor or a Model Provider.",
    ),
    definition(
        "Services",
        "has the meaning given in the Agreement and includes the AI Features.",
    ),
    definition(
        "Usage Data",
        "means technical and operational information generated by the use of the Services, such as feature "
        "usage counts, token volumes, latency measurements, error logs and configuration settings.",
    ),
    section(
        "Interpretation",
        "Capitalised terms used but not defined in this Amendment have the meanings given in the Agreement. "
        'The words "include" and "including" are to be read as if followed by the words "without '
        'limitation".',
    ),
    # ---------------------------------------------------------------------------------------------- 2
    article("AI Features and Access"),
    section(
        "Provision",
        "Subject to the Agreement and this Amendment, Vendor will make the following AI Features available "
        "to Customer as part of the Services during the Subscription Term:",
    ),
    item(
        "an assistant that answers questions in natural language about Customer's shipments, carriers and "
        'freight costs using Customer Data ("AI Assist");'
    ),
    item(
        "a tool that prepares written summaries of route performance, delays and exceptions for a period "
        'selected by the Authorised User ("Route Summariser"); and'
    ),
    item(
        "a service that reads commercial invoices, packing lists and bills of lading and enters the fields "
        'it extracts into the Services ("Document Extraction").'
    ),
    section(
        "Enablement",
        "The AI Features are enabled by default for all Authorised Users on the Amendment Effective Date. "
        "Customer's administrators may disable AI Assist and Route Summariser for some or all Authorised "
        "Users through the administration console. Document Extraction cannot be disabled separately from "
        "the document upload function of the Services.",
    ),
    section(
        "Preview Features",
        "Vendor may from time to time offer AI functionality that it identifies as beta, preview or "
        'experimental ("Preview Features"). Preview Features are optional, may be withdrawn at any time, '
        "are not covered by the Service Levels and are provided without any warranty or indemnity.",
    ),
    section(
        "Usage Allowance and Fees",
        "Use of the AI Features is included in the subscription fees payable under the Agreement up to the "
        'monthly volume of requests stated in the applicable Order Form (the "Usage Allowance"). Use above '
        "the Usage Allowance will be invoiced monthly in arrears at Vendor's then-current rates (the \"AI "
        'Usage Fees"). Unused Usage Allowance does not carry over to the following month.',
    ),
    section(
        "AI Documentation",
        "Vendor will make available documentation describing the intended purpose, main capabilities and "
        'known limitations of each AI Feature and the types of Model used to provide it (the "AI '
        'Documentation"), and will keep the AI Documentation reasonably up to date.',
    ),
    # ---------------------------------------------------------------------------------------------- 3
    article("Inputs and Outputs"),
    section(
        "Customer Responsibility for Inputs",
        "Customer is responsible for its Inputs and represents that it has obtained all rights and "
        "consents, and given all notices, necessary for Vendor and its Model Providers to process the "
        "Inputs as contemplated by this Amendment.",
    ),
    section(
        "Ownership",
        "As between the parties, Customer retains all right, title and interest in and to its Inputs. "
        "Subject to Customer's compliance with this Amendment and payment of all applicable fees, Vendor "
        "assigns to Customer all right, title and interest, if any, that Vendor holds in the Output. Vendor "
        "retains all rights in the AI Features, in the Models (to the extent owned by Vendor) and in any "
        "improvements to them.",
    ),
    section(
        "Similarity of Output",
        "Customer acknowledges that, because of the way the Models work, the same or similar Output may be "
        "generated for other customers in response to similar Inputs. Section 3.2 does not give Customer "
        "any right in Output generated for any other customer.",
    ),
    section(
        "Licence to Vendor",
        "Customer hereby grants to Vendor and its Affiliates a perpetual, irrevocable, worldwide, "
        "royalty-free, fully paid-up and sublicensable licence to host, copy, use, modify, create "
        "derivative works of and otherwise exploit Customer Content for any purpose, including to provide, "
        "secure, support, develop and improve the Services and Vendor's other products and services. This "
        "licence survives the expiry or termination of the Agreement.",
    ),
    # ---------------------------------------------------------------------------------------------- 4
    article("Use of Customer Data and Model Training"),
    section(
        "Processing to Provide the AI Features",
        "Vendor may process Customer Data, Inputs and Output, and may transmit them to Model Providers, to "
        "the extent necessary to provide, maintain and support the AI Features and to prevent or address "
        "security, technical or fraud issues.",
    ),
    section(
        "Training and Improvement",
        "Customer agrees that Vendor and its Model Providers may use Inputs, Output and Customer Data "
        "[[to train, fine-tune, evaluate and otherwise improve Models]], the AI Features and Vendor's other "
        "products and services. Customer may opt out of this use by sending written notice to "
        'privacy@nimbus-analytics.example (an "Opt-Out Notice"). An Opt-Out Notice takes effect thirty (30) '
        "days after Vendor receives it, applies only to Inputs submitted and Output generated after that "
        "date, and does not require Vendor or any Model Provider to remove data from, or to retrain, any "
        "Model.",
    ),
    section(
        "Aggregated Data",
        "Vendor may collect and analyse Usage Data and may compile aggregated and de-identified data derived "
        'from Customer Data, Inputs and Output ("Aggregated Data"). Vendor owns all Aggregated Data and may '
        "use, disclose and commercialise it for any lawful purpose during and after the term of the "
        "Agreement, provided that Aggregated Data does not identify Customer by name.",
    ),
    section(
        "Confidentiality of Inputs and Output",
        "Inputs and Output form part of Customer's Confidential Information under the Agreement, except to "
        "the extent that they are used in accordance with Sections 3.4, 4.2 or 4.3.",
    ),
    section(
        "Personal Data",
        "The DPA applies to any Personal Data contained in Inputs or Output. Customer will not submit to the "
        "AI Features any special category personal data, payment card data or government identification "
        "numbers unless the AI Documentation states that the relevant AI Feature is designed to process "
        "that data.",
    ),
    # ---------------------------------------------------------------------------------------------- 5
    article("Data Retention and Deletion"),
    section(
        "Customer Data",
        "Vendor will retain and delete Customer Data stored in the Services in accordance with the "
        "Agreement. Within ninety (90) days after termination of the Agreement, Vendor will delete Customer "
        "Data held in the production environment of the Services, unless applicable law requires Vendor to "
        "keep it.",
    ),
    section(
        "Inputs, Output and Logs",
        "Vendor may retain Inputs, Output, conversation histories, embeddings and associated logs for as "
        "long as Vendor considers necessary or useful for operating, securing and improving the AI "
        "Features, for abuse monitoring, and for complying with its legal obligations.",
    ),
    section(
        "Deletion Requests",
        "Customer's administrators may delete the conversation histories visible in the administration "
        "console. Vendor will use commercially reasonable efforts to act on a written request from Customer "
        "to delete other Inputs or Output, but such a request does not extend to backup copies, to copies "
        "held by Model Providers, to Aggregated Data, or to any data previously used under Section 4.2.",
    ),
    section(
        "Export",
        "During the Subscription Term, Customer may export its conversation histories and extracted "
        "document fields in the formats that the Services support.",
    ),
    # ---------------------------------------------------------------------------------------------- 6
    article("Model Providers"),
    section(
        "Use of Model Providers",
        "Customer authorises Vendor to use the Model Providers listed in Schedule 1 to provide the AI "
        "Features. Schedule 1 also identifies the locations in which each Model Provider processes Inputs "
        "and Output and the retention period it applies, as notified to Vendor by that Model Provider.",
    ),
    section(
        "Changes to Model Providers",
        "Vendor may add, remove or replace a Model Provider by updating the list published at "
        "nimbus-analytics.example/legal/ai-providers. Where the change concerns the processing of Personal "
        "Data, Customer's right to object under the DPA applies. No other notice to, or consent of, Customer "
        "is required.",
    ),
    section(
        "Model Provider Terms",
        "Vendor will impose on each Model Provider such written obligations to protect the confidentiality "
        "and security of Inputs and Output as Vendor considers appropriate in light of the services that "
        "Model Provider performs. Except as expressly set out in the DPA, Vendor is not responsible for the "
        "acts or omissions of any Model Provider.",
    ),
    section(
        "International Transfers",
        "Customer acknowledges that Inputs and Output may be transferred to, and processed in, any country "
        "in which Vendor or a Model Provider operates, subject, where Personal Data is concerned, to the "
        "transfer mechanisms described in the DPA.",
    ),
    # ---------------------------------------------------------------------------------------------- 7
    article("Security"),
    section(
        "Security Programme",
        "Vendor will maintain a written information security programme for the AI Features that includes "
        "administrative, technical and physical safeguards appropriate to the nature of Customer Data and "
        "that is audited at least annually against the SOC 2 Type II criteria. Vendor will provide its most "
        "recent SOC 2 Type II report to Customer on request, subject to the confidentiality provisions of "
        "the Agreement.",
    ),
    section("AI-Specific Controls", "Without limiting Section 7.1, Vendor will:"),
    item(
        "logically separate Customer's Inputs, Output and embeddings from those of other customers, so that "
        "Customer Data cannot be retrieved in response to another customer's Input;"
    ),
    item(
        "apply controls designed to detect and limit prompt-injection attacks and attempts to extract data "
        "through the AI Features, including controls on instructions contained in documents and email "
        "attachments that an AI Feature reads;"
    ),
    item(
        "encrypt Inputs and Output in transit using TLS 1.2 or later and at rest using AES-256 or an "
        "equivalent standard; and"
    ),
    item(
        "restrict access to Inputs and Output by Vendor personnel to those who need it to provide support or "
        "to investigate abuse, and keep a log of that access."
    ),
    section(
        "Security Incidents",
        "Vendor will notify Customer of any Security Incident without undue delay and in any event within "
        "{-seventy-two (72)-}{+twenty-four (24)+} hours after becoming aware of it. The notice will describe "
        "the nature of the Security Incident, the categories of data affected and the measures Vendor has "
        "taken or proposes to take. Vendor will cooperate with Customer's reasonable requests for further "
        "information about the Security Incident.",
    ),
    section(
        "Customer Responsibilities",
        "Customer is responsible for managing the credentials of its Authorised Users, for configuring the "
        "connectors through which AI Features may access Customer's systems, and for promptly revoking the "
        "access of personnel who leave Customer's employment.",
    ),
    # ---------------------------------------------------------------------------------------------- 8
    article("Accuracy and Output Disclaimer"),
    section(
        "Nature of Output",
        "Customer acknowledges that Output is generated by statistical Models, may be inaccurate, "
        "incomplete, out of date or inconsistent, and may differ each time the same Input is submitted. "
        "Customer is responsible for evaluating Output, including by human review appropriate to its "
        "intended use, before relying on it.",
    ),
    section(
        "Disclaimer",
        "NOTWITHSTANDING ANYTHING TO THE CONTRARY IN THE AGREEMENT OR THIS AMENDMENT, THE AI FEATURES AND "
        "ALL OUTPUT, INCLUDING THEIR ACCURACY, COMPLETENESS, SECURITY, CONFIDENTIALITY AND AVAILABILITY, ARE "
        'PROVIDED "AS IS" AND "AS AVAILABLE". VENDOR, ON BEHALF OF ITSELF AND ITS MODEL PROVIDERS, DISCLAIMS '
        "ANY AND ALL WARRANTIES, CONDITIONS AND REPRESENTATIONS OF ANY KIND, WHETHER EXPRESS, IMPLIED OR "
        "STATUTORY, INCLUDING WITHOUT LIMITATION ANY WARRANTY OF MERCHANTABILITY, SATISFACTORY QUALITY, "
        "FITNESS FOR A PARTICULAR PURPOSE, NON-INFRINGEMENT OR ACCURACY, AND ANY WARRANTY THAT THE AI "
        "FEATURES WILL BE UNINTERRUPTED, SECURE OR ERROR-FREE OR THAT INPUTS WILL NOT BE ACCESSED OR "
        "DISCLOSED BY THIRD PARTIES.",
    ),
    section(
        "Regulated Matters",
        "Output concerning tariff classification, customs valuation, dangerous goods, sanctions screening "
        "or other regulatory matters is provided for information only and is not legal, customs or "
        "compliance advice. Customer remains solely responsible for every declaration, filing and shipment "
        "it makes, whether or not it used Output in preparing it.",
    ),
    # ---------------------------------------------------------------------------------------------- 9
    article("Acceptable Use"),
    section(
        "AI Usage Policy",
        "Customer will use, and will ensure that its Authorised Users use, the AI Features in accordance "
        "with the AI Documentation and the AI Usage Policy. Vendor may update the AI Usage Policy at any "
        "time by publishing a revised version, which applies from the date of publication.",
    ),
    section("Restrictions", "Customer will not, and will not permit any person to:"),
    item(
        "use the AI Features, or any Output, to develop or train a model that competes with the AI Features "
        "or with any Model;"
    ),
    item(
        "attempt to extract or reconstruct any Model, its weights or its system instructions, or to "
        "circumvent any safety filter or usage limit;"
    ),
    item(
        "use the AI Features, without review and a final decision by a suitably qualified person, to make "
        "any decision that:"
    ),
    subitem(
        "produces legal or similarly significant effects for an individual, including decisions on the "
        "hiring, discipline or dismissal of drivers or warehouse staff; or"
    ),
    subitem("determines whether goods may lawfully be exported or imported;"),
    item(
        "submit Inputs that Customer has no right to submit, or that contain malicious code or content "
        "designed to manipulate the behaviour of a Model; or"
    ),
    item("present Output as having been produced by a person where that would be misleading."),
    section(
        "Investigation",
        "Vendor may investigate any suspected breach of this Article 9 and may remove or disable any Input "
        "or Output that it reasonably believes breaches it. Customer will cooperate with any such "
        "investigation.",
    ),
    # ---------------------------------------------------------------------------------------------- 10
    article("Suspension"),
    section(
        "Right to Suspend",
        "Vendor may suspend, limit or withdraw access to any or all AI Features, for any or all Authorised "
        "Users, at any time in its sole discretion and with or without notice, including where a Model "
        "Provider restricts or ceases to provide its services to Vendor.",
    ),
    section(
        "Effect of Suspension",
        "Vendor has no liability to Customer for any suspension, limitation or withdrawal under Section "
        "10.1, and the fees payable under the Agreement will not be reduced during any such period. Periods "
        "of suspension are excluded from the calculation of availability under Schedule 2.",
    ),
    section(
        "Restoration",
        "Where Vendor suspends AI Features because of a breach of Article 9, Vendor will restore access once "
        "Customer has remedied the breach to Vendor's satisfaction.",
    ),
    # ---------------------------------------------------------------------------------------------- 11
    article("Model Changes"),
    section(
        "Changes to Models",
        "Vendor may at any time, and without notice to Customer, modify, update, retrain, replace or "
        "discontinue any Model used to provide an AI Feature, and may change the Model Provider through "
        "which a Model is made available. Customer acknowledges that such changes may alter the behaviour, "
        "quality, format and speed of Output.",
    ),
    section(
        "New AI Features",
        "Vendor may add new AI Features to the Services. New AI Features will be enabled by default and will "
        "be governed by this Amendment.",
    ),
    section(
        "Discontinuation",
        "Where practicable, Vendor will announce in its release notes the discontinuation of an entire AI "
        "Feature before the discontinuation takes effect. Customer is not entitled to any refund or credit "
        "because an AI Feature is discontinued.",
    ),
    # ---------------------------------------------------------------------------------------------- 12
    article("Intellectual Property Indemnity"),
    section(
        "Vendor Indemnity",
        "Vendor will defend Customer against any claim brought by a third party alleging that the AI "
        "Features, or Output generated by them and used by Customer in accordance with this Amendment, "
        'infringe or misappropriate that third party\'s intellectual property rights (an "IP Claim"), and '
        "will pay any damages and costs finally awarded against Customer, or agreed by Vendor in "
        "settlement, in respect of the IP Claim.",
    ),
    section(
        "Exclusions",
        "Vendor has no obligation under Section 12.1 for any IP Claim to the extent that it arises from or relates to:",
    ),
    item("Inputs, Customer Data or Customer Content;"),
    item(
        "the content, meaning or expression of any Output, as distinct from the software and Models that "
        "make up the AI Features;"
    ),
    item(
        "any Output that has been edited, translated or otherwise modified, or combined with any other "
        "content, product, data or process;"
    ),
    item("any use of Output in a product, publication or communication made available to a third party;"),
    item(
        "any failure by Customer to review Output in accordance with Section 8.1, or any use of Output that "
        "Customer knew or ought reasonably to have known could infringe;"
    ),
    item(
        "any Model, or other component of the AI Features, supplied by a Model Provider, except to the "
        "extent that Vendor actually recovers an indemnity for the IP Claim from that Model Provider; or"
    ),
    item("any Preview Feature, or any use of the AI Features in breach of the AI Usage Policy."),
    section(
        "Customer Indemnity",
        "Customer will defend Vendor, its Affiliates and its Model Providers against any and all claims, "
        "demands and proceedings arising out of or relating to Inputs, Customer Content or Customer's use of "
        "Output, including without limitation any claim that Inputs infringe any third-party right or breach "
        "applicable law, and will pay all losses, damages and costs (including reasonable legal fees) "
        "incurred in connection with them.",
    ),
    section(
        "Procedure",
        "The indemnified party will notify the indemnifying party promptly of any claim, give it sole "
        "control of the defence and settlement of the claim, and provide reasonable assistance at the "
        "indemnifying party's expense. This Article 12 states Vendor's entire liability, and Customer's "
        "exclusive remedy, for any IP Claim.",
    ),
    # ---------------------------------------------------------------------------------------------- 13
    article("Limitation of Liability"),
    section(
        "Excluded Losses",
        "Neither party will be liable, whether in contract, tort (including negligence), breach of "
        "statutory duty or otherwise, for any loss of profits, revenue or goodwill, any loss or corruption "
        "of data, or any indirect, special or consequential loss arising out of or in connection with the "
        "AI Features or this Amendment.",
    ),
    section(
        "Cap",
        "Vendor's total aggregate liability arising out of or in connection with the AI Features, any "
        "Output and this Amendment, including any breach of Article 4, 5, 6 or 7, shall not exceed the AI "
        "Usage Fees paid by Customer in the three (3) months immediately preceding the event giving rise to "
        "the claim.",
    ),
    section(
        "Relationship with the Agreement",
        "For any claim relating to the AI Features, this Article 13 applies in place of the limitations and "
        "exclusions of liability in the Agreement, and any exception to those limitations (including any "
        "exception for breach of confidentiality, data protection or security obligations) does not apply.",
    ),
    section(
        "Liability That Cannot Be Limited",
        "Nothing in this Amendment limits either party's liability for death or personal injury caused by "
        "its negligence, for fraud or fraudulent misrepresentation, or for any other liability that cannot "
        "be limited or excluded by law.",
    ),
    # ---------------------------------------------------------------------------------------------- 14
    article("Customer Requirements"),
    section(
        "Precedence",
        "This Article 14 has been added at Customer's request. It prevails over every other provision of "
        "this Amendment and of the Agreement.",
    ),
    section(
        "Accuracy Warranty",
        "Vendor warrants that all Output will be accurate, complete, up to date and free from errors and "
        "omissions, and that Output concerning tariff classification, customs valuation and dangerous goods "
        "will comply with all applicable laws.",
    ),
    section(
        "Unlimited Liability for Output",
        "Notwithstanding Article 13 or any other limitation or exclusion of liability in the Agreement, "
        "Vendor's liability for any and all losses, damages, fines, penalties and costs arising from or in "
        "connection with any Output shall be unlimited.",
    ),
    section(
        "Audit of Vendor and Model Providers",
        "On ten (10) Business Days' notice, Customer and its appointed auditors may audit Vendor and each "
        "Model Provider to verify compliance with this Amendment. Vendor will procure that each Model "
        "Provider gives Customer access to its premises, personnel, source code, training data, system "
        "prompts and the weights of every Model used to provide the AI Features, and permits Customer to "
        "test those Models independently.",
    ),
    section(
        "Insurance",
        "Vendor will maintain technology errors and omissions insurance and cyber liability insurance, each "
        "with a limit of not less than five million pounds sterling (£5,000,000) per claim.",
    ),
    section(
        "Notice of Systematic Errors",
        "Vendor will notify Customer within five (5) Business Days after becoming aware of a defect in an AI "
        "Feature that causes Output to be materially inaccurate for a type of Input that Customer commonly "
        "submits, and will describe any available workaround.",
    ),
    # ---------------------------------------------------------------------------------------------- 15
    article("Term and Termination"),
    section(
        "Term",
        "This Amendment starts on the Amendment Effective Date and continues until the Agreement expires or "
        "is terminated.",
    ),
    section(
        "Termination of AI Features",
        "Vendor may terminate this Amendment, or the provision of any AI Feature, for convenience on thirty "
        "(30) days' written notice. Customer may stop using the AI Features at any time by disabling them "
        "under Section 2.2, but doing so does not entitle Customer to a refund of any fees.",
    ),
    section(
        "Effect of Termination",
        "On termination of this Amendment, Customer's right to use the AI Features ends and Vendor will "
        "handle Inputs, Output and logs in accordance with Article 5. Termination of this Amendment does not "
        "affect the Agreement, which continues in force.",
    ),
    section(
        "Survival",
        "Sections 3.2, 3.4, 4.3 and 5.2 and Articles 8, 12, 13 and 16 survive the expiry or termination of "
        "this Amendment.",
    ),
    # ---------------------------------------------------------------------------------------------- 16
    article("General"),
    section(
        "Effect on the Agreement",
        "Except as amended by this Amendment, the Agreement remains unchanged and in full force and effect. "
        'References in the Agreement to "this Agreement" include this Amendment.',
    ),
    section(
        "Order of Precedence",
        "In the event of any conflict in relation to the AI Features, the following order of precedence "
        "applies: this Amendment (including its Schedules), the DPA, the Agreement and then any Order Form.",
    ),
    section(
        "Governing Law and Jurisdiction",
        "This Amendment, and any dispute or claim arising out of or in connection with it, is governed by "
        "the law and subject to the jurisdiction specified in the Agreement.",
    ),
    section(
        "Entire Agreement",
        "This Amendment, together with the Agreement, constitutes the entire agreement between the parties "
        "concerning the AI Features and supersedes any earlier proposal, statement or understanding about "
        "them.",
    ),
    section(
        "Counterparts and Electronic Signature",
        "This Amendment may be executed in any number of counterparts and by electronic signature, each of "
        "which is an original and all of which together form one instrument.",
    ),
    body("Signed by the authorised representatives of the parties on the Amendment Effective Date."),
    Block("signatures"),
    # ---------------------------------------------------------------------------------------------- Sch 1
    schedule("Schedule 1 – Model Providers and Data Locations", new_page=True),
    body(
        "This Schedule lists the Model Providers that Vendor uses on the Amendment Effective Date. It may be "
        "updated in accordance with Section 6.2. The retention periods shown are those notified to Vendor "
        "by each Model Provider and are subject to Section 5.2."
    ),
    Block("table"),
    body(
        "During an outage, Vendor may route requests to another region or to another Model Provider listed "
        "in this Schedule without notice to Customer."
    ),
    # ---------------------------------------------------------------------------------------------- Sch 2
    schedule("Schedule 2 – Service Levels"),
    body(
        'This Schedule sets out the service levels that apply to the AI Features (the "Service Levels"). '
        "Terms defined in the Amendment have the same meanings in this Schedule."
    ),
    s2(
        "Availability Target",
        "Vendor will use commercially reasonable efforts to make AI Assist and Route Summariser available "
        "99.0% of the time in each calendar month, as measured by Vendor's monitoring systems (\"Monthly "
        'Availability").',
    ),
    s2("Exclusions", "Monthly Availability is calculated without counting unavailability caused by:"),
    s2item("scheduled maintenance announced in the Services at least twenty-four (24) hours in advance;"),
    s2item("any failure, outage or rate limit of a Model Provider;"),
    s2item("any suspension or withdrawal under Article 10, or any change under Article 11; or"),
    s2item("Customer's systems, connectors or internet access."),
    s2(
        "Response Times",
        "Vendor aims to return Output from AI Assist within fifteen (15) seconds for ninety per cent (90%) "
        "of requests in each calendar month. Response-time targets are not commitments, and no remedy "
        "applies if they are not met.",
    ),
    s2(
        "Service Credits",
        "If Monthly Availability falls below 99.0%, Customer may claim a credit equal to five per cent (5%) "
        'of the AI Usage Fees for the affected month (a "Service Credit"), provided that Customer submits '
        "the claim within ten (10) days after the end of that month. Service Credits are Customer's sole and "
        "exclusive remedy for any failure to meet the Service Levels.",
    ),
)


# --------------------------------------------------------------------------------------------------------
# Numbering
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One ``w:lvl`` of an abstract numbering definition."""

    ilvl: int
    num_fmt: str
    lvl_text: str
    left: int
    hanging: int
    p_style: str | None = None
    bold: bool = False


MAIN_LEVELS: Final = (
    Level(0, "decimal", "%1.", left=720, hanging=720, p_style="Heading1", bold=True),
    Level(1, "decimal", "%1.%2", left=720, hanging=720, p_style="ListNumber2"),
    Level(2, "lowerLetter", "(%3)", left=1440, hanging=720),
    Level(3, "lowerRoman", "(%4)", left=2160, hanging=720),
)

SCHEDULE_LEVELS: Final = (
    Level(0, "decimal", "S2.%1", left=720, hanging=720),
    Level(1, "lowerLetter", "(%2)", left=1440, hanging=720),
)


def _level_xml(level: Level) -> str:
    """Return one ``w:lvl`` element, children in the order required by ECMA-376 (CT_Lvl)."""
    p_style = f'<w:pStyle w:val="{level.p_style}"/>' if level.p_style else ""
    r_pr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if level.bold else ""
    return (
        f'<w:lvl w:ilvl="{level.ilvl}">'
        '<w:start w:val="1"/>'
        f'<w:numFmt w:val="{level.num_fmt}"/>'
        f"{p_style}"
        '<w:suff w:val="tab"/>'
        f'<w:lvlText w:val="{level.lvl_text}"/>'
        '<w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{level.left}" w:hanging="{level.hanging}"/></w:pPr>'
        f"{r_pr}"
        "</w:lvl>"
    )


def _abstract_num_xml(abstract_id: int, nsid: str, name: str, levels: Sequence[Level]) -> str:
    """Return a ``w:abstractNum`` element (nsid, multiLevelType, tmpl, name, then the levels)."""
    return (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:nsid w:val="{nsid}"/>'
        '<w:multiLevelType w:val="multilevel"/>'
        f'<w:tmpl w:val="{nsid[::-1]}"/>'
        f'<w:name w:val="{name}"/>' + "".join(_level_xml(level) for level in levels) + "</w:abstractNum>"
    )


def add_numbering(document: DocxDocument) -> None:
    """Add the article/section list and the Schedule 2 list to the numbering part."""
    numbering = document.part.numbering_part.element
    abstracts = numbering.findall(qn("w:abstractNum"))
    nums = numbering.findall(qn("w:num"))
    new_abstracts = (
        _abstract_num_xml(MAIN_ABSTRACT_ID, "4E494D42", "AgreementOutline", MAIN_LEVELS),
        _abstract_num_xml(SCHEDULE_ABSTRACT_ID, "4E494D53", "ScheduleTwo", SCHEDULE_LEVELS),
    )
    anchor = abstracts[-1]
    for xml in new_abstracts:
        element = parse_xml(xml)
        anchor.addnext(element)
        anchor = element

    # The template's single-level "List Number 2" list also names ListNumber2 as its pStyle; a style may be
    # linked to only one list level, so drop that older link.
    for abstract in abstracts:
        for p_style in abstract.iter(qn("w:pStyle")):
            if p_style.get(qn("w:val")) == "ListNumber2":
                p_style.getparent().remove(p_style)

    anchor = nums[-1]
    for num_id, abstract_id in ((MAIN_NUM_ID, MAIN_ABSTRACT_ID), (SCHEDULE_NUM_ID, SCHEDULE_ABSTRACT_ID)):
        element = parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
        anchor.addnext(element)
        anchor = element


def link_style_to_level(style: ParagraphStyle, num_id: int, ilvl: int) -> None:
    """Put ``w:numPr`` in the style's ``w:pPr`` (style-linked numbering)."""
    num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
    if ilvl:
        num_pr.get_or_add_ilvl().val = ilvl
    else:
        num_pr._remove_ilvl()
    num_pr.get_or_add_numId().val = num_id


def set_direct_numbering(paragraph: Paragraph, num_id: int, ilvl: int) -> None:
    """Give a paragraph direct ``w:numPr`` (``numId`` 0 switches inherited numbering off)."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


# --------------------------------------------------------------------------------------------------------
# Styles and page setup
# --------------------------------------------------------------------------------------------------------


def configure_styles(document: DocxDocument) -> None:
    """Set a plain legal house style and link Heading 1 / List Number 2 to the outline list."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    set_explicit_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), FONT)
    p_pr_default = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = p_pr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "120")
    spacing.set(qn("w:line"), "240")

    normal = styles["Normal"]
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    for name, size, before, after in (("Heading 1", 11.5, 240, 120), ("Title", 20, 0, 60)):
        style = styles[name]
        plain_heading_style(style, size, before / 20, after / 20, FONT)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_r_pr = styles["Title"].element.rPr
    for tag in ("w:spacing", "w:kern"):
        element = title_r_pr.find(qn(tag))
        if element is not None:
            title_r_pr.remove(element)

    section_style = styles["List Number 2"]
    p_pr = section_style.element.get_or_add_pPr()
    contextual = p_pr.find(qn("w:contextualSpacing"))
    if contextual is not None:
        p_pr.remove(contextual)
    section_style.paragraph_format.space_after = Pt(6)

    link_style_to_level(styles["Heading 1"], MAIN_NUM_ID, 0)
    link_style_to_level(section_style, MAIN_NUM_ID, 1)


def configure_page(document: DocxDocument) -> None:
    """A4 portrait, 2.5 cm margins, and a footer with the document name and page numbers."""
    sec = document.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = sec.bottom_margin = Cm(2.5)
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Nimbus Analytics – AI Features Amendment – Page ")
    _add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        run.font.size = Pt(8)


def _add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")
    r_pr.append(size)
    run.append(r_pr)
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# --------------------------------------------------------------------------------------------------------
# Paragraph rendering
# --------------------------------------------------------------------------------------------------------


def _revision(kind: str, run: Run) -> None:
    """Wrap ``run`` in a ``w:ins`` or ``w:del`` element attributed to the customer's reviewer."""
    wrapper = OxmlElement(f"w:{kind}")
    wrapper.set(qn("w:id"), str(REVISION_IDS[kind]))
    wrapper.set(qn("w:author"), REVIEWER)
    wrapper.set(qn("w:date"), REVIEW_TIME)
    r = run._r
    if kind == "del":
        for text in r.findall(qn("w:t")):
            text.tag = qn("w:delText")
    r.addprevious(wrapper)
    wrapper.append(r)


def add_marked_text(document: DocxDocument, paragraph: Paragraph, text: str) -> None:
    """Append ``text`` to ``paragraph``, interpreting the inline markup described at TOKEN_RE."""
    for token in TOKEN_RE.split(text):
        if not token:
            continue
        if token.startswith("**"):
            paragraph.add_run(token[2:-2]).bold = True
        elif token.startswith("{+"):
            _revision("ins", paragraph.add_run(token[2:-2]))
        elif token.startswith("{-"):
            _revision("del", paragraph.add_run(token[2:-2]))
        elif token.startswith("[["):
            anchor = paragraph.add_run(token[2:-2])
            comment = document.add_comment(anchor, text=COMMENT_TEXT, author=REVIEWER, initials=REVIEWER_INITIALS)
            comment._comment_elm.date = COMMENT_TIME
        else:
            paragraph.add_run(token)


def add_provider_table(document: DocxDocument) -> Table:
    header, *rows = PROVIDER_TABLE
    table = document.add_table(rows=len(PROVIDER_TABLE), cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(3.8), Cm(5.2), Cm(3.6), Cm(3.4))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row_index, values in enumerate((header, *rows)):
        row = table.rows[row_index]
        for cell, value, width in zip(row.cells, values, widths, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            paragraph.paragraph_format.space_after = Pt(3)
            run = paragraph.add_run(value)
            run.font.size = Pt(9.5)
            run.bold = row_index == 0
    header_tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header_tr_pr.append(OxmlElement("w:tblHeader"))
    return table


def add_signature_block(document: DocxDocument) -> None:
    table = document.add_table(rows=1, cols=2)
    for cell, party in zip(table.rows[0].cells, SIGNATORIES, strict=True):
        first = cell.paragraphs[0]
        first.alignment = WD_ALIGN_PARAGRAPH.LEFT
        first.add_run(party).bold = True
        for line in (
            "Signature: ______________________",
            "Name: ___________________________",
            "Title: ____________________________",
            "Date: ____________________________",
        ):
            paragraph = cell.add_paragraph(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT


def render(document: DocxDocument, blocks: Sequence[Block]) -> None:
    styles = document.styles
    for block in blocks:
        kind = block.kind
        if kind == "table":
            add_provider_table(document)
            continue
        if kind == "signatures":
            add_signature_block(document)
            continue
        text = block.text
        paragraph = document.add_paragraph()
        if kind == "title":
            paragraph.style = styles["Title"]
        elif kind == "subtitle":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(18)
        elif kind == "label":
            paragraph.paragraph_format.keep_with_next = True
            text = f"**{text}**"
        elif kind in ("article", "schedule"):
            paragraph.style = styles["Heading 1"]
            if kind == "schedule":
                set_direct_numbering(paragraph, 0, 0)
                if block.new_page:
                    paragraph.paragraph_format.page_break_before = True
                paragraph.paragraph_format.space_before = Pt(18)
        elif kind == "section":
            paragraph.style = styles["List Number 2"]
        elif kind in ("item", "subitem"):
            set_direct_numbering(paragraph, MAIN_NUM_ID, 2 if kind == "item" else 3)
            paragraph.paragraph_format.space_after = Pt(4)
        elif kind in ("s2", "s2item"):
            set_direct_numbering(paragraph, SCHEDULE_NUM_ID, 0 if kind == "s2" else 1)
            paragraph.paragraph_format.space_after = Pt(6 if kind == "s2" else 4)
        add_marked_text(document, paragraph, text)


def set_core_properties(document: DocxDocument) -> None:
    props = document.core_properties
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.title = "AI Features Amendment"
    props.subject = "Nimbus Analytics, Inc. and Harbor Logistics Ltd."
    props.keywords = "example; AI contract; proportion"
    props.comments = "Original example drafting for the proportion project; contains deliberate defects."
    props.category = "Example agreement"
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME


def build() -> bytes:
    """Build the document and return the DOCX bytes."""
    document = Document()
    add_numbering(document)
    configure_styles(document)
    configure_page(document)
    # The template starts with one empty paragraph; build after it is removed.
    body_element = document.element.body
    for paragraph in list(body_element.findall(qn("w:p"))):
        body_element.remove(paragraph)
    render(document, CONTENT)
    set_core_properties(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), ZIP_TIME)


def main() -> None:
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
