"""Change history of an activity with its funding lines, progress reports and photos."""

from django.utils.translation import gettext as _

from inti.riwayat import Entri, Names, entries, history_rows, newest_first, want_names

from .models import FotoProgres, Kegiatan, LaporanProgres, Pendanaan


def riwayat_kegiatan(kegiatan: Kegiatan) -> list[Entri]:
    """The activity's history with its funding lines, progress reports and their photos,
    newest first (one query per history table and per kind of name)."""
    keg_rows = history_rows(Kegiatan, id=kegiatan.pk)
    dana_rows = history_rows(Pendanaan, kegiatan_id=kegiatan.pk)
    laporan_rows = history_rows(LaporanProgres, kegiatan_id=kegiatan.pk)
    foto_rows = history_rows(FotoProgres, laporan_id__in={r.id for r in laporan_rows})
    names = Names()
    for model, rows in ((Kegiatan, keg_rows), (Pendanaan, dana_rows)):
        want_names(names, model, rows)
    names.load()

    def label_dana(rec):
        return _("Pendanaan: %(p)s / %(s)s") % {
            "p": names.get(Pendanaan._meta.get_field("pemangku").related_model, rec.pemangku_id),
            "s": names.get(Pendanaan._meta.get_field("sumber").related_model, rec.sumber_id)}

    tanggal = {r.id: r.tanggal for r in laporan_rows}

    def label_laporan(rec):
        return _("Laporan progres %(t)s") % {"t": rec.tanggal.strftime("%d-%m-%Y")}

    def label_foto(rec):
        t = tanggal.get(rec.laporan_id)
        return _("Foto laporan %(t)s") % {"t": t.strftime("%d-%m-%Y") if t else "–"}

    return newest_first(
        entries(keg_rows, Kegiatan, names, lambda rec: _("Kegiatan"))
        + entries(dana_rows, Pendanaan, names, label_dana)
        + entries(laporan_rows, LaporanProgres, names, label_laporan)
        + entries(foto_rows, FotoProgres, names, label_foto))
