package status

import (
	"fmt"
	"net/http"
)

func Check(w http.ResponseWriter, r *http.Request) {
	host := r.FormValue("host")
	resp, err := http.Get(fmt.Sprintf("http://%s:9090/metrics", host)) // VULN
	if err != nil {
		w.WriteHeader(502)
		return
	}
	w.WriteHeader(resp.StatusCode)
}
