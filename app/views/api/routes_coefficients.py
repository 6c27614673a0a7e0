"""GET /api/v1/coefficients: the coefficients behind the estimates, every edition, so a client can
show where a figure comes from (and flag the unverified ones)."""

from app.accounts.policy import allow
from app.clock import county_today
from app.formdefs.coefficients import coefficients_at, history
from app.views.api.blueprint import bp
from app.views.api.schemas_coefficients import coefficient_list_schema


@bp.get("/coefficients")
@allow("coefficients.read")
def list_coefficients():
    today = county_today()
    in_force = {row.id for row in coefficients_at(today).editions.values()}
    rows = [
        {
            **{
                name: getattr(row, name)
                for name in (
                    "id",
                    "key",
                    "value",
                    "unit",
                    "scope",
                    "source",
                    "grade",
                    "unverified",
                    "applies_from",
                    "note",
                )
            },
            "label": {"zh": row.label_zh, "en": row.label_en},
            "in_force": row.id in in_force,
        }
        for row in history()
    ]
    return coefficient_list_schema.dump({"on": today, "coefficients": rows})
