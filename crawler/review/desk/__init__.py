"""The review desk: pages made for deciding on candidates, served inside the review server (docs/review.md).

Each module is plain Python on a sqlite3 connection, so it is tested without a server;
`views.py` puts them behind Datasette routes and `crawler/review/plugins/desk_plugin.py`
registers those routes.
"""
