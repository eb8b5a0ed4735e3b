package svc

import (
	"database/sql"
	"strings"
)

func Totals(db *sql.DB, regions []string) (*sql.Rows, error) {
	args := make([]any, len(regions))
	marks := make([]string, len(regions))
	for i, r := range regions {
		args[i] = r
		marks[i] = "?"
	}
	q := "SELECT region, SUM(amount) FROM sales WHERE region IN (" + strings.Join(marks, ",") + ") GROUP BY region"
	return db.Query(q, args...)
}

func ByName(db *sql.DB, name string) (*sql.Rows, error) {
	return db.Query("SELECT id FROM users WHERE name = '" + name + "'")
}
