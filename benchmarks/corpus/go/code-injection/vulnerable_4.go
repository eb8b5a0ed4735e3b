package pricing

import (
	"net/http"

	"github.com/expr-lang/expr"
)

func Quote(w http.ResponseWriter, r *http.Request) {
	formula := r.URL.Query().Get("formula")
	out, err := expr.Eval(formula, map[string]any{"base": 100}) // VULN
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = out
}
