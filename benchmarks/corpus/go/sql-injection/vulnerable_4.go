package report

import (
	"database/sql"
	"strings"
)

func Totals(db *sql.DB, regions []string) (*sql.Rows, error) {
	q := "SELECT region, SUM(amount) FROM sales WHERE region IN ('"
	q += strings.Join(regions, "','")
	q += "') GROUP BY region"
	return db.Query(q) // VULN
}
