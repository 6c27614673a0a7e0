"""The section hint follows the form's data (issue 20, finding 13): "every field" only where
every field is required (sewage, waste); where partial answers are accepted (manure: the
counts are optional, produced and utilised are required) it says the * fields are required and
marks them."""

import re

from tests.review_world import make_world, sign_in

EVERY = "本部分各项须全部填写；未检查的部分请全部留空。"
PARTIAL = "填写本部分时，标 * 的项为必填，其余可以留空；未检查的部分请全部留空。"


def _step(page: str, section: str) -> str:
    return re.search(rf'<section class="step" data-step="{section}".*?</section>', page, re.S)[0]


def test_the_hint_says_every_field_only_where_every_field_is_required(seeded, make_user):
    world = make_world(seeded, make_user)
    # ?plain=1: the page with its body written in (the one a phone without JavaScript gets); the
    # page of a new inspection takes the same body from the form's data file (test_form_weight.py).
    page = sign_in(seeded, "insp").get(f"/inspect/{world.village}?plain=1").get_data(as_text=True)
    for section in ("sewage", "waste"):
        assert EVERY in _step(page, section) and 'class="req"' not in _step(page, section)
    manure = _step(page, "manure")
    assert PARTIAL in manure and EVERY not in manure
    marked = re.findall(
        r'<label for="sections\.manure\.(\w+)">[^<]*(?:<span class="unit">[^<]*</span>)? '
        r'<span class="req"',
        manure,
    )
    assert marked == ["produced_t", "utilised_t"]
