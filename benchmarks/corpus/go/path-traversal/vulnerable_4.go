package workspace

import (
	"net/http"
	"os"

	"github.com/gorilla/mux"
)

func Remove(w http.ResponseWriter, r *http.Request) {
	dir := "/var/lib/workspaces/" + mux.Vars(r)["id"]
	if err := os.RemoveAll(dir); err != nil { // VULN
		http.Error(w, "failed", 500)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
