import type { Logger } from '../log/index.js';

/**
 * A set of targets sharing labels, as a discovery provider reports it (Prometheus's
 * targetgroup.Group). `source` identifies the group within its provider: a later group
 * with the same source replaces it, and one with no targets removes it.
 */
export interface TargetGroup {
  readonly source: string;
  /** Each target's own labels; `__address__` at least. */
  readonly targets: readonly Readonly<Record<string, string>>[];
  /** Labels shared by every target of the group (a target's own labels win). */
  readonly labels: Readonly<Record<string, string>>;
}

/** What a provider is given when it starts. */
export interface DiscovererContext {
  readonly logger: Logger;
  /** Aborted when the provider must stop (config reload removed it, or shutdown). */
  readonly signal: AbortSignal;
  /** Sends groups (all of them, or only the ones that changed). Safe to call at any time. */
  readonly send: (groups: readonly TargetGroup[]) => void;
}

/**
 * One running service-discovery mechanism for one config entry. `run` returns when the
 * signal aborts. Providers for new mechanisms (kubernetes, consul, ...) implement this and
 * register a factory under their YAML key with registerDiscoverer().
 */
export interface Discoverer {
  run(ctx: DiscovererContext): Promise<void>;
}

export type DiscovererFactory = (config: unknown, opts: { readonly name: string }) => Discoverer;
