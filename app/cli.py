"""Command-line tasks: `flask --app wsgi seed | import-villages | create-user | deactivate-user |
reset-password | ensure-admin | backup | restore | rebuild-summary | summary-off |
import-rescue | recompute-estimates | app-role-sql | import-form | rebuild-flags`.

Each command is one transaction: it either does all its work or nothing; import-rescue alone
stores entry by entry, since each entry is an inspector's work and none depends on another.
"""

import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app import backup
from app.accounts import people
from app.accounts.audit import record
from app.accounts.passwords import MESSAGES, password_problems
from app.db_roles import app_role_sql_command
from app.demo.cli import demo_data_command
from app.extensions import db
from app.formdefs.publication import FormVersionConflict, publish
from app.formdefs.registry import current_forms
from app.geography import county
from app.inspections.integrity.rebuild import rebuild_flags
from app.inspections.reestimate import reestimate_all
from app.inspections.rescue import RescueFileError, import_rescue, read_rescue_json
from app.models import ROLES, County, Township, User
from app.models.users import TOWNSHIP_ROLES
from app.rollups.summary import quarter as quarter_summary
from app.sites.rescue import SITE_HANDLERS
from app.views.forms_service import check, publish_outcome, workbook_form_id


def init_app(app: Flask) -> None:
    for command in (
        seed_command,
        import_villages_command,
        create_user_command,
        deactivate_user_command,
        reset_password_command,
        ensure_admin_command,
        backup_command,
        restore_command,
        rebuild_summary_command,
        summary_off_command,
        import_rescue_command,
        import_form_command,
        rebuild_flags_command,
    ):
        app.cli.add_command(command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(app_role_sql_command)
    app.cli.add_command(recompute_estimates_command)


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the county's townships, villages and the plan's targets (idempotent), and record
    the form versions in forms/ (refusing a form changed without a new version)."""
    summary = county.seed()
    try:
        published = publish(db.session, current_forms().form_set)
    except FormVersionConflict as exc:
        db.session.rollback()
        raise click.ClickException(exc.description) from None
    db.session.commit()
    click.echo(
        f"townships +{summary.townships_added}, villages +{summary.villages_added}, "
        f"targets +{summary.targets_added}, coefficients +{summary.coefficients_added} "
        f"(already there: {summary.villages_present} villages), "
        f"form versions +{len(published)}"
    )


@click.command("import-villages")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@with_appcontext
def import_villages_command(csv_file):
    """Set zones, households and locations from a CSV (code,zone,households,lat,lon)."""
    try:
        updated = county.import_villages(csv_file)
    except county.ImportError_ as exc:
        db.session.rollback()
        for line, problem in exc.problems:
            click.echo(f"line {line}: {problem}", err=True)
        raise click.ClickException(
            f"{len(exc.problems)} bad row(s); nothing was imported"
        ) from None
    db.session.commit()
    click.echo(f"updated {updated} villages")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--township", "township_code", help="9-digit township code (township roles)")
@click.option(
    "--county",
    "county_code",
    help="6-digit county code: limits a county_admin or viewer to that county "
    "(without it they see the whole deployment)",
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default=None)
@with_appcontext
def create_user_command(username, role, township_code, county_code, password, display_name):
    """Create a user; the password comes from a prompt or --password."""
    # The web's rule (app/accounts/people.py): a 70-character name reached PostgreSQL's
    # VARCHAR(64), whose error printed the new password's hash in the traceback.
    if not people.USERNAME.fullmatch(username or ""):
        raise click.ClickException(people.MESSAGES["username"]["en"])
    if display_name and not people.DISPLAY_NAME.fullmatch(display_name):
        raise click.ClickException(people.MESSAGES["display_name"]["en"])
    township = county = None
    if township_code:
        township = db.session.execute(
            db.select(Township).where(Township.code == township_code)
        ).scalar_one_or_none()
        if township is None:
            raise click.ClickException(f"no township {township_code}")
    if county_code:
        county = db.session.execute(
            db.select(County).where(County.code == county_code)
        ).scalar_one_or_none()
        if county is None:
            raise click.ClickException(f"no county {county_code}")
    if role in TOWNSHIP_ROLES and township is None:
        raise click.ClickException(f"role {role} needs --township")
    if role in TOWNSHIP_ROLES and county is not None:
        raise click.ClickException(f"role {role} takes no --county: its township's county is its")
    if db.session.execute(db.select(User).where(User.username == username)).first():
        raise click.ClickException(f"user {username} exists")
    problems = password_problems(password, username)
    if problems:
        raise click.ClickException(
            "password refused: " + "; ".join(MESSAGES[p]["en"] for p in problems)
        )
    user = User(
        username=username,
        role=role,
        township=township,
        county=county,
        display_name=display_name,
    )
    user.set_password(password)
    db.session.add(user)
    record(
        "user.create",
        user,
        actor_name="cli",
        role=role,
        township=township.code if township else None,
        county=county.code if county else None,
    )
    db.session.commit()
    click.echo(f"created {role} {username}")


def _existing_user(username: str) -> User:
    user = db.session.execute(db.select(User).where(User.username == username)).scalar()
    if user is None:
        raise click.ClickException(f"no user {username}")
    return user


@click.command("deactivate-user")
@click.argument("username")
@with_appcontext
def deactivate_user_command(username):
    """Deactivate a user (as the People page does): no more sign-ins, and their open sessions
    and API tokens end now."""
    revoked = people.deactivate(None, _existing_user(username))
    db.session.commit()
    click.echo(f"deactivated {username}; {revoked} API token(s) revoked")


@click.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password_command(username):
    """Give a user a one-time password (printed once) that they must change at their next
    sign-in; their sessions and API tokens end now."""
    password = people.reset_password(None, _existing_user(username))
    db.session.commit()
    click.echo(f"one-time password for {username}: {password}")
    click.echo("shown once; it must be changed at the first sign-in")


@click.command("ensure-admin")
@with_appcontext
def ensure_admin_command():
    """On first start: when there is no user, create `admin` and print its password once."""
    if db.session.execute(db.select(User.id).limit(1)).first():
        return
    password = secrets.token_urlsafe(12)
    user = User(username="admin", role="county_admin", display_name="县级管理员")
    user.set_password(password)
    user.must_change_password = True  # a one-time password, like any the People page gives
    db.session.add(user)
    db.session.commit()
    click.echo("\n" + "=" * 64)
    click.echo(f"  First start: created county admin  admin / {password}")
    click.echo("  This one-time password is shown once and must be changed at the first")
    click.echo("  sign-in. Add people on the web (People) or with:")
    click.echo(
        "  .venv/bin/flask --app wsgi create-user NAME --role inspector --township 140225101"
    )
    click.echo("=" * 64 + "\n")


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
@with_appcontext
def backup_command(dest, force):
    """Copy the database to DEST while the app keeps running (a consistent snapshot)."""
    try:
        click.echo(backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], dest, force))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("restore")
@click.argument("src", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that holds data.")
@with_appcontext
def restore_command(src, force):
    """Bring back a backup made by `backup` (stop the app first)."""
    db.engine.dispose()  # no connection of ours holds the database while it is replaced
    try:
        click.echo(backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], src, force))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("rebuild-summary")
@with_appcontext
def rebuild_summary_command():
    """Switch the roll-up summary on and recompute it from the answers, in one transaction (also
    after a bulk load that bypassed the app, a restored backup, or a change to
    forms/indicators.json). While it is on, every write keeps it current."""
    rows = quarter_summary.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"summary rebuilt and on: {rows} village rows")


@click.command("summary-off")
@with_appcontext
def summary_off_command():
    """Switch the roll-up summary off and empty it: writes stop keeping it (each costs less) and
    roll-ups read the answers, until `rebuild-summary`."""
    quarter_summary.switch_off(db.session.connection())
    db.session.commit()
    click.echo("summary off and emptied")


@click.command("import-rescue")
@click.argument("rescue_file", type=click.File("rb"))
@click.option(
    "--as-user",
    "username",
    default=None,
    help="store as this user when the file names none (or a missing one)",
)
@with_appcontext
def import_rescue_command(rescue_file, username):
    """Store the unsent inspections of a phone's rescue file (idempotent: run it twice freely)."""
    try:
        report = import_rescue(
            read_rescue_json(rescue_file.read()), default_user=username, handlers=SITE_HANDLERS
        )
    except RescueFileError as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines():
        click.echo(line)
    click.echo(report.summary())


@click.command("recompute-estimates")
@click.option("--apply", is_flag=True, help="Write the new estimates (default: only list them).")
@with_appcontext
def recompute_estimates_command(apply):
    """Estimate every stored estimate again with the editions in force on its inspection's date
    (after correcting an edition, or to repair one stored before the finite-number checks)."""
    changes = reestimate_all(current_forms().form_set, apply)
    for c in changes:
        after = c.problem if c.after is None else c.after
        click.echo(f"{c.inspection_id}\t{c.section}.{c.field}\t{c.before}\t→ {after}")
    written = sum(1 for c in changes if c.after is not None)
    if apply:
        db.session.commit()
        click.echo(f"{written} estimates written, {len(changes) - written} could not be estimated")
    else:
        click.echo(f"{written} estimates would change (run again with --apply to write them)")


@click.command("import-form")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", "publish_it", is_flag=True, help="publish it if it passes")
@click.option("--form", "form_id", default=None, help="the form (default: settings' form_id)")
@with_appcontext
def import_form_command(path, publish_it, form_id):
    """Check an XLSForm workbook of a form (issue 22) and, with --publish, publish it as the
    form's next version. Without --publish nothing is written: the changes are listed."""
    data = path.read_bytes()
    form_id = form_id or workbook_form_id(data, path.name)
    outcome = check(data, path.name, form_id or "")
    if outcome.errors:
        for error in outcome.errors:
            click.echo(f"{error.message('zh')}\n  {error.message('en')}", err=True)
        raise click.ClickException(f"{len(outcome.errors)} error(s): nothing published")
    if outcome.unchanged:
        click.echo(f"{form_id}: identical to the current version; nothing published")
        return
    for change in outcome.changes:
        click.echo(f"- {change['zh']} / {change['en']}")
    if not publish_it:
        click.echo(f"{form_id}: {len(outcome.changes)} change(s); run with --publish to publish")
        return
    version = publish_outcome(outcome, "cli")
    click.echo(f"{form_id}: published version {version}")


@click.command("rebuild-flags")
@with_appcontext
def rebuild_flags_command():
    """Hash the photos stored without a hash and recompute every live inspection's integrity
    flags (photo_reused, photo_old, too_fast, copied_answers, same_place)."""
    report = rebuild_flags()
    db.session.commit()
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(report.flags.items())) or "none"
    click.echo(
        f"{report.hashed} photos hashed ({report.unreadable} unreadable); "
        f"{report.inspections} inspections checked; flagged: {counts}"
    )
