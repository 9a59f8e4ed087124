"""The slum condition of each location over time (DOMAIN §5): pure arithmetic, no Django.

For one location and one year:

- **baseline**: its earliest verified assessment;
- **terukur** (measured): its latest verified assessment up to that year, with its year; the
  official condition, which replaces any earlier figure;
- **proyeksi** (projected): the terukur volumes minus what completed activities *at that
  location* handled in years not earlier than the measurement's year (up to the year asked),
  capped at zero per criterion, scored by the same engine. An estimate until the next
  verified measurement.

Regions (desa, kecamatan, kabupaten, nation) aggregate the per-location results by summing
volumes and denominators (as ``scoring.aggregate_inputs``), never by pooling handled volumes
across locations: work in one RT never cancels a shortfall in another.

Hectares: a location's area (the ``luas_ha`` of the assessment behind a figure) counts under
that figure's level. Basic services: 100 − the deficiency % of the criteria concerned.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from desa import scoring

NOL = Decimal(0)
SERATUS = Decimal(100)
TAHAP = ("baseline", "terukur", "proyeksi")

# Basic services (DOMAIN §5): each is "served" where its criteria are not deficient.
# % served = 100 − the mean deficiency % of the criteria concerned (the aspect's mean, as the
# engine computes it), floored at 0. Codes are those of Permen PUPR 14/2018.
LAYANAN = (
    ("jalan", "Jalan lingkungan", ("2a", "2b")),
    ("drainase", "Drainase lingkungan", ("4a", "4b", "4c")),
    ("air_minum", "Air minum", ("3a", "3b")),
    ("air_limbah", "Air limbah", ("5a", "5b")),
    ("persampahan", "Persampahan", ("6a", "6b")),
)
# The 100-0-100 target: 100 % access to safe drinking water (criterion 3a), 0 % slum area,
# 100 % access to proper sanitation (criterion 5b: latrines/wastewater facilities).
AKSES_AIR_MINUM = "3a"
AKSES_SANITASI = "5b"


@dataclass(frozen=True)
class Pengukuran:
    """One verified assessment of a location: its year, header (denominators) and volumes."""

    tahun: int
    header: Mapping[str, Decimal]
    volumes: Mapping[str, Decimal]
    is_demo: bool = False


@dataclass(frozen=True)
class Penanganan:
    """A completed activity's handled volume in its criterion's unit (``None``: cannot be said,
    e.g. 4 waste carts with no number of households served)."""

    tahun: int
    kode: str
    volume: Decimal | None


@dataclass(frozen=True)
class Tahap:
    """One figure of a location or region: baseline, terukur or proyeksi."""

    tahun: int | None
    header: Mapping[str, Decimal]
    volumes: Mapping[str, Decimal]
    hasil: scoring.AssessmentResult

    @property
    def luas_ha(self) -> Decimal:
        return Decimal(self.header.get("luas_ha") or 0)

    @property
    def tingkat(self) -> str:
        return self.hasil.level

    @property
    def total(self) -> int:
        return self.hasil.total


@dataclass(frozen=True)
class KondisiLokasi:
    key: object
    tahun: int
    baseline: Tahap
    terukur: Tahap
    proyeksi: Tahap
    tertangani: Mapping[str, Decimal]  # handled volume counted, per criterion (before capping)
    is_demo: bool = False

    @property
    def keluar_dari_kumuh(self) -> bool:
        """Measured out of slum: the baseline was slum, the latest verified one is not."""
        return self.baseline.hasil.is_kumuh and not self.terukur.hasil.is_kumuh


@functools.lru_cache(maxsize=2048)
def _skor(rules: scoring.RuleSet, header: tuple, volumes: tuple) -> scoring.AssessmentResult:
    return scoring.score_assessment({k: Decimal(v) for k, v in header},
                                    {k: Decimal(v) for k, v in volumes}, rules=rules)


def _kunci(values: dict) -> tuple:
    # By text, so 5 and 5.0 (equal Decimals, printed differently) are not one entry.
    return tuple(sorted((k, str(v)) for k, v in values.items()))


def _tahap(tahun, header, volumes, rules) -> Tahap:
    """A figure scored by the engine. The same inputs under the same rules give the same
    (immutable) result, so it is computed once: a location's baseline is the same every
    year, and its terukur and proyeksi change only in a year with a measurement or a
    completed activity (rebuilding the stored rows scores each year of each location)."""
    header = {k: Decimal(v or 0) for k, v in header.items()}
    volumes = {k: Decimal(v or 0) for k, v in volumes.items()}
    hasil = _skor(rules, _kunci(header), _kunci(volumes))
    return Tahap(tahun, header, volumes, hasil)


def kondisi_lokasi(
    pengukuran: Sequence[Pengukuran], penanganan: Iterable[Penanganan], tahun: int, *,
    rules: scoring.RuleSet, key: object = None,
) -> KondisiLokasi | None:
    """A location's baseline, terukur and proyeksi for ``tahun``; ``None`` when it had no
    verified assessment by then."""
    sampai = sorted((p for p in pengukuran if p.tahun <= tahun), key=lambda p: p.tahun)
    if not sampai:
        return None
    base, ukur = sampai[0], sampai[-1]
    handled: dict[str, Decimal] = defaultdict(lambda: NOL)
    for a in penanganan:
        if a.volume is not None and a.volume > 0 and ukur.tahun <= a.tahun <= tahun:
            handled[a.kode] += Decimal(a.volume)
    sisa = scoring.kumuh_akhir(ukur.volumes, handled)
    # Only the criteria the measurement knows: a handled volume of an unmeasured criterion
    # has nothing to reduce.
    sisa = {k: v for k, v in sisa.items() if k in ukur.volumes}
    return KondisiLokasi(
        key=key, tahun=tahun,
        baseline=_tahap(base.tahun, base.header, base.volumes, rules),
        terukur=_tahap(ukur.tahun, ukur.header, ukur.volumes, rules),
        proyeksi=_tahap(tahun, ukur.header, sisa, rules),
        tertangani=dict(handled), is_demo=base.is_demo or ukur.is_demo,
    )


def luas_per_tingkat(tahap: Iterable[Tahap]) -> dict[str, Decimal]:
    """Hectares per level: each figure's area under its own level (every level listed)."""
    out = {lvl: NOL for lvl, _label in scoring.LEVELS}
    for t in tahap:
        out[t.tingkat] += t.luas_ha
    return out


def luas_kumuh(per_tingkat: Mapping[str, Decimal]) -> Decimal:
    return sum((v for k, v in per_tingkat.items() if k != scoring.TIDAK_KUMUH), NOL)


def persen(bagian: Decimal, keseluruhan: Decimal) -> Decimal | None:
    """``bagian`` as a % of ``keseluruhan`` (2 decimals, half-up), or None over nothing."""
    if not keseluruhan:
        return None
    return scoring.percent_of(Decimal(bagian), Decimal(keseluruhan))


def layanan(hasil: scoring.AssessmentResult) -> dict[str, Decimal]:
    """% served per basic service: 100 − mean deficiency % of its criteria, within 0..100."""
    out = {}
    for kode, _label, kriteria in LAYANAN:
        pct = [hasil.criteria[c].percent for c in kriteria if c in hasil.criteria]
        if not pct:
            continue
        mean = sum(pct, NOL) / len(pct)
        out[kode] = min(SERATUS, max(NOL, SERATUS - mean)).quantize(Decimal("0.01"))
    return out


def akses(hasil: scoring.AssessmentResult, kode: str) -> Decimal | None:
    """% with access for one criterion (100 − its deficiency %), within 0..100."""
    c = hasil.criteria.get(kode)
    if c is None:
        return None
    return min(SERATUS, max(NOL, SERATUS - c.percent))


@dataclass(frozen=True)
class Agregat:
    """A region's figures from its locations' (volumes and denominators summed)."""

    jumlah_lokasi: int
    baseline: Tahap
    terukur: Tahap
    proyeksi: Tahap
    luas: Mapping[str, Mapping[str, Decimal]]  # tahap -> level -> ha
    tahun_terukur: tuple[int, int] | None  # earliest and latest measurement year summed
    tahun_baseline: tuple[int, int] | None
    keluar_dari_kumuh: tuple = ()  # keys of the locations measured out of slum
    jumlah_demo: int = 0
    tertangani: Mapping[str, Decimal] = field(default_factory=dict)

    def luas_kumuh(self, tahap: str) -> Decimal:
        return luas_kumuh(self.luas[tahap])

    @property
    def penurunan_ha(self) -> Decimal:
        """Measured reduction of slum area since the baseline (ha)."""
        return self.luas_kumuh("baseline") - self.luas_kumuh("terukur")

    @property
    def penurunan_persen(self) -> Decimal | None:
        return persen(self.penurunan_ha, self.luas_kumuh("baseline"))

    @property
    def penurunan_proyeksi_ha(self) -> Decimal:
        return self.luas_kumuh("baseline") - self.luas_kumuh("proyeksi")

    @property
    def layanan(self) -> dict[str, dict[str, Decimal]]:
        return {t: layanan(getattr(self, t).hasil) for t in TAHAP}

    @property
    def seratus_nol_seratus(self) -> dict[str, Decimal | None]:
        """The 100-0-100 picture of the measured condition."""
        luas_total = sum(self.luas["terukur"].values(), NOL)
        return {
            "air_minum": akses(self.terukur.hasil, AKSES_AIR_MINUM),
            "kumuh": persen(self.luas_kumuh("terukur"), luas_total),
            "sanitasi": akses(self.terukur.hasil, AKSES_SANITASI),
        }


def _rentang(years: list[int]) -> tuple[int, int] | None:
    return (min(years), max(years)) if years else None


def agregat(kondisi: Iterable[KondisiLokasi], *, rules: scoring.RuleSet,
            tahun: int | None = None) -> Agregat | None:
    """Sum the locations' figures and score the sums; ``None`` without locations."""
    items = list(kondisi)
    if not items:
        return None
    stages = {}
    for t in TAHAP:
        header, volumes = scoring.aggregate_inputs(
            (getattr(k, t).header, getattr(k, t).volumes) for k in items)
        years = [getattr(k, t).tahun for k in items]
        stages[t] = _tahap(tahun if t == "proyeksi" else max(years), header, volumes, rules)
    handled: dict[str, Decimal] = defaultdict(lambda: NOL)
    for k in items:
        for c, v in k.tertangani.items():
            handled[c] += v
    return Agregat(
        jumlah_lokasi=len(items), **stages,
        luas={t: luas_per_tingkat(getattr(k, t) for k in items) for t in TAHAP},
        tahun_terukur=_rentang([k.terukur.tahun for k in items]),
        tahun_baseline=_rentang([k.baseline.tahun for k in items]),
        keluar_dari_kumuh=tuple(k.key for k in items if k.keluar_dari_kumuh),
        jumlah_demo=sum(1 for k in items if k.is_demo), tertangani=dict(handled),
    )


def biaya_satuan(baris: Iterable[tuple[str, Decimal, Decimal]]) -> dict[str, dict]:
    """Unit cost per criterion from ``(code, handled volume, realised Rp)`` of completed
    activities: Rp per unit of the criterion's volume, with median, min and max over the
    activities (so outliers show) and the pooled total Rp / total volume."""
    per: dict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for kode, volume, rp in baris:
        if volume and volume > 0 and rp and rp > 0:
            per[kode].append((Decimal(volume), Decimal(rp)))
    out = {}
    for kode, rows in per.items():
        units = sorted((rp / v) for v, rp in rows)
        n = len(units)
        median = units[n // 2] if n % 2 else (units[n // 2 - 1] + units[n // 2]) / 2
        out[kode] = {
            "n": n, "median": median.quantize(Decimal(1)), "min": units[0].quantize(Decimal(1)),
            "max": units[-1].quantize(Decimal(1)),
            "volume": sum((v for v, _rp in rows), NOL), "rp": sum((rp for _v, rp in rows), NOL),
        }
    return out
