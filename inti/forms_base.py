"""Form base: Bootstrap classes and invalid-state attributes on every widget."""

from django import forms

from inti.pilihan import PilihanBesarFormMixin


class BootstrapFormMixin:
    """Adds Bootstrap classes, ``aria-invalid`` and ``aria-describedby`` to widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.beri_kelas(self.fields.values())

    @staticmethod
    def beri_kelas(fields) -> None:
        """Bootstrap's class on each field's widget; a form that adds fields in its own
        ``__init__`` calls it for them."""
        for field in fields:
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else (
                "form-select" if isinstance(widget, forms.Select) else "form-control")
            if css not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["class"] = w.attrs.get("class", "") + " is-invalid"
                w.attrs["aria-invalid"] = "true"
                w.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class FilterForm(BootstrapFormMixin, PilihanBesarFormMixin, forms.Form):
    """Filter forms and small GET choosers look like every other form (Bootstrap classes,
    invalid state); a desa or stakeholder field is a select while the choices are few, else a
    text field with suggestions (``inti.pilihan``; ``{{ form.media }}`` loads its script)."""


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO ``YYYY-MM-DD``."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
