"""Content: guide and packet files validated into the typed model.

:func:`load` and :func:`load_all` are the entry points (:mod:`.loader`); the model is in
:mod:`.model`, Markdown parsing in :mod:`.markup`. YAML with locations and the
validation every file shares are on the ground floor (:mod:`guidegen.common`).
"""
