"""Demo collaborative plans (issue 15), every row labelled demo: the RPLP of Bibrik and of
Sukolilo and the Memorandum Program of Kabupaten Madiun, with commitments and one demo
activity of Bibrik linked to the plan item it realises. Written through the services, like
the portal. Names, volumes, costs and dates are illustrative, not from a source."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from desa.models import Desa, Kabupaten, Kawasan, Kriteria
from kolaborasi import rencana as layanan
from kolaborasi.models import (
    DokumenRencana,
    ForumKolaborasi,
    ItemRencana,
    JenisPemangku,
    KomitmenItem,
    PemangkuKepentingan,
    TargetTahunan,
)

from .models import Kegiatan, KegiatanKriteria

D = Decimal


def _kriteria(kode: str) -> Kriteria:
    return Kriteria.objects.get(aturan__bawaan=True, kode=kode)


def _pemangku(**lookup) -> PemangkuKepentingan | None:
    return PemangkuKepentingan.objects.filter(**lookup).order_by("pk").first()


def _forum(judul, tanggal, desa, peserta) -> ForumKolaborasi:
    forum, _made = ForumKolaborasi.objects.get_or_create(
        judul=judul, defaults={"tanggal": tanggal, "desa": desa, "is_demo": True,
                               "kesepakatan": "Menyepakati rencana dan pembagian peran (demo)."})
    forum.peserta.add(*[p for p in peserta if p])
    return forum


def _item(dokumen, desa, nama, kriteria, volume, satuan, biaya, tahun, **extra) -> ItemRencana:
    kawasan = Kawasan.objects.filter(desa=desa).order_by("pk").first()
    item = ItemRencana(dokumen=dokumen, desa=desa, kawasan=kawasan, nama=nama, volume=D(volume),
                       satuan=satuan, biaya_rp=D(biaya), tahun_target=tahun, is_demo=True,
                       **extra)
    return layanan.simpan_item(item, [{"kriteria": _kriteria(k), "volume": D(v)}
                                      for k, v in kriteria])


def _janji(item, pemangku, forum, nilai, jenis="uang", jumlah=None, uraian=""):
    if pemangku is None:
        return None
    return layanan.simpan_komitmen_item(KomitmenItem(
        item=item, pemangku=pemangku, forum=forum, jenis=jenis, nilai_rp=D(nilai),
        jumlah=D(jumlah) if jumlah else None, uraian=uraian, is_demo=True))


def seed_rencana(counts: Counter) -> None:
    """Idempotent: does nothing when the demo plans exist."""
    if DokumenRencana.objects.filter(is_demo=True).exists():
        counts["rencana demo tetap"] += DokumenRencana.objects.filter(is_demo=True).count()
        return
    desa = {d.nama: d for d in Desa.objects.filter(kecamatan__kode_wilayah="35.19.09")}
    bibrik, suko = desa.get("Bibrik"), desa.get("Sukolilo")
    if bibrik is None or suko is None:
        return
    pkp = _pemangku(singkatan="Dinas PKP", desa=None)
    pupr = _pemangku(singkatan="PUPR", desa=None)
    csr = _pemangku(jenis=JenisPemangku.SWASTA, is_demo=True)
    prov = _pemangku(jenis=JenisPemangku.PROVINSI, is_demo=True)
    donor = _pemangku(jenis=JenisPemangku.DONOR, is_demo=True)

    # --- RPLP Bibrik
    pemdes_b = _pemangku(jenis=JenisPemangku.PEMDES, desa=bibrik)
    lkm_b = _pemangku(jenis=JenisPemangku.LKM, desa=bibrik)
    forum_b = _forum("Rembug warga penyepakatan RPLP Bibrik (demo)", dt.date(2018, 11, 20),
                     bibrik, [pemdes_b, lkm_b, pkp, csr])
    rplp_b = layanan.simpan_dokumen(DokumenRencana(
        jenis="rplp", judul="RPLP Desa Bibrik 2019–2023 (demo)", desa=bibrik, tahun_mulai=2019,
        tahun_selesai=2023, is_demo=True))
    paving = _item(rplp_b, bibrik, "Lanjutan jalan paving akses kawasan budidaya lele (demo)",
                   [("2b", 230)], 230, "m", 86_000_000, 2019)
    drainase = _item(rplp_b, bibrik, "Jalan dan saluran drainase RT 02 (demo)",
                     [("2b", 150), ("4b", 300)], 300, "m", 160_000_000, 2021,
                     pendekatan="institusi", jenis_investasi="tersier")
    _item(rplp_b, bibrik, "Gerobak sampah dan bank sampah (demo)", [("6a", 60), ("6b", 60)],
          60, "KK", 35_000_000, 2022, komponen="kesehatan")
    layanan.sepakati(rplp_b, forum_b, forum_b.tanggal)
    k_pemdes = _janji(paving, pemdes_b, forum_b, 80_000_000)
    k_lkm = _janji(paving, lkm_b, forum_b, 6_000_000, "hok", 60, "Kerja bakti warga (60 HOK)")
    _janji(drainase, pkp, forum_b, 100_000_000)
    _janji(drainase, csr, forum_b, 15_000_000, "natura", uraian="Semen dan pasir (demo)")
    # The demo activity of 2019 realises the paving item; its lines fulfil the commitments.
    lanjutan = Kegiatan.objects.filter(desa=bibrik, nama__startswith="Lanjutan jalan paving") \
        .first()
    if lanjutan is not None:
        lanjutan.item_rencana.add(paving)
        KegiatanKriteria.objects.get_or_create(kegiatan=lanjutan, kriteria=lanjutan.kriteria,
                                               defaults={"volume": lanjutan.volume_tertangani})
        for line in lanjutan.pendanaan.all():
            janji = {getattr(k_pemdes, "pemangku_id", None): k_pemdes,
                     getattr(k_lkm, "pemangku_id", None): k_lkm}.get(line.pemangku_id)
            if janji is not None:
                line.komitmen_item = janji
                line.save(update_fields=["komitmen_item"])

    # --- RPLP Sukolilo
    pemdes_s = _pemangku(jenis=JenisPemangku.PEMDES, desa=suko)
    forum_s = _forum("Rembug warga penyepakatan RPLP Sukolilo (demo)", dt.date(2019, 10, 8),
                     suko, [pemdes_s, pupr, donor])
    rplp_s = layanan.simpan_dokumen(DokumenRencana(
        jenis="rplp", judul="RPLP Desa Sukolilo 2020–2024 (demo)", desa=suko, tahun_mulai=2020,
        tahun_selesai=2024, is_demo=True))
    sal = _item(rplp_s, suko, "Lanjutan saluran drainase lingkungan (demo)", [("4b", 500)],
                500, "m", 175_000_000, 2022, pendekatan="institusi")
    jamban = _item(rplp_s, suko, "Jamban sehat keluarga (demo)", [("5b", 25)], 25, "KK",
                   62_500_000, 2021, komponen="kesehatan")
    layanan.sepakati(rplp_s, forum_s, forum_s.tanggal)
    _janji(sal, pupr, forum_s, 120_000_000)
    _janji(jamban, donor, forum_s, 25_000_000)
    _janji(jamban, pemdes_s, forum_s, 4_000_000, "orang", 4, "Tukang desa (4 orang, demo)")

    # --- Memorandum Program of the kabupaten
    kab = Kabupaten.objects.filter(kode_wilayah="35.19").first()
    if kab is not None:
        forum_k = _forum("Forum PKP Kabupaten Madiun: Memorandum Program (demo)",
                         dt.date(2020, 2, 12), None, [pkp, pupr, prov, csr, donor])
        mp = layanan.simpan_dokumen(DokumenRencana(
            jenis="rp2kpkp", judul="RP2KPKP dan Memorandum Program Kab. Madiun 2020–2024 (demo)",
            kabupaten=kab, tahun_mulai=2020, tahun_selesai=2024, is_demo=True))
        kw, wy = desa.get("Kwangsen"), desa.get("Wayut")
        ipal = None
        if kw is not None:
            ipal = _item(mp, kw, "IPAL komunal Kwangsen (demo)", [("5a", 120)], 120, "KK",
                         450_000_000, 2023, pendekatan="institusi", jenis_investasi="sekunder")
        hidran = None
        if wy is not None:
            hidran = _item(mp, wy, "Hidran kebakaran Wayut (demo)", [("7a", 6)], 6, "unit",
                           90_000_000, 2022, pendekatan="institusi", komponen="kebencanaan")
        _item(mp, bibrik, "Pelatihan bank sampah Bibrik (demo)", [("6b", 60)], 1, "paket",
              20_000_000, 2021, jenis_investasi="non_fisik", komponen="sosial")
        layanan.sepakati(mp, forum_k, forum_k.tanggal)
        if ipal:
            _janji(ipal, prov, forum_k, 300_000_000)
        if hidran:
            _janji(hidran, csr, forum_k, 45_000_000)
        for tahun, ha in [(2021, "5"), (2022, "10"), (2023, "10"), (2024, "12")]:
            TargetTahunan.objects.get_or_create(
                kabupaten=kab, kawasan=None, tahun=tahun,
                defaults={"target_ha": D(ha), "sumber": "RPJMD (angka demo)", "is_demo": True})
        # Kawasan targets (RPJMD, demo) for Bibrik's kawasan: its page sets them beside the
        # measured slum hectares of its locations.
        kawasan_bibrik = Kawasan.objects.filter(desa=bibrik).order_by("pk").first()
        if kawasan_bibrik is not None:
            for tahun, ha in [(2022, "1"), (2023, "1"), (2024, "1")]:
                TargetTahunan.objects.get_or_create(
                    kabupaten=kab, kawasan=kawasan_bibrik, tahun=tahun,
                    defaults={"target_ha": D(ha), "sumber": "RPJMD (angka demo)",
                              "is_demo": True})
    counts["rencana demo dibuat"] += DokumenRencana.objects.filter(is_demo=True).count()
