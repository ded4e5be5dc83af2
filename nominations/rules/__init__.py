"""Plain-Python rules, one module each, without HTTP: deadlines, quotas, duplicates, credit codes."""
