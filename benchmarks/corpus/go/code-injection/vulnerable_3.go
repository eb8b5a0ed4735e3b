package mail

import (
	"bytes"
	"fmt"
	"text/template"
)

func Render(subjectLine string, data any) (string, error) {
	src := fmt.Sprintf("Subject: %s\n\n{{.Body}}", subjectLine)
	t, err := template.New("mail").Parse(src) // VULN
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, data)
	return buf.String(), err
}
