"""Vendor Det Fælles Designsystem (DKFDS) into ``core/web/static/dkfds/``.

The built stylesheet, the IBM Plex Sans web fonts and the SVG icons of the ``dkfds`` npm
package are copied into the repository, so a fresh clone serves them with Python alone
(``make demo``) and no page loads anything from another site (the Content-Security-Policy
is ``'self'``). Run this (``make dkfds``) to move to another version: set ``VERSION`` and
``INTEGRITY`` (``npm view dkfds@<version> dist.integrity``), run it, look at the pages,
commit the result. ``npm`` fetches the package; nothing is built here and no JavaScript of
the design system is taken (docs/decisions/0027-det-faelles-designsystem-vendored.md).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "11.2.0"
#: npm's ``dist.integrity`` of that version: the tarball is refused if it differs.
INTEGRITY = "sha512-JuVf8NjEOeF+TKIhEFXa3BfZvk1ulQM8+XN+6QhgDo6kiwwvupyBY34YU4FglBeyFWHbE5mYDmnrcYTWOSKkEA=="
TARGET = Path(__file__).resolve().parent.parent / "core" / "web" / "static" / "dkfds"
#: The font faces the stylesheet names, as woff2 and woff (the regular face names woff first);
#: the eot and ttf it also names are for browsers that read neither, and are left out.
FACES = ("Regular", "Italic", "Medium", "MediumItalic", "SemiBold", "SemiBoldItalic", "Bold", "BoldItalic")


def wanted(name: str) -> str | None:
    """Where a file of the package goes under ``TARGET``, or ``None`` to leave it out."""
    if not name.startswith("package/dist/"):
        return None
    rel = name.removeprefix("package/dist/")
    if rel in ("LICENSE.md", "css/dkfds.min.css", "img/all-svg-icons.svg"):
        return rel
    if rel.startswith("img/svg-icons/") and rel.endswith(".svg"):
        return rel
    fonts = "fonts/IBMPlexSans/complete/"
    if rel == fonts + "woff2/license.txt" or rel in {
            f"{fonts}{kind}/IBMPlexSans-{face}.{kind}" for face in FACES for kind in ("woff2", "woff")}:
        return rel
    return None


def fetch(workdir: Path) -> Path:
    """The package's tarball, fetched by npm and checked against ``INTEGRITY``."""
    subprocess.run(["npm", "pack", f"dkfds@{VERSION}", "--silent", "--pack-destination", str(workdir)],
                   check=True, stdout=subprocess.DEVNULL)
    tarball = workdir / f"dkfds-{VERSION}.tgz"
    algo, _, expected = INTEGRITY.partition("-")
    got = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
    if got != expected:
        sys.exit(f"dkfds-{VERSION}.tgz does not match its integrity {INTEGRITY}")
    return tarball


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tarball = fetch(Path(tmp))
        if TARGET.exists():
            shutil.rmtree(TARGET)
        count = 0
        with tarfile.open(tarball) as tar:
            for member in tar.getmembers():
                rel = wanted(member.name) if member.isfile() else None
                if rel is None:
                    continue
                out = TARGET / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(tar.extractfile(member).read())
                count += 1
    (TARGET / "VERSION").write_text(f"dkfds {VERSION}\n{INTEGRITY}\n")
    print(f"dkfds {VERSION}: {count} files in {TARGET}")


if __name__ == "__main__":
    main()
