// Ports handed to test servers: below the ephemeral range, where no outgoing connection can take one
// before its server binds it, and never the same one twice in a process.
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { freePort } from '../../scripts/lib/ports';

describe('free ports for test servers', () => {
  it('are below 32768, each one different, and free to listen on', async () => {
    const ports = await Promise.all(Array.from({ length: 300 }, () => freePort()));
    assert.equal(new Set(ports).size, ports.length, 'no port handed out twice');
    for (const port of ports)
      assert.ok(port >= 20000 && port < 32768, `${port} is below the ephemeral range`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
