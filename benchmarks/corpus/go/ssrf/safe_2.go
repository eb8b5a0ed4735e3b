package hooks

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"
)

func Test(c *gin.Context) {
	callback := c.PostForm("callback")
	body := bytes.NewBufferString(`{"ping":true,"callback":"` + callback + `"}`)
	req, _ := http.NewRequest(http.MethodPost, "https://hooks.example.com/test", body)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	c.Status(204)
}
