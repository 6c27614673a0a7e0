"""The review workflow as a pure state machine (no Flask, no database).

    submitted ──approve──▶ approved ──reopen (county admin)──▶ submitted
        │                                                        ▲
        └──return(comment)──▶ returned ──edit──▶ resubmitted ────┘ (approve / return again)

An approved inspection is frozen for every role: editing it, withdrawing (deleting) it or adding a
photo to it needs a county admin to reopen it first, so a figure that was reported upwards cannot
change silently. Nobody approves or returns an inspection they are an author of: whoever entered
it, and whoever changed its figures since (the author of any of its revisions).
"""

REVIEWABLE = frozenset({"submitted", "resubmitted"})
EDITABLE = frozenset({"submitted", "returned", "resubmitted"})
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (REVIEWABLE, "approved"),
    "return": (REVIEWABLE, "returned"),
    "reopen": (frozenset({"approved", "returned"}), "submitted"),
}
COMMENT_MAX = 2000


class TransitionRefused(Exception):
    """The inspection's status does not allow this step (answered as 409)."""

    def __init__(self, action: str, status: str):
        super().__init__(f"cannot {action} an inspection that is {status}")
        self.action, self.status = action, status


class OwnInspection(Exception):
    """A reviewer deciding on an inspection they are an author of (answered as 403).
    `how` says why: "entered" (they entered it) or "edited" (they changed its figures)."""

    def __init__(self, action: str, how: str):
        super().__init__(f"cannot {action} an inspection one {how}")
        self.action, self.how = action, how


SELF_REVIEW_BARRED = frozenset({"approve", "return"})


def check_not_own(
    action: str, inspector_id: int, revision_authors: set[int], reviewer_id: int
) -> None:
    """Refuse a decision by the inspector or by the author of any revision (an edit)."""
    if action not in SELF_REVIEW_BARRED:
        return
    if inspector_id == reviewer_id:
        raise OwnInspection(action, "entered")
    if reviewer_id in revision_authors:
        raise OwnInspection(action, "edited")


def authorship(inspector_id: int, revision_authors: set[int], reviewer_id: int) -> str | None:
    """ "entered", "edited" or None: how `reviewer_id` is an author of the inspection."""
    try:
        check_not_own("approve", inspector_id, revision_authors, reviewer_id)
    except OwnInspection as own:
        return own.how
    return None


def check_unlocked(action: str, status: str) -> None:
    """Edit, delete and photo upload: refused while the inspection is approved."""
    if status not in EDITABLE:
        raise TransitionRefused(action, status)


def next_status(action: str, status: str) -> str:
    allowed_from, target = TRANSITIONS[action]
    if status not in allowed_from:
        raise TransitionRefused(action, status)
    return target


def status_after_edit(status: str) -> str:
    check_unlocked("edit", status)
    return "resubmitted" if status == "returned" else status
