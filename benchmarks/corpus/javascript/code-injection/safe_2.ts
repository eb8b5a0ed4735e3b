type Row = Record<string, unknown>;

export function compileFilter(field: string, expected: unknown): (row: Row) => boolean {
  return (row: Row) => row[field] === expected;
}

export const isTruthy = new Function("x", "return !!x");
