import nunjucks from 'nunjucks';

/**
 * dbt's `{{ return(x) }}`: a macro that calls it evaluates to x (a list, a dict, a bool, None…)
 * instead of its rendered text, as dbt's MacroReturn does. `return()` throws a MacroReturn; every
 * macro nunjucks compiles (project macros, dbt's own, `{% call %}` bodies) is wrapped so that it
 * catches one, restores its caller's frame and gives back the value.
 */

/** What `return(x)` throws: caught by the macro that is running, whose call then evaluates to `value`. */
export class MacroReturn extends Error {
  /**
   * How compiled macros recognise one (not `instanceof`): nunjucks is one module per process, while
   * sparkdbt's modules may be loaded twice in it (a test importing src/ beside the built CLI), each
   * with its own class; whichever patched the compiler, every copy's MacroReturn must be caught.
   */
  readonly isSparkdbtMacroReturn = true;
  constructor(readonly value: unknown) {
    super('return() was called outside a macro: dbt only allows {{ return(...) }} inside {% macro %}');
  }
}

/** dbt's `return` global: ends the running macro with `value`. */
export function macroReturn(value: unknown): never {
  throw new MacroReturn(value === undefined ? null : value);
}

interface MacroCompiler {
  _tmpid(): string;
  _emit(code: string): void;
  _emitLine(code: string): void;
  _emitLines(...lines: string[]): void;
  _pushBuffer(): string;
  _popBuffer(): void;
  _withScopedSyntax(fn: () => void): void;
  _compileExpression(node: unknown, frame: unknown): void;
  compile(node: unknown, frame: unknown): void;
  assertType(node: unknown, ...types: unknown[]): void;
}
interface MacroNode {
  args: { children: Array<{ value: string; children?: Array<{ key: { value: string }; value: unknown }> }> };
  body: unknown;
}
interface FrameLike {
  push(isolate: boolean): FrameLike;
  set(name: string, value: string): void;
}

const lib = nunjucks as unknown as {
  compiler: { Compiler: { prototype: Record<string, unknown> } };
  nodes: Record<string, unknown>;
  runtime: Record<string, unknown> & { Frame: new () => FrameLike };
};

let installed = false;

/** Compiles every nunjucks macro so that `return(x)` inside it makes the call evaluate to x (idempotent). */
export function installMacroReturn(): void {
  if (installed) return;
  installed = true;
  const nodes = lib.nodes;
  // nunjucks' own _compileMacro (compiler.js), with the body inside try/catch for MacroReturn.
  lib.compiler.Compiler.prototype['_compileMacro'] = function (this: MacroCompiler, node: MacroNode, frame: FrameLike | undefined): string {
    const args: Array<{ value: string }> = [];
    let kwargs: MacroNode['args']['children'][number] | null = null;
    const funcId = 'macro_' + this._tmpid();
    const keepFrame = frame !== undefined;
    node.args.children.forEach((arg, i) => {
      if (i === node.args.children.length - 1 && arg instanceof (nodes['Dict'] as new () => unknown)) kwargs = arg;
      else {
        this.assertType(arg, nodes['Symbol']);
        args.push(arg);
      }
    });
    const realNames = [...args.map((n) => `l_${n.value}`), 'kwargs'];
    const argNames = args.map((n) => `"${n.value}"`);
    const kwargPairs = (kwargs as MacroNode['args']['children'][number] | null)?.children ?? [];
    const kwargNames = kwargPairs.map((n) => `"${n.key.value}"`);
    const currFrame = keepFrame ? frame.push(true) : new lib.runtime.Frame();
    this._emitLines(
      `var ${funcId} = runtime.makeMacro(`,
      `[${argNames.join(', ')}], `,
      `[${kwargNames.join(', ')}], `,
      `function (${realNames.join(', ')}) {`,
      'var callerFrame = frame;',
      'frame = ' + (keepFrame ? 'frame.push(true);' : 'new runtime.Frame();'),
      'try {',
      'kwargs = kwargs || {};',
      'if (Object.prototype.hasOwnProperty.call(kwargs, "caller")) {',
      'frame.set("caller", kwargs.caller); }',
    );
    for (const arg of args) {
      this._emitLine(`frame.set("${arg.value}", l_${arg.value});`);
      currFrame.set(arg.value, `l_${arg.value}`);
    }
    for (const pair of kwargPairs) {
      const name = pair.key.value;
      this._emit(`frame.set("${name}", Object.prototype.hasOwnProperty.call(kwargs, "${name}") ? kwargs["${name}"] : `);
      this._compileExpression(pair.value, currFrame);
      this._emit(');');
    }
    const bufferId = this._pushBuffer();
    this._withScopedSyntax(() => this.compile(node.body, currFrame));
    this._emitLine('frame = ' + (keepFrame ? 'frame.pop();' : 'callerFrame;'));
    this._emitLine(`return new runtime.SafeString(${bufferId});`);
    this._emitLine('} catch (e) { frame = callerFrame; if (e !== null && typeof e === "object" && e.isSparkdbtMacroReturn === true) return e.value; throw e; }');
    this._emitLine('});');
    this._popBuffer();
    return funcId;
  };
}
