// Lambda integration tests driven by the AWS SDK for JavaScript v3 (restJson1).
// Functions really run: the Node.js handlers here run on this machine's `node`.
// The assertions are what real AWS Lambda returns: the botocore model
// (data/lambda/2015-03-31) and the Lambda API reference decide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { deleteAll, startServer, uniqueName } from './harness.mjs';

const ROLE = 'arn:aws:iam::000000000000:role/stratus-itest-lambda-role';
const RUNTIME = 'nodejs20.x';

let server;
let lambda;
const createdFunctions = [];

before(async () => {
  server = await startServer();
  lambda = server.lambda();
});

after(async () => {
  if (!server) return;
  if (server.external) {
    await deleteAll(createdFunctions, (name) =>
      lambda.send(new DeleteFunctionCommand({ FunctionName: name })));
  }
  await server.stop();
});

// ---------------------------------------------------------------- a tiny zip writer

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A zip archive (deflated entries, Unix modes) from { path: text }, as a Buffer.
 * Entries named `bootstrap` get mode 0755, the others 0644.
 */
function makeZip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBuf = Buffer.from(name, 'utf8');
    const data = Buffer.from(content, 'utf8');
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const mode = name.split('/').pop() === 'bootstrap' ? 0o100755 : 0o100644;
    const dosTime = 0;
    const dosDate = (44 << 9) | (1 << 5) | 1; // 2024-01-01

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBuf, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((mode << 16) >>> 0, 38); // external attributes
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);

    offset += local.length + nameBuf.length + packed.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = Object.keys(files).length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

// ---------------------------------------------------------------- helpers

const fname = (tag) => uniqueName('js', tag);
const sha256b64 = (buf) => createHash('sha256').update(buf).digest('base64');
const functionArn = (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

const HANDLER = (which) => `
let invocations = 0;
export const handler = async (event, context) => {
  invocations += 1;
  if (event.fail) throw new TypeError('wanted failure: ' + event.fail);
  if (event.print) console.log('printing ' + event.print);
  return {
    which: ${JSON.stringify(which)},
    event,
    invocations,
    requestId: context.awsRequestId,
    invokedFunctionArn: context.invokedFunctionArn,
    functionVersion: context.functionVersion,
    color: process.env.COLOR,
  };
};
`;

const zipFor = (which) => makeZip({ 'index.mjs': HANDLER(which) });

async function createFunction(name, zip, extra = {}) {
  const out = await lambda.send(new CreateFunctionCommand({
    FunctionName: name,
    Runtime: RUNTIME,
    Role: ROLE,
    Handler: 'index.handler',
    Code: { ZipFile: zip },
    ...extra,
  }));
  createdFunctions.push(name);
  await waitUntilFunctionActiveV2({ client: lambda, minDelay: 1, maxWaitTime: 30 },
    { FunctionName: name });
  return out;
}

async function invoke(name, event, extra = {}) {
  const out = await lambda.send(new InvokeCommand({
    FunctionName: name,
    Payload: event === undefined ? undefined : Buffer.from(JSON.stringify(event)),
    ...extra,
  }));
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  return { out, payload: text ? JSON.parse(text) : undefined };
}

async function rejectsWith(promise, name, status) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, status);
    return true;
  });
}

// ---------------------------------------------------------------- tests

test('CreateFunction from an in-memory zip answers as Lambda does', async () => {
  const name = fname('create');
  const zip = zipFor('one');
  const out = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: RUNTIME, Role: ROLE, Handler: 'index.handler',
    Code: { ZipFile: zip }, Environment: { Variables: { COLOR: 'teal' } },
  }));
  createdFunctions.push(name);
  assert.equal(out.$metadata.httpStatusCode, 201);
  assert.equal(out.FunctionName, name);
  assert.equal(out.FunctionArn, functionArn(name));
  assert.equal(out.CodeSha256, sha256b64(zip));
  assert.equal(out.CodeSize, zip.length);
  assert.equal(out.Runtime, RUNTIME);
  assert.equal(out.Handler, 'index.handler');
  assert.equal(out.Timeout, 3);
  assert.equal(out.MemorySize, 128);
  assert.equal(out.Version, '$LATEST');
  assert.equal(out.PackageType, 'Zip');
  assert.deepEqual(out.Architectures, ['x86_64']);
  assert.equal(out.State, 'Pending');
  assert.deepEqual(out.Environment, { Variables: { COLOR: 'teal' } });

  await waitUntilFunctionActiveV2({ client: lambda, minDelay: 1, maxWaitTime: 30 },
    { FunctionName: name });
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
  assert.equal(got.Configuration.State, 'Active');
  assert.equal(got.Configuration.CodeSha256, sha256b64(zip));

  const { out: inv, payload } = await invoke(name, { hello: 'world' });
  assert.equal(inv.StatusCode, 200);
  assert.equal(inv.ExecutedVersion, '$LATEST');
  assert.equal(inv.FunctionError, undefined);
  assert.equal(payload.which, 'one');
  assert.deepEqual(payload.event, { hello: 'world' });
  assert.equal(payload.color, 'teal');
  assert.equal(payload.invokedFunctionArn, functionArn(name));
  assert.match(payload.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

  await rejectsWith(lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: RUNTIME, Role: ROLE, Handler: 'index.handler',
    Code: { ZipFile: zip },
  })), 'ResourceConflictException', 409);
});

test('a throwing handler comes back as FunctionError Unhandled', async () => {
  const name = fname('throw');
  await createFunction(name, zipFor('one'));
  const { out, payload } = await invoke(name, { fail: 'bad order' }, { LogType: 'Tail' });
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, 'Unhandled');
  assert.equal(payload.errorType, 'TypeError');
  assert.equal(payload.errorMessage, 'wanted failure: bad order');
  assert.ok(Array.isArray(payload.trace), JSON.stringify(payload));
  const log = Buffer.from(out.LogResult, 'base64').toString('utf8');
  assert.match(log, /START RequestId: \S+ Version: \$LATEST/);
  assert.match(log, /END RequestId: \S+/);
  assert.match(log, /REPORT RequestId: \S+\tDuration: /);

  // the environment carries on: the module-level counter keeps counting
  const first = await invoke(name, {});
  const second = await invoke(name, {});
  assert.equal(second.payload.invocations, first.payload.invocations + 1);
});

test('LogType Tail returns the function output', async () => {
  const name = fname('log');
  await createFunction(name, zipFor('one'));
  const { out, payload } = await invoke(name, { print: 'js-tail-7' }, { LogType: 'Tail' });
  assert.equal(payload.which, 'one');
  const log = Buffer.from(out.LogResult, 'base64').toString('utf8');
  assert.ok(log.includes('printing js-tail-7'), log);
  assert.ok(log.includes(`START RequestId: ${payload.requestId}`), log);
});

test('invalid JSON payload is InvalidRequestContentException', async () => {
  const name = fname('badjson');
  await createFunction(name, zipFor('one'));
  await rejectsWith(lambda.send(new InvokeCommand({
    FunctionName: name, Payload: Buffer.from('{nope'),
  })), 'InvalidRequestContentException', 400);
  const dry = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'DryRun' }));
  assert.equal(dry.StatusCode, 204);
});

test('list, get and delete functions', async () => {
  const name = fname('list');
  await createFunction(name, zipFor('one'), { Description: 'listed' });

  const names = [];
  let Marker;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker }));
    assert.ok(page.Functions.length <= 2);
    names.push(...page.Functions.map((f) => f.FunctionName));
    Marker = page.NextMarker;
  } while (Marker);
  assert.ok(names.includes(name), names.join(','));
  assert.equal(new Set(names).size, names.length);

  for (const ref of [name, functionArn(name), `000000000000:function:${name}`]) {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: ref }));
    assert.equal(config.FunctionArn, functionArn(name), ref);
    assert.equal(config.Description, 'listed');
  }

  const deleted = await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  assert.equal(deleted.$metadata.httpStatusCode, 204);
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: name })), (err) => {
    assert.ok(err instanceof ResourceNotFoundException, err.name);
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.equal(err.message, `Function not found: ${functionArn(name)}`);
    return true;
  });
  await rejectsWith(invoke(name, {}), 'ResourceNotFoundException', 404);
});

test('publish a version, point an alias at it, invoke through the alias', async () => {
  const name = fname('alias');
  const first = zipFor('v1');
  await createFunction(name, first);
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: name, Description: 'one' }));
  assert.equal(v1.$metadata.httpStatusCode, 201);
  assert.equal(v1.Version, '1');
  assert.equal(v1.FunctionArn, `${functionArn(name)}:1`);
  assert.equal(v1.CodeSha256, sha256b64(first));
  // nothing changed since: the same version again
  const again = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  assert.equal(again.Version, '1');

  const alias = await lambda.send(new CreateAliasCommand({
    FunctionName: name, Name: 'live', FunctionVersion: '1',
  }));
  assert.equal(alias.$metadata.httpStatusCode, 201);
  assert.equal(alias.AliasArn, `${functionArn(name)}:live`);
  assert.equal(alias.FunctionVersion, '1');
  const got = await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
  assert.equal(got.RevisionId, alias.RevisionId);
  await assert.rejects(lambda.send(new CreateAliasCommand({
    FunctionName: name, Name: 'live', FunctionVersion: '1',
  })), (err) => err instanceof ResourceConflictException);

  const second = zipFor('v2');
  const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: second }));
  assert.equal(updated.CodeSha256, sha256b64(second));
  assert.equal(updated.LastUpdateStatus, 'InProgress');
  await waitUntilFunctionUpdatedV2({ client: lambda, minDelay: 1, maxWaitTime: 30 },
    { FunctionName: name });

  const viaAlias = await invoke(name, {}, { Qualifier: 'live' });
  assert.equal(viaAlias.out.ExecutedVersion, '1');
  assert.equal(viaAlias.payload.which, 'v1');
  assert.equal(viaAlias.payload.functionVersion, '1');
  assert.equal(viaAlias.payload.invokedFunctionArn, `${functionArn(name)}:live`);

  const latest = await invoke(name, {});
  assert.equal(latest.out.ExecutedVersion, '$LATEST');
  assert.equal(latest.payload.which, 'v2');

  const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  assert.equal(v2.Version, '2');
  const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
  assert.deepEqual(versions.Versions.map((v) => v.Version), ['$LATEST', '1', '2']);
  const byArn = await invoke(`${functionArn(name)}:2`, {});
  assert.equal(byArn.out.ExecutedVersion, '2');
  assert.equal(byArn.payload.which, 'v2');
});
