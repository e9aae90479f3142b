/** Figures beside their targets: printed as they come, and once more as a table at the end. */

export interface Row {
  figure: string;
  value: string;
  target: string;
  /** undefined: a figure for information, with no target of its own. */
  met?: boolean;
  section?: boolean;
}

export class Report {
  private readonly rows: Row[] = [];

  section(title: string): void {
    console.log(`\n== ${title}`);
    this.rows.push({ figure: `[${title}]`, value: '', target: '', section: true });
  }

  info(figure: string, value: string): void {
    this.add({ figure, value, target: '' });
  }

  check(figure: string, value: string, target: string, met: boolean): void {
    this.add({ figure, value, target, met });
  }

  get missed(): Row[] {
    return this.rows.filter((row) => row.met === false);
  }

  /** `failed`: a phase failed, so the figures are incomplete whatever they say. */
  printTable(failed = false): void {
    const cells = (row: Row) => [row.figure, row.value, row.target, verdict(row)];
    const header = ['figure', 'value', 'target', 'result'];
    // Section rows span the table; the other rows size the columns.
    const widths = [0, 1, 2].map((i) =>
      Math.max(header[i].length, ...this.figures().map((row) => cells(row)[i].length)),
    );
    const line = (row: string[]) =>
      row.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]) : cell)).join('  ');
    console.log(`\n${line(header)}`);
    console.log('-'.repeat(widths.reduce((a, b) => a + b + 2, 0) + 6));
    for (const row of this.rows)
      console.log(line([row.figure, row.value, row.target, verdict(row)]));
    const missed = this.missed.length;
    if (failed) console.log(`\nThe run failed before its end; ${missed} target(s) missed so far.`);
    else console.log(missed === 0 ? '\nEvery target met.' : `\n${missed} target(s) missed.`);
  }

  private figures(): Row[] {
    return this.rows.filter((row) => !row.section);
  }

  private add(row: Row): void {
    this.rows.push(row);
    console.log(
      `  ${row.figure}: ${row.value}${row.target ? `  (target ${row.target}: ${verdict(row)})` : ''}`,
    );
  }
}

function verdict(row: Row): string {
  if (row.met === undefined) return '';
  return row.met ? 'met' : 'MISSED';
}
