"""The village map as a folium page, built from plain per-village records. No Flask, no database.

Views hand in what the roll-up said about each village and township (status, rate, numerator,
denominator, target) and the page's translated labels; this module only draws. Three choices
shape it:

- Scale: all villages travel as one compact JSON array drawn by `static/js/map.js` (SVG for a
  county, a canvas renderer past a few thousand points), never one Python folium object per
  marker, so 25,000 villages still build in well under a second.
- Safety: no name or note is ever handed to folium's Popup/Tooltip (they run markup and `${…}`).
  Text travels as JSON with `<`, `>`, `&` and the JS line separators escaped, and the browser
  puts it into the page with `textContent` only.
- Offline: folium's CDN links are swapped for the app's vendored Leaflet, and everything folium
  would load besides (jQuery, Bootstrap, Font Awesome, awesome-markers) is dropped.
"""

import json
from dataclasses import dataclass, field

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from jinja2 import Template
from markupsafe import escape

from app.geo import shift_geometry, wgs84_to_gcj02

STATUSES = ("meets", "near", "behind", "no_target", "no_data", "not_reported")
# Colour-blind-aware ColorBrewer RdYlGn/RdYlBu picks; "no data" grey and "not reported" white
# are deliberately unlike any rate colour, so an empty village never reads as 0 %.
STATUS_COLOURS = {
    "meets": "#1a9850",
    "near": "#fdae61",
    "behind": "#d73027",
    "no_target": "#4575b4",
    "no_data": "#8c8c8c",
    "not_reported": "#ffffff",
}
SVG_LIMIT = 3000  # past this many villages the browser draws on one canvas


@dataclass(frozen=True)
class VillageMark:
    code: str
    name: str
    township_code: str
    township_name: str
    lat: float  # WGS-84, as stored
    lon: float
    status: str  # one of STATUSES
    rate: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    is_demo: bool = False


@dataclass(frozen=True)
class TownshipMark:
    code: str
    name: str
    lat: float | None
    lon: float | None
    status: str
    rate: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    villages_total: int
    villages_reported: int
    boundary: dict | None = None  # GeoJSON Polygon/MultiPolygon geometry, WGS-84


@dataclass(frozen=True)
class MapSettings:
    leaflet_js: str
    leaflet_css: str
    draw_js: str
    village_url_prefix: str  # the village page is prefix + code
    tile_url: str = ""
    tile_attribution: str = ""
    tile_crs: str = "WGS84"  # or "GCJ02": every point and outline is shifted when drawing
    overlay_url: str = ""  # a label layer drawn above the tiles (Tianditu cva_w)
    subdomains: str = "abc"
    labels: dict = field(default_factory=dict)  # translated strings for popups and layers


def script_json(value) -> str:
    """JSON that is safe inside a <script> element: no `</script>`, no HTML entities, no
    U+2028/2029 (which end a JS line)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _rounded(value, scale=10_000):
    """Fast rounding for transport (round(x, n) is slow at 25,000 × 8 values)."""
    return None if value is None else round(float(value) * scale) / scale


class _DrawLayers(MacroElement):
    """One call into static/js/map.js. The data is NOT put into this script: branca compiles a
    rendered MacroElement script as a Jinja template again, so a village called `{{ 7*7 }}`
    would be evaluated on the server. It travels in a separate JSON data block instead."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "cunjianDrawMap({{ this._parent.get_name() }}, JSON.parse("
        "document.getElementById('{{ this.data_id }}').textContent));"
        "{% endmacro %}"
    )

    def __init__(self, data_id: str):
        super().__init__()
        self._name = "CunjianLayers"
        self.data_id = data_id


def _payload(villages, townships, settings: MapSettings, project) -> dict:
    """Column arrays (gzip packs like with like): positions as integers of 1e-5° (≈1 m),
    village codes as the 3-digit suffix of their township's code where they share it."""
    township_index = {t.code: i for i, t in enumerate(townships)}
    names = [t.name for t in townships]
    codes = [t.code for t in townships]
    for v in villages:  # villages whose township has no mark (a township filter)
        if v.township_code not in township_index:
            township_index[v.township_code] = len(names)
            names.append(v.township_name)
            codes.append(v.township_code)
    targets: dict = {}
    cols = {
        k: []
        for k in (
            "lat",
            "lon",
            "status",
            "name",
            "township",
            "rate",
            "num",
            "den",
            "target",
            "code",
        )
    }
    demo = []
    status_index = {s: i for i, s in enumerate(STATUSES)}
    for n, v in enumerate(villages):
        lat, lon = project(v.lat, v.lon)
        cols["lat"].append(round(lat * 100_000))
        cols["lon"].append(round(lon * 100_000))
        cols["status"].append(status_index[v.status])
        cols["name"].append(v.name)
        cols["township"].append(township_index[v.township_code])
        cols["rate"].append(_rounded(v.rate))
        cols["num"].append(_rounded(v.numerator, 100))
        cols["den"].append(_rounded(v.denominator, 100))
        cols["target"].append(targets.setdefault(_rounded(v.target), len(targets)))
        shared = len(v.code) == 12 and v.code.startswith(v.township_code) and v.code[9:].isdigit()
        cols["code"].append(int(v.code[9:]) if shared else v.code)
        if v.is_demo:
            demo.append(n)
    marks, boundaries = [], []
    for i, t in enumerate(townships):
        seat = project(t.lat, t.lon) if t.lat is not None and t.lon is not None else None
        marks.append(
            {
                "name": t.name,
                "seat": seat,
                "status": status_index[t.status],
                "rate": _rounded(t.rate),
                "num": _rounded(t.numerator, 100),
                "den": _rounded(t.denominator, 100),
                "target": _rounded(t.target),
                "total": t.villages_total,
                "reported": t.villages_reported,
            }
        )
        if t.boundary is not None:
            geometry = t.boundary
            if settings.tile_crs == "GCJ02":
                geometry = shift_geometry(geometry, wgs84_to_gcj02)
            boundaries.append({"type": "Feature", "properties": {"i": i}, "geometry": geometry})
    return {
        "statuses": list(STATUSES),
        "colours": STATUS_COLOURS,
        "labels": settings.labels,
        "townshipNames": names,
        "townshipCodes": codes,
        "villages": cols,
        "targets": list(targets),
        "demo": demo,
        "townships": marks,
        "boundaries": {"type": "FeatureCollection", "features": boundaries} if boundaries else None,
        "villageUrl": settings.village_url_prefix,
        "canvas": len(villages) > SVG_LIMIT,
    }


@dataclass
class BuiltMap:
    fmap: folium.Map
    data: str  # the layers' JSON, safe inside <script type="application/json">
    data_id: str


def build_map(
    villages: list[VillageMark], townships: list[TownshipMark], outline: dict, settings: MapSettings
) -> folium.Map:
    """The folium map: tiles (or a blank background), the county outline, the township layer
    (circles at seats, or a choropleth once boundaries exist) and the villages."""
    gcj = settings.tile_crs == "GCJ02"

    def project(lat, lon):
        return wgs84_to_gcj02(lat, lon) if gcj else (lat, lon)

    outline = shift_geometry(outline, wgs84_to_gcj02) if gcj else outline
    fmap = folium.Map(
        tiles=None,
        control_scale=True,
        width="100%",
        height="100%",
        zoom_control=True,
        attribution_control=True,
    )
    # Only the vendored Leaflet; folium's other defaults (jQuery, Bootstrap, Font Awesome,
    # awesome-markers) serve features this map does not use.
    fmap.default_js = [("leaflet", settings.leaflet_js)]
    fmap.default_css = [("leaflet_css", settings.leaflet_css)]
    if settings.tile_url:
        folium.TileLayer(
            tiles=settings.tile_url,
            attr=_text(settings.tile_attribution),
            name="tiles",
            subdomains=settings.subdomains,
            max_zoom=18,
            control=False,
        ).add_to(fmap)
    if settings.overlay_url:
        folium.TileLayer(
            tiles=settings.overlay_url,
            attr=_text(settings.tile_attribution),
            name="labels",
            subdomains=settings.subdomains,
            max_zoom=18,
            overlay=True,
            control=False,
        ).add_to(fmap)
    folium.GeoJson(
        {"type": "Feature", "properties": {}, "geometry": outline},
        name="outline",
        style_function=lambda _f: {"color": "#333333", "weight": 2, "fill": False},
        control=False,
    ).add_to(fmap)
    fmap.fit_bounds(_bounds(outline))
    data_id = "cunjian-map-data"
    fmap.add_child(_DrawLayers(data_id))
    fmap.get_root().header.add_child(JavascriptLink(settings.draw_js), name="cunjian_draw_js")
    data = script_json(_payload(villages, townships, settings, project))
    return BuiltMap(fmap, data, data_id)


def _text(value: str) -> str:
    """Leaflet shows attribution as HTML: pass plain text only (folium insists on some).
    Braces become entities too, since branca re-reads rendered scripts as Jinja templates."""
    return str(escape(value or "tiles")).replace("{", "&#123;").replace("}", "&#125;")


def _bounds(geometry: dict) -> list[list[float]]:
    rings = (
        geometry["coordinates"]
        if geometry["type"] == "Polygon"
        else [ring for polygon in geometry["coordinates"] for ring in polygon]
    )
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def render_parts(built: BuiltMap) -> dict[str, str]:
    """The pieces a page template embeds: asset links, the map element and its script.
    folium's own header also sets full-page html/body styles and a zoom-locking viewport,
    which would break the app's layout and accessibility, so only the links are kept."""
    root = built.fmap.get_root()
    root.render()
    links = "\n".join(
        child.render()
        for child in root.header._children.values()
        if isinstance(child, (JavascriptLink, CssLink))
    )
    data = f'<script type="application/json" id="{built.data_id}">{built.data}</script>'
    return {
        "links": links,
        "html": root.html.render(),
        "script": root.script.render(),
        "data": data,
    }
