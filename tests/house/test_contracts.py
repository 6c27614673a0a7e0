"""The import contracts (pyproject.toml [tool.importlinter]) are derived from the tree, so they
cannot drift from it, and they catch the imports they exist to forbid.

1. Every blueprint package (a package under app/views that calls `Blueprint(`) is named in the
   independence contract, and nothing else is.
2. Every module whose docstring says it is pure is the source of a contract forbidding Flask and
   the database. The rule for "says it is pure": a sentence of the module docstring begins with
   "Pure", or the word "pure" is followed, in the same sentence, by a parenthesis beginning
   "(no" ("kept pure (no Flask, …)"). A docstring that only calls *another* module pure
   ("app/rollups/core.py (pure)", "`ledger` is the pure state machine") does not count.
3. `lint-imports` fails, naming the right contract, for each of the violating imports an outside
   review tried (issue 19), once each added to a copy of app/; the unmodified copy passes.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.paths import APP, ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
INDEPENDENCE = "No blueprint imports another"
PURE = "Pure modules take plain data: no Flask, no database"
CORE = "The roll-up core is pure: nothing of the app, no Flask, no SQLAlchemy"
MODELS = "Models are tables only: they import no views and no domain logic"
DOMAIN = "Domain packages never import the web layer"
VIEWS_TO_TALLIES = (
    "Views never reach the tally SQL or the summary tables directly: they ask app.rollups.reports"
)
# What a contract must forbid for a module named in it to count as checked for purity.
NO_FLASK_NO_DATABASE = {"flask", "flask_sqlalchemy", "sqlalchemy", "app.models", "app.db"}

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
SAYS_PURE = re.compile(r"^Pure\b|\bpure\b[^.()]*\(no\b")


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def contract(name: str) -> dict:
    return next(c for c in contracts() if c["name"] == name)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def says_it_is_pure(docstring: str) -> bool:
    sentences = SENTENCE_END.split(" ".join(docstring.split()))
    return any(SAYS_PURE.search(sentence) for sentence in sentences)


def modules_calling_themselves_pure() -> set[str]:
    found = set()
    for path in sorted(APP.rglob("*.py")):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if says_it_is_pure(docstring):
            found.add(module_name(path))
    return found


def defines_a_blueprint(package: Path) -> bool:
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Blueprint":
                return True
    return False


def blueprint_packages() -> set[str]:
    views = APP / "views"
    return {
        module_name(init.parent)
        for init in views.glob("*/__init__.py")
        if defines_a_blueprint(init.parent)
    }


def named_in(module: str, names: list[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in names)


def test_the_rule_tells_a_pure_module_from_one_naming_another():
    assert says_it_is_pure("Ranks units. Pure (no Flask, no database): it orders results.")
    assert says_it_is_pure("The arithmetic of roll-ups, kept pure (no Flask, no SQLAlchemy).")
    assert says_it_is_pure("The review workflow as a pure state machine (no Flask, no database).")
    assert not says_it_is_pure("and app/rollups/core.py (pure) does all the arithmetic.")
    assert not says_it_is_pure("`ledger` is the pure state machine and the overdue rule.")
    assert not says_it_is_pure("The marks stay plain records (app/maps/build.py stays pure).")


def test_the_tree_has_the_blueprints_and_pure_modules_the_review_counted():
    """12 blueprints (issue 22 added forms_admin); the pure modules are the eleven named before
    issue 19 less app.maps.build
    (its docstring says "No Flask, no database", not "pure"), the roll-up core and the ten the
    review found unchecked, app.photos.refusals (the photo path's catalogue, which came with
    app.photos.images from app.inspections) and app.photos.fingerprint (issue 24's photo hash),
    issue 22's seven: the constraint language (app.formdefs.xpath) and the workbook's sheets,
    cells, checks, import, indicators and change list, and issue 20's three-way merge and
    revision history (app.inspections.merge, app.inspections.revision_history), and issue
    23's figures and draw (app.sites.figures, app.sites.draw), and the rule of a target's path
    that the targets page and the workbook share (app.formdefs.target_rules, issue 22)."""
    assert (
        len(blueprint_packages()) == 13
    )  # with app.views.forms_admin (22) and app.views.sites (23)
    assert {"app.views.coefficients_admin", "app.views.people", "app.views.problems"} <= (
        blueprint_packages()
    )
    pure = modules_calling_themselves_pure()
    assert len(pure) == 35
    assert {"app.rollups.ranking", "app.problems.ledger", "app.formdefs.calculations"} <= pure
    assert "app.rollups.reports" not in pure and "app.problems" not in pure


def test_the_independence_contract_names_every_blueprint_package():
    assert set(contract(INDEPENDENCE)["modules"]) == blueprint_packages()


def test_every_module_calling_itself_pure_is_in_a_contract_forbidding_flask_and_the_database():
    guarding = [
        c["source_modules"]
        for c in contracts()
        if c["type"] == "forbidden" and set(c["forbidden_modules"]) >= NO_FLASK_NO_DATABASE
    ]
    unchecked = {
        module
        for module in modules_calling_themselves_pure()
        if not any(named_in(module, sources) for sources in guarding)
    }
    assert unchecked == set()


# The violating imports the review tried (issue 19, finding 1 and 2): (module, what it imports,
# the contract that must break). On main before issue 19, the ten marked * passed lint-imports
# unnoticed (three blueprints and ten pure modules were not named in their contracts).
VIOLATIONS = [
    # blueprint → blueprint, including the three blueprints the contract left out
    ("app.views.problems.routes", "app.views.api", INDEPENDENCE),  # * problems left out
    ("app.views.people.routes", "app.views.admin", INDEPENDENCE),  # * people left out
    ("app.views.coefficients_admin.routes", "app.views.dashboard", INDEPENDENCE),  # * left out
    ("app.views.web.routes", "app.views.inspect", INDEPENDENCE),
    ("app.views.dashboard.routes", "app.views.maps", INDEPENDENCE),
    ("app.views.offline.blueprint", "app.views.targets_admin", INDEPENDENCE),
    # the path found on main: problems → problem_schemas → the API package
    ("app.views.problem_schemas", "app.views.api.schemas", INDEPENDENCE),  # * (it was there)
    # a pure module → Flask or the database
    ("app.rollups.ranking", "flask", PURE),  # *
    ("app.problems.ledger", "sqlalchemy", PURE),  # *
    ("app.formdefs.calculations", "app.models", PURE),  # *
    ("app.rollups.target_path", "app.db", PURE),  # *
    ("app.rollups.coverage", "app.extensions", PURE),  # *
    ("app.views.dashboard.sparkline", "flask", PURE),  # *
    ("app.periods", "flask_sqlalchemy", PURE),
    ("app.rollups.core", "app.rollups.tallies", CORE),
    # a domain package → the web layer
    ("app.rollups.reports", "app.views.labels", DOMAIN),
    ("app.problems.service", "app.views.problem_schemas", DOMAIN),
    # models → domain logic or Flask
    ("app.models.inspections", "app.inspections", MODELS),
    ("app.models.users", "flask", MODELS),
    # a view → the tally SQL
    ("app.views.dashboard.routes", "app.rollups.tallies", VIEWS_TO_TALLIES),
]


def not_python(folder: str, names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if name == "__pycache__" or not (name.endswith(".py") or (Path(folder) / name).is_dir())
    ]


def copy_of_the_tree(tmp_path: Path) -> Path:
    """app/'s Python files and pyproject.toml: all lint-imports reads."""
    shutil.copytree(APP, tmp_path / "app", ignore=not_python)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(tree: Path) -> tuple[int, str]:
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Long contract names wrap in the report; one line of words is easier to search.
    return done.returncode, " ".join((done.stdout + done.stderr).split())


def add_import(tree: Path, module: str, target: str) -> None:
    path = tree.joinpath(*module.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    with source.open("a", encoding="utf-8") as file:
        file.write(f"\nimport {target}  # noqa\n")


def test_the_unmodified_tree_keeps_every_contract(tmp_path):
    returncode, report = lint_imports(copy_of_the_tree(tmp_path))
    assert returncode == 0, report
    assert f"Contracts: {len(contracts())} kept, 0 broken." in report


def test_the_review_tried_at_least_seventeen_violations():
    assert len(VIOLATIONS) >= 17
    assert len({(module, target) for module, target, _ in VIOLATIONS}) == len(VIOLATIONS)


@pytest.mark.parametrize(
    "module, target, broken", VIOLATIONS, ids=[f"{m}->{t}" for m, t, _ in VIOLATIONS]
)
def test_lint_imports_fails_on_a_violating_import(tmp_path, module, target, broken):
    tree = copy_of_the_tree(tmp_path)
    add_import(tree, module, target)
    returncode, report = lint_imports(tree)
    assert returncode != 0
    assert f"{broken} BROKEN" in report, report
