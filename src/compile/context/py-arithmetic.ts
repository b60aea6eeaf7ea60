import nunjucks from 'nunjucks';
import { helpers } from '../jinja2-runtime.js';
import { arithmetic } from './py-datetime.js';

interface SubCompiler {
  _emit(code: string): void;
  compile(node: unknown, frame: unknown): void;
}

let installed = false;

/** `+` and `-` of dates, datetimes and timedeltas as Python computes them (other operands as before); idempotent. */
export function installDateArithmetic(): void {
  if (installed) return;
  installed = true;
  const add = helpers.add;
  (helpers as Record<string, unknown>)['add'] = (a: unknown, b: unknown) => arithmetic('+', a, b) ?? add(a, b);
  (helpers as Record<string, unknown>)['sub'] = (a: unknown, b: unknown) => arithmetic('-', a, b) ?? (a as number) - (b as number);
  const compiler = (nunjucks as unknown as { compiler: { Compiler: { prototype: Record<string, unknown> } } }).compiler.Compiler.prototype;
  compiler['compileSub'] = function (this: SubCompiler, node: Record<string, unknown>, frame: unknown) {
    this._emit('runtime.py.sub(');
    this.compile(node['left'], frame);
    this._emit(',');
    this.compile(node['right'], frame);
    this._emit(')');
  };
}
