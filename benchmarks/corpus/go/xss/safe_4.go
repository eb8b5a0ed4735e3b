package blog

import (
	"html/template"

	"github.com/microcosm-cc/bluemonday"
)

type Post struct {
	Title string
	Body  string
}

var policy = bluemonday.UGCPolicy()

func (p Post) RenderedBody() template.HTML {
	return template.HTML(policy.Sanitize(p.Body))
}
