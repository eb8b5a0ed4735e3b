package web

import (
	"html/template"
	"net/http"
)

var greet = template.Must(template.New("greet").Parse("<h1>Hello {{.}}</h1>"))

func Greeting(w http.ResponseWriter, r *http.Request) {
	greet.Execute(w, r.FormValue("name"))
}
