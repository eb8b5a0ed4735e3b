package export

import (
	"net/http"
	"os"
	"path/filepath"
)

func Write(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !filepath.IsLocal(name) {
		http.Error(w, "bad name", 400)
		return
	}
	err := os.WriteFile(filepath.Join("/var/exports", name), []byte("id,total\n"), 0o600)
	if err != nil {
		http.Error(w, "failed", 500)
	}
}
