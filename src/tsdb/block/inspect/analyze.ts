// `promtool tsdb analyze`: churn, label cardinality and (extended) chunk fullness of a block.
import { PromtsError } from '../../../model/index.js';
import type { SeriesEntry } from '../../index/index.js';
import { Labels } from '../../../model/index.js';
import type { Block } from '../block.js';
import type { RawChunk } from '../chunks.js';
import { formatGoDuration } from './gofmt.js';

export class AnalyzeError extends PromtsError {}

/**
 * The block promtool would analyze: the one with the given ULID, else the newest (last by
 * minTime). Throws with promtool's wording when there is none.
 */
export function pickBlock(blocks: readonly Block[], id: string | undefined): Block {
  if (blocks.length === 0) throw new AnalyzeError('no_blocks', 'no blocks found', 'point at a data dir that holds block directories');
  if (id === undefined || id === '') return blocks[blocks.length - 1]!;
  const b = blocks.find((x) => x.meta.ulid === id);
  if (!b) throw new AnalyzeError('block_not_found', `block ${id} not found`, `run "promts tsdb list" to see the block ULIDs`);
  return b;
}

interface Info {
  key: string;
  n: number;
}

/** Most first; ties by key so our output is stable (promtool's tie order is random). */
function top(m: Map<string, number> | Info[], limit: number): string {
  const infos: Info[] = Array.isArray(m) ? m : [...m].map(([key, n]) => ({ key, n }));
  infos.sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let out = '';
  for (let i = 0; i < infos.length && i < limit; i++) out += `${infos[i]!.n} ${infos[i]!.key}\n`;
  return out;
}

export function analyzeBlock(block: Block, limit: number, extended: boolean): string {
  const meta = block.meta;
  const ir = block.index;
  const range = meta.maxTime - meta.minTime;
  let out = `Block ID: ${meta.ulid}\n`;
  // Prometheus timestamps are ms.
  out += `Duration: ${formatGoDuration(range)}\n`;
  out += `Series: ${meta.stats.numSeries ?? 0}\n`;
  const names = ir.labelNames();
  out += `Label names: ${names.length}\n`;

  const labelsUncovered = new Map<string, number>();
  const pairsUncovered = new Map<string, number>();
  const pairsCount = new Map<string, number>();
  let entries = 0;
  const e: SeriesEntry = { labels: Labels.EMPTY, chunks: [] };
  for (const id of ir.allPostings()) {
    ir.readSeries(id, e);
    const cs = e.chunks;
    // Amount of the block's time range this series does not cover.
    const uncovered = cs.length === 0 ? range : range - (cs[cs.length - 1]!.maxt - cs[0]!.mint);
    const kv = e.labels.kv;
    for (let i = 0; i < kv.length; i += 2) {
      const key = kv[i]! + '=' + kv[i + 1]!;
      labelsUncovered.set(kv[i]!, (labelsUncovered.get(kv[i]!) ?? 0) + uncovered);
      pairsUncovered.set(key, (pairsUncovered.get(key) ?? 0) + uncovered);
      pairsCount.set(key, (pairsCount.get(key) ?? 0) + 1);
      entries++;
    }
  }
  out += `Postings (unique label pairs): ${pairsUncovered.size}\n`;
  out += `Postings entries (total label pairs): ${entries}\n`;
  const churn = (m: Map<string, number>): Info[] => [...m].map(([key, n]) => ({ key, n: Math.trunc(n / range) }));
  out += `\nLabel pairs most involved in churning:\n${top(churn(pairsUncovered), limit)}`;
  out += `\nLabel names most involved in churning:\n${top(churn(labelsUncovered), limit)}`;
  out += `\nMost common label pairs:\n${top(pairsCount, limit)}`;

  const cumLen: Info[] = [];
  const card: Info[] = [];
  for (const n of names) {
    const vals = ir.labelValues(n);
    let len = 0;
    for (const v of vals) len += Buffer.byteLength(v, 'utf8');
    cumLen.push({ key: n, n: len });
    card.push({ key: n, n: vals.length });
  }
  out += `\nLabel names with highest cumulative label value length:\n${top(cumLen, limit)}`;
  out += `\nHighest cardinality labels:\n${top(card, limit)}`;
  const metrics: Info[] = [];
  ir.forEachPostings('__name__', (v, p) => metrics.push({ key: v, n: p.length }));
  out += `\nHighest cardinality metric names:\n${top(metrics, limit)}`;
  if (extended) out += analyzeCompaction(block);
  return out;
}

/** Histogram of chunk fullness in tenths of 120 samples, as percentages of all chunks. */
function analyzeCompaction(block: Block): string {
  const maxSamples = 120;
  const nBuckets = 10;
  const hist = new Array<number>(nBuckets).fill(0);
  let total = 0;
  const ir = block.index;
  const e: SeriesEntry = { labels: Labels.EMPTY, chunks: [] };
  const raw: RawChunk = { encoding: 0, data: new Uint8Array(0) };
  for (const id of ir.allPostings()) {
    for (const c of ir.readSeries(id, e).chunks) {
      block.chunks.chunk(c.ref, raw);
      // XOR and histogram chunks alike keep the sample count in their first two bytes.
      const n = raw.data.length < 2 ? 0 : (raw.data[0]! << 8) | raw.data[1]!;
      const size = Math.min(n, maxSamples);
      hist[Math.ceil((nBuckets * size) / maxSamples) - 1]!++;
      total++;
    }
  }
  let out = '\nCompaction analysis:\nFullness: Amount of samples in chunks (100% is 120 samples)\n';
  hist.forEach((count, b) => {
    const pct = total === 0 ? 0 : Math.trunc((100 * count) / total);
    out += `${String((b + 1) * 10).padStart(7)}%: ${'#'.repeat(pct)}\n`;
  });
  return out;
}
