"""The managers' review: how the callback promise was kept, what customers thought, what they teach.

``periods`` turns the query string into the span a page looks at;
``selectors/`` holds every read (one aggregate query per table, whatever the
period); ``tables`` turns what they return into the rows a page shows and a
CSV exports, so both always carry the same figures; ``charts`` lays them out
as SVG; ``export`` streams a table as CSV; ``views`` and ``urls`` serve it all
under ``/manager/`` to managers only.
"""
