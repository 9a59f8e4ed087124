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
