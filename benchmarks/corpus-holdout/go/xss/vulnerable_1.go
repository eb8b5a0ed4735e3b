package comments

import (
	"html/template"
	"net/http"
)

var tmpl = template.Must(template.ParseFiles("comment.html"))

func Preview(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{"Body": template.HTML(r.PostFormValue("body"))} // VULN
	tmpl.Execute(w, data)
}
