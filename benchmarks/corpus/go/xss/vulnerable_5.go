package search

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func Results(c *gin.Context) {
	q := c.Query("q")
	c.Writer.Header().Set("Content-Type", "text/html")
	c.Writer.Write([]byte("<h2>No results for " + q + "</h2>")) // VULN
	c.Status(http.StatusOK)
}
