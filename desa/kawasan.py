"""Kawasan under their SK Kumuh: delineation upload checks, the responsible level of government
by area, area per desa, priority and handling pattern per kawasan (from the rule set in the
database), the kawasan ranking, and duplicate community bodies per desa.

Plain data in, plain data out; the pages (``desa.views_kawasan``, ``kotaku.views_kawasan``)
and the admin call these.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from desa import scoring

# --------------------------------------------------------------------------------------------
# The SK Kumuh of Kabupaten Madiun [checked: programme blog of the Kab. Madiun team]
# --------------------------------------------------------------------------------------------

SK_MADIUN = {
    "nomor": "118.45/325A/KPTS/402.013/2019",
    "judul": "Keputusan Bupati Madiun tentang Penetapan Lokasi Perumahan Kumuh dan "
             "Permukiman Kumuh di Kabupaten Madiun",
    "tahun": 2019,
    "ditandatangani_oleh": "Bupati Madiun",
    "sumber": "Nomor dan luas kawasan Sukolilo (10,2 ha; RT 24, 26, 27, 28) dan Ngampel "
              "(Kec. Mejayan, 14,6 ha): blog program tim KOTAKU Kab. Madiun. Tanggal "
              "penetapan, judul resmi dan daftar lengkap kawasan belum diketahui (judul di "
              "atas adalah judul lazim SK sejenis, belum terkonfirmasi). SK ini mencakup "
              "kawasan perkotaan Kab. Madiun di luar Jiwan; hanya kawasan Jiwan yang dimuat.",
}

# --------------------------------------------------------------------------------------------
# Uploads
# --------------------------------------------------------------------------------------------

MAKS_GEOJSON_BYTE = 2 * 1024 * 1024
MAKS_PDF_BYTE = 10 * 1024 * 1024
#: Rough WGS84 bounds of Indonesia (with a margin): a polygon outside is in the wrong CRS.
BATAS_INDONESIA = {"lng": (94.0, 142.0), "lat": (-12.0, 7.0)}


def _posisi(coords, path: str):
    if not isinstance(coords, list) or len(coords) < 2 or not all(
            isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords[:2]):
        raise ValidationError(_("Koordinat tidak valid di %(p)s.") % {"p": path})
    lng, lat = coords[0], coords[1]
    lo, hi = BATAS_INDONESIA["lng"]
    la, lb = BATAS_INDONESIA["lat"]
    if not (lo <= lng <= hi and la <= lat <= lb):
        raise ValidationError(_(
            "Koordinat %(c)s di luar Indonesia: gunakan WGS84 (bujur, lintang dalam derajat, "
            "EPSG:4326), bukan UTM.") % {"c": f"[{lng}, {lat}]"})


def _poligon(rings, path: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("Poligon kosong di %(p)s.") % {"p": path})
    for i, ring in enumerate(rings):
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(_("Cincin poligon %(p)s perlu minimal 4 titik.")
                                  % {"p": f"{path}[{i}]"})
        for c in ring:
            _posisi(c, path)
        if ring[0][:2] != ring[-1][:2]:
            raise ValidationError(_("Cincin poligon %(p)s tidak tertutup (titik awal dan "
                                    "akhir harus sama).") % {"p": f"{path}[{i}]"})


def validasi_delineasi(data) -> dict:
    """Check an uploaded delineation (bytes, text or parsed JSON) and return its geometry:
    a Polygon or MultiPolygon in WGS84 within Indonesia (a Feature or a FeatureCollection of
    one feature is unwrapped). Raises ``ValidationError`` with an Indonesian message."""
    if isinstance(data, (bytes, str)):
        if len(data) > MAKS_GEOJSON_BYTE:
            raise ValidationError(_("Berkas GeoJSON terlalu besar (maksimal 2 MB); "
                                    "sederhanakan poligonnya."))
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise ValidationError(_("Berkas bukan JSON yang valid.")) from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise ValidationError(_("FeatureCollection harus berisi tepat satu poligon "
                                    "kawasan (berisi %(n)s).") % {"n": len(features)})
        data = features[0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("Geometri harus Polygon atau MultiPolygon."))
    coords = data.get("coordinates")
    if data["type"] == "Polygon":
        _poligon(coords, "coordinates")
    else:
        if not isinstance(coords, list) or not coords:
            raise ValidationError(_("MultiPolygon kosong."))
        for i, poly in enumerate(coords):
            _poligon(poly, f"coordinates[{i}]")
    return {"type": data["type"], "coordinates": coords}


def validasi_pdf(berkas) -> None:
    """An SK document: a real PDF (by its first bytes, not its name), at most 10 MB."""
    if berkas is None:
        return
    if berkas.size > MAKS_PDF_BYTE:
        raise ValidationError(_("Dokumen terlalu besar (maksimal 10 MB)."))
    pos = berkas.tell() if hasattr(berkas, "tell") else 0
    berkas.seek(0)
    awal = berkas.read(5)
    berkas.seek(pos)
    if awal != b"%PDF-" or not berkas.name.lower().endswith(".pdf"):
        raise ValidationError(_("Dokumen harus berkas PDF."))


# --------------------------------------------------------------------------------------------
# Responsible level of government by area
# --------------------------------------------------------------------------------------------

KEWENANGAN_LABEL = {"kabupaten": _("Pemerintah kabupaten/kota"),
                    "provinsi": _("Pemerintah provinsi"), "pusat": _("Pemerintah pusat")}


def kewenangan(luas_ha) -> str:
    """Which level of government handles a kawasan of this area: below the first bound
    kabupaten/kota, below the second provinsi, else pusat (``settings.KEWENANGAN_KAWASAN_HA``,
    default (10, 15): UU 1/2011 jo. UU 23/2014 lampiran D, see docs/PLANNING.md)."""
    batas_kab, batas_prov = (Decimal(str(x)) for x in settings.KEWENANGAN_KAWASAN_HA)
    luas = Decimal(str(luas_ha))
    if luas < batas_kab:
        return "kabupaten"
    if luas < batas_prov:
        return "provinsi"
    return "pusat"


# --------------------------------------------------------------------------------------------
# Locations' RT/RW
# --------------------------------------------------------------------------------------------

_NOMOR = re.compile(r"^\s*(?:RT|RW)?\s*\.?\s*0*(\d{1,3})\s*$", re.IGNORECASE)


def nomor_rt(teks: str) -> int | None:
    """"03", "RT 3", "rt.03" → 3; anything else (lists, ranges, words) → ``None``."""
    m = _NOMOR.match(teks or "")
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------------------------
# Priority per kawasan
# --------------------------------------------------------------------------------------------


@dataclass
class PrioritasKawasan:
    tingkat: str
    total: int | None
    legal: bool | None
    kepadatan: int | None  # the density factor value computed from population and area
    prioritas: str  # "" when a factor is missing
    pola: str
    kurang: list  # what is missing to compute it


def _skor_kawasan(items, rules: scoring.RuleSet):
    if not items:
        return None
    header, volumes = scoring.aggregate_inputs(items)
    return scoring.score_assessment(header, volumes, rules=rules)


def prioritas_dan_pola(kawasan, items, rules: scoring.RuleSet) -> PrioritasKawasan:
    """Priority class and handling pattern of one kawasan: its level from the summed latest
    verified assessments of its locations (``items``: (header, volumes) pairs, DOMAIN §4),
    land legality by the rule set's legality rule, and the "pertimbangan lain" factors with
    the density computed from the kawasan's population and SK area."""
    hasil = _skor_kawasan(items, rules)
    kurang = []
    if hasil is None:
        kurang.append(_("penilaian terverifikasi lokasinya"))
    legal = None
    if kawasan.status_lahan_jelas is None or kawasan.sesuai_tata_ruang is None:
        kurang.append(_("legalitas lahan"))
    else:
        legal = scoring.legal_status(kawasan.status_lahan_jelas, kawasan.sesuai_tata_ruang,
                                     rules)
    kepadatan = scoring.density_factor(kawasan.jumlah_penduduk, kawasan.luas_ha, rules)
    if kepadatan is None:
        kurang.append(_("jumlah penduduk"))
    nilai = {"nilai_strategis": kawasan.nilai_strategis, "kepadatan_penduduk": kepadatan,
             "potensi_sosial_ekonomi": kawasan.potensi_sosial_ekonomi}
    for name, _allowed in rules.pertimbangan_factors:
        if nilai.get(name) is None and name != "kepadatan_penduduk":
            kurang.append(name.replace("_", " "))
    tingkat = hasil.level if hasil else ""
    prioritas = pola = ""
    if hasil is not None and legal is not None:
        pola = scoring.handling_pattern(tingkat, legal, rules=rules) or ""
        if not kurang:
            try:
                huruf = scoring.pertimbangan_lain_class(
                    *(nilai.get(n) for n, _a in rules.pertimbangan_factors), rules=rules)
            except ValueError:
                kurang.append(_("nilai faktor sesuai aturan"))
            else:
                prioritas = scoring.priority_class(tingkat, legal, huruf, rules=rules) or ""
    return PrioritasKawasan(tingkat, hasil.total if hasil else None, legal, kepadatan,
                            prioritas, pola, kurang)


def _urutan_prioritas(p: PrioritasKawasan):
    """A1 first: by the number (level and legality), then the letter; unranked last."""
    if not p.prioritas:
        return (1, 99, "Z", -(p.total or 0))
    return (0, int(p.prioritas[1:]), p.prioritas[0], -(p.total or 0))


def peringkat(baris: list[dict]) -> list[dict]:
    """Rank kawasan rows (each with ``"prioritas": PrioritasKawasan``) and number them."""
    urut = sorted(baris, key=lambda r: (_urutan_prioritas(r["prioritas"]), r["nama"]))
    for i, r in enumerate(urut, start=1):
        r["peringkat"] = i if r["prioritas"].prioritas else None
    return urut


# --------------------------------------------------------------------------------------------
# Area per desa
# --------------------------------------------------------------------------------------------


def luas_per_desa(kawasan) -> tuple[list[tuple], Decimal | None]:
    """(desa, area) rows of a kawasan and the difference of their sum from the SK area
    (``None`` when they agree or no split is recorded). Uses prefetched ``bagian_desa``."""
    rows = [(b.desa, b.luas_ha) for b in kawasan.bagian_desa.all()]
    if not rows:
        return [(kawasan.desa, kawasan.luas_ha)], None
    selisih = sum((r[1] for r in rows), Decimal(0)) - kawasan.luas_ha
    return rows, (selisih if selisih else None)


# --------------------------------------------------------------------------------------------
# Community bodies
# --------------------------------------------------------------------------------------------


def lembaga_ganda(lembaga) -> dict:
    """{(desa_id, fungsi): [bodies]} for every function a desa holds twice or more among its
    active bodies (KSMs, formed per activity, may be many)."""
    from desa.models import LembagaMasyarakat

    per = defaultdict(list)
    for lb in lembaga:
        if lb.aktif and lb.fungsi not in LembagaMasyarakat.FUNGSI_BOLEH_GANDA:
            per[(lb.desa_id, lb.fungsi)].append(lb)
    return {k: v for k, v in per.items() if len(v) > 1}


# --------------------------------------------------------------------------------------------
# Writes
# --------------------------------------------------------------------------------------------


def ubah_kawasan(kawasan_pk: int, data: dict, rules: scoring.RuleSet, *, delineasi=None,
                 hapus_delineasi: bool = False):
    """Store what a facilitator keeps up to date about a kawasan. Factor values must be among
    the rule set's allowed values; a delineation must pass ``validasi_delineasi``."""
    from django.db import transaction

    from desa.models import Kawasan
    from inti.services import ServiceError

    allowed = dict(rules.pertimbangan_factors)
    for name in ("nilai_strategis", "potensi_sosial_ekonomi"):
        value = data.get(name)
        if value is not None and value not in allowed.get(name, ()):
            raise ServiceError(_("Nilai %(v)s tidak ada dalam aturan penilaian (pilihan: "
                                 "%(p)s).") % {"v": value, "p": allowed.get(name, ())}, name)
    if data.get("jenis") not in Kawasan.Jenis.values:
        raise ServiceError(_("Jenis penanganan tidak dikenal."), "jenis")
    if delineasi is not None:
        try:
            delineasi = validasi_delineasi(delineasi)
        except ValidationError as exc:
            raise ServiceError(exc.messages[0], "delineasi") from None
    with transaction.atomic():
        kawasan = Kawasan.objects.select_for_update().get(pk=kawasan_pk)
        for f in ("jenis", "jumlah_penduduk", "status_lahan_jelas", "sesuai_tata_ruang",
                  "nilai_strategis", "potensi_sosial_ekonomi"):
            setattr(kawasan, f, data.get(f))
        if delineasi is not None:
            kawasan.delineasi = delineasi
        elif hapus_delineasi:
            kawasan.delineasi = None
        kawasan.save()
    return kawasan
