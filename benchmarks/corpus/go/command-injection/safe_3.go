package tools

import (
	"os/exec"

	"github.com/gin-gonic/gin"
)

var allowedTools = map[string]string{"git": "/usr/bin/git", "go": "/usr/local/go/bin/go"}

func RunTool(c *gin.Context) {
	path, ok := allowedTools[c.Query("tool")]
	if !ok {
		c.Status(400)
		return
	}
	out, _ := exec.Command(path, "--version").Output()
	c.String(200, string(out))
}
