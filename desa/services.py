"""Read-side helpers for the desa pages (no writes here)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Desa


def peta_geojson(desa_list: Iterable[Desa], extra: dict | None = None,
                 kawasan: Iterable = ()) -> dict:
    """A GeoJSON FeatureCollection of desa boundaries for Leaflet (passed via json_script).

    ``extra`` maps desa pk → additional properties (e.g. slum level) for styling and popups.
    ``kawasan``: kawasan whose delineation (if any) is drawn over the desa boundaries
    (``"lapis": "kawasan"``, styled apart by js/peta.js).
    """
    extra = extra or {}
    features = []
    for d in desa_list:
        if not d.batas:
            continue
        features.append({
            "type": "Feature",
            "geometry": d.batas,
            "properties": {
                "kode": d.kode_wilayah,
                "nama": d.nama,
                "url": d.get_absolute_url(),
                "titik": [float(d.titik_lat), float(d.titik_lng)] if d.titik_lat else None,
                **extra.get(d.pk, {}),
            },
        })
    for k in kawasan:
        if not k.delineasi:
            continue
        features.append({
            "type": "Feature", "geometry": k.delineasi,
            "properties": {"kode": f"{k.luas_ha.normalize():f} ha", "nama": k.nama,
                           "url": k.get_absolute_url(), "lapis": "kawasan", "titik": None},
        })
    return {"type": "FeatureCollection", "features": features}
