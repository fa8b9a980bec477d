"""Search across every tenant a person may see: meetings, agenda items, minutes, proposals
with their history, hearing answers and the text of attachments (issue #16).

* :mod:`core.search.models` — the index: one row per piece a reader class may read, so a
  snippet can only ever show what its reader may read;
* :mod:`core.search.text` — Danish words (Snowball stems), snippets, the text of files;
* :mod:`core.search.index` — keeps the index in step with the data, in the write's own
  transaction (a session hook), and rebuilds it;
* :mod:`core.search.operations` — the query: one interface over PostgreSQL full-text
  search and SQLite FTS5, behind the same walls as reading
  (docs/decisions/0030-search-index-and-danish-stems.md).
"""
