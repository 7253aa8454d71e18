// Prometheus's PostingsForMatchers semantics over one index: a matcher that matches the
// empty string also selects series without the label, so it is applied by subtraction.
import { Matcher, type MatchType } from '../../model/index.js';
import { EMPTY_POSTINGS, intersect, merge, without, type IndexReader } from '../index/index.js';

const INVERSE: Record<MatchType, MatchType> = { '=': '!=', '!=': '=', '=~': '!~', '!~': '=~' };

function inverse(m: Matcher): Matcher {
  return new Matcher(INVERSE[m.type], m.name, m.value);
}

/** Postings of values of m.name for which m matches. */
function postingsForMatcher(ix: IndexReader, m: Matcher): Uint32Array {
  if (m.type === '=') return ix.postings(m.name, m.value);
  const vals = ix.labelValues(m.name);
  const lists: Uint32Array[] = [];
  for (const v of vals) if (m.matches(v)) lists.push(ix.postings(m.name, v));
  return merge(lists);
}

/** Postings of values of m.name for which m does not match. */
function inversePostingsForMatcher(ix: IndexReader, m: Matcher): Uint32Array {
  const vals = ix.labelValues(m.name);
  const lists: Uint32Array[] = [];
  for (const v of vals) if (!m.matches(v)) lists.push(ix.postings(m.name, v));
  return merge(lists);
}

/** Sorted ids of the series matching all matchers (all series when there are none). */
export function postingsForMatchers(ix: IndexReader, matchers: readonly Matcher[]): Uint32Array {
  if (matchers.length === 0) return ix.allPostings();
  const its: Uint32Array[] = [];
  const notIts: Uint32Array[] = [];
  // A label that some matcher requires to be non-empty lets us treat {l=~".+", l!="x"}
  // as an intersection plus a subtraction instead of scanning everything.
  const mustBeSet = new Set<string>();
  for (const m of matchers) if (!m.matchesEmpty()) mustBeSet.add(m.name);
  for (const m of matchers) {
    const matchesEmpty = m.matchesEmpty();
    const isNot = m.type === '!=' || m.type === '!~';
    if (mustBeSet.has(m.name)) {
      if (isNot && matchesEmpty) {
        // l!="foo" while l must be set: subtract the series where l="foo".
        notIts.push(postingsForMatcher(ix, inverse(m)));
      } else if (isNot && !matchesEmpty) {
        // l!="" : series whose l value is not matched by the inverse.
        const p = inversePostingsForMatcher(ix, inverse(m));
        if (p.length === 0) return EMPTY_POSTINGS;
        its.push(p);
      } else {
        const p = postingsForMatcher(ix, m);
        if (p.length === 0) return EMPTY_POSTINGS;
        its.push(p);
      }
    } else {
      // The matcher selects the empty value, i.e. also series without the label: subtract
      // the series whose value it does not match.
      notIts.push(inversePostingsForMatcher(ix, m));
    }
  }
  if (its.length === 0) its.push(ix.allPostings());
  let p = intersect(its);
  for (const n of notIts) p = without(p, n);
  return p;
}
