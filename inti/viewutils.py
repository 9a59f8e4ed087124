"""Small helpers shared by list and entry views of every app (no model, no role)."""


PER_PAGE = 50
MAX_PARAM_LENGTH = 200


def clean_params(query):
    """The query string without values no filter could mean (NUL bytes, megabyte strings).

    Filters then simply see "no value" instead of handing such text to the database.
    """
    params = query.copy()
    for key in list(params.keys()):
        values = [v for v in params.getlist(key) if "\x00" not in v and len(v) <= MAX_PARAM_LENGTH]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    return params


def hitung_demo(rows, benda: str, flag=lambda r: r.is_demo) -> dict:
    """How many of the rows a page shows are demo data, for ``includes/tanda_demo.html``
    (``with n=t.n m=t.m benda=t.benda``): counted over the rows already loaded, no query.

    ``benda`` names the rows ("kegiatan", "pemangku di halaman ini"); ``flag`` says whether one
    row is demo (default: its ``is_demo``).
    """
    rows = list(rows)
    return {"n": sum(1 for r in rows if flag(r)), "m": len(rows), "benda": benda}
