package logs

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"
)

func Tail(c *gin.Context) {
	p := filepath.Clean(filepath.Join("/var/log/app", c.Param("file")))
	if !strings.HasPrefix(p, "/var/log/app/") {
		c.Status(400)
		return
	}
	data, err := os.ReadFile(p)
	if err != nil {
		c.Status(404)
		return
	}
	c.Data(200, "text/plain", data)
}
