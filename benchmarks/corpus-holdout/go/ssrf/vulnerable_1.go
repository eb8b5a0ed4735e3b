package feeds

import (
	"io"

	"github.com/labstack/echo/v4"
	"net/http"
)

func Proxy(c echo.Context) error {
	feed := c.QueryParam("feed")
	resp, err := http.Get(feed) // VULN
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return c.Blob(200, "application/rss+xml", body)
}
