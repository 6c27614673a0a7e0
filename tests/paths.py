"""Where the project's files are, for tests in any folder of tests/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
FORMS = ROOT / "forms"
STATIC_JS = ROOT / "static" / "js"
FIXTURES = ROOT / "tests" / "fixtures"
SCREENSHOTS = ROOT / "docs" / "screenshots"
