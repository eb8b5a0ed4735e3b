package pricing

import (
	"net/http"
	"strconv"

	"github.com/expr-lang/expr"
)

func Quote(w http.ResponseWriter, r *http.Request) {
	qty, _ := strconv.Atoi(r.URL.Query().Get("qty"))
	out, err := expr.Eval("base * qty", map[string]any{"base": 100, "qty": qty})
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = out
}
