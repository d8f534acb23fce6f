/**
 * The SDK's REST client against a real server: bodies of 2xx answers, refusals as an ApiError with the catalogue's
 * code and status, `send` for callers that read refusals themselves, and the CLI's adapter giving a bare token its
 * scheme. A plain HTTP server stands in for a proxy that answers without a catalogue body.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ApiClient } from '../../src/cli/api-client.js';
import { ApiError, normalizeToken, RestClient } from '../../src/client/index.js';
import type { ProjectUser } from '../../src/domain/project.js';
import { useDesk } from '../support/use-desk.js';

describe('the SDK REST client', () => {
  const suite = useDesk();

  test('a 2xx answer gives its parsed body', async () => {
    const me = await new RestClient(suite.app.url, suite.desk.owner.token).get<ProjectUser>(`/${suite.desk.projectId}/project_users/me`);
    assert.equal(me.uuid_user, suite.desk.owner.userId);
  });

  test('a refusal throws an ApiError with the catalogue code, the status, the server sentence and the call', async () => {
    const anonymous = new RestClient(suite.app.url);
    const error = await anonymous.post('/auth/signin', { email: suite.desk.owner.email, password: 'wrong' }).then(
      () => assert.fail('signed in with a wrong password'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ApiError, String(error));
    assert.deepEqual([error.status, error.code, error.call], [401, 'SIGNIN_FAILED', 'POST /auth/signin']);
    assert.equal(error.reason, 'Wrong email or password.');
    assert.equal(error.message, 'POST /auth/signin: 401 SIGNIN_FAILED Wrong email or password.');
  });

  test('send answers every status with its body and throws nothing', async () => {
    const answer = await new RestClient(suite.app.url, suite.desk.agentA.token).send('POST', '/projects/nope/requests', '{not json');
    assert.equal(answer.status >= 400 && answer.status < 500, true, `status ${answer.status}`);
    assert.equal(typeof answer.body.error, 'string');
  });

  test('the CLI adapter gives a bare token the JWT scheme and keeps a schemed one as it is', async () => {
    const bare = suite.desk.owner.token.replace(/^JWT /, '');
    assert.notEqual(bare, suite.desk.owner.token);
    const cli = new ApiClient(suite.app.url, bare);
    assert.equal(cli.token, suite.desk.owner.token);
    assert.equal(cli.as(bare).token, suite.desk.owner.token);
    assert.equal((await cli.get<ProjectUser>(`/${suite.desk.projectId}/project_users/me`)).uuid_user, suite.desk.owner.userId);
    assert.equal(new ApiClient(suite.app.url, `Bearer ${bare}`).token, `Bearer ${bare}`);
    assert.equal(normalizeToken(` ${bare} `), `JWT ${bare}`);
  });
});

describe('the SDK REST client before a server that answers without a catalogue body', () => {
  let proxy: Server;
  let url: string;
  before(async () => {
    proxy = createServer((_, res) => res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/plain' }).end('upstream down'));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  test('the ApiError names the status, and send gives the text body', async () => {
    const error = await new RestClient(url).get('/projects').catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.deepEqual([error.status, error.code, error.reason], [502, 'HTTP_502', 'Bad Gateway']);
    assert.deepEqual(await new RestClient(url).send('GET', '/projects'), { status: 502, body: 'upstream down' });
  });
});
