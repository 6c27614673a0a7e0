"""Cunjian (村检): the Flask application factory.

The factory reads as the list of what the app is made of; each `register_*` or `init_app` call
binds one subsystem, so a test can build an app with its own config and nothing is set up at
import time.
"""

from pathlib import Path

from flask import Flask

from app import cli, i18n, reference, security, static_assets
from app import db as database
from app.accounts import access, audit, auth, people
from app.config import load_config
from app.extensions import csrf, db, login_manager, migrate
from app.formdefs import registry as forms_registry
from app.rollups.summary import quarter as quarter_summary


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder="../static", instance_relative_config=True)
    load_config(app, test_config)
    register_extensions(app)
    forms_registry.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    access.init_app(app)
    auth.init_app(app)
    people.init_app(app)  # after auth: it reads g.actor
    static_assets.init_app(app)
    audit.init_app(app)
    security.init_app(app)
    quarter_summary.install()
    reference.install()


def register_blueprints(app: Flask) -> None:
    from app.views import menu
    from app.views.admin import bp as admin_bp
    from app.views.api import bp as api_bp
    from app.views.coefficients_admin import bp as coefficients_admin_bp
    from app.views.dashboard import bp as dashboard_bp
    from app.views.forms_admin import bp as forms_admin_bp
    from app.views.inspect import bp as inspect_bp
    from app.views.maps import bp as maps_bp
    from app.views.offline import bp as offline_bp
    from app.views.people import bp as people_bp
    from app.views.problems import bp as problems_web_bp
    from app.views.sites import bp as sites_bp
    from app.views.targets_admin import bp as targets_admin_bp
    from app.views.web import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(inspect_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(maps_bp)
    app.register_blueprint(offline_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(targets_admin_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(problems_web_bp)
    app.register_blueprint(coefficients_admin_bp)
    app.register_blueprint(forms_admin_bp)
    menu.init_app(app)
    app.register_blueprint(sites_bp)
