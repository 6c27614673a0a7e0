"""A county admin confirms or moves a village's location (WGS-84, inside the county outline);
a county-scoped admin only their own county's villages.

The shipped data has points for 11 of 213 villages; the rest are first drawn at the GPS fix of
their first inspection. Confirming stores that point (or a corrected one) on the village, and
its source says who set it, when, and what it was before (app/maps/edits.py).
"""

import math

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField
from wtforms.validators import InputRequired, ValidationError

from app.accounts.access import village_or_abort
from app.accounts.policy import allow
from app.maps.edits import OutsideCounty, confirm_location
from app.maps.records import first_gps_fixes
from app.views.maps.blueprint import bp


def _finite(_form, field):
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Enter a number."))


class LocationForm(FlaskForm):
    lat = FloatField(_l("Latitude (WGS-84)"), validators=[InputRequired(), _finite])
    lon = FloatField(_l("Longitude (WGS-84)"), validators=[InputRequired(), _finite])


@bp.route("/map/villages/<code>/location", methods=["GET", "POST"])
@allow("map.locate")
def village_location(code: str):
    village = village_or_abort(code, hide=True)
    fix = first_gps_fixes([village.id]).get(village.id)
    form = LocationForm()
    if not form.is_submitted():
        form.lat.data, form.lon.data = (
            (village.lat, village.lon) if village.lat is not None else fix or (None, None)
        )
    error = None
    if form.validate_on_submit():
        try:
            confirm_location(village, form.lat.data, form.lon.data, g.actor)
        except OutsideCounty:
            error = _("That point lies outside the county outline.")
        else:
            return redirect(url_for("maps.village_map"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "map/location.html", village=village, fix=fix, form=form, error=error
    ), status
