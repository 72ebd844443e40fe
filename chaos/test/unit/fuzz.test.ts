// schemathesis' JUnit report read back: which operations failed and why, in one line each.
import { describe, expect, test } from 'vitest';
import { junitFailures } from '../../fuzz/schemathesis.ts';

// As schemathesis 4.32 writes it (trimmed).
const REPORT = `<?xml version="1.0" encoding="utf-8"?>
<testsuites errors="0" failures="2" skipped="0" tests="3" time="0.05">
  <testsuite name="schemathesis" errors="0" failures="2" skipped="0" tests="3" time="0.05">
    <testcase name="GET /ok" time="0.039">
      <failure type="failure" message="ST204">1. Test Case ID: 8eI2qo

- ST204 Wrong response to undeclared method

    Unsupported method TRACE returned 200, expected 405 Method Not Allowed

Reproduce with:

    curl -X TRACE http://127.0.0.1:18999/ok</failure>
    </testcase>
    <testcase name="GET /bad?a&amp;b" time="0.013">
      <failure type="failure" message="ST101, ST103">1. Test Case ID: nLd9Bt

- ST101 Server error

- ST103 Undocumented status code

    Received: 500</failure>
    </testcase>
    <testcase name="POST /fine" time="0.010"/>
  </testsuite>
</testsuites>`;

describe('the fuzzer report', () => {
  test('each failing operation with its check codes and first explanation; passing ones counted', () => {
    expect(junitFailures(REPORT)).toEqual({
      operations: 3,
      failures: ['GET /ok: ST204 — Unsupported method TRACE returned 200, expected 405 Method Not Allowed', 'GET /bad?a&b: ST101, ST103 — Received: 500'],
    });
  });
  test('a report without failures has none', () => {
    expect(junitFailures('<testsuites><testsuite><testcase name="GET /x" time="1"></testcase></testsuite></testsuites>')).toEqual({ operations: 1, failures: [] });
  });
});
