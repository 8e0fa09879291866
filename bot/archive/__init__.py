"""The digital archive: the record built from the database, the folder store and search, the
printable summary."""
