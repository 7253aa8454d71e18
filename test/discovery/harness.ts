// Runs a discoverer the way the discovery manager does and keeps its current groups, for
// the per-mechanism tests.
import { createLogger } from '../../src/log/index.js';
import type { Discoverer, TargetGroup } from '../../src/discovery/index.js';

export interface RunningDiscoverer {
  groups: Map<string, TargetGroup>;
  logs: string[];
  stop: () => Promise<void>;
}

export function runDiscoverer(d: Discoverer, level: 'info' | 'debug' = 'debug'): RunningDiscoverer {
  const groups = new Map<string, TargetGroup>();
  const logs: string[] = [];
  const ac = new AbortController();
  const done = d.run({
    logger: createLogger({ level, write: (l) => logs.push(l) }),
    signal: ac.signal,
    send: (gs) => {
      for (const g of gs) {
        if (g.targets.length === 0) groups.delete(g.source);
        else groups.set(g.source, g);
      }
    },
  });
  return { groups, logs, stop: async () => (ac.abort(), await done) };
}

/** Every target address of the groups, sorted. */
export const addrs = (groups: Map<string, TargetGroup>): string[] => [...groups.values()].flatMap((g) => g.targets.map((t) => t['__address__']!)).sort();
