"""A flag's evidence made readable: the other photos, inspections and villages it names,
looked up, for the review page and the API document. Evidence keeps ids and codes only (what was
found, not how it looked then); the names and dates are read when shown."""

from app.extensions import db
from app.models import Inspection, InspectionFlag, Problem, Village


def flag_document(flag: InspectionFlag) -> dict:
    """{kind, …evidence, cleared, …}: what the API and the exports carry."""
    document = {"kind": flag.kind}
    if flag.distance_m is not None:
        document.update(distance_m=flag.distance_m, limit_m=flag.limit_m)
    document.update(flag.evidence or {})
    document.update(
        cleared=flag.cleared_at is not None,
        cleared_at=flag.cleared_at.isoformat() if flag.cleared_at else None,
        clear_reason=flag.clear_reason,
        created_at=flag.created_at.isoformat(),
    )
    return document


def open_flags(flags) -> list[InspectionFlag]:
    return [f for f in flags if f.cleared_at is None]


def inspections_named(ids) -> dict[int, tuple]:
    """id → (Inspection, Village) for the inspections a piece of evidence names."""
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Inspection, Village)
        .join(Village, Village.id == Inspection.village_id)
        .where(Inspection.id.in_(sorted(set(ids))))
    ).all()
    return {inspection.id: (inspection, village) for inspection, village in rows}


def reuse_pairs(flag: InspectionFlag) -> list[dict]:
    """Each reused photo beside its original: {photo, original: (owner, id), inspection,
    village, bits}; the inspection and village are the original's (a problem's photo: its
    problem's)."""
    matches = (flag.evidence or {}).get("matches", [])
    problem_ids = [m["original_problem"] for m in matches if m.get("original_problem")]
    problems = {
        p.id: p
        for p in db.session.execute(db.select(Problem).where(Problem.id.in_(problem_ids)))
        .scalars()
        .all()
    }
    named = inspections_named(
        [m["original_inspection"] for m in matches if m["original_inspection"]]
    )
    pairs = []
    for m in matches:
        problem = problems.get(m.get("original_problem"))
        inspection, village = named.get(m["original_inspection"], (None, None))
        if village is None and problem is not None:
            village = problem.village
        pairs.append(
            {
                "photo": tuple(m["photo"]),
                "original": tuple(m["original"]),
                "inspection": inspection,
                "problem": problem,
                "village": village,
                "bits": m["bits"],
            }
        )
    return pairs


def others_named(flag: InspectionFlag) -> list[dict]:
    """copied_answers / same_place: each other inspection with its village, and the line."""
    lines = (flag.evidence or {}).get("others", [])
    named = inspections_named([line["inspection"] for line in lines])
    return [
        {
            **line,
            "row": named.get(line["inspection"], (None, None))[0],
            "village_row": named.get(line["inspection"], (None, None))[1],
        }
        for line in lines
    ]
