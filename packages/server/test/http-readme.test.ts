// The curl example of docs/server.md, request for request, against a real server with a worker.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Worker } from '@endure/worker';
import { raw, startTestServer } from './http-support/harness.js';

const DOC = fileURLToPath(new URL('../../../../docs/server.md', import.meta.url));
const workflowsPath = fileURLToPath(new URL('./http-support/workflows/hello.js', import.meta.url));

/** The curl lines of docs/server.md: address, path, headers and body, as a shell would pass them. */
function curlRequests(): { path: string; headers: Record<string, string>; body: string }[] {
  const lines = readFileSync(DOC, 'utf8').split('\n').filter((l) => l.startsWith('curl '));
  return lines.map((line) => {
    const m = /^curl -s http:\/\/127\.0\.0\.1:7233(\/v1\/\w+) -H '([^:]+): ([^']+)' -d '([^']*)'$/.exec(line);
    assert.ok(m, `a curl line of docs/server.md has the expected shape: ${line}`);
    return { path: m[1]!, headers: { [m[2]!]: m[3]! }, body: m[4]! };
  });
}

describe('docs/server.md server-mode example', () => {
  it('starts a workflow and reads its result with the documented requests', async () => {
    const requests = curlRequests();
    assert.deepEqual(requests.map((r) => r.path), ['/v1/startWorkflow', '/v1/getResult']);
    const ts = await startTestServer();
    const connection = await NativeConnection.connect({ address: ts.url });
    const worker = await Worker.create({ connection, taskQueue: 'hello', workflowsPath, logger: new DefaultLogger('WARN', () => {}) });
    const running = worker.run();
    try {
      const [start, result] = await (async () => {
        const out = [];
        for (const r of requests) out.push(await raw(ts.url, { method: 'POST', ...r }));
        return out;
      })();
      assert.equal(start!.status, 200, start!.text);
      assert.equal((start!.json as { started: boolean }).started, true);
      assert.equal(result!.status, 200, result!.text);
      const close = (result!.json as { closeEvent: { type: string; attributes: { result: { data: string } } } }).closeEvent;
      assert.equal(close.type, 'WorkflowExecutionCompleted');
      assert.equal(JSON.parse(close.attributes.result.data), 'Hello, World!');
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
      await ts.close();
    }
  });
});
