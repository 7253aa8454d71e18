// A synthetic target farm: one HTTP server whose /metrics/<i> paths are N distinct targets,
// each exposing `seriesPerTarget` series (counters and gauges that change every scrape).
import { createServer, type Server } from 'node:http';

export interface Farm {
  port: number;
  targets: string[];
  close(): Promise<void>;
}

export async function startFarm(targets: number, seriesPerTarget: number): Promise<Farm> {
  const bodies: string[][] = [];
  for (let t = 0; t < targets; t++) {
    const lines: string[] = [];
    for (let s = 0; s < seriesPerTarget; s++) {
      lines.push(`farm_requests_total{target="${t}",handler="/api/v${s % 7}",code="${200 + (s % 5)}",shard="${s}"} `);
    }
    bodies.push(lines);
  }
  let tick = 0;
  const server: Server = createServer((req, res) => {
    const m = /^\/metrics\/(\d+)$/.exec(req.url ?? '');
    const lines = m ? bodies[Number(m[1])] : undefined;
    if (!lines) {
      res.writeHead(404).end();
      return;
    }
    tick++;
    let body = '# HELP farm_requests_total Synthetic requests.\n# TYPE farm_requests_total counter\n';
    for (let i = 0; i < lines.length; i++) body += lines[i] + (tick * 10 + i) + '\n';
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
  });
  // Go exporters keep idle connections open; Node closes them after 5 s, right when the next scrape comes.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    targets: Array.from({ length: targets }, (_, i) => `127.0.0.1:${port}/${i}`),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A prometheus.yml with one job per target (metrics_path differs per target). */
export function farmConfig(farm: Farm, interval: string): string {
  let y = `global:\n  scrape_interval: ${interval}\n  scrape_timeout: ${interval}\nscrape_configs:\n`;
  farm.targets.forEach((_, i) => {
    y += `  - job_name: farm-${i}\n    metrics_path: /metrics/${i}\n    static_configs:\n      - targets: ['127.0.0.1:${farm.port}']\n`;
  });
  return y;
}
