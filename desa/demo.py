"""Demo slum assessments: a plausible, clearly labelled baseline for each of the 14 desa.

Deterministic (seeded per desa code) so reruns change nothing. The only real figure is
Sukolilo's kawasan of 10.2 ha from the SK Kumuh (created by ``muat_wilayah_jiwan``); the
assessments there are demo values too.
"""

import random
from collections import Counter
from decimal import Decimal

from django.utils import timezone

from desa import penilaian as svc
from desa.models import Desa, Kawasan, Lokasi, Penilaian

# Severity per desa (share of each criterion's denominator that is deficient), chosen to give a
# spread of levels on the map: berat, sedang, ringan and tidak kumuh.
SEVERITY = {
    "Sukolilo": 0.82, "Bibrik": 0.74, "Kwangsen": 0.7, "Kincang Wetan": 0.66, "Wayut": 0.6,
    "Sambirejo": 0.56, "Grobogan": 0.5, "Klagen Serut": 0.48, "Jiwan": 0.42, "Teguhan": 0.4,
    "Metesih": 0.34, "Ngetrep": 0.3, "Bedoho": 0.25, "Bukur": 0.2,
}
# Bibrik's access road to the catfish ponds: enough damaged road (2b) for the real 2018 paving
# of 170 m and its Dana Desa continuation to matter.
MIN_VOLUME = {("Bibrik", "2b"): Decimal(600)}
BASELINE_YEAR = 2019
UPDATE_YEAR = 2023


def _header(rng: random.Random) -> dict:
    kk = rng.randint(60, 180)
    return {
        "luas_ha": Decimal(rng.randint(150, 600)) / 100,
        "jumlah_bangunan": kk + rng.randint(-10, 20),
        "jumlah_penduduk": kk * rng.randint(3, 4),
        "jumlah_kk": kk,
        "panjang_jalan_ideal_m": Decimal(rng.randint(600, 1800)),
        "panjang_drainase_ideal_m": Decimal(rng.randint(600, 2000)),
    }


def _volumes(rng: random.Random, header: dict, rules, severity: float, desa: str) -> dict:
    vols = {}
    for c in rules.criteria:
        share = min(1.0, max(0.0, rng.gauss(severity, 0.15)))
        denom = Decimal(header[c.denominator])
        vol = (denom * Decimal(str(round(share, 3)))).quantize(Decimal("0.01"))
        vols[c.code] = vol if c.unit in ("ha", "m") else vol.quantize(Decimal(1))
        floor = MIN_VOLUME.get((desa, c.code))
        if floor is not None:
            vols[c.code] = min(max(vols[c.code], floor), denom)
    return vols


def seed_assessments(counts: Counter) -> None:
    aturan = svc.default_aturan()
    rules = svc.ruleset_of(aturan)
    for desa in Desa.objects.filter(kecamatan__kode_wilayah="35.19.09"):
        rng = random.Random(desa.kode_wilayah)
        kawasan = Kawasan.objects.filter(desa=desa, is_demo=False).first()
        if kawasan is None:
            kawasan, made = Kawasan.objects.get_or_create(
                desa=desa, nama=f"Kawasan {desa.nama} (demo)",
                defaults={"luas_ha": Decimal(rng.randint(200, 900)) / 100, "is_demo": True,
                          "keterangan": "Data demo, bukan dari SK Kumuh."})
            counts["kawasan demo"] += made
        severity = SEVERITY.get(desa.nama, 0.3)
        for i, rt in enumerate(("01", "02"), start=1):
            lokasi, made = Lokasi.objects.get_or_create(
                desa=desa, nama=f"RT {rt} RW 0{i} (demo)",
                defaults={"kawasan": kawasan, "rt": rt, "rw": f"0{i}", "is_demo": True})
            counts["lokasi demo"] += made
            if lokasi.penilaian.exists():
                continue
            header = _header(rng)
            if desa.nama == "Bibrik":
                header["panjang_jalan_ideal_m"] = max(header["panjang_jalan_ideal_m"], Decimal(900))
            base_vols = _volumes(rng, header, rules, severity, desa.nama)
            _make(lokasi, aturan, BASELINE_YEAR, Penilaian.Jenis.BASELINE, header, base_vols)
            counts["penilaian demo"] += 1
            # A yearly update: some improvement everywhere (the activities' work).
            upd = {k: (v * Decimal("0.8")).quantize(v) for k, v in base_vols.items()}
            _make(lokasi, aturan, UPDATE_YEAR, Penilaian.Jenis.PEMUTAKHIRAN, header, upd)
            counts["penilaian demo"] += 1


def _make(lokasi, aturan, tahun, jenis, header, volumes) -> Penilaian:
    p = Penilaian(lokasi=lokasi, tahun=tahun, jenis=jenis, aturan=aturan, is_demo=True, **header)
    svc.simpan_penilaian(p, volumes, user=None)
    Penilaian.objects.filter(pk=p.pk).update(
        status=Penilaian.Status.DIVERIFIKASI, diajukan_pada=timezone.now(),
        diverifikasi_pada=timezone.now())
    return p
