import operator

OPS = {"==": operator.eq, "<": operator.lt, ">": operator.gt}


class Rule:
    def __init__(self, field, op, value):
        self.field, self.op, self.value = field, OPS[op], value

    def matches(self, record):
        return self.op(record[self.field], self.value)
