import type { ServiceOptions } from './options.js';

/**
 * The prometheus.yml written on first install: promts scraping itself, so the dashboard
 * has data from minute one. It is written only when no file is there; a user's config is
 * never overwritten (not even with --force).
 */
export function defaultConfig(o: ServiceOptions): string {
  return [
    '# Written by `promts install-service` because no config was here. It is yours now:',
    `# install-service never overwrites it. After editing: systemctl reload ${o.unitName}`,
    '# (check it first with: promts check config ' + o.configFile + ')',
    'global:',
    '  scrape_interval: 15s',
    '  evaluation_interval: 15s',
    '',
    'scrape_configs:',
    '  - job_name: promts',
    '    static_configs:',
    `      - targets: ['${o.listen.dial}']`,
    '',
  ].join('\n');
}
