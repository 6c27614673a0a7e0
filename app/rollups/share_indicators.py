"""The estimated share of each calculated field as an indicator: its numerator sums the field's
answers stored with basis "estimated", its denominator all of them (app/rollups/estimated_shares.py
explains the shares; app/rollups/sources.answer_figures reads them with the roll-up's figures)."""

from app.formdefs.indicators import Indicator, Term


def share_indicators(form_set) -> tuple[Indicator, ...]:
    out = []
    for form in form_set.sections:
        for field in form.fields:
            if field.calculation is None:
                continue
            out.append(
                Indicator(
                    key=f"estimated__{form.form_id}__{field.key}",
                    section=form.form_id,
                    label=field.label,
                    numerator=Term("sum", fields=(field.path,), basis="estimated"),
                    denominator=Term("sum", fields=(field.path,)),
                    targets=(),
                )
            )
    return tuple(out)
