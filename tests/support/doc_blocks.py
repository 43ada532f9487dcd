"""The shell and Python code blocks of the documentation (README.md, docs/*.md), and running them.

Every ```` ```python ````, ```` ```bash ```` and ```` ```sh ```` block is run, in the order of its
page, unless an HTML comment on the lines right before it (invisible on the rendered page) says
otherwise, one directive per comment:

- ``<!-- docs-test: skip: REASON -->``: not run, for the reason given (which must be there);
- ``<!-- docs-test: given: CODE -->``: Python run before the block, defining what the block takes as
  already there (``app``, an ``event``...), without showing it on the page;
- ``<!-- docs-test: in: DIR -->``: run in ``DIR`` of the repository, not the page's directory;
- ``<!-- docs-test: file: NAME -->``: the block is also saved as ``NAME`` in the page's directory
  (``main.py``, that a later command runs).

The blocks of one page run in one process, as a reader would go down the page: Python blocks share
one namespace, shell blocks run with ``bash -e -o pipefail``; both in a fresh directory (the page's)
holding links to the repository's ``examples`` and virtual environment, with ``python`` on PATH
being this interpreter. ``python -m tests.support.doc_blocks PAGE.json`` is that process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import traceback
import types
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RUN_LANGUAGES = ("python", "bash", "sh")
DIRECTIVES = ("skip", "given", "in", "file")
_FENCE = re.compile(r"^```(\S*)\s*$")
_DIRECTIVE = re.compile(r"^<!-- docs-test: (\w+):(.*?)-->\s*$", re.DOTALL)


class DocumentError(ValueError):
    """A page's markers are malformed: an unknown directive, a skip without a reason, a marker on
    a block that is not run anyway, or a fence that is never closed."""


@dataclass(frozen=True)
class Block:
    """One fenced block of a page, and the directives before it."""

    page: str
    line: int
    """Where its opening fence is (1-based)."""
    language: str
    code: str
    directives: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def skipped(self) -> bool:
        return "skip" in self.directives


def blocks(text: str, page: str) -> list[Block]:
    """The runnable blocks of a page's markdown ``text`` (``page`` names it in messages)."""
    lines = text.splitlines()
    found: list[Block] = []
    pending: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("<!-- docs-test:"):
            end = index
            while "-->" not in lines[end]:
                end += 1
                if end == len(lines):
                    raise DocumentError(f"{page}:{index + 1}: a docs-test comment is never closed")
            match = _DIRECTIVE.match("\n".join(lines[index : end + 1]))
            if match is None or match.group(1) not in DIRECTIVES:
                raise DocumentError(
                    f"{page}:{index + 1}: not a docs-test directive ({', '.join(DIRECTIVES)})"
                )
            name, value = match.group(1), match.group(2).strip()
            if not value:
                raise DocumentError(
                    f"{page}:{index + 1}: docs-test {name} needs a value (a skip, its reason)"
                )
            pending[name] = value
            index = end + 1
            continue
        fence = _FENCE.match(line)
        if fence is None:
            if line.strip():
                pending = {}
            index += 1
            continue
        close = index + 1
        while close < len(lines) and not lines[close].startswith("```"):
            close += 1
        if close == len(lines):
            raise DocumentError(f"{page}:{index + 1}: the code block is never closed")
        language = fence.group(1)
        if language in RUN_LANGUAGES:
            found.append(
                Block(page, index + 1, language, "\n".join(lines[index + 1 : close]) + "\n", pending)
            )
        elif pending:
            raise DocumentError(f"{page}:{index + 1}: docs-test directives on a {language or 'plain'} block")
        pending = {}
        index = close + 1
    return found


def run_page(
    page_blocks: list[Block], workdir: Path, timeout: float = 120.0
) -> subprocess.CompletedProcess[str]:
    """Run the blocks not skipped, in order, in a process of their own in ``workdir``; its outcome
    (status 1 and the failing block named on stderr when one fails)."""
    (workdir / "examples").symlink_to(REPO_ROOT / "examples", target_is_directory=True)
    (workdir / ".venv").symlink_to(Path(sys.executable).parents[1], target_is_directory=True)
    plan = workdir / ".blocks.json"
    plan.write_text(json.dumps([asdict(block) for block in page_blocks if not block.skipped]))
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MANGUM_", "AWS_LAMBDA_", "PYTEST_"))
    }
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "tests.support.doc_blocks", str(plan)],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _run(plan: Path) -> int:
    workdir = plan.parent
    module = types.ModuleType("docs_page")  # one module per page: what the blocks define stays there
    sys.modules[module.__name__] = module
    for fields in json.loads(plan.read_text()):
        block = Block(**fields)
        directives = block.directives
        here = REPO_ROOT / directives["in"] if "in" in directives else workdir
        if "file" in directives:
            (workdir / directives["file"]).write_text(block.code)
        os.chdir(here)
        try:
            if block.language == "python":
                if "given" in directives:
                    exec(compile(directives["given"], f"{block.where} (given)", "exec"), module.__dict__)
                # Padded so that a traceback's line numbers are the page's.
                exec(compile("\n" * block.line + block.code, block.page, "exec"), module.__dict__)
            else:
                done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block.code], check=False)
                if done.returncode != 0:
                    print(
                        f"the {block.language} block at {block.where} exited with {done.returncode}",
                        file=sys.stderr,
                    )
                    return 1
        except BaseException:
            traceback.print_exc()
            print(f"the python block at {block.where} failed", file=sys.stderr)
            return 1
        finally:
            os.chdir(workdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(_run(Path(sys.argv[1])))
