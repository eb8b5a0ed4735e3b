package views

import (
	"fmt"
	"html"
	"net/http"
)

func Hello(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	fmt.Fprintf(w, "<html><body><h1>Hello, %s</h1></body></html>", html.EscapeString(name))
}
