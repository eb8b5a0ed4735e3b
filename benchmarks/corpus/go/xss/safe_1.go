package views

import (
	"html/template"
	"net/http"
)

var page = template.Must(template.New("p").Parse(`<div class="note">{{.}}</div>`))

func Note(w http.ResponseWriter, r *http.Request) {
	note := r.FormValue("note")
	page.Execute(w, note)
}
