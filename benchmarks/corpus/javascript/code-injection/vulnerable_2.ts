export function compileFilter(expression: string): (row: Record<string, unknown>) => boolean {
  return new Function("row", `with (row) { return (${expression}); }`) as (  // VULN
    row: Record<string, unknown>,
  ) => boolean;
}
