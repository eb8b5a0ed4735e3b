package git

import "os/exec"

func Clone(url, dir string) error {
	return exec.Command("sh", "-c", "git clone "+url+" "+dir).Run() // VULN
}
