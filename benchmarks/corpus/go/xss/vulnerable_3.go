package views

import (
	"io"
	"net/http"
)

func Echo(w http.ResponseWriter, r *http.Request) {
	msg := r.PostFormValue("msg")
	io.WriteString(w, "<p>"+msg+"</p>") // VULN
}
