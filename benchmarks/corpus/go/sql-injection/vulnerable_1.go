package store

import (
	"database/sql"
	"fmt"
)

func UserByName(db *sql.DB, name string) (*sql.Row, error) {
	query := fmt.Sprintf("SELECT id, email FROM users WHERE name = '%s'", name)
	return db.QueryRow(query), nil // VULN
}
