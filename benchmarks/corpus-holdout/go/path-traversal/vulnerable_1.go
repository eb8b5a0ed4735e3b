package export

import (
	"net/http"
	"os"
)

func Write(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	err := os.WriteFile("/var/exports/"+name, []byte("id,total\n"), 0o600) // VULN
	if err != nil {
		http.Error(w, "failed", 500)
	}
}
