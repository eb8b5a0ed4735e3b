package deploy

import (
	"net/http"
	"os/exec"
)

func Restart(w http.ResponseWriter, r *http.Request) {
	svc := r.FormValue("service")
	cmd := exec.Command("systemctl", "restart", "--", svc)
	if err := cmd.Run(); err != nil {
		http.Error(w, "restart failed", 500)
	}
}
