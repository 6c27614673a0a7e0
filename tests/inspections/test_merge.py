"""The three-way merge of a stale correction (app/inspections/merge.py), worked by hand.

Base (revision 1): 100 households, 40 treated, septic tanks, notes "".
Theirs (the county admin, revision 2): households 150, notes "checked by the county".
Mine (the inspector, from revision 1): treated 41, notes "counted again".
- households: only they changed it → 150 (theirs kept, not reverted to 100);
- households_treated: only I changed it → 41;
- notes: both changed, differently → the one conflict;
- treatment_mode: nobody changed it → septic_tank.
"""

from app.inspections.merge import flatten, three_way, unflatten

BASE = {
    "client_uuid": "u-1",
    "households": 100,
    "notes": "",
    "sections": {"sewage": {"households_treated": 40, "treatment_mode": "septic_tank"}},
}
THEIRS = {**BASE, "households": 150, "notes": "checked by the county"}
MINE = {
    **BASE,
    "notes": "counted again",
    "sections": {"sewage": {"households_treated": 41, "treatment_mode": "septic_tank"}},
}


def test_each_side_keeps_what_only_it_changed_and_only_the_overlap_is_asked():
    merge = three_way(BASE, THEIRS, MINE)
    assert merge.theirs_kept == ("households",)
    assert merge.mine_kept == ("sections.sewage.households_treated",)
    assert merge.conflicts == ("notes",)
    assert merge.merged == {
        "client_uuid": "u-1",
        "households": 150,
        "notes": "counted again",  # unsettled: mine is shown, and asked about
        "sections": {"sewage": {"households_treated": 41, "treatment_mode": "septic_tank"}},
    }


def test_a_choice_settles_the_conflict_either_way():
    theirs = three_way(BASE, THEIRS, MINE, {"notes": "theirs"})
    assert (theirs.conflicts, theirs.settled) == ((), ("notes",))
    assert theirs.merged["notes"] == "checked by the county"
    assert theirs.merged["households"] == 150
    mine = three_way(BASE, THEIRS, MINE, {"notes": "mine"})
    assert mine.merged["notes"] == "counted again"
    # a choice about a field that is no conflict changes nothing: their 150 stays
    assert three_way(BASE, THEIRS, MINE, {"households": "mine"}).merged["households"] == 150


def test_both_changing_a_field_to_the_same_value_is_no_conflict():
    mine = {**MINE, "notes": "checked by the county"}
    merge = three_way(BASE, THEIRS, mine)
    assert merge.conflicts == ()
    assert merge.merged["notes"] == "checked by the county"
    assert merge.theirs_kept == ("households",)


def test_a_section_they_added_is_kept_and_one_they_removed_stays_removed():
    theirs = {**BASE, "sections": {**BASE["sections"], "manure": {"produced_t": 10.0}}}
    assert three_way(BASE, theirs, BASE).merged["sections"]["manure"] == {"produced_t": 10.0}
    removed = {**BASE, "sections": {}}
    merge = three_way(BASE, removed, MINE)
    # I changed treated (40 → 41) where they removed the section: both changed it → asked
    assert merge.conflicts == ("sections.sewage.households_treated",)
    assert merge.theirs_kept == ("sections.sewage.treatment_mode",)
    settled = three_way(BASE, removed, MINE, {"sections.sewage.households_treated": "theirs"})
    assert settled.merged == {"client_uuid": "u-1", "households": 100, "notes": "counted again"}


def test_flatten_and_unflatten_are_inverse_and_drop_unanswered():
    flat = flatten(BASE)
    assert flat["sections.sewage.households_treated"] == 40
    assert unflatten(flat) == BASE
    assert unflatten({"a.b": None, "c": 1}) == {"c": 1}
