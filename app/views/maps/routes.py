"""`/map`: the villages coloured by how far they lag the chosen indicator's target, and the
county admin's township-boundaries upload. Views are thin: app/maps/records.py gathers,
app/maps/build.py draws, app/maps/edits.py stores."""

from urllib.parse import quote

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import county_or_abort, scope_unit, township_or_abort
from app.accounts.policy import allow
from app.clock import county_today
from app.formdefs.registry import current_forms
from app.maps.boundaries import check_boundaries
from app.maps.build import STATUS_COLOURS, STATUSES, MapSettings, build_map, render_parts
from app.maps.edits import county_outline, store_boundaries, township_ids_by_code
from app.maps.records import (
    LAGGING,
    county_choices,
    county_exists,
    outside_outline,
    township_choices,
    township_exists,
    township_records,
    village_records,
)
from app.models import Township
from app.periods import last_complete_quarter, parse_period, previous_quarters, quarter_of
from app.problems.mapping import with_problems
from app.rollups.status_labels import status_labels
from app.security import inline_scripts
from app.views.labels import zone_text
from app.views.maps.blueprint import bp
from app.views.maps.site_layers import site_labels, site_map_parts

UNLOCATED_ORDER = (
    "behind",
    "near",
    "meets",
    "insufficient_data",
    "no_target",
    "no_data",
    "not_reported",
)
TIANDITU = (
    "https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk=%s"
)


def tile_settings(config) -> dict:
    """MAP_TILE_URL wins; else a Tianditu key gives its vector tiles and labels (CGCS2000, which
    is WGS-84 to within centimetres); else no tiles, a blank background."""
    if config["MAP_TILE_URL"]:
        return {
            "tile_url": config["MAP_TILE_URL"],
            "tile_attribution": config["MAP_TILE_ATTRIBUTION"],
            "tile_crs": config["MAP_TILE_CRS"].upper(),
            "subdomains": config["MAP_TILE_SUBDOMAINS"],
        }
    if config["MAP_TIANDITU_KEY"]:
        key = quote(config["MAP_TIANDITU_KEY"], safe="")
        return {
            "tile_url": TIANDITU % ("vec", "vec", key),
            "overlay_url": TIANDITU % ("cva", "cva", key),
            "tile_attribution": "天地图 Tianditu",
            "tile_crs": "WGS84",
            "subdomains": "01234567",
        }
    return {}


def _labels() -> dict:
    return {
        "status": status_labels(),
        "status_": _("Status"),
        "township": _("Township"),
        "rate": _("Rate"),
        "fraction": _("Numerator / denominator"),
        "target": _("Target"),
        "villagesReported": _("Villages reported"),
        "noRate": "—",
        "noTarget": _("No target set"),
        "villagePage": _("Village page"),
        "demo": _("Demo"),
        "demoNote": _("Demo data, not a real figure"),
        "layerTownships": _("Townships"),
        "layerVillages": _("Villages"),
        "layerDemo": _("Demo villages"),
        "position": _("Position"),
        "gpsNote": _("From an inspector's GPS fix, not yet confirmed"),
    }


def _filters() -> dict:
    """The chosen indicator, period, county and township. A township role's township is
    theirs whatever was asked; otherwise an unknown county or township is a bad filter (400)
    and one outside the actor's scope a refusal (403)."""
    indicators = current_forms().indicators
    default_indicator = next((i.key for i in indicators if i.targets), indicators.keys[0])
    indicator = request.args.get("indicator") or default_indicator
    period = request.args.get("period") or last_complete_quarter(county_today())
    county = request.args.get("county") or None
    township = request.args.get("township") or None
    if indicator not in indicators.keys:
        abort(400)
    try:
        period = parse_period(period).code
    except ValueError:
        abort(400)
    own = scope_unit()
    if isinstance(own, Township):
        county, township = None, own.code
    if county:
        if not county_exists(county):
            abort(400)
        county_or_abort(county, whole=True)
    if township and not isinstance(own, Township):
        if not township_exists(township):
            abort(400)
        if county and not township.startswith(county):
            abort(400)  # a township of another county than the one chosen
        township_or_abort(township)
    return {
        "indicator": indicator,
        "period": period,
        "county": county,
        "township": township,
        "lagging": request.args.get("lagging") == "1",
        "problems": request.args.get("problems") == "1",
    }


@bp.get("/map")
@allow("map.read")
@inline_scripts  # folium's map script is inline: it runs with this response's CSP nonce
def village_map():
    chosen = _filters()
    own = scope_unit()
    # The township layer: the actor's township, the chosen county, or the actor's county.
    scope_code = chosen["county"] or (own.code if own else None)
    located, unlocated, from_gps = village_records(
        chosen["period"], chosen["indicator"], chosen["township"] or scope_code
    )
    if chosen["lagging"]:
        located = [v for v in located if v.status in LAGGING]
        unlocated = [v for v in unlocated if v.status in LAGGING]
    located, unlocated, problems = with_problems(located, unlocated, chosen["problems"])
    # Furthest behind its own target first (as the ranking), then the rest in legend order.
    unlocated.sort(key=_by_gap)
    townships = township_records(chosen["period"], chosen["indicator"], scope_code)
    outline = county_outline()
    sites, site_kinds, site_url = site_map_parts(chosen["period"], chosen["township"] or scope_code)
    settings = MapSettings(
        leaflet_js=url_for("static", filename="vendor/leaflet-1.9.3/leaflet.js"),
        leaflet_css=url_for("static", filename="vendor/leaflet-1.9.3/leaflet.css"),
        draw_js=url_for("static", filename="js/map.js"),
        village_url_prefix=url_for("web.home") + "dashboard/village/",
        labels={**_labels(), **site_labels()},
        focus=chosen["township"],
        site_kinds=site_kinds,
        site_url_prefix=site_url,
        **tile_settings(current_app.config),
    )
    parts = render_parts(build_map(located, townships, outline, settings, sites))
    outside = outside_outline(located, outline)
    today_quarter = quarter_of(county_today())
    periods = previous_quarters(today_quarter, 8)[::-1] + [str(county_today().year)]
    # A deployment-wide actor picks a county when there are several.
    counties = county_choices() if own is None else []
    return render_template(
        "map/index.html",
        parts=parts,
        chosen=chosen,
        indicators=current_forms().indicators,
        periods=periods,
        townships=township_choices(scope_code),
        counties=counties if len(counties) > 1 else [],
        scoped=isinstance(own, Township),
        located=located,
        unlocated=unlocated,
        outside=[v for v in located if v.code in outside],
        from_gps=from_gps,
        statuses=STATUSES,
        colours=STATUS_COLOURS,
        labels=status_labels(),
        has_boundaries=any(t.boundary for t in townships),
        zone_text=zone_text,
        problems=problems,
    )


def _by_gap(village) -> tuple:
    """Villages with a gap by their gap (most negative first), then by status and code."""
    gap = village.gap
    if gap is not None and village.status not in ("not_reported", "no_data"):
        return (0, gap, 0, village.code)
    return (1, 0.0, UNLOCATED_ORDER.index(village.status), village.code)


@bp.route("/map/boundaries", methods=["GET", "POST"])
@allow("map.boundaries")
def upload_boundaries():
    problems, status = [], 200
    if request.method == "POST":
        upload = request.files.get("file")
        raw = upload.read() if upload else b""
        codes = township_ids_by_code()
        checked = check_boundaries(raw, set(codes))
        if not raw:
            problems = [_("Choose a GeoJSON file to upload.")]
        else:
            problems = [
                _(p.message, **p.params) + (" " + _(p.detail) if p.detail else "")
                for p in checked.problems
            ]
        if problems:
            status = 422
        else:
            store_boundaries(checked, codes, upload.filename or "", g.actor)
            return redirect(url_for("maps.village_map"))
    return render_template("map/boundaries.html", problems=problems), status
