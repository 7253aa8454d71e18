/** The `?` page: every key, per view. */
import type { ReactElement } from 'react';
import { Text } from 'ink';
import { Window } from './Window.js';

const HELP: readonly (readonly [string, string])[] = [
  ['Everywhere', ''],
  ['1..6, Tab, Shift-Tab', 'switch view'],
  ['↑↓ jk PgUp PgDn Home End', 'scroll'],
  ['?', 'this help (any key closes it)'],
  ['q, Ctrl-C', 'quit and restore the terminal'],
  ['Targets', ''],
  ['/', 'filter by pool, URL, labels, health, error'],
  ['Enter, Esc (filtering)', 'keep the filter, clear it'],
  ['Query (input)', ''],
  ['Enter', 'run the query'],
  ['Tab', 'complete metric/function/label name/value'],
  ['↑ ↓', 'history'],
  ['Ctrl-G', 'toggle table (instant) / graph (range)'],
  ['Esc', 'cancel a running query, else leave the input'],
  ['^A ^E ^U ^K ^W', 'start, end; delete to start, to end, word'],
  ['Query (results)', ''],
  ['e, Enter', 'edit the query'],
  ['g', 'toggle table / graph'],
  ['+ -', 'longer / shorter graph range'],
  ['TSDB', ''],
  ['s f c', 'head cardinality, flags, configuration'],
];

export function Help({ height }: { readonly height: number }): ReactElement {
  const lines = HELP.map(([k, v], i) =>
    v ? (
      <Text key={i} wrap="truncate">
        {'  ' + k.padEnd(26)}
        <Text dimColor>{v}</Text>
      </Text>
    ) : (
      <Text key={i} bold wrap="truncate">
        {k}
      </Text>
    ),
  );
  return <Window lines={lines} height={height} offset={0} />;
}
