"""Issue 16: the slum condition stored per location and desa × year, kept current by every
write path, equal to the live engine (anggaran.kondisi / desa.tingkat)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anggaran import dashboard as dash
from anggaran.kondisi import hitung_kondisi, kondisi_per_tahun, tahun_sekarang
from anggaran.models import Kegiatan, StatusKegiatan
from anggaran.services import hapus_kegiatan, simpan_kegiatan
from desa import kondisi_tersimpan
from desa.models import (
    AturanPenilaian,
    KondisiDesaTahunan,
    KondisiLokasiTahunan,
    Penilaian,
    VolumePenilaian,
)
from desa.penilaian import (
    ajukan,
    hapus_penilaian,
    hitung_ulang_skor,
    simpan_penilaian,
    terapkan_aturan,
    verifikasi,
)
from desa.tingkat import tingkat_per_desa
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku
from tests.demo_cepat import muat_demo
from tests.penilaian_helpers import buat_lokasi, buat_penilaian, kebunan_volumes


def _sama_dengan_mesin(wilayah=None):
    """The stored rows give the live engine's figures (scores, levels, hectares)."""
    assert kondisi_tersimpan.periksa() == []
    live = hitung_kondisi(tahun_sekarang(), None, wilayah)
    stored = {r.desa_id: r for r in kondisi_tersimpan.desa_per_tahun(wilayah=wilayah)}
    assert set(stored) == set(live.desa)
    for pk, a in live.desa.items():
        r = stored[pk]
        assert (r.terukur_skor, r.terukur_tingkat) == (a.terukur.total, a.terukur.tingkat)
        assert (r.proyeksi_skor, r.proyeksi_tingkat) == (a.proyeksi.total, a.proyeksi.tingkat)
        assert r.luas_kumuh_terukur == a.luas_kumuh("terukur")
        assert r.luas_kumuh_proyeksi == a.luas_kumuh("proyeksi")
    r = dash.ringkasan(dash.Filter(wilayah=wilayah))
    if live.total is None:
        assert r.luas_kumuh_ha is None
    else:
        assert r.luas_kumuh_ha == live.total.luas_kumuh("terukur")
        assert r.luas_kumuh_baseline_ha == live.total.luas_kumuh("baseline")
        assert r.luas_kumuh_proyeksi_ha == live.total.luas_kumuh("proyeksi")
        assert r.lokasi_jumlah == live.total.jumlah_lokasi
    # Hectares by level per year (Dampak's chart, the plans' targets) from the stored rows
    # equal the engine's yearly aggregates.
    tersimpan = kondisi_tersimpan.luas_per_tahun(wilayah=wilayah)
    mesin = kondisi_per_tahun(wilayah=wilayah)
    assert [t for t, _a in tersimpan] == [t for t, _a in mesin]
    for (_t, a), (_t2, b) in zip(tersimpan, mesin, strict=True):
        assert a.luas["terukur"] == b.luas["terukur"]
        assert a.luas_kumuh("terukur") == b.luas_kumuh("terukur")
        assert a.luas_kumuh("proyeksi") == b.luas_kumuh("proyeksi")
    return stored


@pytest.fixture
def demo(jiwan):
    muat_demo()
    return jiwan


def test_demo_data_stored_equals_live_engine(demo):
    stored = _sama_dengan_mesin()
    assert stored, "the demo has verified assessments"
    # skor_desa (map, per_wilayah) equals the engine's latest verified aggregate per desa.
    live = {pk: (r.total, r.level) for pk, r in tingkat_per_desa().items()}
    assert kondisi_tersimpan.skor_per_desa() == live
    _sama_dengan_mesin("35.19")
    out = io.StringIO()
    call_command("periksa_kondisi", stdout=out)
    assert "sesuai" in out.getvalue()


def test_periksa_fails_on_stale_rows_and_rebuild_fixes(demo):
    KondisiDesaTahunan.objects.update(terukur_skor=0)
    with pytest.raises(Exception, match="berbeda"):
        call_command("periksa_kondisi", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("bangun_ulang_kondisi", stdout=io.StringIO())
    assert kondisi_tersimpan.periksa() == []


def test_pooled_inputs_per_kabupaten_equal_the_desa_rows(demo):
    """A wide scope's pooled score reads the kabupaten sums: for every year and scope the
    same figures as pooling the desa rows themselves (Jiwan's kecamatan holds every demo
    desa, and a kecamatan scope reads desa rows); a save moves them by differences and
    the rebuild and the migration's fill give the same rows; the check finds a wrong one."""
    from desa.models import KondisiKabupatenTahunan

    assert KondisiKabupatenTahunan.objects.exists()
    tahun = sorted(set(KondisiDesaTahunan.objects.values_list("tahun", flat=True)))
    for t in [*tahun, tahun[-1] + 3]:
        lewat_desa = kondisi_tersimpan.gabungan("35.19.09", t)
        for scope in (None, "35", "35.19"):
            g = kondisi_tersimpan.gabungan(scope, t)
            assert g["layanan"] == lewat_desa["layanan"], (scope, t)
            assert {s: r.total for s, r in g["skor"].items()} == \
                {s: r.total for s, r in lewat_desa["skor"].items()}, (scope, t)
    assert kondisi_tersimpan.gabungan("36") is None
    sebelum = {(r.kode_wilayah, r.tahun, r.terakhir): (r.jumlah_desa, (r.masukan, r.ada))
               for r in KondisiKabupatenTahunan.objects.all()}
    assert kondisi_tersimpan.bangun_kabupaten() == len(sebelum)
    sesudah = {(r.kode_wilayah, r.tahun, r.terakhir): (r.jumlah_desa, (r.masukan, r.ada))
               for r in KondisiKabupatenTahunan.objects.all()}
    assert all(kondisi_tersimpan._kab_sama(sebelum[key], sesudah[key]) for key in sebelum)
    assert set(sebelum) == set(sesudah)
    row = KondisiKabupatenTahunan.objects.first()
    row.masukan["terukur"]["header"]["luas_ha"] = "1"
    row.save()
    assert any(b.startswith("kondisikabupatentahunan") for b in kondisi_tersimpan.periksa())
    row.jumlah_desa += 1
    row.save()
    call_command("bangun_ulang_kondisi", stdout=io.StringIO())
    assert kondisi_tersimpan.periksa() == []


def test_verify_reopen_and_delete_keep_it_current(desa_a):
    lokasi = buat_lokasi(desa_a)
    p = buat_penilaian(lokasi, tahun=2024, status="diajukan")
    assert not KondisiDesaTahunan.objects.filter(desa=desa_a).exists()
    verifikasi(p, None)
    rows = _sama_dengan_mesin()
    assert rows[desa_a.pk].terukur_tahun == 2024
    assert KondisiLokasiTahunan.objects.filter(lokasi=lokasi).count() == \
        tahun_sekarang() - 2024 + 1
    # Editing a verified assessment reopens it: no longer counted.
    p.refresh_from_db()
    simpan_penilaian(p, {**kebunan_volumes(), "2b": Decimal(1)}, None, versi=p.versi)
    assert not KondisiDesaTahunan.objects.filter(desa=desa_a).exists()
    _sama_dengan_mesin()
    p.refresh_from_db()
    verifikasi(p, None)
    assert KondisiDesaTahunan.objects.filter(desa=desa_a).exists()
    _sama_dengan_mesin()
    hapus_penilaian(Penilaian.objects.get(pk=p.pk))
    assert not KondisiDesaTahunan.objects.filter(desa=desa_a).exists()
    _sama_dengan_mesin()


def test_submit_then_verify_through_services(desa_a):
    lokasi = buat_lokasi(desa_a)
    p = buat_penilaian(lokasi, tahun=2023)
    ajukan(p, None)
    verifikasi(p, None)
    _sama_dengan_mesin()


def test_activity_completion_volume_and_delete(desa_a):
    lokasi = buat_lokasi(desa_a)
    buat_penilaian(lokasi, tahun=2022, status="diverifikasi",
                   volumes={**kebunan_volumes(), "2b": Decimal(300)})
    sebelum = kondisi_tersimpan.desa_per_tahun().get(desa=desa_a)
    pemda = buat_pemangku("Pemda uji")
    keg = buat_kegiatan(desa_a, tahun=2023, lokasi=lokasi, status=StatusKegiatan.BERJALAN,
                        lines=[(pemda, "apbd-kab", 1000)])
    baris = [{"pk": line.pk, "pemangku": line.pemangku, "sumber": line.sumber,
              "rencana_rp": line.rencana_rp, "realisasi_rp": line.realisasi_rp,
              "natura": line.natura, "uraian_natura": line.uraian_natura,
              "alasan_lebih": line.alasan_lebih} for line in keg.pendanaan.all()]
    keg = Kegiatan.objects.get(pk=keg.pk)
    keg.status = StatusKegiatan.SELESAI
    keg.volume = Decimal(400)
    simpan_kegiatan(keg, baris, None, keg.versi)
    sesudah = _sama_dengan_mesin()[desa_a.pk]
    assert sesudah.luas_kumuh_proyeksi <= sebelum.luas_kumuh_proyeksi
    assert Decimal(sesudah.masukan["proyeksi"]["volumes"]["2b"]) == 0  # 400 m handled
    assert Decimal(sebelum.masukan["proyeksi"]["volumes"]["2b"]) == 300
    assert sesudah.terukur_skor == sebelum.terukur_skor
    keg = Kegiatan.objects.get(pk=keg.pk)
    keg.volume = Decimal(10)
    simpan_kegiatan(keg, baris, None, keg.versi)
    _sama_dengan_mesin()
    hapus_kegiatan(Kegiatan.objects.get(pk=keg.pk))
    assert _sama_dengan_mesin()[desa_a.pk].masukan == sebelum.masukan


def test_money_only_save_of_a_completed_activity_does_not_rescore(desa_a, monkeypatch):
    """The stored condition reads status, place, year and handled volume of an activity, not
    its money: a save changing only amounts or the name leaves it alone (the writer's save in
    the benchmark), a volume change still rewrites it."""
    lokasi = buat_lokasi(desa_a)
    buat_penilaian(lokasi, tahun=2022, status="diverifikasi",
                   volumes={**kebunan_volumes(), "2b": Decimal(300)})
    pemda = buat_pemangku("Pemda uji")
    keg = buat_kegiatan(desa_a, tahun=2023, lokasi=lokasi, status=StatusKegiatan.SELESAI,
                        lines=[(pemda, "apbd-kab", 1000)])
    kondisi_tersimpan.perbarui([desa_a.pk])
    panggilan = []
    asli = kondisi_tersimpan.perbarui
    monkeypatch.setattr(kondisi_tersimpan, "perbarui",
                        lambda *a, **kw: (panggilan.append(a), asli(*a, **kw)))

    def simpan(**ubah):
        k = Kegiatan.objects.get(pk=keg.pk)
        for name, value in ubah.pop("kegiatan", {}).items():
            setattr(k, name, value)
        line = k.pendanaan.get()
        simpan_kegiatan(k, [{"pk": line.pk, "pemangku": line.pemangku, "sumber": line.sumber,
                             "rencana_rp": ubah.get("rp", line.rencana_rp), "realisasi_rp": 0,
                             "natura": False, "uraian_natura": "", "alasan_lebih": ""}],
                        None, k.versi)

    simpan(rp=5000)
    simpan(kegiatan={"nama": "Nama baru"}, rp=7000)
    assert panggilan == []
    _sama_dengan_mesin()
    simpan(kegiatan={"volume": Decimal(100)})
    assert len(panggilan) == 1
    assert Decimal(_sama_dengan_mesin()[desa_a.pk].masukan["proyeksi"]["volumes"]["2b"]) == 200


def test_hitung_ulang_skor_after_raw_volume_change(desa_a):
    lokasi = buat_lokasi(desa_a)
    p = buat_penilaian(lokasi, tahun=2024, status="diverifikasi")
    VolumePenilaian.objects.filter(penilaian=p).update(volume=0)  # behind the services' back
    assert kondisi_tersimpan.periksa() != []
    assert hitung_ulang_skor(Penilaian.objects.filter(pk=p.pk)) == 1
    _sama_dengan_mesin()


def test_rule_set_change_recomputes_everything(demo):
    aturan = AturanPenilaian.objects.bawaan()
    aturan.batas_tingkat = [[v + 5, level] for v, level in aturan.batas_tingkat]
    aturan.save()
    terapkan_aturan(aturan)
    _sama_dengan_mesin()


def test_import_keeps_it_current_in_bulk(desa_a, monkeypatch):
    lokasi = buat_lokasi(desa_a)
    buat_penilaian(lokasi, tahun=2024, status="diverifikasi")
    dipanggil = []
    asli = kondisi_tersimpan._tulis
    monkeypatch.setattr(kondisi_tersimpan, "_tulis", lambda ids: (dipanggil.append(ids),
                                                                  asli(ids)))
    with kondisi_tersimpan.tunda():
        kondisi_tersimpan.perbarui([desa_a.pk])
        kondisi_tersimpan.perbarui(lokasi_ids=[lokasi.pk])
        assert dipanggil == []
    assert dipanggil == [[desa_a.pk]]  # once, at the end


def _beranda_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("wilayah", ["", "?wilayah=35.19"])
def test_beranda_reads_stored_rows_same_queries_at_any_size(demo, client, wilayah):
    url = reverse("beranda") + wilayah
    client.get(url)  # warm the per-process things (rule set, sessions)
    before = _beranda_queries(client, url)
    # No page rescoring: nothing reads the assessment volumes.
    assert not any("desa_volumepenilaian" in q for q in before)
    # More assessed desa: the same number of queries.
    from desa.models import Desa

    for d in Desa.objects.exclude(pk__in=KondisiDesaTahunan.objects.values("desa"))[:3]:
        buat_penilaian(buat_lokasi(d), tahun=2024, status="diverifikasi")
    assert len(_beranda_queries(client, url)) == len(before)


def test_admin_action_hitung_ulang_skor_keeps_stored_rows_true(client, admin_user, desa_a):
    lokasi = buat_lokasi(desa_a)
    p = buat_penilaian(lokasi, tahun=2024, status="diverifikasi")
    VolumePenilaian.objects.filter(penilaian=p).update(volume=0)
    assert kondisi_tersimpan.periksa() != []
    client.force_login(admin_user)
    response = client.post(reverse("admin:desa_penilaian_changelist"), {
        "action": "hitung_ulang_skor", "_selected_action": [p.pk]})
    assert response.status_code == 302
    _sama_dengan_mesin()


def test_admin_delete_of_verified_assessment(client, admin_user, desa_a):
    p = buat_penilaian(buat_lokasi(desa_a), tahun=2024, status="diverifikasi")
    client.force_login(admin_user)
    response = client.post(reverse("admin:desa_penilaian_delete", args=[p.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not KondisiDesaTahunan.objects.filter(desa=desa_a).exists()
    _sama_dengan_mesin()
