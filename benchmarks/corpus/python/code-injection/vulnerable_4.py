class Rule:
    def __init__(self, field, op, value):
        self.field, self.op, self.value = field, op, value

    def matches(self, record):
        return eval(f"record[{self.field!r}] {self.op} {self.value!r}")  # VULN
