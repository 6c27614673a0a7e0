"""`flask --app wsgi demo-data [--clear]`: the command around app/demo/inspections.py (one
transaction)."""

import click
from flask.cli import with_appcontext

from app.demo import inspections as demo
from app.extensions import db


@click.command("demo-data")
@click.option("--clear", is_flag=True, help="Remove the demo data instead of loading it.")
@with_appcontext
def demo_data_command(clear):
    """Load 8 quarters of demo inspections for every village (replacing earlier demo data)."""
    if clear:
        summary = demo.clear_demo()
        db.session.commit()
        click.echo(
            f"removed {summary.inspections} demo inspections; "
            f"reset {summary.villages_changed} villages"
        )
        return
    summary = demo.load_demo()
    db.session.commit()
    click.echo(
        f"loaded {summary.inspections} demo inspections; "
        f"demo zone/households on {summary.villages_changed} villages"
    )
