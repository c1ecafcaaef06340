"""citecheck: check the sources an article cites."""
