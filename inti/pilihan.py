"""Choice fields for desa and stakeholders that work at Jiwan and at national scale.

A plain ``<select>`` is the best control for the 14 desa and ~40 stakeholders of Jiwan, and
an impossible one for 83,762 desa or 168,726 stakeholders (15.6 MB of options on one page,
issue 8). :class:`DesaPilihanField` and :class:`PemangkuPilihanField` decide per request:

* one cheap probe, ``SELECT … LIMIT BATAS_PILIHAN + 1`` without ``ORDER BY`` (stops after
  201 rows at any scale), which is also the query that fills the select when the choices are
  few, so a page runs the same number of queries at both scales;
* at most :data:`BATAS_PILIHAN` choices: the usual ``<select>`` (values unchanged: pk, or the
  Kemendagri code where the field says ``to_field_name="kode_wilayah"``);
* more: a text input (:class:`SaranInput`) with a ``<datalist>`` that ``static/js/saran.js``
  fills from ``/saran/desa/`` or ``/saran/pemangku/`` (``kotaku.views_saran``, bounded).

Whatever the control, the server resolves the submitted text: the select's value (pk or code),
the suggestion's text ``Nama (35.19.09.2005)`` / ``Nama (#123)``, a bare code or ``#123``, or a
name that matches exactly one row. Anything else is a field error in Indonesian (a filter then
ignores the field), never a 500. Re-rendered, the input shows the chosen row's label.

Forms prepare the fields lazily (first rendering of the field, or ``form.media``), so an export
that never renders the form runs no probe. A formset shares one probe between its rows
(:func:`contoh` once, then ``pakai_baris`` per row).

Several rows at once (a forum's participants, a story's desa): :class:`DesaPilihanBanyakField`
and :class:`PemangkuPilihanBanyakField`, the same probe and threshold. Few: the usual
``<select multiple>``, unchanged. More: :class:`SaranBanyakInput`, a few text inputs of one
name sharing one ``<datalist>`` ("Tambah baris" adds more with JavaScript), each entry
resolved exactly like the single field (at most :data:`MAKS_ISIAN`); every entry that does
not resolve gets its own message on the field, and nothing is saved.

A field without a suggestion URL (``url_saran = ""``, e.g. :class:`KecamatanPilihanField`)
becomes a plain text input beyond the threshold: typed code or exact name, no script.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from inti.fields import IdMultipleChoiceField

# Up to this many choices a field is a <select>; beyond it, a text input with suggestions.
BATAS_PILIHAN = 200
_MAKS_TEKS = 250
_MAKS_PK = 2**63 - 1
# Multi-value fields beyond the threshold: empty inputs under the chosen rows, and a bound.
BARIS_KOSONG = 3
MAKS_ISIAN = 100


def contoh(queryset, kolom) -> list:
    """The probe: up to ``BATAS_PILIHAN + 1`` rows, unordered (cheap at any scale)."""
    return list(queryset.order_by().only(*kolom)[:BATAS_PILIHAN + 1])


def _ganti_kelas(attrs: dict) -> dict:
    """Bootstrap's select class becomes the text input's (set by BootstrapFormMixin)."""
    attrs = dict(attrs)
    kelas = attrs.get("class", "").split()
    if "form-select" in kelas:
        kelas = ["form-control" if k == "form-select" else k for k in kelas]
        attrs["class"] = " ".join(kelas)
    return attrs


class SaranInput(forms.TextInput):
    """A text input with a ``<datalist>`` of suggestions filled by ``static/js/saran.js``.

    Without JavaScript it is a plain text field: a typed code or exact name still works.
    """

    def __init__(self, attrs=None, *, url=None):
        base = {"autocomplete": "off", "maxlength": str(_MAKS_TEKS), "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})
        if url is not None:
            self.attrs["data-saran"] = url

    @property
    def media(self):
        return forms.Media(js=["js/saran.js"])

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or self.attrs.get('id') or 'id_' + name}_saran"
        attrs["list"] = list_id
        html = super().render(name, value, attrs, renderer)
        return mark_safe(html + format_html('<datalist id="{}"></datalist>', list_id))  # noqa: S308 - both parts escaped


class _ModePilihan:
    """What the single- and multi-value fields share: per form, a probe decides once whether
    the field is a select (``besar`` False, choices from the probe's rows) or a text input
    (``besar`` True, ``jadikan_teks``); labels and the last resolution are cached per copy."""

    kolom: tuple[str, ...] = ("pk",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.besar: bool | None = None  # None: not decided yet (no probe run)
        self._terakhir = None
        self._label_cache: dict = {}

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._terakhir = None
        result._label_cache = dict(self._label_cache)
        return result

    def siapkan(self) -> None:
        """Run the probe once and become a select (choices from the probe) or a text input."""
        if self.besar is None:
            self.pakai_baris(contoh(self.queryset, self.kolom))

    def pakai_baris(self, baris: list) -> None:
        """Decide from the probe's rows (a formset probes once for all its rows)."""
        if len(baris) > BATAS_PILIHAN:
            self.jadikan_teks()
            return
        self.besar = False
        key = self.to_field_name or "pk"
        baris = sorted(baris, key=lambda o: (self.label_from_instance(o).casefold(), o.pk))
        self.pakai_pilihan(
            [(o.serializable_value(key), self.label_from_instance(o)) for o in baris])

    def pakai_pilihan(self, pilihan: list) -> None:
        self.choices = pilihan

    def jadikan_teks(self) -> None:
        raise NotImplementedError


class PilihanBesarField(_ModePilihan, forms.ModelChoiceField):
    """A ``ModelChoiceField`` that stays a select while small (see the module docstring).

    Subclasses say which columns the probe reads (``kolom``), how a row reads in the text
    input (``teks``) and how that text's key is found again (``pola_kunci``, ``kunci``).
    """

    kunci = "pk"  # the field the suggestion text carries, e.g. "(35.19.09.2005)"
    pola_kunci = re.compile(r"$^")  # "… (key)" at the end of the text
    pola_kunci_saja = re.compile(r"$^")  # the key typed on its own
    url_saran = ""
    placeholder = ""
    default_error_messages = {
        "tidak_ditemukan": _("“%(value)s” tidak ditemukan: pilih dari saran."),
        "ambigu": _("Ada beberapa “%(value)s”: pilih dari saran."),
    }

    # ------------------------------------------------------------------ the mode, per form

    def pakai_pilihan(self, pilihan: list) -> None:
        if self.empty_label is not None:
            pilihan.insert(0, ("", self.empty_label))
        self.choices = pilihan

    def jadikan_teks(self) -> None:
        self.besar = True
        old = self.widget
        attrs = _ganti_kelas(old.attrs)
        if self.placeholder:
            attrs.setdefault("placeholder", str(self.placeholder))
        if self.url_saran:
            self.widget = SaranInput(attrs, url=self.url_saran)
        else:  # no suggestion source: a plain text input (typed code or exact name)
            attrs.setdefault("maxlength", str(_MAKS_TEKS))
            attrs.setdefault("spellcheck", "false")
            self.widget = forms.TextInput(attrs)
        self.widget.is_required = old.is_required

    def get_bound_field(self, form, field_name):
        self.siapkan()
        return super().get_bound_field(form, field_name)

    # ------------------------------------------------------------------ display

    def teks(self, obj) -> str:
        """How a row reads in the text input (and in a suggestion)."""
        return str(obj)

    def prepare_value(self, value):
        if not self.besar:
            if self._terakhir is not None and self._terakhir[0] == value:
                value = self._terakhir[1]  # typed text that resolved: select its option
            return super().prepare_value(value)
        if value in self.empty_values:
            return ""
        if isinstance(value, self.queryset.model):
            return self.teks(value)
        if self._terakhir is not None and self._terakhir[0] == value:
            return self.teks(self._terakhir[1])  # the typed text, resolved by to_python
        if isinstance(value, str) and not self._kunci_pilihan(value):
            return value  # typed text that did not resolve: shown as typed, with the error
        if value not in self._label_cache:  # an initial pk (edit form): one lookup
            key = self.to_field_name or "pk"
            obj = self.queryset.filter(**{key: value}).first()
            self._label_cache[value] = self.teks(obj) if obj is not None else str(value)
        return self._label_cache[value]

    def simpan_label(self, objs) -> None:
        """Remember the labels of rows already read (initial values of a formset)."""
        key = self.to_field_name or "pk"
        for obj in objs:
            self._label_cache[obj.serializable_value(key)] = self.teks(obj)

    # ------------------------------------------------------------------ input

    def _kunci_pilihan(self, text: str) -> bool:
        """Does ``text`` look like the value a select (or a link) submits?"""
        if self.to_field_name in (None, "pk", "id"):
            return text.isascii() and text.isdigit() and int(text) <= _MAKS_PK
        return bool(self.pola_kunci_saja.fullmatch(text))

    def _ambil(self, **lookup):
        try:
            return self.queryset.get(**lookup)
        except (self.queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
            return None
        except self.queryset.model.MultipleObjectsReturned:
            return None

    def _nama_sama(self, text: str) -> Q:
        return Q(nama__iexact=text)

    def _galat(self, code: str, value: str):
        return ValidationError(self.error_messages[code], code=code,
                               params={"value": value[:60]})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return value
        self.validate_no_null_characters(value)
        raw = value
        if self._terakhir is not None and self._terakhir[0] == raw:
            return self._terakhir[1]  # already resolved (a form may look ahead, see anggaran)
        text = " ".join(str(value).split())
        if not text:
            return None
        obj = self._cari(text)
        self._terakhir = (raw, obj)
        return obj

    def _cari(self, text: str):
        if len(text) > _MAKS_TEKS:
            raise self._galat("tidak_ditemukan", text)
        # 1. What the select submits (pk or code), or a link with it.
        key = self.to_field_name or "pk"
        if self._kunci_pilihan(text):
            obj = self._ambil(**{key: text})
            if obj is not None:
                return obj
            if key == self.kunci or not self.pola_kunci_saja.fullmatch(text):
                if self.besar:
                    raise self._galat("tidak_ditemukan", text)
                # The select's own message (a form may have made it specific).
                raise ValidationError(self.error_messages["invalid_choice"],
                                      code="invalid_choice", params={"value": text[:60]})
        # 2. A suggestion "Nama (key)" or the key on its own ("35.19.09.2005", "#123").
        match = self.pola_kunci.search(text) or self.pola_kunci_saja.fullmatch(text)
        if match:
            obj = self._ambil(**{self.kunci: match.group(1)})
            if obj is None:
                raise self._galat("tidak_ditemukan", text)
            return obj
        # 3. A name typed in full that only one row has.
        found = list(self.queryset.filter(self._nama_sama(text)).order_by()[:2])
        if len(found) == 1:
            return found[0]
        raise self._galat("ambigu" if found else "tidak_ditemukan", text)


class DesaPilihanField(PilihanBesarField):
    """A desa: select while few; else typed as name or Kemendagri code, with suggestions."""

    kolom = ("pk", "kode_wilayah", "nama")
    kunci = "kode_wilayah"
    pola_kunci = re.compile(r"\((\d{2}\.\d{2}\.\d{2}\.\d{4})\)$")
    pola_kunci_saja = re.compile(r"(\d{2}\.\d{2}\.\d{2}\.\d{4})")
    url_saran = reverse_lazy("saran_desa")
    placeholder = _("Ketik nama atau kode desa")
    default_error_messages = {
        "tidak_ditemukan": _("Desa “%(value)s” tidak ditemukan: pilih dari saran atau tulis "
                             "kode Kemendagri-nya."),
        "ambigu": _("Ada beberapa desa bernama “%(value)s”: pilih dari saran atau tulis "
                    "kode Kemendagri-nya."),
    }

    def label_from_instance(self, obj):
        return obj.nama

    def teks(self, obj) -> str:
        return f"{obj.nama} ({obj.kode_wilayah})"

    def _nama_sama(self, text: str) -> Q:
        return Q(nama__iexact=text) | Q(nama_alias__iexact=text)


class PemangkuPilihanField(PilihanBesarField):
    """A stakeholder: select while few; else typed by name, with suggestions."""

    kolom = ("pk", "nama")
    kunci = "pk"
    pola_kunci = re.compile(r"\(#(\d{1,18})\)$")
    pola_kunci_saja = re.compile(r"#(\d{1,18})")
    url_saran = reverse_lazy("saran_pemangku")
    placeholder = _("Ketik nama atau singkatan")
    default_error_messages = {
        "tidak_ditemukan": _("Pemangku kepentingan “%(value)s” tidak ditemukan: pilih dari "
                             "saran."),
        "ambigu": _("Ada beberapa pemangku kepentingan bernama “%(value)s”: pilih dari saran."),
    }

    def label_from_instance(self, obj):
        return obj.nama

    def teks(self, obj) -> str:
        return f"{obj.nama} (#{obj.pk})"

    def _nama_sama(self, text: str) -> Q:
        return Q(nama__iexact=text) | Q(singkatan__iexact=text)


class KecamatanPilihanField(PilihanBesarField):
    """A kecamatan: select while few; else typed as Kemendagri code or name (no suggestions
    source: a plain text input)."""

    kolom = ("pk", "kode_wilayah", "nama")
    kunci = "kode_wilayah"
    pola_kunci = re.compile(r"\((\d{2}\.\d{2}\.\d{2})\)$")
    pola_kunci_saja = re.compile(r"(\d{2}\.\d{2}\.\d{2})")
    url_saran = ""
    placeholder = _("Kode atau nama, mis. 35.19.09")
    default_error_messages = {
        "tidak_ditemukan": _("Kecamatan “%(value)s” tidak ditemukan: tulis kode Kemendagri-nya, "
                             "mis. 35.19.09."),
        "ambigu": _("Ada beberapa kecamatan bernama “%(value)s”: tulis kode Kemendagri-nya, "
                    "mis. 35.19.09."),
    }

    def teks(self, obj) -> str:
        return f"{obj.nama} ({obj.kode_wilayah})"


# ------------------------------------------------------------------------------ several rows


class SaranBanyakInput(forms.Widget):
    """Several text inputs of one name (one row each), sharing one ``<datalist>`` that
    ``static/js/saran.js`` fills; its "Tambah baris" button (hidden until the script runs)
    adds an empty input. Without JavaScript: the chosen rows and :data:`BARIS_KOSONG` empty
    inputs, each accepting a typed code or exact name.
    """

    def __init__(self, attrs=None, *, url=None):
        base = {"autocomplete": "off", "maxlength": str(_MAKS_TEKS), "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})
        if url:
            self.attrs["data-saran"] = url
        self.label = ""
        self.baris_galat: set[str] = set()  # entries that did not resolve (set by the field)

    @property
    def media(self):
        return forms.Media(js=["js/saran.js"])

    def use_required_attribute(self, initial):
        return False  # the empty rows must not be required

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        if getter is not None:
            return getter(name)
        value = data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]

    def value_omitted_from_data(self, data, files, name):
        return False  # like <select multiple>: nothing posted means "none"

    def format_value(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value if v not in (None, "")]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.pop("required", None)
        base_id = attrs.pop("id", None) or f"id_{name}"
        list_id = f"{base_id}_saran"
        kelas = attrs.pop("class", "").split()
        invalid = "is-invalid" in kelas
        attrs.pop("aria-invalid", None)
        kelas = " ".join([k for k in kelas if k != "is-invalid"] + ["mb-1"])
        values = self.format_value(value)
        rows = [*values, *[""] * BARIS_KOSONG]
        label = self.label or name
        html = []
        for i, text in enumerate(rows):
            extra = {"id": base_id} if i == 0 else {
                "id": f"{base_id}_{i + 1}", "aria-label": f"{label} {i + 1}"}
            # Only the entries that did not resolve are marked (the first row for an error
            # of the whole field, e.g. required).
            salah = invalid and (" ".join(text.split()) in self.baris_galat
                                 if self.baris_galat else i == 0)
            if salah:
                extra["aria-invalid"] = "true"
            html.append(format_html(
                '<input type="text" name="{}" value="{}" class="{}" list="{}"{}>', name, text,
                kelas + (" is-invalid" if salah else ""), list_id, flatatt({**attrs, **extra})))
        html.append(format_html('<datalist id="{}"></datalist>', list_id))
        html.append(format_html(
            '<button type="button" class="btn btn-sm btn-outline-secondary align-self-start" '
            'data-saran-tambah hidden>{}</button>', _("Tambah baris")))
        return format_html('<div class="d-flex flex-column align-items-stretch" '
                           'data-saran-banyak>{}</div>', mark_safe("".join(html)))  # noqa: S308 - parts escaped


class PilihanBanyakBesarField(_ModePilihan, IdMultipleChoiceField):
    """A ``ModelMultipleChoiceField`` that stays a ``<select multiple>`` while small (see the
    module docstring); beyond the threshold, :class:`SaranBanyakInput` whose entries are
    resolved one by one by the single-value field ``satuan``.

    The help text gets the hint of the mode (``petunjuk_pilih`` / ``petunjuk_teks``) appended.
    """

    satuan: type[PilihanBesarField] = PilihanBesarField
    petunjuk_pilih = _("Pilih beberapa dengan Ctrl/⌘ (di ponsel: ketuk setiap nama).")
    petunjuk_teks = _("Satu per kotak: ketik, lalu pilih dari saran.")
    default_error_messages = {
        "terlalu_banyak": _("Paling banyak %(n)s isian sekaligus."),
        "invalid_list": _("Isian tidak dapat dibaca: pilih dari daftar."),
    }

    # ------------------------------------------------------------------ the mode, per form

    def pakai_pilihan(self, pilihan: list) -> None:
        self._petunjuk(self.petunjuk_pilih)
        self.choices = pilihan

    def jadikan_teks(self) -> None:
        self.besar = True
        self._petunjuk(self.petunjuk_teks)
        attrs = _ganti_kelas(self.widget.attrs)
        attrs.pop("size", None)
        if self.satuan.placeholder:
            attrs.setdefault("placeholder", str(self.satuan.placeholder))
        self.widget = SaranBanyakInput(attrs, url=self.satuan.url_saran)

    def _petunjuk(self, petunjuk) -> None:
        if petunjuk:
            self.help_text = " ".join(str(t) for t in (self.help_text, petunjuk) if t)

    def get_bound_field(self, form, field_name):
        self.siapkan()
        if self.besar:
            self.widget.label = str(self.label or field_name)
        return super().get_bound_field(form, field_name)

    # ------------------------------------------------------------------ one entry

    def _satu(self) -> PilihanBesarField:
        """The single-value field that resolves each entry (same rows, same messages)."""
        pesan = {k: v for k, v in self.error_messages.items()
                 if k in ("tidak_ditemukan", "ambigu")}
        field = self.satuan(queryset=self.queryset, to_field_name=self.to_field_name,
                            error_messages=pesan or None)
        field.besar = True
        return field

    def teks(self, obj) -> str:
        return self.satuan.teks(self, obj)

    # ------------------------------------------------------------------ display

    def prepare_value(self, value):
        if not self.besar:
            return super().prepare_value(value)
        if value in self.empty_values:
            return []
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            value = [value]
        values = list(value)
        dikenali = self._terakhir[1] if self._terakhir is not None else {}
        key = self.to_field_name or "pk"
        cari = [v for v in values if not isinstance(v, self.queryset.model | str)
                and v not in self._label_cache]
        cari += [v for v in values if isinstance(v, str) and " ".join(v.split()) not in dikenali
                 and v.isascii() and v.isdigit() and int(v) <= _MAKS_PK
                 and v not in self._label_cache]
        if cari:  # initial keys (an edit form): one lookup for all of them
            found = {str(o.serializable_value(key)): o
                     for o in self.queryset.filter(**{f"{key}__in": cari}).order_by()}
            for v in cari:
                obj = found.get(str(v))
                self._label_cache[v] = self.teks(obj) if obj is not None else str(v)
        out = []
        for v in values:
            if isinstance(v, self.queryset.model):
                out.append(self.teks(v))
            elif isinstance(v, str) and dikenali.get(" ".join(v.split())) is not None:
                out.append(self.teks(dikenali[" ".join(v.split())]))
            elif v in self._label_cache:
                out.append(self._label_cache[v])
            else:
                out.append(str(v))  # typed text that did not resolve: shown with its error
        return out

    def simpan_label(self, objs) -> None:
        key = self.to_field_name or "pk"
        for obj in objs:
            self._label_cache[obj.serializable_value(key)] = self.teks(obj)

    # ------------------------------------------------------------------ input

    def terselesaikan(self) -> list:
        """The rows of the entries that resolved in the last :meth:`clean` (even if others
        did not): a form can scope other choices by them, e.g. a story's activities."""
        if self._terakhir is None:
            return []
        return [o for o in self._terakhir[1].values() if o is not None]

    def clean(self, value):
        if not self.besar:
            return super().clean(value)
        if value in self.empty_values:
            value = []
        elif isinstance(value, str):
            value = [value]
        elif not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        raw = list(value)
        if self._terakhir is None or self._terakhir[0] != raw:
            self._terakhir = (raw, *self._selesaikan(raw))
        _raw, dikenali, galat = self._terakhir
        self.widget.baris_galat = {t for t, o in dikenali.items() if o is None}
        if galat:
            raise ValidationError(galat)
        objs = list({o.pk: o for o in dikenali.values()}.values())
        if not objs:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        self.run_validators(raw)
        return self.queryset.filter(pk__in=[o.pk for o in objs])

    def _selesaikan(self, raw: list) -> tuple[dict, list]:
        teks = []
        for v in raw:
            if not isinstance(v, str):
                return {}, [ValidationError(self.error_messages["invalid_list"],
                                            code="invalid_list")]
            t = " ".join(v.split())
            if t and t not in teks:
                teks.append(t)
        if len(teks) > MAKS_ISIAN:
            return {}, [ValidationError(self.error_messages["terlalu_banyak"],
                                        code="terlalu_banyak", params={"n": MAKS_ISIAN})]
        satu = self._satu()
        dikenali, galat = {}, []
        for t in teks:
            try:
                dikenali[t] = satu.to_python(t)
            except ValidationError as exc:
                dikenali[t] = None
                galat.extend(exc.error_list)
        return dikenali, galat


class DesaPilihanBanyakField(PilihanBanyakBesarField):
    """Several desa: ``<select multiple>`` while few; else one typed desa per input."""

    satuan = DesaPilihanField
    kolom = DesaPilihanField.kolom
    petunjuk_teks = _("Satu desa per kotak: ketik nama atau kode, lalu pilih dari saran.")

    def label_from_instance(self, obj):
        return obj.nama


class PemangkuPilihanBanyakField(PilihanBanyakBesarField):
    """Several stakeholders: ``<select multiple>`` while few; else one typed per input."""

    satuan = PemangkuPilihanField
    kolom = PemangkuPilihanField.kolom
    petunjuk_teks = _("Satu pemangku per kotak: ketik nama atau singkatan, lalu pilih dari "
                      "saran.")

    def label_from_instance(self, obj):
        return obj.nama


class PilihanBesarFormMixin:
    """For forms with such fields: ``form.media`` includes the suggestion script when needed."""

    @property
    def media(self):
        for field in self.fields.values():
            if isinstance(field, PilihanBesarField | PilihanBanyakBesarField):
                field.siapkan()
        return super().media


# ------------------------------------------------------------------------------ django-filter


class DesaPilihanFilter(django_filters.ModelChoiceFilter):
    field_class = DesaPilihanField


class PemangkuPilihanFilter(django_filters.ModelChoiceFilter):
    field_class = PemangkuPilihanField
