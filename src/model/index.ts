// model: the vocabulary every other area speaks. Imports nothing from src/ but itself.
export { Labels, LabelsBuilder, METRIC_NAME, compareStrings, quoteLabelValue, goQuote, isValidLabelName, isValidMetricName } from './labels.js';
export { Matcher, type MatchType } from './matcher.js';
export { AnchoredRegex, RegexError } from './regex.js';
export { parseDuration, formatDuration, DurationError, asUnixMs, asDurationMs, type UnixMs, type DurationMs } from './time.js';
export { STALE_NAN, isStaleNaN, formatFloat } from './value.js';
export { PromtsError, formatPosition, type FilePosition } from './errors.js';
export { sleep } from './sleep.js';
export { undici } from './undici.js';
export { lazyPackage } from './lazy.js';
