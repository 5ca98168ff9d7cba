"""Content: guide files read as YAML with locations, validated into the typed model.

:func:`load` and :func:`load_all` are the entry points (:mod:`.loader`); the model is in
:mod:`.model`, Markdown parsing in :mod:`.markup`, YAML with locations in
:mod:`.yamlsource`.
"""
