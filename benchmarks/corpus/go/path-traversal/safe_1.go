package files

import (
	"net/http"
	"path/filepath"
)

func Download(w http.ResponseWriter, r *http.Request) {
	name := filepath.Base(r.URL.Query().Get("name"))
	http.ServeFile(w, r, filepath.Join("/srv/files", name))
}
