"""The village map as a folium page, built from plain per-village records. No Flask, no database.

Views hand in what the roll-up said about each village and township (status, rate, numerator,
denominator, target) and the page's translated labels; this module only draws. Three choices
shape it:

- Scale: all villages travel as one compact JSON payload (app/maps/data.py), drawn by
  `static/js/map.js` (SVG for a
  county, a canvas renderer past a few thousand points), never one Python folium object per
  marker, so 25,000 villages still build in well under a second.
- Safety: no name or note is ever handed to folium's Popup/Tooltip (they run markup and `${…}`).
  Text travels in a separate `<script type="application/json">` block with `<`, `>`, `&` and
  the JS line separators escaped (never through folium's own script, which branca re-reads as
  a Jinja template), and the browser puts it into the page with `textContent` only.
- Offline: folium's CDN links are swapped for the app's vendored Leaflet, and everything folium
  would load besides (jQuery, Bootstrap, Font Awesome, awesome-markers) is dropped.
"""

from dataclasses import dataclass, field

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from jinja2 import Template
from markupsafe import escape

from app.geography.geo import shift_geometry, wgs84_to_gcj02
from app.maps.data import (  # noqa: F401 - re-exported for the views and tests
    STATUS_COLOURS,
    STATUSES,
    SiteMark,
    TownshipMark,
    VillageMark,
    layer_payload,
    script_json,
    site_layers,
)


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
    site_kinds: dict = field(default_factory=dict)  # kind key → its label: one layer each
    site_url_prefix: str = ""  # a site's page is prefix + code
    focus: str | None = None  # the township chosen: the map zooms to it


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


@dataclass
class BuiltMap:
    fmap: folium.Map
    data: str  # the layers' JSON, safe inside <script type="application/json">
    data_id: str


def build_map(
    villages: list[VillageMark],
    townships: list[TownshipMark],
    outline: dict,
    settings: MapSettings,
    sites: list[SiteMark] = (),
) -> BuiltMap:
    """The folium map: tiles (or a blank background), the county outline, the township layer
    (circles at seats, or a choropleth once boundaries exist) and the villages."""
    gcj = settings.tile_crs == "GCJ02"

    def project(lat, lon):
        return wgs84_to_gcj02(lat, lon) if gcj else (lat, lon)

    outline = shift_geometry(outline, wgs84_to_gcj02) if gcj else outline
    fmap = _blank_map(settings)
    _add_tiles(fmap, settings)
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
    payload = layer_payload(
        villages,
        townships,
        settings.labels,
        settings.village_url_prefix,
        settings.tile_crs,
        project,
        settings.focus,
    )
    if settings.site_kinds:
        payload["sites"] = site_layers(sites, settings.site_kinds, project)
        payload["siteUrl"] = settings.site_url_prefix
    data = script_json(payload)
    return BuiltMap(fmap, data, data_id)


def _blank_map(settings: MapSettings) -> folium.Map:
    """The map with no layers yet, loading only the vendored Leaflet."""
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
    return fmap


def _add_tiles(fmap: folium.Map, settings: MapSettings) -> None:
    """The background tiles and the label layer above them, when configured (none: a blank
    background)."""
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
    # The scripts are deferred, so Leaflet (147 KB) no longer blocks the page's first paint;
    # the map's own inline script waits for them (DOMContentLoaded, see map/index.html).
    links = "\n".join(
        child.render().replace("<script src=", "<script defer src=")
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
