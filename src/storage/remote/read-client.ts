// The remote_read client side: asks a remote endpoint for series (SAMPLES) with Prometheus
// 2.42's rules for when to ask and how to label. storage.Querier is synchronous in promts,
// so this is an async select() the query layer awaits before evaluating (it returns an
// in-memory SeriesSet), rather than a Querier.
import type { RemoteReadConfig } from '../../config/index.js';
import { Labels, Matcher } from '../../model/index.js';
import { ArraySampleIterator, ArraySeriesSet, type SampleIterator, type SelectHints, type Series, type SeriesSet } from '../../storage/index.js';
import { RemoteClient } from './client.js';
import { compress, decompress, readHeaders } from './codec.js';
import { RemoteError } from './errors.js';
import { decodeReadResponse, encodeReadRequest, type MatcherType, type ReadSeries } from './messages.js';

const TYPE_NUM: Record<string, MatcherType> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

class RemoteSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly s: ReadSeries,
  ) {}
  iterator(reuse?: SampleIterator): SampleIterator {
    if (reuse instanceof ArraySampleIterator) return reuse.reset(this.s.ts, this.s.vs);
    return new ArraySampleIterator(this.s.ts, this.s.vs);
  }
}

export class RemoteReader {
  private readonly client: RemoteClient;
  private readonly extNames: string[];

  constructor(
    readonly config: RemoteReadConfig,
    private readonly externalLabels: Readonly<Record<string, string>> = {},
    /**
     * Oldest timestamp the local TSDB holds (ms). With read_recent: false, only time before
     * it is read remotely, as the local storage has the rest.
     */
    private readonly localStartTime: () => number = () => Infinity,
  ) {
    this.client = new RemoteClient({ url: config.url, timeoutMs: config.remote_timeout, headers: config.headers, http: config });
    this.extNames = config.filter_external_labels === false ? [] : Object.keys(externalLabels);
  }

  /**
   * Series matching `matchers` in [mint, maxt], sorted by labels. Returns an empty set when
   * required_matchers are not all present as equality matchers or when read_recent: false
   * leaves no time range to ask for. Throws RemoteError on transport or server errors.
   */
  async select(mint: number, maxt: number, matchers: readonly Matcher[], hints?: SelectHints): Promise<SeriesSet> {
    const req = this.config.required_matchers ?? {};
    for (const [n, v] of Object.entries(req)) {
      if (!matchers.some((m) => m.type === '=' && m.name === n && m.value === v)) return new ArraySeriesSet([]);
    }
    if (!this.config.read_recent) {
      maxt = Math.min(maxt, this.localStartTime());
      if (maxt < mint) return new ArraySeriesSet([]);
    }
    // Ask for this server's external labels too, so a remote holding several servers'
    // data returns ours; they are removed again from the answer.
    const ms = matchers.map((m) => ({ type: TYPE_NUM[m.type]!, name: m.name, value: m.value }));
    const added: string[] = [];
    for (const n of this.extNames) {
      if (!matchers.some((m) => m.name === n)) {
        ms.push({ type: 0, name: n, value: this.externalLabels[n]! });
        added.push(n);
      }
    }
    const body = compress(
      encodeReadRequest({
        queries: [{ startMs: mint, endMs: maxt, matchers: ms, hints: hints ? { stepMs: hints.step ?? 0, func: hints.func ?? '', startMs: hints.start, endMs: hints.end, grouping: [], by: false, rangeMs: hints.range ?? 0 } : undefined }],
        acceptedResponseTypes: [0],
      }),
    );
    const res = await this.client.post(body, readHeaders());
    let results: ReadSeries[][];
    try {
      results = decodeReadResponse(decompress(res));
    } catch (e) {
      throw new RemoteError('remote_read', `error reading response: ${String(e)}`, 'The remote read endpoint did not answer with a snappy ReadResponse.');
    }
    const series = (results[0] ?? []).map((s) => new RemoteSeries(added.length > 0 ? s.labels.without(...added) : s.labels, s));
    series.sort((a, b) => Labels.compare(a.labels, b.labels));
    return new ArraySeriesSet(series);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** One RemoteReader per remote_read entry. */
export function remoteReaders(cfgs: readonly RemoteReadConfig[], externalLabels: Readonly<Record<string, string>>, localStartTime?: () => number): RemoteReader[] {
  return cfgs.map((c) => new RemoteReader(c, externalLabels, localStartTime));
}
