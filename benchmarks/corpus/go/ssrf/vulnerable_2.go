package hooks

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"
)

type Hook struct {
	URL string `json:"url"`
}

func Test(c *gin.Context) {
	callback := c.PostForm("callback")
	req, _ := http.NewRequest(http.MethodPost, callback, bytes.NewBufferString(`{"ping":true}`)) // VULN
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	c.Status(204)
}
