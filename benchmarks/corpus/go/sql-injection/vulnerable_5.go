package accounts

import (
	"fmt"

	"github.com/jmoiron/sqlx"
)

type Account struct{ ID int }

func Search(db *sqlx.DB, column, value string) ([]Account, error) {
	var out []Account
	err := db.Select(&out, fmt.Sprintf("SELECT id FROM accounts WHERE %s = '%s'", column, value)) // VULN
	return out, err
}
