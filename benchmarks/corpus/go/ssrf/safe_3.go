package status

import (
	"fmt"
	"net/http"
)

func Check(w http.ResponseWriter, r *http.Request) {
	service := r.FormValue("service")
	resp, err := http.Get(fmt.Sprintf("http://metrics.internal:9090/services/%s", service))
	if err != nil {
		w.WriteHeader(502)
		return
	}
	w.WriteHeader(resp.StatusCode)
}
