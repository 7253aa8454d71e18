// Starts Debian's VictoriaMetrics on 127.0.0.1 and reads raw samples back from it.
import { debianBinary, startProcess, waitForHttp, type RunningProcess } from '../helpers/index.js';

export const vmBinary = debianBinary('victoria-metrics');

export async function startVM(port: number, dataDir: string): Promise<RunningProcess> {
  const p = startProcess(vmBinary!, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, '-retentionPeriod=100y', '-search.disableCache', '-loggerLevel=ERROR']);
  await waitForHttp(`http://127.0.0.1:${port}/health`, 30_000, p);
  return p;
}

export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/** All raw samples of series matching `match`, after forcing VictoriaMetrics to flush. */
export async function exportSeries(port: number, match: string): Promise<ExportedSeries[]> {
  await fetch(`http://127.0.0.1:${port}/internal/force_flush`);
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/export?match[]=${encodeURIComponent(match)}&start=0&end=${Math.floor(Date.now() / 1000) + 86_400}`);
  const text = await r.text();
  if (!r.ok) throw new Error(`export: HTTP ${r.status}: ${text}`);
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ExportedSeries);
}

/** Number of samples VictoriaMetrics holds for `match`. */
export async function countSamples(port: number, match: string): Promise<number> {
  return (await exportSeries(port, match)).reduce((a, s) => a + s.values.length, 0);
}
