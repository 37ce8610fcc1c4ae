"""README.md is for users: short, with the commands a user types; CONTRIBUTING.md holds the
maintainers' detail. Every relative link in both leads to a file (and heading) that exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = [README, ROOT / "CONTRIBUTING.md", ROOT / "TEACHING.md"]
MAX_WORDS = 1100  # the user part is about 1,000 words; the lead's timings fit in the rest

# What a user types: the two commands, the app, the student edition (make and Windows).
COMMANDS = [
    "make lab",
    "make test",
    "make app",
    "make app APP_IP=0.0.0.0",
    "make lab NOTEBOOKS=student/self-study",
    r"py scripts\tasks.py lab --notebooks student/self-study",
    r"py scripts\tasks.py lab",
    r"py scripts\tasks.py test",
]
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def words(text: str) -> int:
    return len(text.split())  # as `wc -w` counts, code blocks included


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(m) for m in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}


def relative_links(path: Path) -> list[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans are not links
    return [t for t in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def test_readme_is_short():
    n = words(README.read_text(encoding="utf-8"))
    assert n < MAX_WORDS, f"README.md has {n} words; move maintainer detail to CONTRIBUTING.md"


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_gives_the_commands(command):
    assert command in README.read_text(encoding="utf-8")


def test_readme_says_how_to_stop_lab_and_app():
    text = README.read_text(encoding="utf-8").replace("*", "")
    assert re.search(r"stop JupyterLab, press Ctrl-C in its terminal, then y", text), \
        "README.md should say how to stop JupyterLab"
    assert re.search(r"stop the app, press Ctrl-C", text), \
        "README.md should say how to stop make app"


def test_readme_has_no_tracker_references():
    text = README.read_text(encoding="utf-8")
    assert not re.search(r"\bissue\s*#?\d+", text, re.IGNORECASE)


def test_readme_shows_the_app():
    text = README.read_text(encoding="utf-8")
    match = re.search(r"!\[([^\]]+)\]\(docs/app\.png\)", text)
    assert match and words(match.group(1)) >= 8, "the screenshot's alt text says what it shows"
    image = ROOT / "docs" / "app.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.stat().st_size < 300_000, "keep docs/app.png small"


def test_readme_links_the_guides():
    text = README.read_text(encoding="utf-8")
    for target in ("TEACHING.md", "CONTRIBUTING.md", "benchmarks/README.md"):
        assert f"]({target})" in text, target


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_lead_somewhere(doc):
    links = relative_links(doc)
    assert links or doc.name == "TEACHING.md"
    for link in links:
        target, _, fragment = link.partition("#")
        path = (doc.parent / target).resolve() if target else doc
        assert path.exists(), f"{doc.name} links to {link}, which does not exist"
        if fragment:
            assert path.suffix == ".md" and fragment in anchors(path), \
                f"{doc.name} links to {link}: no such heading in {path.name}"
