"""The criteria builder: an admin edits a trial's rule tree with a widget per leaf, sees the sentences people will
read, sets the review state of each free-text item, and previews how many consented patients would fit.

`fields` derives each leaf's widgets from its declaration (its spec schema, its question), `draft` holds the tree
being edited between requests (plain form fields, so the page works without JavaScript), `sentences` words a line
through the engine, and `views` is the admin page (hooked onto the Trial admin by `admin.CriteriaBuilderMixin`).
"""
