// promql: the PromQL parser, printer and evaluation engine (Prometheus 2.42 semantics).
export * from './parser/index.js';
export { QueryError, ParseError, formatCaret, type QueryErrorCode, type PositionRange } from './errors.js';
export { Engine, type EngineOptions, type QueryResult, type Value, type RangeSeries, type InstantSample } from './engine/engine.js';
export { parseSeriesDesc, parseMetric, type SeriesDesc, type SequenceValue } from './series.js';
export { formatSampleValue } from './format.js';
export { PromClient, ClientError, parseTimeArg, resolveStep, formatValuePromQL, valueRows, metricString, labelSetString, type ApiData, type ApiMetric } from './client/index.js';
export { pickFormat, renderValue, renderSeries, renderLabelValues, instantQueryText, queryErrorText, type OutputFormat } from './client/render.js';
