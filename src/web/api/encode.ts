/**
 * JSON for query results, written by hand in Prometheus's exact form: label objects with
 * sorted keys, points as [seconds-with-3-digit-millis, "value"], scalar times as Go floats.
 * Matrices are produced one series at a time so the response can stream.
 */
import { formatFloat, Labels } from '../../model/index.js';
import { goEscapeJsonText, formatPointTime, formatPointValue, formatScalarTime } from '../format.js';
import type { ExemplarSeries, QueryValue } from '../types.js';

export function jsonString(s: string): string {
  return goEscapeJsonText(JSON.stringify(s));
}

/** {"name":"value",...} in label-name order (the order Go's map encoding uses). */
export function labelsJson(l: Labels): string {
  const kv = l.kv;
  if (kv.length === 0) return '{}';
  let out = '{';
  for (let i = 0; i < kv.length; i += 2) {
    if (i > 0) out += ',';
    out += jsonString(kv[i]!) + ':' + jsonString(kv[i + 1]!);
  }
  return out + '}';
}

/** The `data` object of /query and /query_range, as chunks (one per series for matrices). */
export function* queryDataChunks(v: QueryValue, stats?: string): Iterable<string> {
  const tail = (stats ? ',"stats":' + stats : '') + '}';
  switch (v.type) {
    case 'scalar':
      yield `{"resultType":"scalar","result":[${formatScalarTime(v.t)},"${formatFloat(v.v)}"]${tail}`;
      return;
    case 'string':
      yield `{"resultType":"string","result":[${formatScalarTime(v.t)},${jsonString(v.v)}]${tail}`;
      return;
    case 'vector': {
      let out = '{"resultType":"vector","result":[';
      const ss = v.samples;
      for (let i = 0; i < ss.length; i++) {
        const s = ss[i]!;
        if (i > 0) out += ',';
        out += `{"metric":${labelsJson(s.metric)},"value":[${formatPointTime(s.t)},"${formatPointValue(s.v)}"]}`;
      }
      yield out + ']' + tail;
      return;
    }
    case 'matrix': {
      // Prometheus's API answers matrices sorted by label set.
      const series = [...v.series].sort((a, b) => Labels.compare(a.metric, b.metric));
      yield '{"resultType":"matrix","result":[';
      for (let i = 0; i < series.length; i++) {
        const s = series[i]!;
        let out = (i > 0 ? ',' : '') + `{"metric":${labelsJson(s.metric)},"values":[`;
        const ts = s.timestamps;
        const vs = s.values;
        for (let j = 0; j < ts.length; j++) {
          if (j > 0) out += ',';
          out += `[${formatPointTime(ts[j]!)},"${formatPointValue(vs[j]!)}"]`;
        }
        yield out + ']}';
      }
      yield ']' + tail;
      return;
    }
  }
}

/**
 * The `data` of /api/v1/query_exemplars: [{"seriesLabels":{..},"exemplars":[{"labels":{..},
 * "value":"6","timestamp":1600096945.479}]}], values and timestamps written as points are.
 */
export function* exemplarDataChunks(res: readonly ExemplarSeries[]): Iterable<string> {
  yield '[';
  for (let i = 0; i < res.length; i++) {
    const r = res[i]!;
    let out = (i > 0 ? ',' : '') + `{"seriesLabels":${labelsJson(r.seriesLabels)},"exemplars":[`;
    for (let j = 0; j < r.timestamps.length; j++) {
      if (j > 0) out += ',';
      out += `{"labels":${labelsJson(r.labels[j]!)},"value":"${formatPointValue(r.values[j]!)}","timestamp":${formatPointTime(r.timestamps[j]!)}}`;
    }
    yield out + ']}';
  }
  yield ']';
}
