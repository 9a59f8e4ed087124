"""Audit: every change of domain data made through the views (and deletions in the admin)
leaves a history row with who and when, and the record's page shows it as
"Riwayat perubahan" (who, when, field: old → new) to staff, never to the public.

The generic check (``perubahan_tercatat``) compares every domain table before and after each
action: every row created, changed (in a field people edit) or deleted must have a new
history row naming the person who did it. A write that bypasses the history (a queryset
``update()`` or a raw insert) fails it.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anggaran.models import FotoProgres, Kegiatan, KegiatanKriteria, LaporanProgres, Pendanaan
from desa.models import Lokasi, Penilaian, VolumePenilaian
from kolaborasi.models import ForumKolaborasi, Komitmen
from tests.anggaran_helpers import image_bytes, kegiatan_post, line, progres_post, upload
from tests.keamanan_helpers import buat_dunia
from tests.penilaian_helpers import KEBUNAN, form_data

pytestmark = pytest.mark.django_db


def _history_models():
    from django.apps import apps

    return [m for label in ("desa", "anggaran", "kolaborasi", "publikasi")
            for m in apps.get_app_config(label).get_models()
            if hasattr(m, "history") and not hasattr(m, "instance_type")]


def _editable_state():
    """``{(model, pk): values of the fields people edit}`` of every tracked table."""
    state = {}
    for model in _history_models():
        names = [f.attname for f in model._meta.concrete_fields
                 if f.editable and not f.primary_key]
        for row in model._base_manager.values_list("pk", *names):
            state[(model, row[0])] = row[1:]
    return state


class perubahan_tercatat:
    """Context manager: every row the block creates, changes or deletes gets a history row
    by ``user`` dated inside the block; ``self.changed`` lists them. ``user=None`` is the
    public (feedback sent without an account)."""

    def __init__(self, user):
        self.user = user

    def __enter__(self):
        self.start = timezone.now()
        self.before = _editable_state()
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:
            return False
        after = _editable_state()
        self.changed = {key for key in set(self.before) | set(after)
                        if self.before.get(key) != after.get(key)}
        missing = []
        for model, pk in sorted(self.changed, key=repr):
            rows = model.history.filter(id=pk, history_date__gte=self.start)
            if not rows.filter(history_user=self.user).exists():
                missing.append(f"{model.__name__}#{pk}: "
                               f"{list(rows.values_list('history_type', 'history_user'))}")
        assert not missing, "changed without a history row by the user:\n" + "\n".join(missing)
        # And no history row of the block lacks its author.
        if self.user is not None:
            anonymous = [m.__name__ for m in _history_models()
                         if m.history.filter(history_date__gte=self.start,
                                             history_user__isnull=True).exists()]
            assert not anonymous, f"history rows without a user: {anonymous}"
        return False


@pytest.fixture
def dunia(desa_a, fasilitator_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return buat_dunia(desa_a, fasilitator_a)


def _login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _saved(response):
    assert response.status_code == 302, getattr(response, "context", None) and [
        o.errors for o in response.context.flatten().values() if hasattr(o, "errors")]
    return response


def _riwayat_text(body: str) -> str:
    start = body.index("Riwayat perubahan")
    return body[start:]


def test_assessment_create_edit_submit_return_all_recorded(dunia, fasilitator_a, verifikator):
    c = _login(fasilitator_a)
    with perubahan_tercatat(fasilitator_a) as dibuat:
        _saved(c.post(reverse("desa:penilaian_baru", args=[dunia.desa.kode_wilayah]), {
            "tahun": "2025", "nama": "Dusun Audit", "rt": "004", "rw": "001", "lokasi": "",
            "kawasan": ""}))
    p = Penilaian.objects.get(lokasi__nama="Dusun Audit")
    kinds = {m for m, _pk in dibuat.changed}
    assert {Lokasi, Penilaian, VolumePenilaian} <= kinds
    assert sum(1 for m, _pk in dibuat.changed if m is VolumePenilaian) == 16

    url = reverse("desa:penilaian_ubah", args=[p.pk])
    with perubahan_tercatat(fasilitator_a):
        _saved(c.post(url, form_data(p.versi)))
    p.refresh_from_db()
    with perubahan_tercatat(fasilitator_a):
        _saved(c.post(url, form_data(p.versi, aksi="ajukan",
                                     volumes={**KEBUNAN["volumes"], "1a": 30})))
    with perubahan_tercatat(verifikator):
        _saved(_login(verifikator).post(reverse("desa:penilaian_kembalikan", args=[p.pk]),
                                        {"catatan": "Volume 1a dicek lagi."}))

    body = _riwayat_text(_login(verifikator).get(p.get_absolute_url()).content.decode())
    assert "fasil_a" in body and "verif" in body
    assert "Volume 1a" in body and "21" in body and "30" in body
    assert "Diajukan" in body and "Dikembalikan" in body


def test_activity_lines_reports_photos_recorded_and_shown(dunia, fasilitator_a, admin_user):
    d = dunia
    c = _login(fasilitator_a)
    with perubahan_tercatat(fasilitator_a) as dibuat:
        _saved(c.post(reverse("anggaran:kegiatan_baru"), kegiatan_post(
            d.desa, [line(d.pemangku, "apbd-kab", "100.000.000"),
                     line(d.lkm, "swadaya", "5.000.000", natura="on",
                          uraian_natura="Tenaga warga")], nama="Drainase RT 2")))
    kegiatan = Kegiatan.objects.get(nama="Drainase RT 2")
    # The criteria the activity handles (issue 15: one row per criterion) are recorded too.
    assert {m for m, _pk in dibuat.changed} == {Kegiatan, Pendanaan, KegiatanKriteria}
    a, b = kegiatan.pendanaan.order_by("pk")

    with perubahan_tercatat(fasilitator_a) as diubah:
        _saved(c.post(reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk]), kegiatan_post(
            d.desa, [line(d.pemangku, "apbd-kab", "120.000.000", id=str(a.pk)),
                     line(d.lkm, "swadaya", "5.000.000", natura="on",
                          uraian_natura="Tenaga warga", id=str(b.pk), DELETE="on")],
            versi="1", initial_forms=2, nama="Drainase RT 2 dan 3")))
    assert (Pendanaan, b.pk) in diubah.changed
    assert Pendanaan.history.get(id=b.pk, history_type="-").history_user == fasilitator_a

    with perubahan_tercatat(fasilitator_a) as dilaporkan:
        _saved(c.post(reverse("anggaran:progres_baru", args=[kegiatan.pk]), progres_post(
            persen="40", catatan="Galian selesai",
            fotos=[(upload("a.png", image_bytes("PNG")), "0")])))
    assert {m for m, _pk in dilaporkan.changed} == {LaporanProgres, FotoProgres}

    # Deleting in the admin is recorded too (the cascade included).
    laporan = kegiatan.progres.get()
    admin = _login(admin_user)
    with perubahan_tercatat(admin_user) as dihapus:
        _saved(admin.post(reverse("admin:anggaran_laporanprogres_delete", args=[laporan.pk]),
                          {"post": "yes"}))
    assert {m for m, _pk in dihapus.changed} == {LaporanProgres, FotoProgres}

    detail = _login(fasilitator_a).get(kegiatan.get_absolute_url())
    entries = detail.context["riwayat"]
    seen = {(e.pengguna, e.objek.split(":")[0].split(" 0")[0], e.aksi) for e in entries}
    assert ("fasil_a", "Kegiatan", "dibuat") in seen
    assert ("fasil_a", "Kegiatan", "diubah") in seen
    assert ("fasil_a", "Pendanaan", "dihapus") in seen
    assert any(e.objek.startswith("Laporan progres") and e.aksi == "dibuat" for e in entries)
    assert any(e.objek.startswith("Laporan progres") and e.aksi == "dihapus"
               and e.pengguna == "admin_portal" for e in entries)
    assert any(e.objek.startswith("Foto laporan") for e in entries)
    changes = {(p.label, p.lama, p.baru) for e in entries for p in e.perubahan}
    assert ("nama kegiatan", "Drainase RT 2", "Drainase RT 2 dan 3") in changes
    assert ("rencana (Rp)", "Rp 100.000.000", "Rp 120.000.000") in changes
    body = _riwayat_text(detail.content.decode())
    assert "Drainase RT 2 dan 3" in body and "Rp 120.000.000" in body
    assert all(e.waktu <= timezone.now() for e in entries)
    assert entries[0].waktu >= entries[-1].waktu  # newest first


def test_forum_and_pledge_recorded_and_shown_to_staff_only(dunia, client, fasilitator_a,
                                                         admin_user):
    d = dunia
    c = _login(fasilitator_a)
    with perubahan_tercatat(fasilitator_a) as dibuat:
        _saved(c.post(reverse("kolaborasi:forum_baru"), {
            "tanggal": "2019-02-01", "judul": "Rembug audit", "tempat": "Balai",
            "desa": d.desa.pk, "peserta": [d.pemangku.pk, d.lkm.pk],
            "kesepakatan": "Drainase RT 2"}))
    forum = ForumKolaborasi.objects.get(judul="Rembug audit")
    assert (ForumKolaborasi, forum.pk) in dibuat.changed
    with perubahan_tercatat(fasilitator_a):
        _saved(c.post(reverse("kolaborasi:komitmen_baru"), {
            "pemangku": d.pemangku.pk, "desa": d.desa.pk, "kriteria": "", "tahun": "2019",
            "nilai_rp": "75.000.000", "natura": "", "uraian": "Drainase", "forum": forum.pk}))
    janji = Komitmen.objects.get(forum=forum)
    admin = _login(admin_user)
    with perubahan_tercatat(admin_user):
        _saved(admin.post(reverse("admin:kolaborasi_komitmen_delete", args=[janji.pk]),
                          {"post": "yes"}))

    staff = _login(fasilitator_a).get(forum.get_absolute_url())
    entries = staff.context["riwayat"]
    changes = {(e.objek, e.aksi, p.label, p.baru) for e in entries for p in e.perubahan}
    assert ("Forum", "dibuat", "judul", "Rembug audit") in changes
    assert any(label == "peserta" and "LKM Bibrik Sejahtera" in baru
               for _o, _a, label, baru in changes)
    assert any(e.objek.startswith("Komitmen") and e.aksi == "dihapus"
               and e.pengguna == "admin_portal" for e in entries)
    assert "Riwayat perubahan" in staff.content.decode()

    pemangku_page = _login(fasilitator_a).get(d.pemangku.get_absolute_url())
    assert any(e.objek == "Komitmen 2019" and e.aksi == "dihapus"
               for e in pemangku_page.context["riwayat"])

    # The public never sees who changed what (no user names).
    for url in (forum.get_absolute_url(), d.pemangku.get_absolute_url(),
                d.kegiatan.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "Riwayat perubahan" not in body and "fasil_a" not in body, url


def test_history_rows_carry_the_time_of_the_change(dunia, fasilitator_a):
    before = timezone.now() - datetime.timedelta(seconds=1)
    c = _login(fasilitator_a)
    _saved(c.post(reverse("kolaborasi:komitmen_baru"), {
        "pemangku": dunia.pemangku.pk, "desa": dunia.desa.pk, "kriteria": "", "tahun": "2019",
        "nilai_rp": "1.000.000", "natura": "", "uraian": "", "forum": ""}))
    row = Komitmen.history.latest("history_date")
    assert row.history_user == fasilitator_a and row.history_type == "+"
    assert before <= row.history_date <= timezone.now()


def test_the_generic_check_catches_a_change_without_history(dunia, fasilitator_a):
    """The audit check is sharp: a queryset update (no history row) fails it."""
    with pytest.raises(AssertionError, match="changed without a history row"):
        with perubahan_tercatat(fasilitator_a):
            Kegiatan.objects.filter(pk=dunia.kegiatan.pk).update(nama="Diam-diam")
    assert User.objects.filter(username="fasil_a").exists()


def test_story_and_feedback_recorded_and_story_history_shown_to_staff(
        dunia, client, fasilitator_a, verifikator):
    from publikasi.models import Kabar, Masukan
    from tests.kabar_helpers import masukan_post, reset_batas

    d = dunia
    c = _login(fasilitator_a)
    data = {"judul": "Paving Bibrik", "ringkasan": "", "isi": "Cerita.", "keterangan_sampul": "",
            "desa": [d.desa.pk], "kegiatan": [], "pemangku": [], "tag_teks": "paving"}
    with perubahan_tercatat(fasilitator_a):
        _saved(c.post(reverse("kolaborasi:kabar_baru"), data))
    kabar = Kabar.objects.get(judul="Paving Bibrik")
    with perubahan_tercatat(fasilitator_a):
        _saved(c.post(reverse("kolaborasi:kabar_ubah", args=[kabar.slug]),
                      {**data, "judul": "Paving Bibrik selesai", "kegiatan": [d.kegiatan.pk]}))
    with perubahan_tercatat(fasilitator_a):
        _saved(c.post(reverse("kolaborasi:kabar_terbitkan", args=[kabar.slug])))

    reset_batas()
    with perubahan_tercatat(None) as dikirim:
        _saved(client.post(reverse("kolaborasi:masukan_kirim", args=["kabar", kabar.pk]),
                           masukan_post()))
    masukan = Masukan.objects.get(kabar=kabar)
    assert (Masukan, masukan.pk) in dikirim.changed
    with perubahan_tercatat(verifikator):
        _saved(_login(verifikator).post(reverse("kolaborasi:masukan_aksi"), {
            "aksi": "setujui", "pilih": [masukan.pk], "status": "menunggu"}))

    entries = _login(fasilitator_a).get(kabar.get_absolute_url()).context["riwayat"]
    changes = {(e.pengguna, p.label, p.lama, p.baru) for e in entries for p in e.perubahan}
    assert ("fasil_a", "judul", "Paving Bibrik", "Paving Bibrik selesai") in changes
    assert ("fasil_a", "kegiatan", "–", d.kegiatan.nama) in changes
    assert any(label == "status" and new == "Terbit" for _u, label, _o, new in changes)
    public = client.get(kabar.get_absolute_url()).content.decode()
    assert "Riwayat perubahan" not in public and "fasil_a" not in public
