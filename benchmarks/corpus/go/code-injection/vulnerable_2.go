package rules

import "github.com/dop251/goja"

func Evaluate(expression string, vars map[string]interface{}) (interface{}, error) {
	vm := goja.New()
	for k, v := range vars {
		vm.Set(k, v)
	}
	val, err := vm.RunString("(function(){ return " + expression + "; })()") // VULN
	if err != nil {
		return nil, err
	}
	return val.Export(), nil
}
