import { describe, expect, it } from 'vitest';
import { redactJson, type Json } from '../../src/artifacts/json-values.js';
import { maskIamRoles } from '../../src/redact.js';

const redact = (text: string) => text.split('hunter2').join('****');

describe('redactJson', () => {
  it('masks every string that holds a secret, at any depth, and leaves the input as it was', () => {
    const value = JSON.parse('{"a":"pw hunter2","b":[1,"x",{"c":"hunter2hunter2","d":null}],"e":{"f":true},"__proto__":{"g":"hunter2"}}') as Json;
    const before = JSON.stringify(value);
    const redacted = redactJson(value, redact);
    expect(JSON.stringify(redacted)).toBe('{"a":"pw ****","b":[1,"x",{"c":"********","d":null}],"e":{"f":true},"__proto__":{"g":"****"}}');
    expect(JSON.stringify(value)).toBe(before);
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
  });

  it('copies only what changed: a tree without secrets comes back as it is', () => {
    const value = { nodes: { a: { sql: 'select 1', tags: ['x'] }, b: { sql: 'select hunter2' } } } as const;
    const redacted = redactJson(value as unknown as Json, redact) as unknown as typeof value;
    expect(redactJson(value as unknown as Json, (text) => text)).toBe(value);
    expect(redacted).not.toBe(value);
    expect(redacted.nodes.a).toBe(value.nodes.a);
    expect(redacted.nodes.b).toEqual({ sql: 'select ****' });
  });
});

describe('maskIamRoles', () => {
  it.each([
    ["copy t from 's3://b/k' iam_role 'arn:aws:iam::123456789012:role/dwhRole' region 'us-west-2'", "copy t from 's3://b/k' iam_role '****' region 'us-west-2'"],
    ["COPY t FROM 's3://b/k'\nIAM_ROLE  'arn:aws:iam::1:role/it''s' FORMAT AS CSV", "COPY t FROM 's3://b/k'\nIAM_ROLE  '****' FORMAT AS CSV"],
    ["select 'iam_role' as c", "select 'iam_role' as c"],
  ])('%s', (sql, masked) => {
    expect(maskIamRoles(sql)).toBe(masked);
  });
});
