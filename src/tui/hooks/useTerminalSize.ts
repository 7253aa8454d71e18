/** The terminal's size, following resizes (SIGWINCH reaches Node as stdout's 'resize'). */
import { useEffect, useState } from 'react';

export interface SizedStream {
  readonly columns?: number;
  readonly rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export function useTerminalSize(stdout: SizedStream): TerminalSize {
  // 80×24 when the stream does not know (a pipe): the size the layout is designed for.
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState<TerminalSize>(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return size;
}
