// The block half of promtool tsdb list / analyze / dump: text exactly as promtool prints it.
export { formatBlockList } from './list.js';
export { analyzeBlock, pickBlock, AnalyzeError } from './analyze.js';
export { dumpSamples, dumpDataDir, HeadNeededError, formatCliError, type OpenWithHead } from './dump.js';
export { parseSeriesSelector, SelectorParseError } from './selector.js';
export { formatGoDuration, formatGoG, formatBase2Bytes, formatGoUTCSeconds, tabwrite } from './gofmt.js';
