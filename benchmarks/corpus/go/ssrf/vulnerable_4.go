package avatar

import (
	"context"
	"net/http"
	"net/url"
)

func Import(ctx context.Context, r *http.Request) (*http.Response, error) {
	u, err := url.Parse(r.PostFormValue("avatar_url"))
	if err != nil {
		return nil, err
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", u.String(), nil) // VULN
	return http.DefaultClient.Do(req)
}
