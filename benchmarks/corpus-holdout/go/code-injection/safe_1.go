package notify

import (
	"os"
	"text/template"
)

var banner = template.Must(template.New("banner").Parse("== {{.}} ==\n"))

func Banner(custom string) error {
	return banner.Execute(os.Stdout, custom)
}
