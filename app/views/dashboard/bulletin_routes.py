"""The quarterly bulletin: `/dashboard/bulletin?period=…[&township=CODE]` as a print-ready A4
page and `/dashboard/bulletin.pdf?period=…` as a PDF (WeasyPrint, with the CJK font the
project's set-up installs: fonts-wqy-microhei; see the Makefile and .ci/run).

Both render the same template from the same app/views/dashboard/bulletin.build, so the PDF holds the
page's figures. A township role's bulletin is its own township's; `?township=` outside the caller's
scope is refused by app/accounts/access.py.
"""

from pathlib import Path

from flask import Response, abort, current_app, g, render_template, request

from app.accounts.access import county_or_abort, home_county, township_or_abort
from app.accounts.policy import allow
from app.bulletin_head import bulletin_head
from app.clock import county_now, county_today
from app.i18n import current_lang
from app.problems.as_of import counts_at_period_end
from app.rollups.status_labels import status_labels
from app.sites.pages import site_infos
from app.views.dashboard import bulletin_words
from app.views.dashboard.blueprint import bp
from app.views.dashboard.bulletin import build
from app.views.dashboard.bulletin_cache import RETRY_AFTER_S, Busy, cached_pdf
from app.views.dashboard.context import chosen_period, indicator_infos, own_township, periods
from app.views.error_shape import error_response
from app.views.labels import zone_text

STYLESHEET = "css/bulletin.css"
# The only parameters the page passes on to its PDF link (never the whole query string).
LINK_ARGS = ("period", "township", "county", "lang", "scope")
BUSY = {
    True: {
        "zh": "您的上一份通报 PDF 正在生成，请稍候再试",
        "en": "Your previous bulletin PDF is still being made; try again shortly",
    },
    False: {
        "zh": "通报 PDF 生成繁忙，请稍候再试",
        "en": "Bulletin PDFs are busy being made; try again shortly",
    },
}


def _bulletin():
    township = own_township()
    if request.args.get("township"):
        township = township_or_abort(request.args["township"])
    county = township.county if township is not None else None
    if county is None and request.args.get("county"):
        county = county_or_abort(request.args["county"], whole=True)
    county = county or home_county()
    if county is None:
        abort(404)  # a deployment-wide actor names the county: ?county=
    period = chosen_period()
    indicators = [(i.key, i.label) for i in indicator_infos()]
    approved_only = request.args.get("scope") != "all"
    sites = [(s.key, s.label) for s in site_infos(current_lang())]
    return build(period, county, township, indicators, approved_only, sites), township


def _problems(township) -> list[dict]:
    """The ledger's counts per township for the bulletin (open and overdue today, closed in the
    period), the same as the county page's table; one township's row in its own bulletin."""
    counts = counts_at_period_end(
        g.actor, chosen_period(), county_now(), current_app.config["COUNTY_TIMEZONE"]
    )
    rows = [{"code": code, **c} for code, c in counts.items()]
    return [r for r in rows if township is None or r["code"] == township.code]


def _render(inline_css: str | None = None) -> str:
    """The page, or the PDF's HTML: the PDF cache is keyed on this text, so everything that
    changes the document (figures, head settings, scope, demo mark, language, day) is in it."""
    bulletin, township = _bulletin()
    return render_template(
        "dashboard/bulletin.html",
        b=bulletin,
        township=township,
        head=bulletin_head(bulletin.period, bulletin.county_name, county_today()),
        summary=bulletin_words.summary(bulletin),
        site_words=bulletin_words.site_sentences(bulletin),
        lagging=bulletin_words.lagging_townships,
        change=bulletin_words.change_text,
        problems=_problems(township),
        statuses=status_labels(),
        zone_text=zone_text,
        inline_css=inline_css,
        stylesheet=STYLESHEET,
        periods=periods(),
        picker_args={
            k: request.args[k] for k in ("township", "county", "lang") if request.args.get(k)
        },
        pdf_args={k: request.args[k] for k in LINK_ARGS if request.args.get(k)},
    )


@bp.get("/bulletin")
@allow("dashboard.read")
def bulletin_page():
    return _render()


@bp.get("/bulletin.pdf")
@allow("dashboard.export")
def bulletin_pdf():
    from weasyprint import HTML  # noqa: PLC0415 - heavy (pango); only this route needs it

    css = (Path(current_app.static_folder) / STYLESHEET).read_text(encoding="utf-8")
    html = _render(inline_css=css)
    folder = Path(current_app.instance_path) / "bulletins"
    try:
        pdf = cached_pdf(
            folder, html, g.actor.id, lambda: HTML(string=html, url_fetcher=_no_fetch).write_pdf()
        )
    except Busy as busy:
        status = 429 if busy.per_user else 503
        response = error_response(status, BUSY[busy.per_user][current_lang()], code="busy")
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response
    period = chosen_period()
    code = request.args.get("township") or "county"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="cunjian-bulletin-{code}-{period}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def _no_fetch(url: str, *args, **kwargs):
    """The PDF is made from the page alone: nothing is fetched, from this host or another."""
    raise ValueError(f"the bulletin loads nothing: {url}")
