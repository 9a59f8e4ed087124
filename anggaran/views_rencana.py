"""An activity made from a plan item (issue 15): its commitments become its funding lines.

One short form (name, year, status, one funding source per commitment); the activity takes
the item's desa, kawasan, location, approach, component, investment type, volume and unit,
its first criterion as the main one and the others with their volumes; then the usual
activity form edits the rest. Saved by ``anggaran.services.simpan_kegiatan_rencana``."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from desa.akses import writer_required
from inti.forms_base import BootstrapFormMixin
from inti.services import ServiceError
from inti.tahun import PESAN_TAHUN, TAHUN_MAX, TAHUN_MIN
from kolaborasi.models import DokumenRencana, ItemRencana

from .models import Kegiatan, StatusKegiatan, SumberDana
from .services import simpan_kegiatan_rencana


class KegiatanDariItemForm(BootstrapFormMixin, forms.Form):
    nama = forms.CharField(label=gettext_lazy("Nama kegiatan"), max_length=200)
    tahun_anggaran = forms.IntegerField(
        label=gettext_lazy("Tahun anggaran"), min_value=TAHUN_MIN, max_value=TAHUN_MAX,
        error_messages={"min_value": PESAN_TAHUN, "max_value": PESAN_TAHUN})
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=StatusKegiatan.choices)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.komitmen = list(item.komitmen.select_related("pemangku").order_by("pk"))
        for k in self.komitmen:
            self.fields[f"sumber_{k.pk}"] = forms.ModelChoiceField(
                label=_("Sumber dana: %(p)s (%(j)s)") % {"p": k.pemangku.nama,
                                                        "j": k.get_jenis_display()},
                queryset=SumberDana.objects.order_by("urutan", "nama"),
                error_messages={"required": _("Pilih sumber dana.")})
        self.beri_kelas(self.fields[f"sumber_{k.pk}"] for k in self.komitmen)


@require_http_methods(["GET", "POST"])
@writer_required
def kegiatan_dari_item(request, pk):
    item = get_object_or_404(
        ItemRencana.objects.select_related("dokumen", "desa").filter(
            dokumen__in=DokumenRencana.objects.for_writer(request.user)), pk=pk)
    form = KegiatanDariItemForm(request.POST or None, item=item, initial={
        "nama": item.nama, "tahun_anggaran": item.tahun_target, "status": "rencana"})
    if request.method == "POST" and form.is_valid():
        kriteria = list(item.item_kriteria.select_related("kriteria").order_by("pk"))
        if not form.komitmen:
            form.add_error(None, _("Item ini belum punya komitmen: catat komitmen dahulu."))
        else:
            utama = kriteria[0]
            kegiatan = Kegiatan(
                desa=item.desa, kawasan=item.kawasan, lokasi=item.lokasi, kriteria=utama.kriteria,
                nama=form.cleaned_data["nama"], volume=item.volume, satuan=item.satuan,
                volume_kriteria=utama.volume, tahun_anggaran=form.cleaned_data["tahun_anggaran"],
                status=form.cleaned_data["status"], pendekatan=item.pendekatan,
                komponen=item.komponen, jenis_investasi=item.jenis_investasi)
            baris = [{"pemangku": k.pemangku, "sumber": form.cleaned_data[f"sumber_{k.pk}"],
                      "rencana_rp": k.nilai_rp, "realisasi_rp": 0,
                      "natura": k.jenis != "uang",
                      "uraian_natura": (k.uraian or k.get_jenis_display())[:250]
                      if k.jenis != "uang" else "",
                      "alasan_lebih": "", "komitmen_item": k} for k in form.komitmen]
            try:
                kegiatan = simpan_kegiatan_rencana(
                    kegiatan, baris, request.user, [item],
                    [{"kriteria": r.kriteria, "volume": r.volume} for r in kriteria[1:]])
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Kegiatan dibuat dari item rencana; lengkapi "
                                            "datanya bila perlu."))
                return redirect(kegiatan)
    return render(request, "kolaborasi/rencana_form.html", {
        "form": form, "dokumen": item.dokumen,
        "judul": _("Buat kegiatan dari item: %(item)s") % {"item": item.nama}})
