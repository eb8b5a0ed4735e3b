package store

import "database/sql"

func UserByName(db *sql.DB, name string) (*sql.Row, error) {
	query := "SELECT id, email FROM users WHERE name = $1"
	return db.QueryRow(query, name), nil
}
