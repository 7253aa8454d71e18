// One series' samples while a backfill builds a block: growable Float64Arrays (keeping NaN
// payload bits) in the shape the block writer takes.
import { isStaleNaN, type Labels } from '../../model/index.js';
import type { BlockSeriesInput } from '../block/index.js';

/** One series' samples of the block being built, in growable typed arrays (keeps stale NaN bits). */
export class SeriesBuf implements BlockSeriesInput {
  ts = new Float64Array(32);
  vs = new Float64Array(32);
  n = 0;
  constructor(readonly labels: Labels) {}
  push(t: number, v: number): void {
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      this.ts = ts;
      const vs = new Float64Array(this.n * 2);
      vs.set(this.vs);
      this.vs = vs;
    }
    this.ts[this.n] = t;
    if (v !== v && !isStaleNaN(v)) {
      // Go's strconv.ParseFloat("NaN") is math.NaN(), bits 0x7ff8000000000001; JavaScript's NaN
      // is ...0000. The XOR encoding stores the bits, so match Go's to get promtool's blocks.
      const words = new Uint32Array(this.vs.buffer, this.n * 8, 2);
      words[0] = 1; // little-endian: low word first
      words[1] = 0x7ff80000;
      this.n++;
      return;
    }
    this.vs[this.n++] = v;
  }
}
