"""The house's words about itself stay true: the README is a door, not a wall; every relative link
in the Markdown points at a file (and a heading) that exists; every repository path that code,
docs or comments mention (`app/…py`, `static/js/….js`, `tests/….py`, `forms/…`, `docs/….md`,
`bench/…`, `migrations/…`) exists. Modules move; a path left behind fails here, not in a reader's
head."""

import os
import re
from pathlib import Path

from tests.paths import ROOT

README_MOST_LINES = 200
TOP_FOLDERS = ("app", "static", "tests", "forms", "docs", "bench", "migrations")
# Only text we write: the vendored Leaflet is someone else's, the fixtures are data, and this
# file's worked examples are stale on purpose.
SKIPPED = ("static/vendor/", "tests/fixtures/", "tests/house/test_paths.py")
SCANNED_SUFFIXES = {".py", ".js", ".md", ".html", ".css", ".toml", ".cfg", ".yaml", ".yml"}
SCANNED_NAMES = {"Makefile", "run"}  # .ci/run
PASSED_BY = {"instance", "__pycache__", "node_modules", "build", "dist"}
# Paths that are meant not to exist here, each with why.
NOT_OURS = {
    # a file of the upstream eviltransform repository, cited as the source of a ported test
    "tests/EvilTransformTest.php",
}

# A path starts a word (not inside a URL such as /static/js/x.js or another repository's
# dist/…) with one of our top folders, and ends on a word character or a glob star, so a
# sentence's full stop is not part of it.
MENTION = re.compile(
    rf"(?<![\w./\-@])((?:{'|'.join(TOP_FOLDERS)})/[\w./*\-]*[\w*])",
)
FILE_SUFFIX = re.compile(r"\.(py|js|json|md|css|html|png|txt|geojson|csv|toml|ya?ml|xlsx|cfg)$")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def tracked_texts():
    """(repository path, text) of every file we write whose paths could go stale."""
    for folder, subfolders, files in os.walk(ROOT):
        # not the venv, git's store, the instance data or caches; .ci holds the CI script
        subfolders[:] = sorted(
            sub
            for sub in subfolders
            if sub not in PASSED_BY and (sub == ".ci" or not sub.startswith("."))
        )
        for file in sorted(files):
            path = Path(folder) / file
            name = path.relative_to(ROOT).as_posix()
            if name.startswith(SKIPPED) and not name.endswith("README.md"):
                continue
            if path.suffix in SCANNED_SUFFIXES or path.name in SCANNED_NAMES:
                yield name, path.read_text(encoding="utf-8")


def mention_exists(mention: str) -> bool:
    """A file or folder; a glob (`bench/bench_*.py`) that matches; a module without `.py`
    (`app/rollups/reports`); or a module and a name in it (`app/rollups/reports.rollup`)."""
    if "*" in mention:  # babel.cfg's app/**.py is pathlib's app/**/*.py
        return any(ROOT.glob(re.sub(r"\*\*(?!/)", "**/*", mention)))
    if (ROOT / mention).exists() or (ROOT / f"{mention}.py").exists():
        return True
    if mention.endswith(".html") and (ROOT / "app/templates" / mention).exists():
        return True  # a template's name (`forms/index.html`) beside a top folder's
    folder, _, last = mention.rpartition("/")
    module, dot, _attribute = last.partition(".")
    return bool(dot) and not FILE_SUFFIX.search(last) and (ROOT / folder / f"{module}.py").exists()


def stale_mentions(text: str) -> list[str]:
    return [
        mention
        for mention in MENTION.findall(text)
        if mention not in NOT_OURS and not mention_exists(mention)
    ]


def markdown_files():
    return [(name, text) for name, text in tracked_texts() if name.endswith(".md")]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    return {slug(heading) for heading in HEADING.findall(FENCE.sub("", text))}


def app_packages():
    return sorted((ROOT / "app").glob("*/__init__.py"))


def external(target: str) -> bool:
    return re.match(r"[a-z]+:", target) is not None  # https:, mailto:: not ours to check


def leads_somewhere(name: str, target: str) -> bool:
    """A link of the Markdown file `name` reaches a file in the repository, and the heading its
    anchor names when it links to Markdown."""
    file_part, _, anchor = target.partition("#")
    path = (ROOT / name).parent / file_part if file_part else ROOT / name
    if not path.resolve().is_relative_to(ROOT) or not path.exists():
        return False
    return not anchor or path.suffix != ".md" or anchor in anchors(path.read_text("utf-8"))


def broken_links(name: str, text: str) -> list[str]:
    """The relative links of one Markdown file whose file or heading does not exist."""
    targets = LINK.findall(FENCE.sub("", text))
    return [
        target for target in targets if not external(target) and not leads_somewhere(name, target)
    ]


def links_of(name: str) -> set[str]:
    """The repository files one Markdown file links to."""
    folder = (ROOT / name).parent
    targets = LINK.findall((ROOT / name).read_text("utf-8"))
    files = {target.partition("#")[0] for target in targets if not external(target)}
    return {(folder / file).resolve().relative_to(ROOT).as_posix() for file in files if file}


def test_the_readme_is_a_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines < README_MOST_LINES


def test_the_readme_links_every_docs_page_and_the_tests_guide():
    pages = {path.relative_to(ROOT).as_posix() for path in (ROOT / "docs").glob("*.md")}
    linked = links_of("README.md")
    assert pages - linked == set()
    assert {"tests/README.md", "forms/README.md"} <= linked


def test_the_readme_layout_names_every_package_of_app():
    """A new room (say app/photos/) gets its line in the README's layout table."""
    packages = {f"`{path.parent.relative_to(ROOT).as_posix()}/`" for path in app_packages()}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert {package for package in packages if f"| {package} |" not in readme} == set()
    assert "`app/rollups/`" in packages and "`app/views/`" in packages


def test_every_relative_link_in_the_markdown_leads_somewhere():
    broken = {name: links for name, text in markdown_files() if (links := broken_links(name, text))}
    assert broken == {}


def test_every_mentioned_repository_path_exists():
    stale = {
        f"{name}:{number}: {mention}"
        for name, text in tracked_texts()
        for number, line in enumerate(text.splitlines(), 1)
        for mention in stale_mentions(line)
    }
    assert stale == set()


def test_the_path_check_tells_stale_from_live():
    """Worked by hand on the kinds of mention the tree holds."""
    line = (
        "// app/calculations.py's rules (app/formdefs/calculations.py), the sum of "
        "app/rollups/reports.rollup, every bench/bench_*.py, not bench/bench_nothing_*.py; "
        "docs/offline.md. app/reports.rollup moved, app/rollups/reports.json never was; "
        "/static/js/x.js is a URL and larryli/eviltransform tests/EvilTransformTest.php not ours."
    )
    assert stale_mentions(line) == [
        "app/calculations.py",
        "bench/bench_nothing_*.py",
        "app/reports.rollup",
        "app/rollups/reports.json",
    ]


def test_the_link_check_finds_a_missing_file_and_a_missing_heading():
    text = (
        "[ok](offline.md) [gone](offline-old.md) [heading](performance.md#exports) "
        "[no heading](performance.md#imports) [web](https://example.org/x.md) "
        "![shot](screenshots/map.png) [out](../../etc/passwd)\n```\n[code](not-a-link.md)\n```\n"
    )
    assert broken_links("docs/example.md", text) == [
        "offline-old.md",
        "performance.md#imports",
        "../../etc/passwd",
    ]


def test_a_heading_becomes_githubs_anchor():
    assert slug("Figures (bench/bench_offline.py, this machine)") == (
        "figures-benchbench_offlinepy-this-machine"
    )
    assert slug("The map and the dashboard: Lighthouse") == "the-map-and-the-dashboard-lighthouse"
    assert slug("Estimates from counts, measured or estimated") == (
        "estimates-from-counts-measured-or-estimated"
    )


def test_the_tree_is_scanned_where_the_paths_are():
    """The scan reaches code, styles, scripts, templates, docs and the build files (a filter that
    skipped a folder would pass every check above)."""
    names = {name for name, _ in tracked_texts()}
    assert {
        "README.md",
        "Makefile",
        "pyproject.toml",
        ".ci/run",
        "static/js/calculate.js",
        "static/vendor/README.md",
        "docs/offline.md",
        "forms/README.md",
        "tests/README.md",
        "app/views/offline/__init__.py",
    } <= names
    assert not any(name.startswith("static/vendor/leaflet") for name in names)
    assert all(Path(name).suffix != ".png" for name in names)
