package sqlstore

// SQLiteSchemaVersion is the version of the SQLite schema that this
// package writes.
var SQLiteSchemaVersion = len(sqliteMigrations)
