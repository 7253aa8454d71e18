/**
 * Where each decoded section came from, for errors found after loading (promtool's file
 * checks run on the loaded Config, not on YAML). Kept in a side table so the Config objects
 * other areas consume stay plain data.
 */
import type { FilePosition } from '../model/index.js';

const table = new WeakMap<object, FilePosition>();

export function setPosition(obj: object, pos: FilePosition | undefined): void {
  if (pos) table.set(obj, pos);
}

/** The file:line:col of the YAML node a config object (scrape config, tls_config, ...) was decoded from. */
export function positionOf(obj: object | undefined): FilePosition | undefined {
  return obj ? table.get(obj) : undefined;
}
