/**
 * The shapes of the Prometheus HTTP API v1 answers the dashboard reads (docs/querying/api.md,
 * as Prometheus 2.42 sends them). Only the fields the dashboard shows are listed; the server
 * may send more. Times are RFC 3339 strings and durations are float seconds, exactly as on
 * the wire: views convert them at the edge where they format them.
 */

export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly buildUser: string;
  readonly buildDate: string;
  readonly goVersion: string;
}

export interface RuntimeInfo {
  readonly startTime: string;
  readonly CWD: string;
  readonly reloadConfigSuccess: boolean;
  readonly lastConfigTime: string;
  readonly corruptionCount: number;
  readonly goroutineCount: number;
  readonly GOMAXPROCS: number;
  readonly storageRetention: string;
}

export interface WalReplayStatus {
  readonly min: number;
  readonly max: number;
  readonly current: number;
}

export interface NameCount {
  readonly name: string;
  readonly value: number;
}

export interface TsdbStatus {
  readonly headStats?: {
    readonly numSeries: number;
    readonly numLabelPairs: number;
    readonly chunkCount: number;
    readonly minTime: number;
    readonly maxTime: number;
  };
  readonly seriesCountByMetricName: readonly NameCount[] | null;
  readonly labelValueCountByLabelName: readonly NameCount[] | null;
  readonly memoryInBytesByLabelName: readonly NameCount[] | null;
  readonly seriesCountByLabelValuePair: readonly NameCount[] | null;
}

export type LabelSet = Readonly<Record<string, string>>;

export interface Target {
  readonly discoveredLabels: LabelSet;
  readonly labels: LabelSet;
  readonly scrapePool: string;
  readonly scrapeUrl: string;
  readonly globalUrl?: string;
  readonly lastError: string;
  readonly lastScrape: string;
  readonly lastScrapeDuration: number;
  readonly health: 'up' | 'down' | 'unknown';
  readonly scrapeInterval?: string;
  readonly scrapeTimeout?: string;
}

export interface TargetsData {
  readonly activeTargets: readonly Target[];
  readonly droppedTargets?: readonly unknown[];
}

export type AlertState = 'firing' | 'pending' | 'inactive';

export interface Alert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly state: AlertState;
  readonly activeAt?: string;
  readonly value: string;
}

export interface AlertingRule {
  readonly type: 'alerting';
  readonly name: string;
  readonly query: string;
  readonly state: AlertState;
  readonly duration: number;
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly alerts: readonly Alert[];
  readonly health: string;
  readonly lastError?: string;
  readonly evaluationTime: number;
  readonly lastEvaluation: string;
}

export interface RecordingRule {
  readonly type: 'recording';
  readonly name: string;
  readonly query: string;
  readonly labels?: LabelSet;
  readonly health: string;
  readonly lastError?: string;
  readonly evaluationTime: number;
  readonly lastEvaluation: string;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  readonly name: string;
  readonly file: string;
  readonly interval: number;
  readonly rules: readonly Rule[];
  readonly evaluationTime: number;
  readonly lastEvaluation: string;
}

export interface RulesData {
  readonly groups: readonly RuleGroup[];
}

/** A sample as the API sends it: [unix seconds, value as a string] (strings keep NaN/±Inf). */
export type SamplePair = readonly [number, string];

export type QueryData =
  | { readonly resultType: 'vector'; readonly result: readonly { readonly metric: LabelSet; readonly value: SamplePair }[] }
  | { readonly resultType: 'matrix'; readonly result: readonly { readonly metric: LabelSet; readonly values: readonly SamplePair[] }[] }
  | { readonly resultType: 'scalar'; readonly result: SamplePair }
  | { readonly resultType: 'string'; readonly result: SamplePair };

export interface ConfigData {
  readonly yaml: string;
}

export type FlagsData = Readonly<Record<string, string>>;
