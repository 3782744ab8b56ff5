"""One module per benchmark; each has run(backend, quick) -> list[Row]."""
