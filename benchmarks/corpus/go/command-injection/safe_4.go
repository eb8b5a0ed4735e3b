package git

import "os/exec"

func CloneAll() error {
	return exec.Command("sh", "-c", "for r in $(cat repos.txt); do git clone \"$r\"; done").Run()
}
