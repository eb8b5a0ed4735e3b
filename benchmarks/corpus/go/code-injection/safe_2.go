package rules

import "github.com/dop251/goja"

const scorer = "(function(){ return price * quantity; })()"

func Evaluate(vars map[string]interface{}) (interface{}, error) {
	vm := goja.New()
	for k, v := range vars {
		vm.Set(k, v)
	}
	val, err := vm.RunString(scorer)
	if err != nil {
		return nil, err
	}
	return val.Export(), nil
}
