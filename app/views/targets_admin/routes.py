"""The targets page: history and the form that appends a target."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.accounts.policy import allow
from app.clock import county_time, county_today
from app.extensions import db
from app.formdefs.registry import current_forms
from app.formdefs.target_rules import path_problem
from app.i18n import current_lang
from app.periods import parse_period, quarter_of
from app.rollups.target_path import TargetPath
from app.rollups.targets import TARGET_ZONES, history, targets_at
from app.views.labels import source_text, with_placeholder
from app.views.target_setting import set_target
from app.views.targets_admin.blueprint import bp

ZONE_LABELS = {
    "*": _l("County default (also zone unknown)"),
    "plain": _l("Plain"),
    "mountain": _l("Mountain"),
    "county_town": _l("County town"),
}


# The page's words for app/formdefs/target_rules.py's problems (the ranges are the fields' own)
PATH_PROBLEMS = {
    "baseline_both": _l("A baseline needs both its value and its date"),
    "baseline_deadline": _l("A baseline needs a deadline"),
    "deadline_order": _l("The deadline must come after the baseline date"),
}


class TargetForm(FlaskForm):
    indicator = SelectField(_l("Indicator of the target"), validators=[DataRequired()])
    zone = SelectField(
        _l("Target zone"),
        choices=with_placeholder([SelectChoice(z, ZONE_LABELS[z]) for z in TARGET_ZONES]),
        validators=[DataRequired()],
    )
    value_percent = DecimalField(
        _l("Target (%)"), places=1, validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    applies_from = StringField(
        _l("Applies from (e.g. 2027Q1 or 2027)"), validators=[DataRequired(), Length(max=6)]
    )
    source = StringField(_l("Source or reason"), validators=[Length(max=200)])
    # The path (app/rollups/target_path.py): optional; without it every quarter is judged by the
    # target.
    baseline_percent = DecimalField(
        _l("Baseline (%)"), places=1, validators=[Optional(), NumberRange(min=0, max=100)]
    )
    baseline_date = DateField(_l("Baseline date"), validators=[Optional()])
    deadline = DateField(_l("Deadline (the target is due)"), validators=[Optional()])

    def validate_deadline(self, field):
        # the one rule for a target's path, shared with the workbook (app/formdefs/target_rules)
        baseline = self.baseline_percent.data
        problem = path_problem(
            None,
            float(baseline) / 100 if baseline is not None else None,
            self.baseline_date.data,
            field.data,
        )
        if problem in PATH_PROBLEMS:  # a baseline out of 0–100 is its own field's error
            raise ValidationError(PATH_PROBLEMS[problem])

    def path(self) -> TargetPath:
        baseline = self.baseline_percent.data
        return TargetPath(
            float(self.value_percent.data) / 100,
            float(baseline) / 100 if baseline is not None else None,
            self.baseline_date.data,
            self.deadline.data,
        )

    def validate_applies_from(self, field):
        try:
            period = parse_period(field.data.strip())
        except ValueError:
            raise ValidationError(
                _("Enter a quarter such as 2027Q1 or a year such as 2027")
            ) from None
        current = parse_period(quarter_of(county_today()))
        if period.start < current.start:
            raise ValidationError(
                _(
                    "A target may apply from the current quarter (%(quarter)s) on, so that past "
                    "periods keep the target they were judged by",
                    quarter=current.code,
                )
            )
        field.period = period


@bp.route("/admin/targets", methods=["GET", "POST"])
@allow("targets.manage")
def manage_targets():
    indicators = current_forms().indicators
    lang = current_lang()
    form = TargetForm()
    form.indicator.choices = with_placeholder(
        [SelectChoice(i.key, i.label[lang]) for i in indicators]
    )
    if form.validate_on_submit():
        set_target(
            form.indicator.data,
            form.zone.data,
            form.path(),
            form.applies_from.period.start,
            g.actor,
            form.source.data.strip(),
        )
        db.session.commit()
        flash(_("Target saved"))
        return redirect(url_for("targets_admin.manage_targets"))
    in_force = targets_at(county_today())
    current = [
        (i, [(z, in_force.values.get((i.key, z))) for z in TARGET_ZONES]) for i in indicators
    ]
    return render_template(
        "targets/index.html",
        form=form,
        rows=history(),
        current=current,
        labels={i.key: i.label[lang] for i in indicators},
        zone_labels=ZONE_LABELS,
        county_time=county_time,
        source_text=source_text,
        today=county_today(),
    ), 422 if form.errors else 200
