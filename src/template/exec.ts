// Executes parsed templates. Values follow Go's kinds: string, number (float64), bigint (int),
// boolean, null (nil), arrays (slices), Map or plain objects (maps/structs), Date (time.Time).
// Execution is async because Prometheus's `query` function runs a PromQL query.
import { TemplateError } from './errors.js';
import { formatGoValue } from './gofmt.js';
import { GoTime } from './gotime.js';
import type { Node, Operand, Pipe, Templates } from './parse.js';

export type TemplateFunc = (...args: unknown[]) => unknown;

/** A value that is already HTML-safe (Go's html/template.HTML), produced by safeHtml. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

class ExecError extends Error {}

/** A method value (`.Format` of a time) waiting for its arguments. */
class BoundMethod {
  constructor(
    readonly name: string,
    readonly call: (...args: unknown[]) => unknown,
  ) {}
}

/** Unwinds to the enclosing {{range}} for {{break}} / {{continue}}. */
class LoopControl {
  constructor(readonly kind: 'break' | 'continue') {}
}

interface Scope {
  vars: { name: string; value: unknown }[];
}

const MAX_DEPTH = 100_000;

export async function execute(tmpls: Templates, name: string, data: unknown, funcs: ReadonlyMap<string, TemplateFunc>): Promise<string> {
  const out: string[] = [];
  const tree = tmpls.trees.get(name);
  if (!tree) throw new TemplateError('template_exec', `template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(name)}`);
  let depth = 0;

  const fail = (pos: { line: number; col: number } | undefined, at: string, msg: string): never => {
    const where = pos ? `${name}:${pos.line}:${pos.col}` : name;
    throw new ExecError(`template: ${where}: executing ${JSON.stringify(name)} at <${at}>: ${msg}`);
  };

  const lookup = (scope: Scope, v: string): unknown => {
    for (let i = scope.vars.length - 1; i >= 0; i--) if (scope.vars[i]!.name === v) return scope.vars[i]!.value;
    return fail(undefined, v, `undefined variable: ${v}`);
  };

  const field = (recv: unknown, f: string, at: string): unknown => {
    // Go prints "<no value>" for a field of nil data (missingkey=zero only covers typed maps).
    if (recv === null || recv === undefined) return undefined;
    if (recv instanceof Map) return recv.has(f) ? recv.get(f) : '';
    if (recv instanceof GoTime) {
      const m = (recv as unknown as Record<string, unknown>)[f];
      if (typeof m === 'function' && /^[A-Z]/.test(f)) return new BoundMethod(f, (...a) => (m as (...x: unknown[]) => unknown).apply(recv, a));
      return fail(undefined, at, `can't evaluate field ${f} in type time.Time`);
    }
    if (typeof recv === 'object') {
      const o = recv as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(o, f)) {
        const v = o[f];
        return typeof v === 'function' ? (v as () => unknown).call(o) : v;
      }
      // missingkey=zero: Prometheus's label maps are map[string]string, whose zero is "".
      return '';
    }
    return fail(undefined, at, `can't evaluate field ${f} in type ${goType(recv)}`);
  };

  const evalOperand = async (op: Operand, dot: unknown, scope: Scope, final: unknown, hasFinal: boolean, args: Operand[]): Promise<unknown> => {
    const v = await evalOperandValue(op, dot, scope, final, hasFinal, args);
    return v instanceof BoundMethod ? callMethod(v, args, dot, scope, final, hasFinal) : v;
  };

  const evalOperandValue = async (op: Operand, dot: unknown, scope: Scope, final: unknown, hasFinal: boolean, args: Operand[]): Promise<unknown> => {
    switch (op.kind) {
      case 'field': {
        let v = dot;
        for (const f of op.path) v = field(v, f, '.' + op.path.join('.'));
        return v;
      }
      case 'var': {
        let v = lookup(scope, op.name);
        for (const f of op.path) v = field(v, f, op.name + '.' + op.path.join('.'));
        return v;
      }
      case 'string':
      case 'number':
      case 'bool':
        return op.value;
      case 'nil':
        return null;
      case 'pipe': {
        let v = await evalPipe(op.pipe, dot, scope);
        for (const f of op.path) v = field(v, f, f);
        return v;
      }
      case 'ident':
        return callFunc(op, args, dot, scope, final, hasFinal);
    }
  };

  const callFunc = async (ident: { name: string; line: number; col: number }, args: Operand[], dot: unknown, scope: Scope, final: unknown, hasFinal: boolean): Promise<unknown> => {
    const fname = ident.name;
    const at = [fname, ...args.map(operandString)].join(' ');
    // and/or short-circuit (Go 1.18+): later arguments are only evaluated when needed.
    if (fname === 'and' || fname === 'or') {
      const all: (() => Promise<unknown>)[] = args.map((a) => () => evalArg(a, dot, scope));
      if (hasFinal) all.push(async () => final);
      if (all.length === 0) fail(undefined, at, `wrong number of args for ${fname}: want at least 1 got 0`);
      let v: unknown;
      for (const get of all) {
        v = await get();
        if (fname === 'and' ? !truth(v) : truth(v)) return v;
      }
      return v;
    }
    const fn = funcs.get(fname);
    if (!fn) return fail(ident, at, `"${fname}" is not a defined function`);
    const vals: unknown[] = [];
    for (const a of args) vals.push(await evalArg(a, dot, scope));
    if (hasFinal) vals.push(final);
    try {
      return await fn(...vals);
    } catch (e) {
      return fail(ident, at, `error calling ${fname}: ${(e as Error).message}`);
    }
  };

  const callMethod = async (m: BoundMethod, args: Operand[], dot: unknown, scope: Scope, final: unknown, hasFinal: boolean): Promise<unknown> => {
    const vals: unknown[] = [];
    for (const a of args) vals.push(await evalArg(a, dot, scope));
    if (hasFinal) vals.push(final);
    try {
      return await m.call(...vals);
    } catch (e) {
      return fail(undefined, m.name, `error calling ${m.name}: ${(e as Error).message}`);
    }
  };

  const evalArg = async (a: Operand, dot: unknown, scope: Scope): Promise<unknown> => {
    if (a.kind === 'ident') return callFunc(a, [], dot, scope, undefined, false);
    return evalOperand(a, dot, scope, undefined, false, []);
  };

  const evalPipe = async (pipe: Pipe, dot: unknown, scope: Scope): Promise<unknown> => {
    let v: unknown = undefined;
    let hasFinal = false;
    for (const cmd of pipe.cmds) {
      const [head, ...rest] = cmd;
      if (head!.kind === 'ident') v = await callFunc(head!, rest, dot, scope, v, hasFinal);
      else {
        // Only a method (e.g. a time's .Format) takes arguments or a piped value.
        const r = await evalOperandValue(head!, dot, scope, undefined, false, rest);
        if (!(r instanceof BoundMethod) && (hasFinal || rest.length > 0)) {
          fail(undefined, operandString(head!), `can't give argument to non-function ${operandString(head!)}`);
        }
        v = r instanceof BoundMethod ? await callMethod(r, rest, dot, scope, v, hasFinal) : r;
      }
      hasFinal = true;
    }
    if (pipe.decl.length > 0) {
      if (pipe.assign) {
        for (let i = scope.vars.length - 1; i >= 0; i--) {
          if (scope.vars[i]!.name === pipe.decl[0]) {
            scope.vars[i]!.value = v;
            break;
          }
        }
      } else scope.vars.push({ name: pipe.decl[0]!, value: v });
    }
    return v;
  };

  const walk = async (list: readonly Node[], dot: unknown, scope: Scope): Promise<void> => {
    const mark = scope.vars.length;
    for (const n of list) {
      if (++depth > MAX_DEPTH) fail(undefined, 'template', 'exceeded maximum template depth');
      switch (n.kind) {
        case 'text':
          out.push(n.text);
          break;
        case 'action': {
          const v = await evalPipe(n.pipe, dot, scope);
          if (n.pipe.decl.length === 0) out.push(printValue(v));
          break;
        }
        case 'if':
        case 'with': {
          const inner = scope.vars.length;
          const v = await evalPipe(n.pipe, dot, scope);
          if (truth(v)) await walk(n.list, n.kind === 'with' ? v : dot, scope);
          else if (n.elseList) await walk(n.elseList, dot, scope);
          scope.vars.length = inner;
          break;
        }
        case 'range': {
          const inner = scope.vars.length;
          const decl = n.pipe.decl;
          const v = await evalPipe({ ...n.pipe, decl: [] }, dot, scope);
          const items = rangeItems(v, () => fail(n.pos, 'range', `range can't iterate over ${printValue(v)}`));
          if (items.length === 0) {
            if (n.elseList) await walk(n.elseList, dot, scope);
          } else {
            for (const [k, item] of items) {
              if (decl.length === 1) scope.vars.push({ name: decl[0]!, value: item });
              if (decl.length === 2) scope.vars.push({ name: decl[0]!, value: k }, { name: decl[1]!, value: item });
              try {
                await walk(n.list, item, scope);
              } catch (e) {
                if (!(e instanceof LoopControl)) throw e;
                if (e.kind === 'break') {
                  scope.vars.length = inner;
                  break;
                }
              }
              scope.vars.length = inner;
            }
          }
          scope.vars.length = inner;
          break;
        }
        case 'break':
        case 'continue':
          throw new LoopControl(n.kind);
        case 'template': {
          const t = tmpls.trees.get(n.name);
          if (!t) fail(n.pos, `template ${n.name}`, `template ${JSON.stringify(n.name)} not defined`);
          const v = n.pipe ? await evalPipe(n.pipe, dot, scope) : null;
          await walk(t!, v, { vars: [{ name: '$', value: v }] });
          break;
        }
      }
    }
    scope.vars.length = mark;
  };

  try {
    await walk(tree, data, { vars: [{ name: '$', value: data }] });
  } catch (e) {
    if (e instanceof ExecError) throw new TemplateError('template_exec', e.message);
    throw e;
  }
  return out.join('');
}

function rangeItems(v: unknown, bad: () => never): [unknown, unknown][] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.map((x, i) => [BigInt(i), x]);
  if (v instanceof Map) return [...v.keys()].sort().map((k) => [k, v.get(k)]);
  if (typeof v === 'bigint') {
    const r: [unknown, unknown][] = [];
    for (let i = 0n; i < v; i++) r.push([i, i]);
    return r;
  }
  if (typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    return Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]);
  }
  return bad();
}

/** Go's notion of "true": non-zero, non-empty, non-nil. */
export function truth(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof SafeHtml) return v.value.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

export function printValue(v: unknown): string {
  return formatGoValue(v);
}

export function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Date) return 'time.Time';
  return 'map[string]string';
}

function operandString(o: Operand): string {
  switch (o.kind) {
    case 'field':
      return '.' + o.path.join('.');
    case 'var':
      return [o.name, ...o.path].join('.');
    case 'ident':
      return o.name;
    case 'string':
      return JSON.stringify(o.value);
    case 'number':
      return o.text ?? String(o.value);
    case 'bool':
      return String(o.value);
    case 'nil':
      return 'nil';
    case 'pipe':
      return '(' + o.pipe.cmds.map((c) => c.map(operandString).join(' ')).join(' | ') + ')';
  }
}
