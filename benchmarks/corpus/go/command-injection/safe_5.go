package media

import (
	"fmt"
	"os/exec"
)

func Thumbnail(input string, width int) ([]byte, error) {
	cmd := exec.Command("ffmpeg", "-i", input, "-vf", fmt.Sprintf("scale=%d:-1", width), "-f", "image2", "-")
	return cmd.Output()
}
