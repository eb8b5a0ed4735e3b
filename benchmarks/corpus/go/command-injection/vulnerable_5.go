package media

import (
	"fmt"
	"os/exec"
)

func Thumbnail(input string, width int) ([]byte, error) {
	cmd := exec.Command("bash", "-c", fmt.Sprintf("ffmpeg -i %q -vf scale=%d:-1 -f image2 -", input, width)) // VULN
	return cmd.Output()
}
