"""`flask --app wsgi import-form PATH.xlsx [--publish]` (issue 22): lists the changes, publishes
only with --publish, and refuses a bad workbook naming sheet, row and column."""

import pytest

from app.extensions import db
from app.models import PublishedForm
from tests.xlsform_helpers import edit, exported, relabel_and_add, set_cell


def county_versions(app):
    with app.app_context():
        query = db.select(PublishedForm.version).where(PublishedForm.origin == "county")
        return list(db.session.scalars(query))


@pytest.fixture
def workbook(tmp_path):
    def write(data: bytes, name="film.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def test_check_then_publish(app, workbook):
    runner = app.test_cli_runner()
    same = runner.invoke(args=["import-form", workbook(exported("film"))])
    assert same.exit_code == 0
    assert same.output == "film: identical to the current version; nothing published\n"
    path = workbook(relabel_and_add(exported("film")))
    dry = runner.invoke(args=["import-form", path])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines() == [
        "- recovered_t 的标题改为“农膜回收总量” / recovered_t: label now 'Film recovered in all'",
        "- 新增字段 bags_collected“回收袋数” / new field bags_collected (Bags collected)",
        "film: 2 change(s); run with --publish to publish",
    ]
    assert county_versions(app) == []
    done = runner.invoke(args=["import-form", path, "--publish"])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[-1] == "film: published version 2026.4"
    assert county_versions(app) == ["2026.4"]


def test_a_bad_workbook_publishes_nothing(app, workbook):
    def typo(book):
        set_cell(book, "survey", "recovered_t", "constraint", ". <= ${used_tt}")

    result = app.test_cli_runner().invoke(
        args=["import-form", workbook(edit(exported("film"), typo)), "--publish"]
    )
    assert result.exit_code == 1
    assert "survey 第 5 行 constraint 列: 未知字段 ${used_tt}" in result.output
    assert "survey row 5 column constraint: unknown field ${used_tt}" in result.output
    assert county_versions(app) == []
