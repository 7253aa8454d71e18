// Lexer tokens shared by both text parsers. Their names appear in error messages
// ("expected label value, got \"INVALID\""), so they match Prometheus's token names.
export const T_INVALID = -1;
export const T_EOF = 0;
export const T_LINEBREAK = 2;
export const T_WHITESPACE = 3;
export const T_HELP = 4;
export const T_TYPE = 5;
export const T_UNIT = 6;
export const T_EOFWORD = 7;
export const T_TEXT = 8;
export const T_COMMENT = 9;
export const T_MNAME = 11;
export const T_BOPEN = 12;
export const T_BCLOSE = 13;
export const T_LNAME = 14;
export const T_LVALUE = 15;
export const T_COMMA = 16;
export const T_EQUAL = 17;
export const T_TIMESTAMP = 18;
export const T_VALUE = 19;

const NAMES: Record<number, string> = {
  [T_INVALID]: 'INVALID', [T_EOF]: 'EOF', [T_LINEBREAK]: 'LINEBREAK', [T_WHITESPACE]: 'WHITESPACE', [T_HELP]: 'HELP',
  [T_TYPE]: 'TYPE', [T_UNIT]: 'UNIT', [T_EOFWORD]: 'EOFWORD', [T_TEXT]: 'TEXT', [T_COMMENT]: 'COMMENT', 10: 'BLANK',
  [T_MNAME]: 'MNAME', [T_BOPEN]: 'BOPEN', [T_BCLOSE]: 'BCLOSE', [T_LNAME]: 'LNAME', [T_LVALUE]: 'LVALUE',
  [T_COMMA]: 'COMMA', [T_EQUAL]: 'EQUAL', [T_TIMESTAMP]: 'TIMESTAMP', [T_VALUE]: 'VALUE',
};

export function tokenName(t: number): string {
  return NAMES[t] ?? `<invalid: ${t}>`;
}

/** Go's %q of a token: its name in quotes. */
export function qtok(t: number): string {
  return '"' + tokenName(t) + '"';
}

// Lexer start conditions (same numbering as Prometheus's lexers).
export const S_INIT = 0;
export const S_COMMENT = 1;
export const S_META1 = 2;
export const S_META2 = 3;
export const S_LABELS = 4;
export const S_LVALUE = 5;
export const S_VALUE = 6;
export const S_TIMESTAMP = 7;
export const S_EXEMPLAR = 8;
export const S_EVALUE = 9;
export const S_ETIMESTAMP = 10;

// Byte classes.
export const isM = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
export const isMD = (c: number): boolean => isM(c) || (c >= 0x30 && c <= 0x39);
export const isL = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
export const isLD = (c: number): boolean => isL(c) || (c >= 0x30 && c <= 0x39);
