// Label helpers shared by the role builders: Prometheus's names, sanitizing, and the
// name/label/annotation set every role derives from an object's metadata.
import type { ObjectMeta } from './objects.js';

export type LabelSet = Record<string, string>;

export const META = '__meta_kubernetes_';
export const NAMESPACE_LABEL = META + 'namespace';
const PRESENT = 'true';

/** Prometheus's strutil.SanitizeLabelName: every rune outside [a-zA-Z0-9_] becomes "_". */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/gu, '_');
}

/** Go's net.JoinHostPort: IPv6 literals get brackets. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `<role>_label_<k>`, `<role>_labelpresent_<k>` for each label (and annotations when asked). */
export function addMetaLabels(ls: LabelSet, role: string, meta: ObjectMeta | undefined, annotations: boolean): void {
  for (const [k, v] of Object.entries(meta?.labels ?? {})) {
    const n = sanitizeLabelName(k);
    ls[`${META}${role}_label_${n}`] = String(v);
    ls[`${META}${role}_labelpresent_${n}`] = PRESENT;
  }
  if (!annotations) return;
  for (const [k, v] of Object.entries(meta?.annotations ?? {})) {
    const n = sanitizeLabelName(k);
    ls[`${META}${role}_annotation_${n}`] = String(v);
    ls[`${META}${role}_annotationpresent_${n}`] = PRESENT;
  }
}

/** The same, plus `<role>_name`: what most roles put on their group. */
export function objectMetaLabels(ls: LabelSet, role: string, meta: ObjectMeta | undefined, annotations = true): void {
  ls[`${META}${role}_name`] = meta?.name ?? '';
  addMetaLabels(ls, role, meta, annotations);
}
