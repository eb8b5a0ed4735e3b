package logs

import (
	"os"

	"github.com/gin-gonic/gin"
)

func Tail(c *gin.Context) {
	data, err := os.ReadFile("/var/log/app/" + c.Param("file")) // VULN
	if err != nil {
		c.Status(404)
		return
	}
	c.Data(200, "text/plain", data)
}
