package blog

import "html/template"

type Post struct {
	Title string
	Body  string
}

func (p Post) RenderedBody() template.HTML {
	return template.HTML(p.Body) // VULN
}
