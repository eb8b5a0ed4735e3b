package deploy

import (
	"net/http"
	"os/exec"
)

func Restart(w http.ResponseWriter, r *http.Request) {
	svc := r.FormValue("service")
	cmd := exec.Command("/bin/sh", "-c", "systemctl restart "+svc) // VULN
	if err := cmd.Run(); err != nil {
		http.Error(w, "restart failed", 500)
	}
}
