"""The one build step pyproject.toml cannot declare: the wheel ships the JSON Schemas of schemas/.

They are kept once, at the top of the repository (``schemas/events/``, ``schemas/responses/``), and
copied into the package as ``mangum/json_schemas/`` when a wheel is built, so that
``python -m mangum.schemas --check`` and ``importlib.resources`` find them in an installed package.
An editable install reads them from schemas/ itself (see ``mangum.schemas.SCHEMAS_DIR``).
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SCHEMAS = Path(__file__).resolve().parent / "schemas"


class BuildWithSchemas(build_py):
    """``build_py`` that also copies schemas/*/*.json to mangum/json_schemas/ in the build."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for source in sorted(SCHEMAS.glob("*/*.json")):
            target = Path(self.build_lib) / "mangum" / "json_schemas" / source.relative_to(SCHEMAS)
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildWithSchemas})
