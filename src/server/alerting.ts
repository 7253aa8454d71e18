import { globFiles, type Config } from '../config/index.js';
import { Labels } from '../model/index.js';
import { DiscoveryManager } from '../discovery/index.js';
import { Notifier } from '../notifier/index.js';
import { RULE_METRIC_NAMES, RuleManager, RuleMetrics, type RuleCounter } from '../rules/index.js';
import type { Engine } from '../promql/index.js';
import type { Storage } from '../storage/index.js';
import type { Logger } from '../log/index.js';
import type { ServerOptions } from './flags.js';
import type { SelfMetrics } from './metrics.js';
import { PROMTS_VERSION } from './version.js';

/** The rule manager and the Alertmanager notifier, with the notifier's own discovery. */
export interface Alerting {
  readonly rules: RuleManager;
  readonly notifier: Notifier;
  /** Applies a (re)loaded config; throws (keeping the old rules) when a rule file is bad. */
  apply(cfg: Config): Promise<void>;
  stop(): Promise<void>;
}

export function startAlerting(opts: ServerOptions, storage: Storage, engine: Pick<Engine, 'instantQuery'>, logger: Logger, metrics: SelfMetrics): Alerting {
  const discovery = new DiscoveryManager({ logger: logger.with({ component: 'discovery manager notify' }), userAgent: `promts/${PROMTS_VERSION}` });
  const notifier = new Notifier({ queueCapacity: opts.notificationQueueCapacity, discovery, logger: logger.with({ component: 'notifier' }), userAgent: `promts/${PROMTS_VERSION}` });
  const ruleMetrics = new RuleMetrics();
  const rules = new RuleManager({
    appendable: storage,
    queryable: storage,
    engine,
    externalURL: (opts.externalUrl || `http://${opts.raw['web.listen-address']}`).replace(/\/+$/, ''),
    notify: (alerts) => notifier.send(alerts),
    resendDelay: opts.rules.resendDelay,
    outageTolerance: opts.rules.outageTolerance,
    forGracePeriod: opts.rules.gracePeriod,
    logger: logger.with({ component: 'rule manager' }),
    metrics: ruleMetrics,
  });
  registerAlertingMetrics(metrics, ruleMetrics, notifier);
  return {
    rules,
    notifier,
    async apply(cfg) {
      await notifier.applyConfig(cfg);
      const files = [...new Set(cfg.rule_files.flatMap((p) => globFiles(p)))];
      await rules.update(files, cfg.global.evaluation_interval, Labels.fromObject(cfg.global.external_labels));
    },
    async stop() {
      await rules.stop();
      await notifier.stop();
      discovery.stop();
    },
  };
}

function registerAlertingMetrics(m: SelfMetrics, rm: RuleMetrics, n: Notifier): void {
  const counters = new Set<string>(['evalTotal', 'evalFailures', 'iterationsMissed', 'iterationsTotal'] satisfies RuleCounter[]);
  for (const [key, name] of Object.entries(RULE_METRIC_NAMES)) {
    const kind = counters.has(key) ? 'counter' : 'gauge';
    m.labelledFn(kind, name, `Prometheus rule metric ${name.replace(/^prometheus_rule_/, '')}.`, 'rule_group', () => rm.values.get(key as keyof typeof RULE_METRIC_NAMES) ?? new Map());
  }
  m.labelledFn('counter', 'prometheus_notifications_sent_total', 'Total number of alerts sent.', 'alertmanager', () => n.metrics.sent);
  m.labelledFn('counter', 'prometheus_notifications_errors_total', 'Total number of errors sending alert notifications.', 'alertmanager', () => n.metrics.errors);
  m.counterFn('prometheus_notifications_dropped_total', 'Total number of alerts dropped due to errors when sending to Alertmanager.', () => n.metrics.dropped);
  m.gaugeFn('prometheus_notifications_queue_length', 'The number of alert notifications in the queue.', () => n.queueLength());
  m.gaugeFn('prometheus_notifications_queue_capacity', 'The capacity of the alert notifications queue.', () => n.queueCapacity());
  m.gaugeFn('prometheus_notifications_alertmanagers_discovered', 'The number of alertmanagers discovered and active.', () => n.alertmanagers().activeAlertmanagers.length);
}
