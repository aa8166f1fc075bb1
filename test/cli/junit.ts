// Reads a JUnit report the way CI systems do, failing the test when it is not well-formed.
import { strict as assert } from 'node:assert';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

interface JunitCase {
  name: string;
  classname: string;
  time: string;
  failure?: { message: string; type: string };
  'system-out'?: string;
}

/** testsuites > testsuite > testcase[], attributes as strings. */
export function parseJunit(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    textNodeName: 'text',
    isArray: (name) => name === 'testcase' || name === 'testsuite',
  });
  const doc = parser.parse(xml);
  assert.ok(doc.testsuites?.testsuite?.length, 'has <testsuites><testsuite>');
  const suite = doc.testsuites.testsuite[0];
  return { doc, suite, cases: (suite.testcase ?? []) as JunitCase[] };
}
