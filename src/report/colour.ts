/** ANSI colours as dbt's terminal output uses them (green OK/PASS, red ERROR, yellow WARN/SKIP). */
const CODES = { green: '\x1b[32m', red: '\x1b[31m', yellow: '\x1b[33m' } as const;
const RESET = '\x1b[0m';

/** A colour dbt gives a status. */
export type Colour = keyof typeof CODES;

/**
 * Whether console output is coloured: only on a terminal, and not with --no-color, a non-empty
 * NO_COLOR (no-color.org) or FORCE_COLOR=0.
 */
export function wantsColour(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>, flag: boolean): boolean {
  if (!flag || stream.isTTY !== true) return false;
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  return env['FORCE_COLOR'] !== '0';
}

/** `text` wrapped in a colour. */
export function paint(text: string, colour: Colour): string {
  return `${CODES[colour]}${text}${RESET}`;
}

const STATUS = /\[(OK|PASS|ERROR|SKIP|WARN|FAIL)( in [^\]]*)?\]$/;

/**
 * One console line coloured as dbt colours it: a result line's bracketed status, the summary's
 * `Completed …` line, and the `Warning:` and `Error:` prefixes.
 */
export function colourLine(line: string): string {
  const status = STATUS.exec(line);
  if (status) return `${line.slice(0, status.index)}${paint(status[0], colourOf(status[1]!))}`;
  if (line === 'Completed successfully') return paint(line, 'green');
  if (/^Completed with \d+ errors?/.test(line)) return paint(line, 'red');
  if (line === 'Exited because of keyboard interrupt') return paint(line, 'yellow');
  if (line.startsWith('Warning:')) return `${paint('Warning:', 'yellow')}${line.slice('Warning:'.length)}`;
  if (line.startsWith('Error:')) return `${paint('Error:', 'red')}${line.slice('Error:'.length)}`;
  return line;
}

function colourOf(status: string): Colour {
  return status === 'OK' || status === 'PASS' ? 'green' : status === 'ERROR' || status === 'FAIL' ? 'red' : 'yellow';
}
