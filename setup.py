"""Build hook: copy the bundled catalogue, corpus, goals and schemas into the package.

In a source checkout the data lives at the top (commitments/, observations/, goals/, schemas/),
where contributors edit it; a wheel carries a copy under helsinki_compliance/data/ so that a user
who installs it without the repository still has the catalogue, the schemas and the corpus.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("commitments", "observations", "goals", "schemas")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        here = Path(__file__).parent
        target = Path(self.build_lib) / "helsinki_compliance" / "data"
        for name in DATA:
            src = here / name
            if src.is_dir():
                shutil.copytree(src, target / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("*.tmp", ".*.lock", ".helsinki-cache"))


setup(cmdclass={"build_py": BuildWithData})
