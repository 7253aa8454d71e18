// A parser for Go's text/template language, enough of it for Prometheus's alert and console
// templates: text, actions with pipelines, variables, if/else if/range/with/define/template/block,
// comments and trim markers. Error texts follow Go's ("template: NAME:LINE: ...") because users
// see them in `promtool check rules` output and in expanded annotations.
import { TemplateError } from './errors.js';

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pos: Pos; pipe: Pipe }
  | { kind: 'if' | 'range' | 'with'; pos: Pos; pipe: Pipe; list: Node[]; elseList: Node[] | null }
  | { kind: 'template'; pos: Pos; name: string; pipe: Pipe | null }
  | { kind: 'break' | 'continue' };

export interface Pos {
  line: number;
  col: number;
  text: string;
}

export interface Pipe {
  decl: string[];
  /** `=` assigns to existing variables, `:=` declares. */
  assign: boolean;
  cmds: Operand[][];
}

export type Operand =
  | { kind: 'field'; path: string[] } // .a.b ; path [] is "."
  | { kind: 'var'; name: string; path: string[] }
  | { kind: 'ident'; name: string; line: number; col: number }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number | bigint; text?: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'pipe'; pipe: Pipe; path: string[] };

export interface Templates {
  readonly trees: Map<string, Node[]>;
}

interface Tok {
  t: 'text' | 'open' | 'close' | 'ident' | 'field' | 'var' | 'string' | 'number' | 'char' | 'pipe' | 'lparen' | 'rparen' | 'decl' | 'assign' | 'comma' | 'eof';
  v: string;
  line: number;
  off: number;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'nil', 'true', 'false', 'break', 'continue']);

function lex(name: string, src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  const err = (msg: string): never => {
    throw new TemplateError('template_parse', `template: ${name}:${line}: ${msg}`);
  };
  while (i < src.length) {
    let open = src.indexOf('{{', i);
    if (open < 0) open = src.length;
    let text = src.slice(i, open);
    const trimLeft = src.startsWith('{{- ', open) || src.startsWith('{{-\t', open) || src.startsWith('{{-\n', open) || src.startsWith('{{-\r', open);
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) toks.push({ t: 'text', v: text, line, off: i });
    line += countLines(src.slice(i, open));
    if (open >= src.length) break;
    i = open + 2 + (trimLeft ? 1 : 0);
    // Comments: {{/* ... */}} possibly with trim markers.
    const rest = src.slice(i).replace(/^[ \t\r\n]*/, '');
    if (rest.startsWith('/*')) {
      const start = src.indexOf('/*', i);
      const end = src.indexOf('*/', start + 2);
      if (end < 0) err('unclosed comment');
      let j = end + 2;
      const m = /^[ \t\r\n]*(-?)}}/.exec(src.slice(j));
      if (!m) err('comment ends before closing delimiter');
      line += countLines(src.slice(i, j + m![0].length));
      j += m![0].length;
      if (m![1]) while (j < src.length && ' \t\r\n'.includes(src[j]!)) j++;
      i = j;
      continue;
    }
    toks.push({ t: 'open', v: '{{', line, off: open });
    // Inside an action.
    for (;;) {
      while (i < src.length && ' \t\r\n'.includes(src[i]!)) {
        if (src[i] === '\n') err('unclosed action');
        i++;
      }
      if (i >= src.length) err('unclosed action');
      if ((src.startsWith('-}}', i) && ' \t\r\n'.includes(src[i - 1] ?? '')) || src.startsWith('}}', i)) {
        const trimRight = src[i] === '-';
        i += trimRight ? 3 : 2;
        toks.push({ t: 'close', v: '}}', line, off: i });
        if (trimRight) while (i < src.length && ' \t\r\n'.includes(src[i]!)) {
          if (src[i] === '\n') line++;
          i++;
        }
        break;
      }
      const c = src[i]!;
      const off = i;
      if (c === '|') {
        toks.push({ t: 'pipe', v: '|', line, off });
        i++;
      } else if (c === '(') {
        toks.push({ t: 'lparen', v: '(', line, off });
        i++;
      } else if (c === ')') {
        toks.push({ t: 'rparen', v: ')', line, off });
        i++;
      } else if (c === ',') {
        toks.push({ t: 'comma', v: ',', line, off });
        i++;
      } else if (src.startsWith(':=', i)) {
        toks.push({ t: 'decl', v: ':=', line, off });
        i += 2;
      } else if (c === '=') {
        toks.push({ t: 'assign', v: '=', line, off });
        i++;
      } else if (c === '"') {
        let j = i + 1;
        while (j < src.length && src[j] !== '"') {
          if (src[j] === '\\') j++;
          if (src[j] === '\n') err('unterminated quoted string');
          j++;
        }
        if (j >= src.length) err('unterminated quoted string');
        toks.push({ t: 'string', v: unquoteGo(src.slice(i, j + 1)), line, off });
        i = j + 1;
      } else if (c === '`') {
        const j = src.indexOf('`', i + 1);
        if (j < 0) err('unterminated raw quoted string');
        toks.push({ t: 'string', v: src.slice(i + 1, j), line, off });
        line += countLines(src.slice(i, j));
        i = j + 1;
      } else if (c === "'") {
        const m = /^'((?:\\.|[^\\'\n])*)'/.exec(src.slice(i));
        if (!m) err('unterminated character constant');
        const ch = unquoteGo(`"${m![1]}"`);
        if ([...ch].length !== 1) err(`malformed character constant: ${m![0]}`);
        toks.push({ t: 'char', v: String(ch.codePointAt(0)), line, off });
        i += m![0].length;
      } else if (c === '.' && !/[0-9]/.test(src[i + 1] ?? '')) {
        const m = /^\.[A-Za-z0-9_]*/.exec(src.slice(i))!;
        toks.push({ t: 'field', v: m[0].slice(1), line, off });
        i += m[0].length;
      } else if (c === '$') {
        const m = /^\$[A-Za-z0-9_]*/.exec(src.slice(i))!;
        toks.push({ t: 'var', v: m[0], line, off });
        i += m[0].length;
      } else if (/[0-9+\-.]/.test(c)) {
        const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)/.exec(src.slice(i));
        if (!m || m[0] === '' || m[0] === '+' || m[0] === '-') err(`bad number syntax: "${src.slice(i, i + 2)}"`);
        toks.push({ t: 'number', v: m![0], line, off });
        i += m![0].length;
      } else if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
        toks.push({ t: 'ident', v: m[0], line, off });
        i += m[0].length;
      } else {
        err(`unexpected ${goQuoteChar(c)} in command`);
      }
    }
  }
  toks.push({ t: 'eof', v: '', line, off: src.length });
  return toks;
}

function countLines(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === '\n') n++;
  return n;
}

function goQuoteChar(c: string): string {
  return `"${c}"`;
}

export function unquoteGo(q: string): string {
  try {
    return JSON.parse(q.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b').replace(/\\'/g, "'")) as string;
  } catch {
    return q.slice(1, -1);
  }
}

/**
 * Parses `text` into named trees: the top-level tree `name` and every {{define}}. `funcs` are the
 * function names in scope; calling an unknown one is a parse error, as in Go.
 */
export function parseTemplate(name: string, text: string, funcs: ReadonlySet<string>): Templates {
  const toks = lex(name, text);
  let p = 0;
  const trees = new Map<string, Node[]>();
  const vars: string[][] = [['$']];
  // {{break}} / {{continue}} (Go 1.18+) are only valid inside {{range}}.
  let rangeDepth = 0;
  const err = (msg: string, tok: Tok = toks[p]!): never => {
    throw new TemplateError('template_parse', `template: ${name}:${tok.line}: ${msg}`);
  };
  const pos = (tok: Tok): Pos => {
    const before = text.slice(0, tok.off);
    const nl = before.lastIndexOf('\n');
    return { line: tok.line, col: tok.off - nl - 1, text: '' };
  };
  const peek = (): Tok => toks[p]!;
  const next = (): Tok => toks[p++]!;
  const expect = (t: Tok['t'], ctx: string): Tok => {
    const tok = next();
    if (tok.t !== t) err(`unexpected ${describe(tok)} in ${ctx}`, tok);
    return tok;
  };
  const describe = (tok: Tok): string => {
    if (tok.t === 'eof') return 'EOF';
    if (tok.t === 'close') return '"}}"';
    if (tok.t === 'string') return JSON.stringify(tok.v);
    if (tok.t === 'field') return `<.${tok.v}>`;
    return `"${tok.v}"`;
  };
  const hasVar = (n: string): boolean => vars.some((s) => s.includes(n));

  // Returns the list and the keyword that ended it ('end' | 'else' | 'eof').
  const parseList = (top: boolean): { list: Node[]; end: 'end' | 'else' | 'eof'; endTok: Tok } => {
    const list: Node[] = [];
    for (;;) {
      const tok = peek();
      if (tok.t === 'eof') {
        if (!top) err('unexpected EOF', tok);
        return { list, end: 'eof', endTok: tok };
      }
      if (tok.t === 'text') {
        list.push({ kind: 'text', text: next().v });
        continue;
      }
      next(); // {{
      const kw = peek();
      if (kw.t === 'ident' && (kw.v === 'end' || kw.v === 'else')) {
        if (top) err(`unexpected {{${kw.v}}}`, kw);
        next();
        if (kw.v === 'end') expect('close', 'end');
        return { list, end: kw.v, endTok: kw };
      }
      const n = parseAction(kw);
      if (n) list.push(n);
    }
  };

  const parseControl = (kind: 'if' | 'range' | 'with', kw: Tok): Node => {
    vars.push([]);
    const pipe = parsePipe(kind, true);
    if (kind === 'range') rangeDepth++;
    const body = parseList(false);
    if (kind === 'range') rangeDepth--;
    let elseList: Node[] | null = null;
    if (body.end === 'else') {
      // {{else if ...}} / {{else with ...}} nests a control node that shares our {{end}}.
      const t = peek();
      if ((kind === 'if' || kind === 'with') && t.t === 'ident' && t.v === kind) {
        next();
        const inner = parseControlNoEnd(kind, t);
        elseList = [inner];
      } else {
        expect('close', 'else');
        const e = parseList(false);
        if (e.end !== 'end') err('expected end; found {{else}}', e.endTok);
        elseList = e.list;
      }
    }
    vars.pop();
    return { kind, pos: pos(kw), pipe, list: body.list, elseList };
  };
  // An `else if` chain: the nested node consumes the outer {{end}}.
  const parseControlNoEnd = (kind: 'if' | 'with', kw: Tok): Node => parseControl(kind, kw);

  const parseAction = (kw: Tok): Node | null => {
    if (kw.t === 'ident') {
      switch (kw.v) {
        case 'if':
        case 'range':
        case 'with':
          next();
          return parseControl(kw.v, kw);
        case 'define': {
          next();
          const nameTok = expect('string', 'define clause');
          expect('close', 'define clause');
          const saved = vars.splice(0, vars.length, ['$']);
          const body = parseList(false);
          if (body.end !== 'end') err('unexpected {{else}}', body.endTok);
          vars.splice(0, vars.length, ...saved);
          trees.set(nameTok.v, body.list);
          return null;
        }
        case 'template':
        case 'block': {
          next();
          const nameTok = expect('string', `${kw.v} clause`);
          let pipe: Pipe | null = null;
          if (peek().t !== 'close') pipe = parsePipe(kw.v, false);
          else next();
          if (kw.v === 'block') {
            const saved = vars.splice(0, vars.length, ['$']);
            const body = parseList(false);
            vars.splice(0, vars.length, ...saved);
            trees.set(nameTok.v, body.list);
          }
          return { kind: 'template', pos: pos(kw), name: nameTok.v, pipe };
        }
        case 'break':
        case 'continue':
          if (rangeDepth === 0) err(`{{${kw.v}}} outside {{range}}`, kw);
          next();
          expect('close', kw.v);
          return { kind: kw.v };
      }
    }
    return { kind: 'action', pos: pos(kw), pipe: parsePipe('command', false) };
  };

  const parsePipe = (ctx: string, isControl: boolean): Pipe => {
    const decl: string[] = [];
    let assign = false;
    // Variable declaration: $x := or $x, $y := (range only).
    if (peek().t === 'var') {
      let q = p;
      const names: string[] = [toks[q]!.v];
      q++;
      if (toks[q]?.t === 'comma' && toks[q + 1]?.t === 'var') {
        names.push(toks[q + 1]!.v);
        q += 2;
      }
      const op = toks[q];
      if (op && (op.t === 'decl' || op.t === 'assign')) {
        p = q + 1;
        assign = op.t === 'assign';
        for (const n of names) {
          if (assign && !hasVar(n)) err(`undefined variable "${n}"`, op);
          if (!assign) vars[vars.length - 1]!.push(n);
          decl.push(n);
        }
      }
    }
    const cmds: Operand[][] = [];
    for (;;) {
      const cmd: Operand[] = [];
      while (peek().t !== 'pipe' && peek().t !== 'close' && peek().t !== 'rparen') {
        if (peek().t === 'eof') err('unclosed action');
        cmd.push(parseOperand());
      }
      if (cmd.length === 0) err(`missing value for ${ctx}`);
      cmds.push(cmd);
      const t = next();
      if (t.t === 'pipe') continue;
      if (t.t === 'rparen') err('unexpected right paren', t);
      break;
    }
    void isControl;
    return { decl, assign, cmds };
  };

  const parseSubPipe = (): Pipe => {
    const cmds: Operand[][] = [];
    for (;;) {
      const cmd: Operand[] = [];
      while (peek().t !== 'pipe' && peek().t !== 'rparen') {
        if (peek().t === 'close' || peek().t === 'eof') err('unclosed left paren');
        cmd.push(parseOperand());
      }
      if (cmd.length === 0) err('missing value for parenthesized pipeline');
      cmds.push(cmd);
      if (next().t === 'rparen') break;
    }
    return { decl: [], assign: false, cmds };
  };

  const fieldChain = (): string[] => {
    const path: string[] = [];
    while (peek().t === 'field' && peek().v !== '' && toks[p]!.off === toks[p - 1]!.off + (toks[p - 1]!.t === 'rparen' ? 1 : lenOf(toks[p - 1]!))) {
      path.push(next().v);
    }
    return path;
  };
  const lenOf = (t: Tok): number => (t.t === 'var' ? t.v.length : t.t === 'field' ? t.v.length + 1 : 0);

  const parseOperand = (): Operand => {
    const tok = next();
    switch (tok.t) {
      case 'field': {
        if (tok.v === '') return { kind: 'field', path: [] };
        const path = [tok.v, ...fieldChain()];
        return { kind: 'field', path };
      }
      case 'var': {
        if (!hasVar(tok.v)) err(`undefined variable "${tok.v}"`, tok);
        return { kind: 'var', name: tok.v, path: fieldChain() };
      }
      case 'string':
        return { kind: 'string', value: tok.v };
      case 'char':
        return { kind: 'number', value: BigInt(tok.v) };
      case 'number':
        return { kind: 'number', value: parseNumber(tok.v, () => err(`bad number syntax: "${tok.v}"`, tok)), text: tok.v };
      case 'lparen': {
        const pipe = parseSubPipe();
        return { kind: 'pipe', pipe, path: fieldChain() };
      }
      case 'ident': {
        if (tok.v === 'true' || tok.v === 'false') return { kind: 'bool', value: tok.v === 'true' };
        if (tok.v === 'nil') return { kind: 'nil' };
        if (KEYWORDS.has(tok.v)) err(`unexpected <${tok.v}> in command`, tok);
        if (!funcs.has(tok.v)) err(`function "${tok.v}" not defined`, tok);
        const at = pos(tok);
        return { kind: 'ident', name: tok.v, line: at.line, col: at.col };
      }
      default:
        return err(`unexpected ${describe(tok)} in operand`, tok);
    }
  };

  const top = parseList(true);
  trees.set(name, top.list);
  return { trees };
}

function parseNumber(s: string, fail: () => never): number | bigint {
  const clean = s.replace(/_/g, '');
  if (/^[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|\d+)$/.test(clean)) {
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[+-]/, '');
    const v = BigInt(/^0[0-7]+$/.test(body) ? '0o' + body.slice(1) : body);
    return neg ? -v : v;
  }
  const n = Number(clean);
  if (Number.isNaN(n)) fail();
  return n;
}
