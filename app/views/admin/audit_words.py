"""The audit log's codes as words: each action and object type the app records
(app/accounts/audit.py lists them) with the Chinese (and English) name the page shows. A code
missing here shows as itself, and tests/accounts/test_audit_words.py fails for it."""

from flask_babel import lazy_gettext as _l

ACTION_WORDS = {
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.logout": _l("Signed out"),
    "auth.password_check_failed": _l("Wrong current password"),
    "auth.throttled": _l("Sign-in refused: too many failures"),
    "auth.throttled_total": _l("Sign-ins refused: too many failures in all"),
    "auth.token": _l("API token issued"),
    "auth.revoke": _l("API tokens revoked"),
    "user.create": _l("Person added"),
    "user.change": _l("Person changed"),
    "user.deactivate": _l("Person deactivated"),
    "user.password_reset": _l("Password reset"),
    "user.password_change": _l("Password changed"),
    "inspection.create": _l("Inspection recorded"),
    "inspection.edit": _l("Inspection corrected"),
    "inspection.approve": _l("Inspection approved"),
    "inspection.return": _l("Inspection returned"),
    "inspection.reopen": _l("Inspection reopened"),
    "inspection.delete": _l("Inspection deleted"),
    "inspection.restore": _l("Inspection restored"),
    "photo.create": _l("Photo added"),
    "inspection.reestimate": _l("Estimates recomputed"),
    "flag.clear": _l("Flag cleared"),
    "problem_photo.create": _l("Problem photo added"),
    "form.publish": _l("Form version published"),
    "site.add": _l("Site added"),
    "site.edit": _l("Site changed"),
    "site.close": _l("Site closed"),
    "site.reopen": _l("Site reopened"),
    "site_inspection.record": _l("Site inspection recorded"),
    "site_inspection.edit": _l("Site inspection corrected"),
    "sampling.adjust": _l("Sampling plan adjusted"),
    "problem.record": _l("Problem recorded"),
    "problem.report_fix": _l("Fix reported"),  # 已上报整改
    "problem.recheck_pass": _l("Re-check passed"),
    "problem.recheck_fail": _l("Re-check failed"),
    "rescue.import": _l("Rescue file imported"),
    "settings.change": _l("Setting changed"),
    "target.change": _l("Target changed"),
    "coefficient.add": _l("Coefficient added"),
    "village.locate": _l("Village located"),
    "boundary.upload": _l("Boundaries uploaded"),
    "export": _l("Exported"),
}

OBJECT_WORDS = {
    "users": _l("Person"),
    "api_tokens": _l("API token"),
    "inspections": _l("Inspection"),
    "photos": _l("Photo"),
    "problem_photos": _l("Problem photo"),
    "sites": _l("Site"),
    "site_inspections": _l("Site inspection"),
    "problems": _l("Problem"),
    "settings": _l("Setting"),
    "targets": _l("Target"),
    "coefficients": _l("Coefficient"),
    "villages": _l("Village"),
    "township_boundary_uploads": _l("Boundaries"),
    "export": _l("Export"),
}


def action_word(code: str) -> str:
    return str(ACTION_WORDS.get(code, code))


def object_word(code: str | None) -> str:
    return "" if code is None else str(OBJECT_WORDS.get(code, code))
