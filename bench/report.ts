/**
 * The benchmark's report as plain text for the terminal or as Markdown for
 * docs/benchmarks.md: titled sections of bullet lines and tables.
 */

export interface Table {
  headers: string[];
  /** 'r' right-aligns a column of numbers. */
  align: ('l' | 'r')[];
  rows: string[][];
}

export interface Section {
  title: string;
  bullets?: string[];
  table?: Table;
  /** Lines after the table. */
  notes?: string[];
}

export type ReportFormat = 'text' | 'markdown';

export function renderReport(sections: readonly Section[], format: ReportFormat): string {
  const blocks: string[] = [];
  for (const section of sections) {
    const lines: string[] = [format === 'markdown' ? `### ${section.title}` : `== ${section.title}`, ''];
    for (const bullet of section.bullets ?? []) {
      lines.push(`- ${bullet}`);
    }
    if (section.bullets && section.table) {
      lines.push('');
    }
    if (section.table) {
      lines.push(...renderTable(section.table, format));
    }
    if (section.notes && section.notes.length > 0) {
      lines.push('');
      lines.push(...section.notes);
    }
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

function renderTable(table: Table, format: ReportFormat): string[] {
  if (format === 'markdown') {
    const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
    const separator = table.align.map((align) => (align === 'r' ? '---:' : '---'));
    return [table.headers, separator, ...table.rows.map((row) => row.map(escape))].map((row) => `| ${row.join(' | ')} |`);
  }

  const widths = table.headers.map((header, column) => Math.max(header.length, ...table.rows.map((row) => row[column].length)));
  const pad = (cell: string, column: number): string => (table.align[column] === 'r' ? cell.padStart(widths[column]) : cell.padEnd(widths[column]));
  const line = (row: string[]): string => row.map(pad).join('  ').trimEnd();
  return [line(table.headers), widths.map((width) => '-'.repeat(width)).join('  '), ...table.rows.map(line)];
}

/** Formats an integer with thousands separators: 1048576 → "1,048,576". */
export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Formats a rate in scientific notation with three significant digits: 4.52e8. */
export function formatRate(value: number): string {
  return Number.isFinite(value) ? value.toExponential(2).replace('e+', 'e') : '–';
}

/** Formats bytes as MiB with up to two decimals: 134217728 → "128 MiB". */
export function formatMiB(bytes: number): string {
  return `${Number((bytes / 2 ** 20).toFixed(2))} MiB`;
}
