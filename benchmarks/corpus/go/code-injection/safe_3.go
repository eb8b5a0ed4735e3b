package mail

import (
	"bytes"
	"text/template"
)

const mailTemplate = "Subject: {{.Subject}}\n\n{{.Body}}"

func Render(data any) (string, error) {
	t, err := template.New("mail").Parse(mailTemplate)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, data)
	return buf.String(), err
}
