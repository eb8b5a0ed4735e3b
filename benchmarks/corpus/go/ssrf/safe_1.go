package proxy

import (
	"io"
	"net/http"
	"net/url"
)

func Fetch(w http.ResponseWriter, r *http.Request) {
	q := url.Values{"q": {r.URL.Query().Get("q")}}
	resp, err := http.Get("https://search.example.com/api?" + q.Encode())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	io.Copy(w, resp.Body)
}
