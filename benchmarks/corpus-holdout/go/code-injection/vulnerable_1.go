package notify

import (
	"os"
	"text/template"
)

func Banner(custom string) error {
	t := template.Must(template.New("banner").Parse("== " + custom + " ==\n")) // VULN
	return t.Execute(os.Stdout, nil)
}
