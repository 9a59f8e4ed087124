"""The portal's one date format (issue 17), used by ``{{ d|date }}``, the admin and
``inti.tampil``: "4 Des 2026", "4 Des 2026 13.05"; in tables "04-12-2026", "04-12-2026 13.05".
Everything not set here (input formats, separators) is Django's Indonesian locale."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H.i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
