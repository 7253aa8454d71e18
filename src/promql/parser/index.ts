export * from './ast.js';
export { parseExpr, parseGoNumber } from './parser.js';
export { formatExpr, formatGoFloat, prettyExpr } from './printer.js';
export { FUNCTIONS, AT_MODIFIER_UNSAFE_FUNCTIONS, type FunctionDef } from './functions.js';
export { Lexer, type Token, unquoteString } from './lexer.js';
