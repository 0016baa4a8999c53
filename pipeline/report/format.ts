/**
 * Number formatting and markdown tables for the report. Tables come out exactly as prettier
 * formats them (padded cells, `---:` for right-aligned columns), so the generated section of
 * README.md passes `prettier --check`.
 */

export const DASH = "—";

/** "-0.00%" reads as a sign that is not there. */
function dropNegativeZero(text: string): string {
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

export function fixed(x: number | null, decimals: number): string {
  if (x === null || !Number.isFinite(x)) return DASH;
  return dropNegativeZero(x.toFixed(decimals));
}

export function percent(x: number | null, decimals: number): string {
  if (x === null || !Number.isFinite(x)) return DASH;
  return `${dropNegativeZero((x * 100).toFixed(decimals))}%`;
}

export function pValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return DASH;
  return p < 0.0005 ? "<0.001" : p.toFixed(3);
}

export type Align = "left" | "right";

export interface Column {
  header: string;
  align?: Align;
}

/** Display width in columns; the report only uses narrow characters, so one per code point. */
const width = (text: string) => [...text].length;

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export function markdownTable(columns: readonly Column[], rows: readonly string[][]): string {
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new Error(`table row has ${row.length} cells for ${columns.length} columns`);
    }
  }
  const headers = columns.map((c) => escapeCell(c.header));
  const body = rows.map((row) => row.map(escapeCell));
  const widths = headers.map((h, i) => Math.max(3, width(h), ...body.map((r) => width(r[i]!))));
  const pad = (text: string, i: number) => {
    const fill = " ".repeat(widths[i]! - width(text));
    return columns[i]!.align === "right" ? fill + text : text + fill;
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(" | ")} |`;
  const delimiter = `| ${widths
    .map((w, i) => (columns[i]!.align === "right" ? `${"-".repeat(w - 1)}:` : "-".repeat(w)))
    .join(" | ")} |`;
  return [line(headers), delimiter, ...body.map(line)].join("\n");
}
