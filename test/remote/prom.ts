// Helpers for tests that run Debian's prometheus 2.42 against handlers served in-process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianBinary, freePort, startProcess, waitForHttp, type RunningProcess } from '../helpers/index.js';
import { Labels } from '../../src/model/index.js';
import type { Queryable } from '../../src/storage/index.js';

export const promBinary = debianBinary('prometheus');

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): Promise<{ server: Server; port: number }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, port };
}

export async function startPrometheus(dir: string, configYaml: string): Promise<{ proc: RunningProcess; port: number }> {
  const port = await freePort();
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, configYaml);
  const proc = startProcess(promBinary!, [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']);
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, proc);
  return { proc, port };
}

/** Raw samples Prometheus holds for a selector over the last `range`. */
export async function promSamples(port: number, selector: string, range = '10m'): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(`${selector}[${range}]`)}`);
  const j = (await r.json()) as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  return j.data.result;
}

/** Samples of one series in a Queryable as "t:v" strings (t in ms). */
export function storedSamples(q: Queryable, labels: Record<string, string>): string[] {
  const querier = q.querier(-Infinity, Infinity);
  try {
    const want = Labels.fromObject(labels);
    const ss = querier.select(false, undefined);
    while (ss.next()) {
      const s = ss.at();
      if (!s.labels.equals(want)) continue;
      const it = s.iterator();
      const out: string[] = [];
      while (it.next()) out.push(`${it.t}:${it.v}`);
      return out;
    }
    return [];
  } finally {
    querier.close();
  }
}
