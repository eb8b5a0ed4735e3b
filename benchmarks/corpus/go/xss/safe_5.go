package search

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func Results(c *gin.Context) {
	c.HTML(http.StatusOK, "results.tmpl", gin.H{"query": c.Query("q")})
}
