"""Small, pure geometry helpers for GeoJSON polygons (lng, lat order), no GIS stack needed.

The portal only needs two things from a boundary: whether a point lies inside it, and a point
that is guaranteed to lie inside it (for map markers: the centroid of a concave village can fall
outside its own shape, as it does for Sukolilo and Bedoho).
"""

from __future__ import annotations

from collections.abc import Sequence

Ring = Sequence[Sequence[float]]


def _polygons(geometry: dict) -> list[list[Ring]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unsupported geometry type: {kind!r}")


def _in_ring(x: float, y: float, ring: Ring) -> bool:
    """Even-odd ray casting."""
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (y1 > y) != (y2 > y):
            cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < cross:
                inside = not inside
    return inside


def contains(geometry: dict, lng: float, lat: float) -> bool:
    """Whether the point lies inside the (Multi)Polygon, holes excluded."""
    for poly in _polygons(geometry):
        if _in_ring(lng, lat, poly[0]) and not any(_in_ring(lng, lat, h) for h in poly[1:]):
            return True
    return False


def _scanline_midpoint(poly: list[Ring], lat: float) -> tuple[float, float, float] | None:
    """Widest inside segment of the horizontal line at ``lat``: (width, mid_lng, lat)."""
    xs: list[float] = []
    for ring in poly:
        n = len(ring)
        for i in range(n):
            x1, y1 = ring[i][0], ring[i][1]
            x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
            if (y1 > lat) != (y2 > lat):
                xs.append(x1 + (lat - y1) * (x2 - x1) / (y2 - y1))
    xs.sort()
    best = None
    for a, b in zip(xs[0::2], xs[1::2], strict=False):
        if best is None or b - a > best[0]:
            best = (b - a, (a + b) / 2, lat)
    return best


def point_on_surface(
    geometry: dict, hint: tuple[float, float] | None = None
) -> tuple[float, float]:
    """A (lng, lat) point inside the geometry; ``hint`` (e.g. the centroid) is kept if inside.

    Otherwise the midpoint of the widest inside segment along a few horizontal scanlines of the
    largest polygon is taken: cheap, deterministic and always inside.
    """
    if hint is not None and contains(geometry, hint[0], hint[1]):
        return hint
    polys = _polygons(geometry)
    biggest = max(polys, key=lambda p: len(p[0]))
    lats = [pt[1] for pt in biggest[0]]
    lo, hi = min(lats), max(lats)
    candidates = []
    fractions = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)
    if hint is not None and lo < hint[1] < hi:
        candidates.append(hint[1])
    candidates += [lo + (hi - lo) * f for f in fractions]
    best = None
    for lat in candidates:
        seg = _scanline_midpoint(biggest, lat)
        if seg and (best is None or seg[0] > best[0]):
            best = seg
    if best is None:  # degenerate ring: fall back to its first vertex
        return (biggest[0][0][0], biggest[0][0][1])
    return (best[1], best[2])
