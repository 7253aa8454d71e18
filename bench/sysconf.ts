import { execFileSync } from 'node:child_process';

/** Clock ticks per second for /proc CPU times (almost always 100 on Linux). */
export const sysconf = {
  clockTicks: (() => {
    try {
      return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      return 100;
    }
  })(),
};
