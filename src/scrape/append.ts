// Appending one scrape body (Prometheus's scrapeLoop.append): parse, resolve each series
// through the cache (relabeling only on a miss), enforce limits, append, then staleness
// markers for series that disappeared. Any error means the caller rolls the batch back.
import type { RelabelConfig } from '../config/index.js';
import { Labels, LabelsBuilder, STALE_NAN, isStaleNaN, PromtsError } from '../model/index.js';
import { relabel } from '../relabel/index.js';
import { StorageError, type Appender, type SeriesRef } from '../storage/index.js';
import { Entry, TextParseError, newParser } from '../textparse/index.js';
import type { ScrapeCache } from './cache.js';

export class ScrapeError extends PromtsError {}

export interface LabelLimits {
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
}

export interface AppendOptions {
  readonly targetLabels: Labels;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly metricRelabelConfigs: readonly RelabelConfig[];
  readonly sampleLimit: number;
  readonly limits: LabelLimits;
}

export interface AppendResult {
  total: number;
  added: number;
  seriesAdded: number;
  /** Per-sample rejections Prometheus only logs (out of order, duplicate, out of bounds). */
  outOfOrder: number;
  duplicates: number;
  outOfBounds: number;
}

/** Samples more than 10 minutes in the future are refused, as Prometheus's timeLimitAppender does. */
const MAX_AHEAD_MS = 10 * 60 * 1000;

/**
 * Target labels and honor_labels, then metric_relabel_configs (mutateSampleLabels).
 * Returns null when relabeling dropped the series.
 */
export function mutateSampleLabels(lset: Labels, target: Labels, honor: boolean, rc: readonly RelabelConfig[]): Labels | null {
  const lb = new LabelsBuilder(lset);
  if (honor) {
    for (let i = 0; i < target.length; i++) if (!lset.has(target.name(i))) lb.set(target.name(i), target.value(i));
  } else {
    const conflicts: [string, string][] = [];
    for (let i = 0; i < target.length; i++) {
      const existing = lset.get(target.name(i));
      if (existing !== '') conflicts.push([target.name(i), existing]);
      lb.set(target.name(i), target.value(i));
    }
    if (conflicts.length > 0) {
      // Exposed labels that clash with target labels move to exported_<name> (repeatedly
      // prefixed until the name is free), shortest names first.
      conflicts.sort((a, b) => a[0].length - b[0].length);
      for (let i = 0; i < conflicts.length; i++) {
        let name = conflicts[i]![0];
        for (;;) {
          name = 'exported_' + name;
          if (!lset.has(name) && !target.has(name) && !conflicts.slice(0, i).some((c) => c[0] === name)) break;
        }
        conflicts[i]![0] = name;
      }
      for (const [n, v] of conflicts) lb.set(n, v);
    }
  }
  const res = lb.labels();
  return rc.length > 0 ? relabel(res, rc) : res;
}

/** Report series take target labels over their own (mutateReportSampleLabels). */
export function mutateReportSampleLabels(lset: Labels, target: Labels): Labels {
  const lb = new LabelsBuilder(lset);
  for (let i = 0; i < target.length; i++) {
    lb.set('exported_' + target.name(i), lset.get(target.name(i)));
    lb.set(target.name(i), target.value(i));
  }
  return lb.labels();
}

export function verifyLabelLimits(lset: Labels, l: LabelLimits): void {
  const met = lset.metricName().slice(0, 50);
  if (l.labelLimit > 0 && lset.length > l.labelLimit) {
    throw new ScrapeError('label_limit', `label_limit exceeded (metric: ${met}, number of labels: ${lset.length}, limit: ${l.labelLimit})`, 'Raise label_limit or drop labels with metric_relabel_configs.');
  }
  if (l.labelNameLengthLimit === 0 && l.labelValueLengthLimit === 0) return;
  for (let i = 0; i < lset.length; i++) {
    const n = lset.name(i);
    const v = lset.value(i);
    if (l.labelNameLengthLimit > 0 && n.length > l.labelNameLengthLimit) {
      throw new ScrapeError('label_name_length_limit', `label_name_length_limit exceeded (metric: ${met}, label name: ${n.slice(0, 50)}, length: ${n.length}, limit: ${l.labelNameLengthLimit})`, 'Raise label_name_length_limit or rename the label.');
    }
    const vlen = Buffer.byteLength(v);
    if (l.labelValueLengthLimit > 0 && vlen > l.labelValueLengthLimit) {
      throw new ScrapeError('label_value_length_limit', `label_value_length_limit exceeded (metric: ${met}, label name: ${n.slice(0, 50)}, value: ${JSON.stringify(v.slice(0, 50))}, length: ${vlen}, limit: ${l.labelValueLengthLimit})`, 'Raise label_value_length_limit or shorten the value.');
    }
  }
}

/**
 * Appends one scrape body at `defTime`. An empty body (a failed scrape) only writes staleness
 * markers for everything the previous scrape had. Throws ScrapeError / TextParseError /
 * StorageError when the scrape must fail; the caller then rolls back.
 */
export function newAppendResult(): AppendResult {
  return { total: 0, added: 0, seriesAdded: 0, outOfOrder: 0, duplicates: 0, outOfBounds: 0 };
}

/** `r` is filled in as samples go, so counts survive a failure (they are reported). */
export function appendScrape(app: Appender, cache: ScrapeCache, body: Uint8Array, contentType: string | undefined, defTime: number, o: AppendOptions, r: AppendResult): void {
  const p = newParser(body, contentType);
  const b = p.bytes;
  let appended = 0;
  let sampleLimitHit = false;
  const maxTime = Date.now() + MAX_AHEAD_MS;
  for (let et = p.next(); et !== Entry.EOF; et = p.next()) {
    switch (et) {
      case Entry.Type: {
        const t = p.type();
        cache.setMetadata(p.metaName(), (m) => (m.type = t));
        continue;
      }
      case Entry.Help: {
        const h = p.help();
        cache.setMetadata(p.metaName(), (m) => (m.help = h));
        continue;
      }
      case Entry.Unit: {
        const u = p.unit();
        cache.setMetadata(p.metaName(), (m) => (m.unit = u));
        continue;
      }
      case Entry.Comment:
        continue;
    }
    r.total++;
    const explicitTs = o.honorTimestamps && p.hasTimestamp;
    const t = explicitTs ? p.timestamp : defTime;
    const s = p.seriesStart;
    const e = p.seriesEnd;
    let ce = cache.get(b, s, e);
    let isNew = false;
    if (ce === undefined) {
      const lset = mutateSampleLabels(p.labels(), o.targetLabels, o.honorLabels, o.metricRelabelConfigs);
      if (lset === null || lset.length === 0) {
        cache.add(b, s, e, 0, null);
        continue;
      }
      if (!lset.has('__name__')) throw new ScrapeError('name_label_mandatory', 'missing metric name (__name__ label)', 'metric_relabel_configs must not remove __name__.');
      verifyLabelLimits(lset, o.limits);
      ce = cache.add(b, s, e, 0, lset);
      isNew = true;
    } else if (ce.lset === null) continue; // dropped by relabeling earlier
    const lset = ce.lset!;
    const v = p.value;
    let ok = false;
    if (o.sampleLimit > 0 && !isStaleNaN(v) && ++appended > o.sampleLimit) {
      // Keep parsing so scrape_samples_scraped still counts everything.
      sampleLimitHit = true;
    } else if (t > maxTime) {
      r.outOfBounds++;
    } else {
      try {
        ce.ref = app.append(ce.ref, lset, t, v);
        ok = true;
      } catch (err) {
        if (!(err instanceof StorageError)) throw err;
        switch (err.code) {
          case 'out_of_order': r.outOfOrder++; break;
          case 'duplicate_sample': r.duplicates++; break;
          case 'out_of_bounds':
          case 'too_old': r.outOfBounds++; break;
          default: throw err;
        }
      }
    }
    // Series with explicit timestamps are never marked stale by us.
    if (ok && !explicitTs) cache.trackStaleness(ce);
    if (isNew && ok && !sampleLimitHit) r.seriesAdded++;
    r.added++;
    if (ok) {
      const ex = p.exemplar();
      if (ex && app.appendExemplar) {
        try {
          app.appendExemplar(ce.ref as SeriesRef, lset, ex.hasTs ? ex : { ...ex, ts: t });
        } catch {
          // Exemplar storage is best effort, as in Prometheus: never fails the scrape.
        }
      }
      if (isNew && app.updateMetadata) {
        const meta = cache.getMetadata(familyName(lset.metricName(), cache));
        if (meta) app.updateMetadata(ce.ref as SeriesRef, lset, meta);
      }
    }
  }
  if (sampleLimitHit) throw new ScrapeError('sample_limit', 'sample limit exceeded', 'Raise sample_limit, or drop series with metric_relabel_configs.');
  cache.forEachStale((st) => {
    try {
      app.append(st.ref, st.lset, defTime, STALE_NAN);
    } catch (err) {
      // Expected when a target goes away and comes back with a new loop.
      if (!(err instanceof StorageError) || (err.code !== 'out_of_order' && err.code !== 'duplicate_sample')) throw err;
    }
    return true;
  });
  cache.iterDone(body.length > 0);
}

/** The metadata family of a series name: itself, or without a histogram/summary suffix. */
function familyName(name: string, cache: ScrapeCache): string {
  if (cache.metadata.has(name)) return name;
  for (const suf of ['_bucket', '_count', '_sum', '_total', '_created', '_info']) {
    if (name.endsWith(suf) && cache.metadata.has(name.slice(0, -suf.length))) return name.slice(0, -suf.length);
  }
  return name;
}

export { TextParseError };
