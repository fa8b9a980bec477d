"""The README's Configuration section is one list that names every setting core/config.py
reads from the environment, once each; and it names the demo's --port."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def test_configuration_lists_every_setting_once():
    config = (ROOT / "core" / "config.py").read_text()
    names = set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', config))
    section = _section((ROOT / "README.md").read_text(), "Configuration")
    listed = re.findall(r"`([A-Z][A-Z0-9_]+)`", section)
    missing = sorted(names - set(listed))
    assert not missing, f"settings read in core/config.py but not in the README: {missing}"
    twice = sorted({n for n in listed if listed.count(n) > 1})
    assert not twice, f"listed more than once: {twice}"
    unknown = sorted(set(listed) - names)
    assert not unknown, f"the README lists settings core/config.py does not read: {unknown}"


def test_the_readme_names_the_demos_port():
    text = (ROOT / "README.md").read_text()
    assert "kommissorium demo --port" in text
