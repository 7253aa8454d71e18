import { AnchoredRegex } from './regex.js';
import { quoteLabelValue } from './labels.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A label matcher as in a PromQL selector or a `match[]` parameter. */
export class Matcher {
  private readonly re: AnchoredRegex | undefined;

  /** Throws RegexError for an invalid regex. */
  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
    this.re = type === '=~' || type === '!~' ? new AnchoredRegex(value) : undefined;
  }

  matches(s: string): boolean {
    switch (this.type) {
      case '=': return s === this.value;
      case '!=': return s !== this.value;
      case '=~': return this.re!.matches(s);
      case '!~': return !this.re!.matches(s);
    }
  }

  /** True when the matcher also selects series that lack the label (it matches ''). */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  toString(): string {
    return `${this.name}${this.type}${quoteLabelValue(this.value)}`;
  }
}
