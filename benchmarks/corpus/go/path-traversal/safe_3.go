package upload

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
)

func Save(w http.ResponseWriter, r *http.Request) {
	file, header, err := r.FormFile("doc")
	if err != nil {
		http.Error(w, "no file", 400)
		return
	}
	defer file.Close()
	dst, err := os.Create(filepath.Join("/srv/uploads", filepath.Base(header.Filename)))
	if err != nil {
		http.Error(w, "cannot save", 500)
		return
	}
	defer dst.Close()
	io.Copy(dst, file)
}
