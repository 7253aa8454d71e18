// file_sd_configs: target groups from JSON/YAML files matched by globs, re-read when the
// files change (fs.watch on their directories) and every refresh_interval, like Prometheus.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { globFiles, type FileSDConfig } from '../config/index.js';
import { isValidLabelName, PromtsError } from '../model/index.js';
import type { Discoverer, DiscovererContext, TargetGroup } from './types.js';

export const FILEPATH_LABEL = '__meta_filepath';

export class FileSDError extends PromtsError {
  constructor(message: string) {
    super('file_sd_error', message, 'The file must hold a list of {"targets": [...], "labels": {...}} (JSON for .json, YAML for .yml/.yaml).');
  }
}

/** Parses one file_sd file's content into groups with sources `<path>:<index>`. */
export function parseFileSD(path: string, text: string): TargetGroup[] {
  let raw: unknown;
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.json') raw = JSON.parse(text);
    else if (ext === '.yml' || ext === '.yaml') raw = parseYaml(text);
    else throw new FileSDError(`retrieval.FileDiscovery.readFile: unknown file extension ${JSON.stringify(ext)}`);
  } catch (e) {
    if (e instanceof FileSDError) throw e;
    throw new FileSDError((e as Error).message);
  }
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new FileSDError('cannot unmarshal target groups: expected a list');
  return raw.map((g: unknown, i) => {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) throw new FileSDError('nil target group item found');
    const o = g as { targets?: unknown; labels?: unknown };
    if (ext !== '.json') {
      // YAML decoding is strict in Prometheus (unknown keys are errors); JSON's is not.
      for (const k of Object.keys(o)) {
        if (k !== 'targets' && k !== 'labels') throw new FileSDError(`yaml: unmarshal errors:\n  field ${k} not found in type struct { Targets []string "yaml:\\"targets\\""; Labels model.LabelSet "yaml:\\"labels\\"" }`);
      }
    }
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries((o.labels ?? {}) as Record<string, unknown>)) {
      if (!isValidLabelName(k)) throw new FileSDError(`"${k}" is not a valid label name`);
      labels[k] = String(v);
    }
    labels[FILEPATH_LABEL] = path;
    const targets = Array.isArray(o.targets) ? o.targets.map((t) => ({ __address__: String(t) })) : [];
    return { source: `${path}:${i}`, targets, labels };
  });
}

export class FileDiscoverer implements Discoverer {
  /** path -> number of groups it had at the last refresh. */
  private last = new Map<string, number>();

  constructor(private readonly cfg: FileSDConfig) {}

  async run(ctx: DiscovererContext): Promise<void> {
    let kick = (): void => {};
    let kicked = false;
    const watchers: FSWatcher[] = [];
    for (const dir of new Set(this.cfg.files.map((f) => dirname(f)))) {
      try {
        // Any change in a watched directory triggers a refresh; the refresh re-globs.
        watchers.push(watch(dir, () => {
          kicked = true;
          kick();
        }));
      } catch (e) {
        ctx.logger.error('Error adding file watch', { path: dir, err: (e as Error).message });
      }
    }
    try {
      while (!ctx.signal.aborted) {
        kicked = false;
        await this.refresh(ctx);
        if (ctx.signal.aborted) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, this.cfg.refresh_interval || 300_000);
          function done(): void {
            clearTimeout(timer);
            ctx.signal.removeEventListener('abort', done);
            resolve();
          }
          ctx.signal.addEventListener('abort', done, { once: true });
          // Coalesce a burst of events (an editor's write + rename) into one refresh.
          kick = () => setTimeout(done, 20);
          if (kicked) kick();
        });
        kick = () => {};
      }
    } finally {
      for (const w of watchers) w.close();
    }
  }

  private async refresh(ctx: DiscovererContext): Promise<void> {
    const ref = new Map<string, number>();
    const files = [...new Set(this.cfg.files.flatMap((p) => globFiles(p)))];
    for (const path of files) {
      try {
        const groups = parseFileSD(path, await readFile(path, 'utf8'));
        ctx.send(groups);
        ref.set(path, groups.length);
      } catch (e) {
        ctx.logger.error('Error reading file', { path, err: (e as Error).message });
        // Keep what the file last gave rather than deleting its targets.
        ref.set(path, this.last.get(path) ?? 0);
      }
    }
    // Files that went away, or now hold fewer groups: send empty groups for the lost sources.
    for (const [path, n] of this.last) {
      const m = ref.get(path) ?? 0;
      const empty: TargetGroup[] = [];
      for (let i = m; i < n; i++) empty.push({ source: `${path}:${i}`, targets: [], labels: {} });
      if (empty.length > 0) ctx.send(empty);
    }
    this.last = ref;
  }
}
