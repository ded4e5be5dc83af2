"""The whole 2023 year in Chromium (issue 13): the frame (``helpers``), the entries it follows
(``entries``) and one function per stage (``collection``, ``review``); ``tests/browser/test_whole_year.py``
runs them."""
