"""The ground floor every reader of a file shares: YAML, validation, labels, languages.

:mod:`.yamlsource` reads YAML into plain data with the location of every value;
:mod:`.characters` says which characters text may hold; :mod:`.models` validates plain
data into pydantic models with located, plain-word errors and declares the value shapes
several files share (language tags, ids, colours); :mod:`.labels` declares every printed
label's key; :mod:`.language` says what a language tag means (its script, its direction).
The content, the theme, the layout and the project file all read with these, so none of
them depends on another for it. Nothing here imports guidegen beyond :mod:`guidegen.errors`
and :mod:`guidegen.files`.
"""
