// The behaviours of Prometheus 2.42's model/relabel TestRelabel, one test per case.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../src/model/index.js';
import { relabel, hashmod } from '../../src/relabel/index.js';
import type { RelabelConfig } from '../../src/config/index.js';

type Cfg = Partial<RelabelConfig>;
const L = (o: Record<string, string>): Labels => Labels.fromObject(o);
const run = (input: Record<string, string>, cfgs: Cfg[]): Record<string, string> | null => relabel(L(input), cfgs)?.toObject() ?? null;

describe('relabel: replace', () => {
  test('expands ${1} from a regex match into a new label', () => {
    assert.deepEqual(run({ a: 'foo', b: 'bar', c: 'baz' }, [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }]),
      { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' });
  });
  test('joins source labels with the separator; later steps see earlier results', () => {
    assert.deepEqual(run({ a: 'foo', b: 'bar', c: 'baz' }, [
      { source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' },
      { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' },
    ]), { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' });
  });
  test('regex is anchored: .*(b).* captures the b of abc', () => {
    assert.deepEqual(run({ a: 'abc' }, [{ source_labels: ['a'], regex: '.*(b).*', target_label: 'd' }]), { a: 'abc', d: 'b' });
  });
  test('no match means no replacement', () => {
    assert.deepEqual(run({ a: 'boo' }, [{ source_labels: ['a'], regex: 'f', target_label: 'b', replacement: 'bar' }]), { a: 'boo' });
  });
  test('templated target_label', () => {
    assert.deepEqual(run({ a: 'some-name-value' }, [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${2}', target_label: '${1}' }]),
      { a: 'some-name-value', name: 'value' });
  });
  test('an empty replacement result sets nothing', () => {
    assert.deepEqual(run({ a: 'some-name-value' }, [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${3}', target_label: '${1}' }]),
      { a: 'some-name-value' });
  });
  test('a target label that expands to an invalid name is skipped', () => {
    const c = { source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${1}', target_label: '${3}' };
    assert.deepEqual(run({ a: 'some-name-0' }, [c, c, { ...c, regex: 'some-([^-]+)(-[^,]+)' }]), { a: 'some-name-0' });
  });
  test('a real-life chain extracting path, job and a label from one tag string', () => {
    const src = { __meta_sd_tags: 'path:/secret,job:some-job,label:foo=bar' };
    assert.deepEqual(run(src, [
      { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)path:(/[^,]+).*', replacement: '${1}', target_label: '__metrics_path__' },
      { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)job:([^,]+).*', replacement: '${1}', target_label: 'job' },
      { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)label:([^=]+)=([^,]+).*', replacement: '${2}', target_label: '${1}' },
    ]), { ...src, __metrics_path__: '/secret', job: 'some-job', foo: 'bar' });
  });
});

describe('relabel: keep / drop', () => {
  test('drop on match drops the set and stops', () => {
    assert.equal(run({ a: 'foo' }, [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }, { source_labels: ['a'], regex: 'f(.*)', target_label: 'd' }]), null);
    assert.equal(run({ a: 'foo', b: 'bar' }, [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }]), null);
  });
  test('drop without a match keeps the set, and the regex must match the whole value', () => {
    assert.deepEqual(run({ a: 'foo' }, [{ source_labels: ['a'], regex: 'no-match', action: 'drop' }]), { a: 'foo' });
    assert.deepEqual(run({ a: 'foo' }, [{ source_labels: ['a'], regex: 'f|o', action: 'drop' }]), { a: 'foo' });
  });
  test('keep keeps only matches', () => {
    assert.equal(run({ a: 'foo' }, [{ source_labels: ['a'], regex: 'no-match', action: 'keep' }]), null);
    assert.deepEqual(run({ a: 'foo' }, [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }]), { a: 'foo' });
  });
  test('keepequal / dropequal compare the joined sources with target_label', () => {
    const ports = { __tmp_port: '1234', __port1: '1234', __port2: '5678' };
    assert.deepEqual(run(ports, [{ source_labels: ['__tmp_port'], action: 'keepequal', target_label: '__port1' }]), ports);
    assert.equal(run(ports, [{ source_labels: ['__tmp_port'], action: 'dropequal', target_label: '__port1' }]), null);
    assert.deepEqual(run(ports, [{ source_labels: ['__tmp_port'], action: 'dropequal', target_label: '__port2' }]), ports);
    assert.equal(run(ports, [{ source_labels: ['__tmp_port'], action: 'keepequal', target_label: '__port2' }]), null);
  });
  test('labeldrop, then replace recreating it, then keep (issue 12283)', () => {
    assert.deepEqual(run({ __meta_kubernetes_pod_container_port_name: 'foo', __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091' }, [
      { regex: '^__meta_kubernetes_pod_container_port_name$', action: 'labeldrop' },
      { source_labels: ['__meta_kubernetes_pod_annotation_XXX_metrics_port'], regex: '(.+)', replacement: 'metrics', target_label: '__meta_kubernetes_pod_container_port_name' },
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: '^metrics$', action: 'keep' },
    ]), { __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091', __meta_kubernetes_pod_container_port_name: 'metrics' });
  });
});

describe('relabel: hashmod, labelmap, labelkeep/labeldrop, case', () => {
  test('hashmod uses md5 like Prometheus (baz % 1000 = 976, "foo\\nbar" % 1000 = 734)', () => {
    assert.deepEqual(run({ a: 'foo', b: 'bar', c: 'baz' }, [{ source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 }]),
      { a: 'foo', b: 'bar', c: 'baz', d: '976' });
    assert.deepEqual(run({ a: 'foo\nbar' }, [{ source_labels: ['a'], target_label: 'b', action: 'hashmod', modulus: 1000 }]), { a: 'foo\nbar', b: '734' });
    assert.equal(hashmod('baz', 1000), 976);
  });
  test('labelmap copies matching names through the replacement', () => {
    assert.deepEqual(run({ a: 'foo', b1: 'bar', b2: 'baz' }, [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }]),
      { a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' });
    assert.deepEqual(run({ a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' }, [{ regex: '__meta_(my.*)', replacement: '${1}', action: 'labelmap' }]),
      { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc', my_bar: 'aaa', my_baz: 'bbb' });
  });
  test('labelkeep and labeldrop act on label names', () => {
    assert.deepEqual(run({ a: 'foo', b1: 'bar', b2: 'baz' }, [{ regex: '(b.*)', action: 'labelkeep' }]), { b1: 'bar', b2: 'baz' });
    assert.deepEqual(run({ a: 'foo', b1: 'bar', b2: 'baz' }, [{ regex: '(b.*)', action: 'labeldrop' }]), { a: 'foo' });
  });
  test('uppercase and lowercase write the joined value to target_label', () => {
    assert.deepEqual(run({ foo: 'bAr123Foo' }, [
      { source_labels: ['foo'], action: 'uppercase', target_label: 'foo_uppercase' },
      { source_labels: ['foo'], action: 'lowercase', target_label: 'foo_lowercase' },
    ]), { foo: 'bAr123Foo', foo_lowercase: 'bar123foo', foo_uppercase: 'BAR123FOO' });
  });
});
