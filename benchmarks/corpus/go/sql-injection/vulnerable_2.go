package store

import (
	"context"
	"database/sql"
	"net/http"
)

func DeleteItem(db *sql.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		_, err := db.ExecContext(context.Background(), "DELETE FROM items WHERE id = "+id) // VULN
		if err != nil {
			http.Error(w, "failed", 500)
		}
	}
}
