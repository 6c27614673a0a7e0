"""The coefficients page: editions with their sources, the form that appends one, and the
county's count basis for each count the forms qualify (sheep and beef cattle)."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.accounts.audit import record
from app.accounts.policy import allow
from app.clock import county_today
from app.extensions import db
from app.formdefs.coefficients import (
    add_edition,
    coefficients_at,
    earliest_edition_day,
    edition_bound,
    history,
)
from app.formdefs.display import number_text
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.models.coefficients import GRADES
from app.settings import count_basis, count_basis_fields, set_count_basis
from app.views.coefficients_admin.blueprint import bp
from app.views.labels import with_placeholder

GRADE_LABELS = {
    "A": _l("A: two independent sources agree"),
    "B": _l("B: one source"),
    "C": _l("C: a secondary summary"),
    "D": _l("D: derived by arithmetic"),
    "U": _l("U: unverified"),
}


class EditionForm(FlaskForm):
    key = SelectField(_l("Coefficient"), validators=[DataRequired()])
    value = DecimalField(_l("Value"), validators=[InputRequired()])
    applies_from = DateField(_l("Applies from"), validators=[DataRequired()])
    grade = SelectField(
        _l("Confidence"),
        choices=with_placeholder([SelectChoice(k, GRADE_LABELS[k]) for k in GRADES]),
        validators=[DataRequired()],
    )
    scope = StringField(_l("Scope"), validators=[Length(max=200)])
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=500)])

    def validate_value(self, field):
        # Decimal("NaN") < 0 raises, and "Infinity" parses: finiteness is checked first.
        if field.data is None or not field.data.is_finite() or field.data < 0:
            raise ValidationError(_("A coefficient is a number of 0 or more"))
        bound = edition_bound(self.key.data)
        if bound is not None and float(field.data) > bound:
            raise ValidationError(
                _("At most %(bound)s for this coefficient", bound=number_text(bound))
            )

    def validate_applies_from(self, field):
        earliest = earliest_edition_day(county_today())
        if field.data and field.data < earliest:
            raise ValidationError(
                _(
                    "An edition may apply from the current quarter (from %(day)s) on, so that "
                    "past periods keep their estimates",
                    day=earliest.isoformat(),
                )
            )


@bp.route("/admin/coefficients", methods=["GET", "POST"])
@allow("coefficients.manage")
def manage_coefficients():
    rows = history()
    form = EditionForm()
    labels = {r.key: r.label_zh if current_lang() == "zh" else r.label_en for r in rows}
    form.key.choices = with_placeholder(
        [SelectChoice(k, f"{k} · {label}") for k, label in sorted(labels.items())]
    )
    if form.validate_on_submit():
        row = add_edition(
            form.key.data,
            float(form.value.data),
            form.applies_from.data,
            g.actor,
            grade=form.grade.data,
            scope=form.scope.data.strip(),
            source=form.source.data.strip(),
        )
        record("coefficient.add", ("coefficients", str(row.id)), key=row.key, value=row.value)
        db.session.commit()
        flash(_("Coefficient edition saved"))
        return redirect(url_for("coefficients_admin.manage_coefficients"), code=303)
    in_force = {row.id for row in coefficients_at(county_today()).editions.values()}
    return render_template(
        "coefficients/index.html",
        form=form,
        rows=rows,
        in_force=in_force,
        today=county_today(),
        basis_fields=count_basis_fields(current_forms().form_set),
        count_basis=count_basis,
        lang=current_lang(),
        number_text=number_text,
    ), 422 if form.errors else 200


@bp.post("/admin/coefficients/count-basis")
@allow("settings.manage")
def save_count_basis():
    for field in count_basis_fields(current_forms().form_set):
        value = request.form.get(field.path)
        if value not in {c.name for c in field.choices}:
            continue
        before, after = set_count_basis(field, value, g.actor)
        if before != after:
            record("settings.change", ("settings", field.path), before=before, after=after)
    db.session.commit()
    flash(_("Count basis saved"))
    return redirect(url_for("coefficients_admin.manage_coefficients"), code=303)
