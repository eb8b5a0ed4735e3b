package workspace

import (
	"net/http"
	"os"
	"strconv"

	"github.com/gorilla/mux"
)

func Remove(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(mux.Vars(r)["id"])
	if err != nil {
		http.Error(w, "bad id", 400)
		return
	}
	if err := os.RemoveAll("/var/lib/workspaces/" + strconv.Itoa(id)); err != nil {
		http.Error(w, "failed", 500)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
