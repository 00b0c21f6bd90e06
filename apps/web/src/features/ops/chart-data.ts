/** A chart's figures as rows: shown as a table and exported as CSV (every chart on /ops has both). */
export interface ChartTable {
  columns: string[];
  rows: (string | number)[][];
}

const cell = (v: string | number) => {
  const s = String(v);
  // Quote what CSV needs quoted, and defuse spreadsheet formulas.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function toCsv(table: ChartTable): string {
  return `${[table.columns, ...table.rows].map((r) => r.map(cell).join(',')).join('\n')}\n`;
}
