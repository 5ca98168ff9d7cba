"""A project: its file ``guidegen.yaml`` and folders, and ``guidegen new``.

:mod:`.config` reads the project file; :mod:`.schema` publishes the JSON Schemas of a
project's files for editors; :mod:`.scaffold` starts a project or adds a skeleton guide.
"""
