package tools

import (
	"os/exec"

	"github.com/gin-gonic/gin"
)

func RunTool(c *gin.Context) {
	tool := c.Query("tool")
	out, _ := exec.Command(tool, "--version").Output() // VULN
	c.String(200, string(out))
}
