import type { StaticConfig } from '../config/index.js';
import type { Discoverer, DiscovererContext, TargetGroup } from './types.js';

/** static_configs: each entry is one group, with source = its index (as Prometheus). */
export function staticGroups(cfgs: readonly StaticConfig[]): TargetGroup[] {
  return cfgs.map((c, i) => ({ source: String(i), targets: c.targets.map((t) => ({ __address__: t })), labels: { ...c.labels } }));
}

export class StaticDiscoverer implements Discoverer {
  constructor(private readonly groups: readonly TargetGroup[]) {}
  async run(ctx: DiscovererContext): Promise<void> {
    ctx.send(this.groups);
  }
}
