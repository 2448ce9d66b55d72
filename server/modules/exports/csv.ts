/** UTF-8 byte order mark: without it Excel reads a CSV as the local code page and garbles Chinese. */
export const BOM = '\uFEFF';

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one) as a
 * formula, so a customer's subject could run code on the exporting supervisor's machine: such a
 * cell is prefixed with ' and shown as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  // RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export const csvRow = (cells: CsvValue[]): string => `${cells.map(csvCell).join(',')}\r\n`;
