// dns_sd_configs: SRV, A, AAAA and MX lookups every refresh_interval (Prometheus 2.42
// discovery/dns). One group per name, source = the name; a failed lookup keeps the previous group.
import { promises as dnsPromises } from 'node:dns';
import type { DNSSDConfig } from '../config/index.js';
import { sleep } from '../model/index.js';
import type { Discoverer, DiscovererContext, TargetGroup } from './types.js';

/** The lookups used; tests inject a fake, production uses node:dns. */
export interface DnsResolver {
  resolveSrv(name: string): Promise<{ name: string; port: number; priority: number; weight: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
}

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
/** Go's resolver returns rooted names ("host.example."); node's do not. */
const rooted = (n: string): string => (n.endsWith('.') ? n : n + '.');

export class DnsDiscoverer implements Discoverer {
  constructor(
    private readonly cfg: DNSSDConfig,
    private readonly resolver: DnsResolver = new dnsPromises.Resolver(),
  ) {}

  async lookup(name: string): Promise<TargetGroup> {
    const targets: Record<string, string>[] = [];
    const add = (address: string, srvTarget = '', srvPort = '', mxTarget = ''): void => {
      targets.push({ __address__: address, __meta_dns_name: name, __meta_dns_srv_record_target: srvTarget, __meta_dns_srv_record_port: srvPort, __meta_dns_mx_record_target: mxTarget });
    };
    switch (this.cfg.type ?? 'SRV') {
      case 'SRV':
        for (const r of await this.resolver.resolveSrv(name)) add(hostPort(r.name.replace(/\.+$/, ''), r.port), rooted(r.name), String(r.port));
        break;
      case 'A':
        for (const a of await this.resolver.resolve4(name)) add(hostPort(a, this.cfg.port));
        break;
      case 'AAAA':
        for (const a of await this.resolver.resolve6(name)) add(hostPort(a, this.cfg.port));
        break;
      case 'MX':
        for (const r of await this.resolver.resolveMx(name)) add(hostPort(r.exchange.replace(/\.+$/, ''), this.cfg.port), '', '', rooted(r.exchange));
        break;
    }
    return { source: name, targets, labels: {} };
  }

  async run(ctx: DiscovererContext): Promise<void> {
    while (!ctx.signal.aborted) {
      const groups: TargetGroup[] = [];
      await Promise.all(this.cfg.names.map(async (name) => {
        try {
          groups.push(await this.lookup(name));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // No such name / no records: an empty group, like Go's lookup returning no answers.
          if (code === 'ENOTFOUND' || code === 'ENODATA') groups.push({ source: name, targets: [], labels: {} });
          else ctx.logger.error('Error refreshing DNS targets', { err: (e as Error).message });
        }
      }));
      if (groups.length > 0 && !ctx.signal.aborted) ctx.send(groups);
      await sleep(this.cfg.refresh_interval || 30_000, ctx.signal);
    }
  }
}
