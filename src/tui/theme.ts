/**
 * Colour, or none: NO_COLOR (no-color.org) and dumb terminals get the same layout with no
 * colour codes. Chalk's own detection ignores NO_COLOR, so the dashboard decides here and
 * components ask `paint` rather than passing colour names to ink directly. Bold and inverse
 * are kept without colour: they are what marks the selected tab in a monochrome terminal.
 */
import { createContext, useContext } from 'react';

export interface Theme {
  readonly color: boolean;
}

export const ThemeContext = createContext<Theme>({ color: true });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** The colour to hand to ink's `color` prop, or undefined when colour is off. */
export function paint(theme: Theme, color: string | undefined): string | undefined {
  return theme.color ? color : undefined;
}

/** Whether the environment asks for no colour (NO_COLOR set and non-empty, or TERM=dumb). */
export function colorWanted(env: NodeJS.ProcessEnv): boolean {
  return !env['NO_COLOR'] && env['TERM'] !== 'dumb';
}

/** Series colours of charts and legends, in order; ten, like the legend's limit. */
export const SERIES_COLORS = ['cyan', 'yellow', 'magenta', 'green', 'blue', 'red', 'cyanBright', 'yellowBright', 'magentaBright', 'greenBright'] as const;

export const HEALTH_COLORS: Readonly<Record<string, string>> = {
  up: 'green',
  ok: 'green',
  inactive: 'green',
  down: 'red',
  err: 'red',
  firing: 'red',
  pending: 'yellow',
  unknown: 'yellow',
};
