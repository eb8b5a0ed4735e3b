package comments

import (
	"html/template"
	"net/http"
)

var tmpl = template.Must(template.ParseFiles("comment.html"))

func Preview(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{"Body": r.PostFormValue("body"), "Footer": template.HTML("<hr>")}
	tmpl.Execute(w, data)
}
