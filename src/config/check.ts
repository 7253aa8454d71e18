/**
 * `promtool check config`: load each file, then (unless --syntax-only) check what it refers
 * to: rule files exist and are valid, credential/TLS files exist, file_sd files parse and
 * their targets survive relabeling. Output lines and exit codes are promtool 2.42's; each
 * failure additionally gets a position line and a hint.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { formatDuration, parseDuration } from '../model/index.js';
import type { AlertmanagerConfig, Config, RelabelConfig, ScrapeConfig, StaticConfig, TLSConfig } from './types.js';
import { ConfigError, goQuote } from './errors.js';
import { loadConfigFile, ruleFilePosition } from './load.js';
import { positionOf } from './positions.js';
import type { FilePosition } from '../model/index.js';
import { globFiles } from './glob.js';
import { Decoder } from './yaml.js';
import { isLegacyLabelName } from './relabel.js';
import { relabel } from '../relabel/index.js';
import { Labels } from '../model/index.js';

export type LintMode = 'all' | 'duplicate-rules' | 'none';

export interface CheckConfigOptions {
  syntaxOnly?: boolean;
  agent?: boolean;
  /** Comma-separated promtool lint settings; default "duplicate-rules". */
  lint?: string;
  lintFatal?: boolean;
  /**
   * Checks one rule file the config references (src/rules's checkRuleFileForConfig; config
   * cannot import rules, which imports config). Returns the rule count, errors and a lint note.
   */
  checkRuleFile: (file: string, opts: { lintDuplicates: boolean }) => { rules: number; errors: string[]; lint?: string };
}

export interface CheckOutput {
  stdout(line: string): void;
  stderr(line: string): void;
}

export const SUCCESS_EXIT = 0;
export const FAILURE_EXIT = 1;
export const LINT_EXIT = 3;

/** Runs the whole check over files, writing promtool's lines; returns the exit code. */
export function runCheckConfig(files: readonly string[], opts: CheckConfigOptions, out: CheckOutput): number {
  let failed = false;
  let hasErrors = false;
  const lintDuplicates = parseLint(opts.lint ?? 'duplicate-rules', out);
  for (const f of files) {
    out.stdout(`Checking ${f}`);
    let ruleFiles: string[] = [];
    try {
      ruleFiles = checkConfig(f, opts, out);
      if (ruleFiles.length > 0) out.stdout(`  SUCCESS: ${ruleFiles.length} rule files found`);
      out.stdout(` SUCCESS: ${f} is valid prometheus config file syntax`);
    } catch (e) {
      const err = e instanceof ConfigError ? e : new ConfigError('config_file_check', e instanceof Error ? e.message : String(e));
      out.stderr(`  FAILED: ${err.message}`);
      for (const line of explain(err)) out.stderr(line);
      failed = true;
      hasErrors = true;
    }
    out.stdout('');
    for (const rf of ruleFiles) {
      out.stdout(`Checking ${rf}`);
      const res = opts.checkRuleFile(rf, { lintDuplicates });
      if (res.errors.length > 0 || res.lint) {
        out.stderr('  FAILED:');
        for (const e of res.errors) out.stderr(`     ${e}`);
        if (res.lint) out.stderr(`     ${res.lint}`);
        failed = true;
        if (res.errors.length > 0) hasErrors = true;
      } else {
        out.stdout(`  SUCCESS: ${res.rules} rules found`);
      }
      out.stdout('');
    }
  }
  if (failed && hasErrors) return FAILURE_EXIT;
  if (failed && opts.lintFatal) return LINT_EXIT;
  return SUCCESS_EXIT;
}

function parseLint(s: string, out: CheckOutput): boolean {
  let dup = false;
  for (const item of s.split(',')) {
    if (item === 'all' || item === 'duplicate-rules') dup = true;
    else if (item !== 'none') out.stdout(`WARNING: unknown lint option ${item}`);
  }
  return dup;
}

/** The extra lines promts prints under a FAILED line: where, the source line with a caret, what to do. */
export function explain(err: ConfigError): string[] {
  const lines: string[] = [];
  const p = err.position;
  if (p && p.line > 0) {
    lines.push(`    at ${p.file}:${p.line}:${p.column}`);
    try {
      const src = readFileSync(p.file, 'utf8').split('\n')[p.line - 1];
      if (src !== undefined && src.length < 300) {
        const gutter = `    ${p.line} | `;
        lines.push(gutter + src.replace(/\t/g, ' '));
        lines.push(' '.repeat(gutter.length + Math.max(0, p.column - 1)) + '^');
      }
    } catch {
      // The position's file is not readable (e.g. parsed from memory): no excerpt.
    }
  }
  if (err.hint) lines.push(`    hint: ${err.hint}`);
  return lines;
}

function fileCheckError(msg: string, file: string, hint: string, pos?: FilePosition): ConfigError {
  return new ConfigError('config_file_check', msg, hint, pos ?? { file, line: 0, column: 0 });
}

function statError(p: string): string | undefined {
  try {
    statSync(p);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `stat ${p}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'not a directory' : (e as Error).message}`;
  }
}

/** promtool's checkConfig for one file: returns the rule files to check next. */
export function checkConfig(file: string, opts: CheckConfigOptions, out: CheckOutput): string[] {
  const cfg: Config = loadConfigFile(file, { agent: opts.agent });
  const syntaxOnly = !!opts.syntaxOnly;
  const ruleFiles: string[] = [];
  if (!syntaxOnly) {
    cfg.rule_files.forEach((rf, i) => {
      const matches = globFiles(rf);
      const pos = ruleFilePosition(cfg, i);
      if (!rf.includes('*')) {
        if (matches.length === 0) throw fileCheckError(`${goQuote(rf)} does not point to an existing file`, file, 'Fix the path in rule_files (relative paths are resolved against the config file\'s folder).', pos);
        const se = statError(matches[0]!);
        if (se) throw fileCheckError(`error checking rule file ${goQuote(matches[0]!)}: ${se}`, file, 'Make the rule file readable.', pos);
      }
      ruleFiles.push(...matches);
    });
  }
  for (const sc of cfg.scrape_configs) {
    if (!syntaxOnly && sc.authorization?.credentials_file) {
      const se = statError(sc.authorization.credentials_file);
      if (se) {
        throw fileCheckError(
          `error checking authorization credentials or bearer token file ${goQuote(sc.authorization.credentials_file)}: ${se}`,
          file,
          `Create the credentials file or fix its path in job "${sc.job_name}".`,
          positionOf(sc.authorization) ?? positionOf(sc),
        );
      }
    }
    checkTLSConfig(sc.tls_config, syntaxOnly, file);
    for (const k of sc.kubernetes_sd_configs ?? []) checkTLSConfig(k.tls_config, syntaxOnly, file);
    if (!syntaxOnly) {
      for (const fsd of sc.file_sd_configs ?? []) {
        for (const pat of fsd.files) {
          const matches = globFiles(pat);
          if (matches.length === 0) {
            out.stdout(`  WARNING: file ${goQuote(pat)} for file_sd in scrape job ${goQuote(sc.job_name)} does not exist`);
            continue;
          }
          for (const m of matches) checkTargetGroupsForScrapeConfig(checkSDFile(m, pat, file, positionOf(fsd)), sc, file);
        }
      }
    }
    if (sc.static_configs) checkTargetGroupsForScrapeConfig(sc.static_configs, sc, file);
  }
  for (const am of cfg.alerting.alertmanagers) {
    if (!syntaxOnly) {
      for (const fsd of am.file_sd_configs ?? []) {
        for (const pat of fsd.files) {
          const matches = globFiles(pat);
          if (matches.length === 0) {
            out.stdout(`  WARNING: file ${goQuote(pat)} for file_sd in alertmanager config does not exist`);
            continue;
          }
          for (const m of matches) checkTargetGroupsForAlertmanager(checkSDFile(m, pat, file, positionOf(fsd)), am, file);
        }
      }
    }
    if (am.static_configs) checkTargetGroupsForAlertmanager(am.static_configs, am, file);
  }
  return ruleFiles;
}

function checkTLSConfig(t: TLSConfig, syntaxOnly: boolean, file: string): void {
  const pos = positionOf(t);
  if (t.cert_file && !t.key_file) throw fileCheckError(`client cert file ${goQuote(t.cert_file)} specified without client key file`, file, 'Set tls_config.key_file next to cert_file.', pos);
  if (t.key_file && !t.cert_file) throw fileCheckError(`client key file ${goQuote(t.key_file)} specified without client cert file`, file, 'Set tls_config.cert_file next to key_file.', pos);
  if (syntaxOnly) return;
  if (t.cert_file) {
    const se = statError(t.cert_file);
    if (se) throw fileCheckError(`error checking client cert file ${goQuote(t.cert_file)}: ${se}`, file, 'Create the certificate file or fix its path.', pos);
  }
  if (t.key_file) {
    const se = statError(t.key_file);
    if (se) throw fileCheckError(`error checking client key file ${goQuote(t.key_file)}: ${se}`, file, 'Create the key file or fix its path.', pos);
  }
}

/** Reads a file_sd file (JSON or YAML target groups), like promtool's checkSDFile. */
export function checkSDFile(path: string, pattern: string, configFile: string, pos?: FilePosition): StaticConfig[] {
  const wrap = (msg: string) => fileCheckError(`checking SD file ${goQuote(pattern)}: ${msg}`, configFile, `Fix the target file ${path}: a list of {targets: [...], labels: {...}}.`, pos);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw wrap(`open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  const ext = extname(path);
  let groups: (StaticConfig | null)[];
  switch (ext.toLowerCase()) {
    case '.json': {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (e) {
        throw wrap((e as Error).message);
      }
      if (raw === null) return [];
      if (!Array.isArray(raw)) throw wrap(`json: cannot unmarshal ${jsonKind(raw)} into Go value of type []*targetgroup.Group`);
      groups = raw.map((g: unknown) => {
        if (g === null) return null;
        if (typeof g !== 'object' || Array.isArray(g)) throw wrap(`json: cannot unmarshal ${jsonKind(g)} into Go value of type targetgroup.Group`);
        const o = g as { targets?: unknown; labels?: unknown };
        const labels = (o.labels ?? {}) as Record<string, string>;
        for (const k of Object.keys(labels)) if (!isLegacyLabelName(k)) throw wrap(`${goQuote(k)} is not a valid label name`);
        return { targets: ((o.targets ?? []) as unknown[]).map(String), labels };
      });
      break;
    }
    case '.yml':
    case '.yaml': {
      try {
        const d = new Decoder(path, text);
        groups =
          d.list(d.root, '[]*targetgroup.Group', (it) => {
            if (d.isNull(it)) return null;
            const g: StaticConfig = { targets: [], labels: {} };
            d.struct(it, 'struct { Targets []string "yaml:\\"targets\\""; Labels model.LabelSet "yaml:\\"labels\\"" }', {
              targets: (v) => (g.targets = d.strList(v) ?? []),
              labels: (v) => {
                g.labels = d.strMap(v) ?? {};
                for (const k of Object.keys(g.labels)) if (!isLegacyLabelName(k)) d.fail(`${goQuote(k)} is not a valid label name`, v);
              },
            });
            return g;
          }) ?? [];
        d.throwTypeErrors();
      } catch (e) {
        throw wrap(e instanceof ConfigError ? e.reason : String(e));
      }
      break;
    }
    default:
      throw wrap(`invalid file extension: ${goQuote(ext)}`);
  }
  const nil = groups.indexOf(null);
  if (nil >= 0) throw wrap(`nil target group item found (index ${nil})`);
  return groups as StaticConfig[];
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** scrape.TargetsFromGroup's checks (PopulateLabels): the first failing target is reported. */
function checkTargetGroupsForScrapeConfig(groups: readonly StaticConfig[], sc: ScrapeConfig, file: string): void {
  groups.forEach((g, gi) => {
    g.targets.forEach((t, i) => {
      const err = populateLabelsError(t, g.labels, sc);
      if (err) throw fileCheckError(`instance ${i} in group ${gi}: ${err}`, file, `Fix the target or the relabel_configs of job "${sc.job_name}".`, positionOf(g) ?? positionOf(sc));
    });
  });
}

function populateLabelsError(target: string, groupLabels: Record<string, string>, sc: ScrapeConfig): string | undefined {
  const lset = new Map<string, string>([['__address__', target]]);
  for (const [k, v] of Object.entries(groupLabels)) if (!lset.has(k)) lset.set(k, v);
  const defaults: [string, string][] = [
    ['job', sc.job_name],
    ['__scrape_interval__', formatDuration(sc.scrape_interval)],
    ['__scrape_timeout__', formatDuration(sc.scrape_timeout)],
    ['__metrics_path__', sc.metrics_path],
    ['__scheme__', sc.scheme],
  ];
  for (const [k, v] of defaults) if (!lset.get(k)) lset.set(k, v);
  for (const [k, v] of Object.entries(sc.params ?? {})) if (v.length > 0) lset.set('__param_' + k, v[0]!);
  const res = processRelabel(lset, sc.relabel_configs);
  if (!res) return undefined;
  let addr = res.get('__address__') ?? '';
  if (addr === '') return 'no address';
  if (needsPort(addr)) {
    const scheme = res.get('__scheme__') ?? '';
    if (scheme === 'http' || scheme === '') addr += ':80';
    else if (scheme === 'https') addr += ':443';
    else return `invalid scheme: ${goQuote(sc.scheme)}`;
  }
  if (addr.includes('/')) return `${goQuote(addr)} is not a valid hostname`;
  const interval = res.get('__scrape_interval__') ?? '';
  const timeout = res.get('__scrape_timeout__') ?? '';
  return checkIntervals(interval, timeout);
}

function checkIntervals(interval: string, timeout: string): string | undefined {
  const parse = (s: string): number | string => {
    try {
      return Number(parseDuration(s));
    } catch (e) {
      return (e as Error).message;
    }
  };
  const iv = parse(interval);
  if (typeof iv === 'string') return `error parsing scrape interval: ${iv}`;
  if (iv === 0) return 'scrape interval cannot be 0';
  const tv = parse(timeout);
  if (typeof tv === 'string') return `error parsing scrape timeout: ${tv}`;
  if (tv === 0) return 'scrape timeout cannot be 0';
  if (tv > iv) return `scrape timeout cannot be greater than scrape interval (${goQuote(timeout)} > ${goQuote(interval)})`;
  return undefined;
}

/** Whether Prometheus would append a default port (net.SplitHostPort fails without one). */
function needsPort(addr: string): boolean {
  if (splitHostPortOk(addr)) return false;
  return splitHostPortOk(addr + ':1234');
}

function splitHostPortOk(s: string): boolean {
  const i = s.lastIndexOf(':');
  if (i < 0) return false;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return false;
    if (end + 1 !== i) return false;
    return true;
  }
  const host = s.slice(0, i);
  return !host.includes(':') && !host.includes('[') && !host.includes(']') && !s.slice(i + 1).includes('[') && !s.slice(i + 1).includes(']');
}

/** notifier.AlertmanagerFromGroup's checks. */
function checkTargetGroupsForAlertmanager(groups: readonly StaticConfig[], am: AlertmanagerConfig, file: string): void {
  const path = am.path_prefix.replace(/\/$/, '') + (am.api_version === 'v1' ? '/api/v1/alerts' : '/api/v2/alerts');
  for (const g of groups) {
    for (const t of g.targets) {
      const lset = new Map<string, string>([
        ['__address__', t],
        ['__scheme__', am.scheme],
        ['__alerts_path__', path],
      ]);
      for (const [k, v] of Object.entries(g.labels)) if (k !== '__address__') lset.set(k, v);
      const res = processRelabel(lset, am.relabel_configs);
      if (!res) continue;
      const addr = res.get('__address__') ?? '';
      if (addr.includes('/')) throw fileCheckError(`${goQuote(addr)} is not a valid hostname`, file, 'Alertmanager targets are host:port; put the scheme in `scheme` and the path in `path_prefix`.', positionOf(g) ?? positionOf(am));
    }
  }
}

/**
 * promtool's argument check (kingpin ExistingFiles), run before anything is printed:
 * returns the error line for the first path that is missing or a directory.
 */
export function existingFilesError(files: readonly string[], app = 'promts'): string | undefined {
  for (const f of files) {
    try {
      if (statSync(f).isDirectory()) return `${app}: error: '${basename(f)}' is a directory, try --help`;
    } catch {
      return `${app}: error: path '${f}' does not exist, try --help`;
    }
  }
  return undefined;
}

/** Relabels a plain label map with the scrape pipeline's relabeling; undefined when dropped. */
function processRelabel(labels: Map<string, string>, rules: readonly RelabelConfig[]): Map<string, string> | undefined {
  const out = relabel(Labels.fromMap(labels), rules);
  return out ? new Map(Object.entries(out.toObject())) : undefined;
}
