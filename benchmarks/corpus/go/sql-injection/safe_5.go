package accounts

import "github.com/jmoiron/sqlx"

type Account struct{ ID int }

func Search(db *sqlx.DB, value string) ([]Account, error) {
	var out []Account
	err := db.Select(&out, "SELECT id FROM accounts WHERE email = $1", value)
	return out, err
}
