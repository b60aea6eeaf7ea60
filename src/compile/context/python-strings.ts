import nunjucks from 'nunjucks';

/**
 * String literals as Jinja2 reads them (Python's escapes): `\n`, `\t`, `\\`, `\'`, `\x41`, `\u00e9`…
 * are escapes, and any other backslash stays (`'\d+'` is the four characters `\d+`, which
 * `modules.re` patterns rely on), where nunjucks drops the backslash.
 */

const SIMPLE: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

interface LexerLike {
  forward(): void;
  current(): string;
  isFinished(): boolean;
  str: string;
  index: number;
}

let installed = false;

/** Replaces nunjucks' string-literal lexing with Python's escapes (idempotent). */
export function installPythonStrings(): void {
  if (installed) return;
  installed = true;
  // nunjucks does not export its Tokenizer: reach its prototype through a tokenizer.
  const lexer = Object.getPrototypeOf((nunjucks as unknown as { lexer: { lex(src: string): object } }).lexer.lex('')) as Record<string, unknown>;
  lexer['_parseString'] = function (this: LexerLike, delimiter: string): string {
    this.forward();
    let str = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const cur = this.current();
      if (cur !== '\\') {
        str += cur;
        this.forward();
        continue;
      }
      this.forward();
      const next = this.current();
      const hex = (length: number) => {
        const digits = this.str.slice(this.index + 1, this.index + 1 + length);
        if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) return false;
        str += String.fromCodePoint(parseInt(digits, 16));
        for (let i = 0; i < length; i++) this.forward();
        return true;
      };
      if (next in SIMPLE) str += SIMPLE[next];
      else if (next === 'x' && hex(2)) {
        /* \xhh */
      } else if (next === 'u' && hex(4)) {
        /* \uXXXX */
      } else if (next === 'U' && hex(8)) {
        /* \UXXXXXXXX */
      } else if (/[0-7]/.test(next)) {
        let digits = next;
        while (digits.length < 3 && /[0-7]/.test(this.str[this.index + 1] ?? '')) {
          this.forward();
          digits += this.current();
        }
        str += String.fromCharCode(parseInt(digits, 8));
      } else str += `\\${next}`;
      this.forward();
    }
    this.forward();
    return str;
  };
}
