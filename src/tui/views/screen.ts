// What App hands every screen (a view plus its hook): the client, the clock and the room it has.
import type { ApiClient } from '../api/index.js';

export interface ScreenProps {
  readonly api: ApiClient;
  readonly refreshMs: number;
  /** The clock (unix ms); tests pass a fixed one so ages in frames are stable. */
  readonly now: () => number;
  readonly width: number;
  /** Rows the screen may use. */
  readonly height: number;
  /** False while another part of the UI owns the keyboard (the help page). */
  readonly active: boolean;
  /** A screen with a text input tells App when it takes the keyboard, so 1-6/q/Tab go to it. */
  readonly onCapture: (capturing: boolean) => void;
}
