"""The command line for proposals: the DOCX redline, the memo in Markdown and HTML, and the playbook."""

from __future__ import annotations

import json
import re
from pathlib import Path

from proportion.ingest import read_bytes

from conftest import EXAMPLE
from test_cli import proportion_cli


def test_docx_redline_is_written_with_the_chosen_author(tmp_path: Path) -> None:
    output = tmp_path / "redline.docx"
    done = proportion_cli("review", EXAMPLE, "--format", "docx", "--output", output, "--author", "Harbor Legal")
    assert done.returncode == 0, done.stderr
    facts = read_bytes(output.read_bytes(), ".docx").facts
    for authors in (facts["revision_authors"], facts["comment_authors"]):
        assert isinstance(authors, list) and "Harbor Legal" in authors


def test_docx_redline_needs_an_output_file() -> None:
    done = proportion_cli("review", EXAMPLE, "--format", "docx")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--output" in done.stderr


def test_markdown_memo_covers_material_categories_with_language_and_questions() -> None:
    done = proportion_cli("review", EXAMPLE, "--format", "markdown")
    assert done.returncode == 0, done.stderr
    memo = done.stdout
    assert memo.startswith("# Negotiation memo: AI Features Amendment")
    for heading in ("## training-use", "## security", "## confidentiality"):
        assert heading in memo
    training = memo.split("## training-use", 1)[1].split("\n## ", 1)[0]
    assert "**Proportionate target:** No training" in training
    assert "**Why:** This is a consent question" in training
    assert "**Proposed language:**" in training and "**Questions for the other side:**" in training


def test_html_memo_stands_alone_and_escapes_the_agreements_words(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.md"
    hostile.write_text(
        "# Terms\n\n1. Vendor may use <script>alert(1)</script> Customer Data to train models for any purpose.\n",
        encoding="utf-8",
    )
    output = tmp_path / "memo.html"
    done = proportion_cli("review", hostile, "--format", "html", "--output", output)
    assert done.returncode == 0, done.stderr
    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert "<script" not in page
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page), "the memo must not fetch anything"


def test_a_bad_user_playbook_is_a_clear_error(tmp_path: Path) -> None:
    playbook = tmp_path / "ours.yaml"
    playbook.write_text("categories:\n  - category: training-use\n    ladder:\n      - id: no-training\n"
                        "        language: Uses {an_unknown_variable}.\n", encoding="utf-8")
    done = proportion_cli("review", EXAMPLE, "--playbook", playbook)
    assert done.returncode == 2
    assert done.stderr.startswith("proportion: error: ") and "P152" in done.stderr
    assert "an_unknown_variable" in done.stderr


def test_playbook_command_shows_ladders_one_category_and_the_schema() -> None:
    ladders = proportion_cli("playbook")
    assert ladders.returncode == 0 and "training-use" in ladders.stdout and "*no-training" in ladders.stdout
    vendor = proportion_cli("playbook", "training-use", "--side", "vendor")
    assert vendor.returncode == 0 and "target for the vendor" in vendor.stdout
    schema = json.loads(proportion_cli("playbook", "--schema").stdout)
    assert schema["title"] == "proportion playbook" and "categories" in schema["properties"]
    assert proportion_cli("playbook", "no-such-category").returncode == 2


def test_docx_redline_without_comments(tmp_path: Path) -> None:
    output = tmp_path / "redline.docx"
    done = proportion_cli("review", EXAMPLE, "-f", "docx", "-o", output, "--author", "Harbor", "--comments", "none")
    assert done.returncode == 0, done.stderr
    facts = read_bytes(output.read_bytes(), ".docx").facts
    revisions, comments = facts["revision_authors"], facts["comment_authors"]
    assert isinstance(revisions, list) and isinstance(comments, list)
    assert "Harbor" in revisions and "Harbor" not in comments


def test_playbook_init_writes_a_starting_point_that_loads(tmp_path: Path) -> None:
    from proportion.knowledge.playbook import default_playbook, load_playbook

    target = tmp_path / "ours.yaml"
    done = proportion_cli("playbook", "security", "--init", target)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("# Your playbook")
    assert load_playbook(target).category("security") == default_playbook().category("security")
    again = proportion_cli("playbook", "--init", target)
    assert again.returncode == 2 and "--force" in again.stderr
