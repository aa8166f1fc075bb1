// The servers a run lists in its search attributes (common/search-attributes.ts): within Temporal's
// limit on one value, and every server counted.
import assert from 'node:assert/strict';
import {
  idsThatFit,
  SEARCH_ATTRIBUTE_VALUE_BYTES,
  sourceServerAttributes,
} from '../../common/search-attributes';

describe('server search attributes', () => {
  const ids = (count: number) => Array.from({ length: count }, (_, i) => `s-${String(i).padStart(17, '0')}`);

  it('keep DrsSourceServers within one value limit and count every server in DrsServerCount', () => {
    for (const count of [1, 93, 94, 100, 4000]) {
      const [servers, total] = sourceServerAttributes(ids(count));
      const value = servers.value as string[];
      assert.ok(JSON.stringify(value).length <= SEARCH_ATTRIBUTE_VALUE_BYTES, `${count} servers`);
      assert.deepEqual(value, ids(count).slice(0, value.length), 'the first ids, in order');
      assert.equal(total.value, count);
    }
    assert.equal(idsThatFit(ids(100)).length, 93, 'a 100-server drill lists 93 ids');
    assert.equal(idsThatFit(ids(93)).length, 93);
  });
});
