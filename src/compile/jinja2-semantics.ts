import nunjucks from 'nunjucks';
import { installJinja2Runtime } from './jinja2-runtime.js';

/**
 * Makes nunjucks evaluate templates as Jinja2 does (dbt's engine): Python's printing, truth, `%`,
 * `~`, `+`, `*`, `==` and chained comparisons, tuples, str/list/dict methods, `loop.cycle`,
 * `{% set ns.x = … %}`, `{% do %}`, `{% break %}`/`{% continue %}` and `namespace()`. Nunjucks
 * compiles templates to JavaScript through one Compiler; its code generation for these nodes is
 * replaced once, in this module (nunjucks is only used by compilation).
 */

interface CompilerLike {
  _tmpid(): string;
  _emit(code: string): void;
  _emitLine(code: string): void;
  compile(node: unknown, frame: unknown): void;
}
type Compile = (this: CompilerLike, node: Record<string, unknown>, frame: unknown) => void;
interface NodeList {
  children: unknown[];
}

const lib = nunjucks as unknown as {
  compiler: { Compiler: { prototype: Record<string, unknown> } };
  parser: { Parser: { prototype: Record<string, unknown> } };
  nodes: Record<string, new (...args: unknown[]) => Record<string, unknown>> & {
    Node: { extend(name: string, props: object): new (...args: unknown[]) => Record<string, unknown> };
  };
  lexer: Record<string, string>;
  runtime: Record<string, unknown>;
  installJinjaCompat(): void;
};

let installed = false;

/** Replaces nunjucks' code generation and runtime lookups with Jinja2's semantics (idempotent). */
export function installJinja2Semantics(): void {
  if (installed) return;
  installed = true;
  const runtime = lib.runtime;
  const compiler = lib.compiler.Compiler.prototype;
  const parser = lib.parser.Parser.prototype;
  const nodes = lib.nodes;
  const lexer = lib.lexer;
  const closers = [lexer['TOKEN_RIGHT_PAREN'], lexer['TOKEN_RIGHT_BRACKET'], lexer['TOKEN_RIGHT_CURLY']];

  // Tuples: `(a, b)` and `(a,)`, and a trailing comma in lists and dicts, as Jinja2 parses them.
  parser['parseAggregate'] = function (this: ParserLike) {
    const tok = this.nextToken();
    const kind =
      tok.type === lexer['TOKEN_LEFT_PAREN'] ? 'Group' : tok.type === lexer['TOKEN_LEFT_BRACKET'] ? 'Array' : tok.type === lexer['TOKEN_LEFT_CURLY'] ? 'Dict' : undefined;
    if (kind === undefined) return null;
    const node = new nodes[kind]!(tok.lineno, tok.colno) as Record<string, unknown> & NodeList & { addChild(child: unknown): void };
    for (;;) {
      if (closers.includes(this.peekToken().type)) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0) {
        if (!this.skip(lexer['TOKEN_COMMA']!)) this.fail('parseAggregate: expected comma after expression', tok.lineno, tok.colno);
        if (kind === 'Group') node['pyTuple'] = true;
        if (closers.includes(this.peekToken().type)) {
          this.nextToken();
          break;
        }
      }
      if (kind === 'Dict') {
        const key = this.parsePrimary() as { lineno: number; colno: number };
        if (!this.skip(lexer['TOKEN_COLON']!)) this.fail('parseAggregate: expected colon after dict key', tok.lineno, tok.colno);
        node.addChild(new nodes['Pair']!(key.lineno, key.colno, key, this.parseExpression()));
      } else node.addChild(this.parseExpression());
    }
    return node;
  };
  lib.installJinjaCompat(); // slices (`x[1:3]`), around the parseAggregate above

  // `x is divisibleby 3`, `x is in [1, 2]`, `x is none`: Jinja2's tests take one argument without parentheses.
  parser['parseIs'] = function (this: ParserLike) {
    let node = this.parseCompare() as { lineno: number; colno: number };
    if (!this.skipSymbol('is')) return node;
    const not = this.skipSymbol('not');
    const name = this.nextToken();
    const test = new nodes['Symbol']!(name.lineno, name.colno, name.value);
    const next = this.peekToken();
    let right: unknown = test;
    if (next.type === lexer['TOKEN_LEFT_PAREN']) right = new nodes['FunCall']!(name.lineno, name.colno, test, this.parseSignature());
    else if (
      [
        lexer['TOKEN_SYMBOL'],
        lexer['TOKEN_STRING'],
        lexer['TOKEN_INT'],
        lexer['TOKEN_FLOAT'],
        lexer['TOKEN_LEFT_BRACKET'],
        lexer['TOKEN_LEFT_CURLY'],
        lexer['TOKEN_BOOLEAN'],
        lexer['TOKEN_NONE'],
      ].includes(next.type) &&
      !(next.type === lexer['TOKEN_SYMBOL'] && ['else', 'or', 'and', 'if'].includes(next.value))
    ) {
      right = new nodes['FunCall']!(name.lineno, name.colno, test, new nodes['NodeList']!(next.lineno, next.colno, [this.parsePrimary()]));
    }
    node = new nodes['Is']!(node.lineno, node.colno, node, right) as unknown as { lineno: number; colno: number };
    return not ? new nodes['Not']!(node.lineno, node.colno, node) : node;
  };

  // A string's method call names the string in nunjucks' generated code: its newlines must be escaped there.
  const getNodeName = compiler['_getNodeName'] as (this: unknown, node: unknown) => string;
  compiler['_getNodeName'] = function (this: unknown, node: unknown) {
    return getNodeName
      .call(this, node)
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
  };
  installJinja2Runtime(runtime);

  const emitCall = (self: CompilerLike, fn: string, operands: unknown[], frame: unknown): void => {
    self._emit(`runtime.py.${fn}(`);
    operands.forEach((operand, i) => {
      if (i > 0) self._emit(',');
      self.compile(operand, frame);
    });
    self._emit(')');
  };
  const binary = (fn: string): Compile =>
    function (node, frame) {
      emitCall(this, fn, [node['left'], node['right']], frame);
    };
  compiler['compileAdd'] = binary('add');
  compiler['compileMul'] = binary('mul');
  compiler['compileMod'] = binary('mod');
  compiler['compileConcat'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    this._emit('(runtime.py.str(');
    this.compile(node['left'], frame);
    this._emit(') + runtime.py.str(');
    this.compile(node['right'], frame);
    this._emit('))');
  } satisfies Compile;
  compiler['compileNot'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    this._emit('!runtime.py.truthy(');
    this.compile(node['target'], frame);
    this._emit(')');
  } satisfies Compile;
  // `a or b` is a if a is true, else b (b only evaluated then); `a and b` the other way round.
  const logical = (whenTrue: boolean): Compile =>
    function (node, frame) {
      this._emit('(function(t){return runtime.py.truthy(t) === ' + String(whenTrue) + ' ? t : (');
      this.compile(node['right'], frame);
      this._emit(');})(');
      this.compile(node['left'], frame);
      this._emit(')');
    };
  compiler['compileOr'] = logical(true);
  compiler['compileAnd'] = logical(false);
  compiler['compileCompare'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    const ops = node['ops'] as Array<{ type: string; expr: unknown }>;
    this._emit('runtime.py.compare([');
    this.compile(node['expr'], frame);
    for (const op of ops) {
      this._emit(',');
      this.compile(op.expr, frame);
    }
    this._emit(`],${JSON.stringify(ops.map((op) => op.type))})`);
  } satisfies Compile;
  compiler['compileGroup'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    const children = (node as unknown as NodeList).children;
    if (children.length === 1 && node['pyTuple'] !== true) {
      this._emit('(');
      this.compile(children[0], frame);
      this._emit(')');
      return;
    }
    this._emit('runtime.py.tuple([');
    children.forEach((child, i) => {
      if (i > 0) this._emit(',');
      this.compile(child, frame);
    });
    this._emit('])');
  } satisfies Compile;

  // Truth of `if`, inline if and `for … in`: wrap the condition in a node that compiles to py.truthy.
  const Truthy = nodes.Node.extend('PyTruthy', { fields: ['expr'] });
  const Iterable = nodes.Node.extend('PyIterable', { fields: ['expr'] });
  compiler['compilePyTruthy'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    emitCall(this, 'truthy', [node['expr']], frame);
  } satisfies Compile;
  compiler['compilePyIterable'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    emitCall(this, 'iter', [node['expr']], frame);
  } satisfies Compile;
  const assertType = compiler['assertType'] as (this: unknown, node: unknown, ...types: unknown[]) => void;
  compiler['assertType'] = function (this: unknown, node: unknown, ...types: unknown[]) {
    if (node instanceof Truthy || node instanceof Iterable || node instanceof Raw || node instanceof LoopFilter) return;
    assertType.call(this, node, ...types);
  };
  const wrapField = (
    method: string,
    field: string,
    Wrapper: new (...args: unknown[]) => Record<string, unknown>,
    when: (node: Record<string, unknown>) => boolean = () => true,
  ): void => {
    const original = compiler[method] as (this: unknown, node: Record<string, unknown>, ...rest: unknown[]) => void;
    compiler[method] = function (this: unknown, node: Record<string, unknown>, ...rest: unknown[]) {
      const inner = node[field] as { lineno?: number; colno?: number } | undefined;
      if (inner !== undefined && !(inner instanceof Wrapper) && when(node)) node[field] = new Wrapper(inner.lineno, inner.colno, inner);
      original.call(this, node, ...rest);
    };
  };
  wrapField('compileIf', 'cond', Truthy);
  wrapField('compileInlineIf', 'cond', Truthy);
  wrapField('compileFor', 'arr', Iterable, (node) => !(node['name'] instanceof nodes['Array']!));

  // {% for x in xs if cond %}: Jinja2's loop filter (nunjucks reads `xs if cond` as an inline if without else).
  const LoopFilter = nodes.Node.extend('PyLoopFilter', { fields: ['arr', 'names', 'cond'] });
  compiler['compilePyLoopFilter'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    const names = node['names'] as string[];
    this._emit('runtime.py.filterLoop(');
    this.compile(node['arr'], frame);
    this._emit(', (function(outer){return function(item){var frame = outer.push();');
    this._emit(names.length === 1 ? `frame.set(${JSON.stringify(names[0])}, item);` : names.map((name, i) => `frame.set(${JSON.stringify(name)}, item[${i}]);`).join(''));
    this._emit('return runtime.py.truthy(');
    this.compile(node['cond'], frame);
    this._emit(');};})(frame))');
  } satisfies Compile;
  const forWithFilter = compiler['compileFor'] as (this: unknown, node: Record<string, unknown>, ...rest: unknown[]) => void;
  compiler['compileFor'] = function (this: unknown, node: Record<string, unknown>, ...rest: unknown[]) {
    const arr = node['arr'] as Record<string, unknown> & { lineno: number; colno: number };
    if (arr instanceof nodes['InlineIf']! && arr['else_'] === null) {
      const name = node['name'] as Record<string, unknown>;
      const names = name instanceof nodes['Array']! ? (name as unknown as NodeList).children.map((child) => String((child as { value: unknown }).value)) : [String(name['value'])];
      node['arr'] = new LoopFilter(arr.lineno, arr.colno, arr['body'], names, arr['cond']);
    }
    forWithFilter.call(this, node, ...rest);
  };

  // {% set ns.attr = value %}: Jinja2's assignment to a namespace attribute.
  const SetAttr = nodes.Node.extend('PySetAttr', { fields: ['target', 'attr', 'value'] });
  compiler['compilePySetAttr'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    this._emit('runtime.py.setAttr(');
    this.compile(node['target'], frame);
    this._emit(',');
    this.compile(node['attr'], frame);
    this._emit(',');
    this.compile(node['value'], frame);
    this._emitLine(');');
  } satisfies Compile;
  // Jinja2's set: `{% set ns.attr = v %}`, and `{% set x -%}` trimming the block's first whitespace (nunjucks' parseSet does not).
  parser['parseSet'] = function (this: ParserLike) {
    const tag = this.peekToken();
    if (!this.skipSymbol('set')) this.fail('parseSet: expected set', tag.lineno, tag.colno);
    const targets: unknown[] = [];
    let target: unknown;
    while ((target = this.parsePrimary())) {
      targets.push(target);
      if (!this.skip(lib.lexer['TOKEN_COMMA']!)) break;
    }
    if (this.skipValue(lib.lexer['TOKEN_OPERATOR']!, '=')) {
      let value = this.parseExpression() as { lineno: number; colno: number };
      if (this.peekToken().type === lexer['TOKEN_COMMA']) {
        const tuple = new nodes['Group']!(value.lineno, value.colno, [value]) as Record<string, unknown> & NodeList;
        tuple['pyTuple'] = true;
        while (this.skip(lexer['TOKEN_COMMA']!)) tuple.children.push(this.parseExpression());
        value = tuple as unknown as { lineno: number; colno: number };
      }
      this.advanceAfterBlockEnd(tag.value);
      const only = targets[0] as Record<string, unknown>;
      if (targets.length === 1 && only instanceof nodes['LookupVal']!) return new SetAttr(tag.lineno, tag.colno, only['target'], only['val'], value);
      if (targets.length > 1) return new Unpack(tag.lineno, tag.colno, targets, value);
      const node = new nodes['Set']!(tag.lineno, tag.colno, targets);
      node['value'] = value;
      return node;
    }
    // A block set, its text through any filters: `{% set x | upper %}…{% endset %}`.
    const capture = new nodes['Capture']!(tag.lineno, tag.colno, null);
    const body = this.parseFilter(capture);
    if (this.peekToken().type !== lib.lexer['TOKEN_BLOCK_END']) this.fail('parseSet: expected = or block end in set tag', tag.lineno, tag.colno);
    this.advanceAfterBlockEnd(tag.value);
    const node = new nodes['Set']!(tag.lineno, tag.colno, targets);
    capture['body'] = this.parseUntilBlocks('endset');
    node['body'] = body;
    node['value'] = null;
    this.advanceAfterBlockEnd();
    return node;
  };

  // {% set a, b = pair %}: Jinja2 unpacks (nunjucks would give both the whole value).
  const Unpack = nodes.Node.extend('PyUnpack', { fields: ['targets', 'value'] });
  const Raw = nodes.Node.extend('PyRaw', { fields: ['code'] });
  compiler['compilePyRaw'] = function (this: CompilerLike, node: Record<string, unknown>) {
    this._emit(String(node['code']));
  } satisfies Compile;
  compiler['compilePyUnpack'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    const targets = node['targets'] as Array<{ lineno: number; colno: number }>;
    const id = this._tmpid();
    this._emit(`var ${id} = runtime.py.unpack(`);
    this.compile(node['value'], frame);
    this._emitLine(`, ${targets.length});`);
    targets.forEach((target, i) => this.compile(new nodes['Set']!(target.lineno, target.colno, [target], new Raw(target.lineno, target.colno, `${id}[${i}]`)), frame));
  } satisfies Compile;

  // `varargs` and `kwargs` (a Jinja2 macro's extra arguments): an error when nothing defines them, never ''.
  const compileSymbol = compiler['compileSymbol'] as Compile;
  compiler['compileSymbol'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    const name = String(node['value']);
    if (name !== 'varargs' && name !== 'kwargs') return compileSymbol.call(this, node, frame);
    this._emit(`runtime.py.special(${JSON.stringify(name)}, `);
    compileSymbol.call(this, node, frame);
    this._emit(')');
  } satisfies Compile;

  // Dict keys are expressions in Jinja2 (`{k: v}` reads the variable k), names in nunjucks.
  const compilePair = compiler['compilePair'] as Compile;
  compiler['compilePair'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    if (node['pyKey'] !== true) return compilePair.call(this, node, frame); // keyword arguments: names
    this._emit('[runtime.py.str(');
    this.compile(node['key'], frame);
    this._emit(')]: ');
    this.compile(node['value'], frame);
  } satisfies Compile;
  const compileDict = compiler['compileDict'] as Compile;
  compiler['compileDict'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    if (!(node instanceof nodes['KeywordArgs']!)) for (const pair of (node as unknown as NodeList).children) (pair as Record<string, unknown>)['pyKey'] = true;
    compileDict.call(this, node, frame);
  } satisfies Compile;

  // A for loop is a scope of its own in Jinja2: a `{% set %}` inside does not change the variable outside.
  const compileFor = compiler['compileFor'] as (this: CompilerLike, ...args: unknown[]) => void;
  compiler['compileFor'] = function (this: CompilerLike, ...args: unknown[]) {
    const emitLine = this._emitLine;
    let first = true;
    this._emitLine = function (this: CompilerLike, code: string) {
      if (first && code === 'frame = frame.push();') {
        first = false;
        code = 'frame = frame.push(true);';
      }
      emitLine.call(this, code);
    };
    try {
      compileFor.apply(this, args);
    } finally {
      this._emitLine = emitLine;
    }
  };

  // {% break %} and {% continue %} (dbt enables jinja2.ext.loopcontrols): nunjucks loops are plain `for` loops.
  const LoopControl = nodes.Node.extend('PyLoopControl', { fields: ['keyword'] });
  compiler['compilePyLoopControl'] = function (this: CompilerLike, node: Record<string, unknown>) {
    this._emitLine(`${String(node['keyword'])};`);
  } satisfies Compile;
  const parseStatement = parser['parseStatement'] as (this: unknown) => unknown;
  parser['parseStatement'] = function (this: ParserLike) {
    const tok = this.peekToken();
    if (tok.type === 'symbol' && (tok.value === 'break' || tok.value === 'continue' || tok.value === 'do')) {
      this.nextToken();
      if (tok.value === 'do') {
        const expr = this.parseExpression();
        this.advanceAfterBlockEnd(tok.value);
        return new nodes['Output']!(tok.lineno, tok.colno, [new Do(tok.lineno, tok.colno, expr)]);
      }
      this.advanceAfterBlockEnd(tok.value);
      return new LoopControl(tok.lineno, tok.colno, tok.value);
    }
    return parseStatement.call(this);
  };
  // {% do expr %}: evaluates expr and prints nothing.
  const Do = nodes.Node.extend('PyDo', { fields: ['expr'] });
  compiler['compilePyDo'] = function (this: CompilerLike, node: Record<string, unknown>, frame: unknown) {
    this._emit('(');
    this.compile(node['expr'], frame);
    this._emit(', "")');
  } satisfies Compile;
  const outputAssert = compiler['assertType'] as (this: unknown, node: unknown, ...types: unknown[]) => void;
  compiler['assertType'] = function (this: unknown, node: unknown, ...types: unknown[]) {
    if (node instanceof Do) return;
    outputAssert.call(this, node, ...types);
  };
}

interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}
interface ParserLike {
  tokens: unknown;
  peeked: unknown;
  peekToken(): Token;
  nextToken(): Token;
  skipSymbol(name: string): boolean;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  parsePrimary(): unknown;
  parseUntilBlocks(...names: string[]): unknown;
  parseCompare(): unknown;
  parseFilter(node: unknown): unknown;
  parseSignature(): unknown;
  fail(message: string, lineno?: number, colno?: number): never;
  parseExpression(): unknown;
  advanceAfterBlockEnd(name?: string): void;
}
