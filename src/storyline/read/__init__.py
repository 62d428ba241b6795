"""The read layer: one function per resource, shared by every reader.

``storyline articles|versions|diff|stories|story|news --json``, the web pages' ``.json``
twins and ``/api`` return what these functions return (plain, JSON-ready dicts), so the
CLI and the web cannot drift apart; pages and CLI lines render the same dicts for people.

- ``articles``: article lists, one article, its versions, diffs (by number or URL);
- ``stories`` (over ``story_index``): story lists with filters and counts, one story with
  its timeline (``timeline``), the home page's selection;
- ``news``: what changed in the stories and articles a reader follows since their last
  visit;
- ``sources``: followed sources and their health;
- ``shapes`` and ``queries*``: the JSON shapes and the lean queries behind them.

Times are written by ``storyline.times``; change words come from
``storyline.revisions.wording``.
"""
