package views

import (
	"io"
	"net/http"
)

func Echo(w http.ResponseWriter, r *http.Request) {
	msg := r.PostFormValue("msg")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, msg)
}
