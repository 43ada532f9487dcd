"""Every shell and Python block of README.md and docs/*.md runs as written, in the order of its page
(tests/support/doc_blocks.py), except the few marked ``<!-- docs-test: skip: REASON -->``, each with
its reason: what a reader copies from the documentation works."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.doc_blocks import REPO_ROOT, Block, DocumentError, blocks, run_page

PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]


def _blocks(page: Path) -> list[Block]:
    return blocks(page.read_text(), page.relative_to(REPO_ROOT).as_posix())


@pytest.mark.parametrize("page", [page for page in PAGES if _blocks(page)], ids=lambda page: page.name)
def test_the_pages_blocks_run(page: Path, tmp_path: Path) -> None:
    done = run_page(_blocks(page), tmp_path)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]


def test_most_blocks_run_and_every_skip_says_why() -> None:
    every = [block for page in PAGES for block in _blocks(page)]
    skipped = [block for block in every if block.skipped]

    assert all(len(block.directives["skip"]) > 10 for block in skipped)
    assert len(skipped) < len(every) / 2


def test_a_failing_block_fails_the_page_and_is_named(tmp_path: Path) -> None:
    page = (
        "# A page\n\n```python\nvalue = 1\n```\n\n```bash\necho fine\n```\n\n"
        "<!-- docs-test: given: other = 2 -->\n```python\nassert value + other == 4, 'wrong sum'\n```\n"
    )

    done = run_page(blocks(page, "page.md"), tmp_path)

    assert done.returncode == 1
    assert "AssertionError: wrong sum" in done.stderr
    assert 'File "page.md", line 13' in done.stderr
    assert "the python block at page.md:12 failed" in done.stderr


def test_a_failing_command_fails_the_page(tmp_path: Path) -> None:
    done = run_page(blocks("```bash\ntrue\nfalse\necho never\n```\n", "page.md"), tmp_path)

    assert done.returncode == 1
    assert "the bash block at page.md:1 exited with 1" in done.stderr


@pytest.mark.parametrize(
    "page",
    [
        "<!-- docs-test: skip: -->\n```python\npass\n```\n",
        "<!-- docs-test: maybe: later -->\n```python\npass\n```\n",
        "<!-- docs-test: skip: a reason given -->\n```text\nplain\n```\n",
        "```python\npass\n",
    ],
    ids=["skip-without-reason", "unknown-directive", "marker-on-text", "unclosed"],
)
def test_malformed_markers_are_refused(page: str) -> None:
    with pytest.raises(DocumentError):
        blocks(page, "page.md")
