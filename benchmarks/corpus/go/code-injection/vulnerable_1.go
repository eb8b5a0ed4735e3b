package web

import (
	"html/template"
	"net/http"
)

func Greeting(w http.ResponseWriter, r *http.Request) {
	name := r.FormValue("name")
	tmpl, err := template.New("greet").Parse("<h1>Hello " + name + "</h1>") // VULN
	if err != nil {
		http.Error(w, "bad template", 500)
		return
	}
	tmpl.Execute(w, nil)
}
