import marshal
import types


def load_plugin(blob: bytes):
    code = marshal.loads(blob)  # VULN
    return types.FunctionType(code, {})
