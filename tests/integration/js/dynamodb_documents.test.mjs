// DynamoDB item, expression, query, index, batch and transaction tests driven by the
// AWS SDK for JavaScript v3: the low-level client and the DynamoDBDocumentClient from
// @aws-sdk/lib-dynamodb, which marshals native JS values (numbers, strings, booleans,
// null, objects, arrays, Sets, Uint8Arrays) to AttributeValues and back. Every
// assertion is what real DynamoDB answers: the API reference, the developer guide and
// the service's documented error messages decide.
//
// x-amz-crc32: DynamoDB puts the CRC32 of each answer's body in that header, on
// successes and errors alike. SDK for JavaScript v3 (unlike v2, Go or Java) does not
// check it, so every client here gets a middleware that reads the raw body, compares
// it with the header and fails the call on a mismatch or a missing header.
//
// Tables are PAY_PER_REQUEST and waited for (ACTIVE) before use. Queries on a global
// secondary index are retried for a few seconds, because DynamoDB updates a GSI
// asynchronously (eventually consistent reads only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  NumberValue,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import { deleteAll, sleep, startServer, uniqueName } from './harness.mjs';

let server;
let ddb; // low-level client
let doc; // DynamoDBDocumentClient over ddb, default translation (JS numbers)
let docExact; // DynamoDBDocumentClient over its own client, numbers as NumberValue
const createdTables = [];
const crc = { checked: 0 };

before(async () => {
  server = await startServer();
  ddb = checkCrc32(server.dynamodb());
  doc = DynamoDBDocumentClient.from(ddb);
  // from() stores its translateConfig on the wrapped client's config, so a second
  // translation needs a second low-level client.
  docExact = DynamoDBDocumentClient.from(checkCrc32(server.dynamodb()), {
    unmarshallOptions: { wrapNumbers: true },
  });
});

after(async () => {
  if (!server) return;
  if (server.external) {
    // Leave a shared server (e.g. moto) as we found it.
    await deleteAll(createdTables, (name) => ddb.send(new DeleteTableCommand({ TableName: name })));
  }
  await server.stop();
});

// ---------------------------------------------------------------- helpers

const CRC_FAILURE = Symbol('crc32 failure');

/** Adds a middleware that checks x-amz-crc32 against the raw body of every answer. */
function checkCrc32(client) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const { response } = result;
      const chunks = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
      const body = Buffer.concat(chunks);
      response.body = body; // the deserializer reads a Uint8Array as it is
      const name = Object.keys(response.headers).find((h) => h.toLowerCase() === 'x-amz-crc32');
      const header = name === undefined ? undefined : response.headers[name];
      const actual = crc32(body);
      if (header === undefined || !/^\d+$/.test(header) || Number(header) !== actual) {
        const error = new Error(
          `${context.commandName}: x-amz-crc32 is ${JSON.stringify(header)}, the CRC32 of the ` +
            `${body.length}-byte body (HTTP ${response.statusCode}) is ${actual}: ${body.toString('utf8', 0, 300)}`,
        );
        error[CRC_FAILURE] = true;
        throw error;
      }
      crc.checked++;
      return result;
    },
    // deserialize step, low priority: innermost, so it sees the raw HTTP answer
    // before the deserializer (and the document client's unmarshalling) does.
    { step: 'deserialize', priority: 'low', name: 'stratusTestCrc32Check' },
  );
  return client;
}

/** Asserts a call fails with this error name, HTTP 400 and message (string: exact; RegExp: match). */
async function expectError(promise, name, message) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${name}, but the call succeeded`);
  if (error[CRC_FAILURE] || !error.$metadata) throw error;
  assert.equal(error.name, name, `${error.name}: ${error.message}`);
  assert.equal(error.$metadata.httpStatusCode, 400);
  if (message instanceof RegExp) assert.match(error.message, message);
  else if (message !== undefined) assert.equal(error.message, message);
  return error;
}

/**
 * Creates a PAY_PER_REQUEST table and waits for ACTIVE.
 * keys: { pk: 'S', sk: 'N' } (first is HASH, second RANGE); attrs: more definitions for indexes.
 */
async function createTable(tag, keys, { attrs = {}, gsis } = {}) {
  const name = uniqueName('docs', tag);
  const names = Object.keys(keys);
  const KeySchema = names.map((n, i) => ({ AttributeName: n, KeyType: i === 0 ? 'HASH' : 'RANGE' }));
  const defs = { ...keys, ...attrs };
  await ddb.send(new CreateTableCommand({
    TableName: name,
    KeySchema,
    AttributeDefinitions: Object.entries(defs).map(([n, t]) => ({ AttributeName: n, AttributeType: t })),
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: gsis,
  }));
  createdTables.push(name);
  await waitUntilTableExists({ client: ddb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: name });
  return name;
}

const byKey = (...keys) => (a, b) => {
  for (const k of keys) {
    if (a[k] < b[k]) return -1;
    if (a[k] > b[k]) return 1;
  }
  return 0;
};

/** Runs fn until check(result) stops throwing (GSIs are eventually consistent), at most timeoutMs. */
async function eventually(fn, check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await fn();
    try {
      check(result);
      return result;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(200);
  }
}

async function putAll(table, items) {
  for (const Item of items) await doc.send(new PutCommand({ TableName: table, Item }));
}

const get = async (table, Key) =>
  (await doc.send(new GetCommand({ TableName: table, Key, ConsistentRead: true }))).Item;

// ---------------------------------------------------------------- checksums

test('answers carry an x-amz-crc32 matching their body, errors included', async () => {
  const checkedBefore = crc.checked;
  await ddb.send(new ListTablesCommand({ Limit: 1 }));
  await expectError(
    ddb.send(new DescribeTableCommand({ TableName: uniqueName('docs', 'absent') })),
    'ResourceNotFoundException',
  );
  assert.equal(crc.checked, checkedBefore + 2);
});

// ---------------------------------------------------------------- Put / Get / Delete

test('the DocumentClient puts and gets native JS values, stored as the AttributeValues DynamoDB documents', async () => {
  const table = await createTable('native', { pk: 'S', sk: 'N' });
  const Key = { pk: 'doc', sk: 1 };
  const item = {
    ...Key,
    str: 'hello',
    empty: '',
    int: 42,
    negative: -7,
    fraction: 3.25,
    largestSafe: Number.MAX_SAFE_INTEGER,
    yes: true,
    no: false,
    nothing: null,
    nested: { a: { b: [1, 'two', { c: false }] }, emptyMap: {} },
    list: [1, 'x', null, [2, 3], { k: 'v' }],
    emptyList: [],
    colours: new Set(['red', 'green']),
    primes: new Set([2, 3.5, -5]),
    bytes: new Uint8Array([0, 1, 255]),
  };
  const put = await doc.send(new PutCommand({ TableName: table, Item: item, ReturnValues: 'ALL_OLD' }));
  assert.equal(put.Attributes, undefined, 'a new item has no old attributes');
  assert.equal(put.$metadata.httpStatusCode, 200);

  const got = await get(table, Key);
  const { bytes, ...rest } = got;
  const { bytes: sentBytes, ...sentRest } = item;
  assert.deepEqual(rest, sentRest);
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual([...bytes], [...sentBytes]);

  // What the DocumentClient sent is what the low-level API returns.
  const raw = (await ddb.send(new GetItemCommand({
    TableName: table, Key: { pk: { S: 'doc' }, sk: { N: '1' } }, ConsistentRead: true,
  }))).Item;
  assert.deepEqual(raw.str, { S: 'hello' });
  assert.deepEqual(raw.empty, { S: '' });
  assert.deepEqual(raw.int, { N: '42' });
  assert.deepEqual(raw.negative, { N: '-7' });
  assert.deepEqual(raw.fraction, { N: '3.25' });
  assert.deepEqual(raw.largestSafe, { N: '9007199254740991' });
  assert.deepEqual(raw.yes, { BOOL: true });
  assert.deepEqual(raw.no, { BOOL: false });
  assert.deepEqual(raw.nothing, { NULL: true });
  assert.deepEqual(raw.nested, {
    M: {
      a: { M: { b: { L: [{ N: '1' }, { S: 'two' }, { M: { c: { BOOL: false } } }] } } },
      emptyMap: { M: {} },
    },
  });
  assert.deepEqual(raw.list, {
    L: [{ N: '1' }, { S: 'x' }, { NULL: true }, { L: [{ N: '2' }, { N: '3' }] }, { M: { k: { S: 'v' } } }],
  });
  assert.deepEqual(raw.emptyList, { L: [] });
  assert.deepEqual(Object.keys(raw.colours), ['SS']);
  assert.deepEqual([...raw.colours.SS].sort(), ['green', 'red']);
  assert.deepEqual(Object.keys(raw.primes), ['NS']);
  assert.deepEqual([...raw.primes.NS].sort(), ['-5', '2', '3.5']);
  assert.deepEqual(Object.keys(raw.bytes), ['B']);
  assert.deepEqual([...raw.bytes.B], [0, 1, 255]);

  // Overwriting returns the whole old item with ALL_OLD.
  const replaced = await doc.send(new PutCommand({
    TableName: table, Item: { ...Key, str: 'replaced' }, ReturnValues: 'ALL_OLD',
  }));
  assert.equal(replaced.Attributes.str, 'hello');
  assert.deepEqual(replaced.Attributes.colours, new Set(['red', 'green']));
  assert.deepEqual(await get(table, Key), { ...Key, str: 'replaced' });
});

test('GetCommand with a ProjectionExpression returns just the projected paths, nested ones in place', async () => {
  const table = await createTable('project', { pk: 'S' });
  await putAll(table, [{
    pk: 'p',
    title: 't',
    list: [10, 20, 30],
    nested: { a: { b: [{ c: 1, d: 2 }, 'x'] }, other: true },
    tags: new Set(['a', 'b']),
  }]);
  const { Item } = await doc.send(new GetCommand({
    TableName: table,
    Key: { pk: 'p' },
    ProjectionExpression: 'title, #l[2], nested.a.b[0].c, tags',
    ExpressionAttributeNames: { '#l': 'list' },
  }));
  assert.deepEqual(Item, { title: 't', list: [30], nested: { a: { b: [{ c: 1 }] } }, tags: new Set(['a', 'b']) });

  const missing = await doc.send(new GetCommand({ TableName: table, Key: { pk: 'nope' } }));
  assert.equal(missing.Item, undefined);
  assert.equal(missing.$metadata.httpStatusCode, 200);

  await expectError(
    doc.send(new GetCommand({ TableName: table, Key: { pk: 'p', extra: 1 } })),
    'ValidationException',
    'The provided key element does not match the schema',
  );
});

test('numbers keep 38 digits of precision and come back in normal form', async () => {
  const table = await createTable('numbers', { pk: 'S' });
  await ddb.send(new PutItemCommand({
    TableName: table,
    Item: {
      pk: { S: 'n' },
      leadingZero: { N: '0100' },
      trailingZero: { N: '1.50' },
      negative: { N: '-0.50' },
      wide: { N: '12345678901234567890123456789012345678' },
      precise: { N: '0.12345678901234567890123456789012345678' },
      set: { NS: ['1.0', '10', '0.5'] },
    },
  }));
  const { Item } = await docExact.send(new GetCommand({ TableName: table, Key: { pk: 'n' }, ConsistentRead: true }));
  assert.ok(Item.wide instanceof NumberValue);
  assert.equal(Item.leadingZero.toString(), '100');
  assert.equal(Item.trailingZero.toString(), '1.5');
  assert.equal(Item.negative.toString(), '-0.5');
  assert.equal(Item.wide.toString(), '12345678901234567890123456789012345678');
  assert.equal(Item.precise.toString(), '0.12345678901234567890123456789012345678');
  assert.deepEqual([...Item.set].map(String).sort(), ['0.5', '1', '10']);

  // NumberValue goes out exactly as written, and an ADD on it stays exact.
  await docExact.send(new PutCommand({
    TableName: table, Item: { pk: 'big', v: NumberValue.from('98765432109876543210.125') },
  }));
  const added = await docExact.send(new UpdateCommand({
    TableName: table,
    Key: { pk: 'big' },
    UpdateExpression: 'ADD v :d',
    ExpressionAttributeValues: { ':d': NumberValue.from('0.875') },
    ReturnValues: 'UPDATED_NEW',
  }));
  assert.equal(added.Attributes.v.toString(), '98765432109876543211');
});

test('DeleteCommand returns the old item with ALL_OLD, and nothing for a missing key', async () => {
  const table = await createTable('delete', { pk: 'S', sk: 'N' });
  await putAll(table, [{ pk: 'd', sk: 1, v: 'one' }, { pk: 'd', sk: 2, v: 'two' }]);
  const deleted = await doc.send(new DeleteCommand({ TableName: table, Key: { pk: 'd', sk: 1 }, ReturnValues: 'ALL_OLD' }));
  assert.deepEqual(deleted.Attributes, { pk: 'd', sk: 1, v: 'one' });
  assert.equal(await get(table, { pk: 'd', sk: 1 }), undefined);
  assert.deepEqual(await get(table, { pk: 'd', sk: 2 }), { pk: 'd', sk: 2, v: 'two' });
  const again = await doc.send(new DeleteCommand({ TableName: table, Key: { pk: 'd', sk: 1 }, ReturnValues: 'ALL_OLD' }));
  assert.equal(again.Attributes, undefined);
  assert.equal(again.$metadata.httpStatusCode, 200);
});

// ---------------------------------------------------------------- UpdateItem

test('UpdateCommand applies SET, REMOVE, ADD and DELETE in one expression and returns ALL_NEW', async () => {
  const table = await createTable('update', { pk: 'S', sk: 'N' });
  const Key = { pk: 'u', sk: 1 };
  await putAll(table, [{
    ...Key,
    visits: 1,
    tags: ['a'],
    info: { city: 'Oslo', zip: '0150' },
    obsolete: 'x',
    colours: new Set(['red']),
    sizes: new Set([8, 9, 10]),
    untouched: 'same',
  }]);
  const out = await doc.send(new UpdateCommand({
    TableName: table,
    Key,
    UpdateExpression:
      'SET visits = visits + :one, tags = list_append(tags, :more), info.city = :city, ' +
      'createdAt = if_not_exists(createdAt, :now), #status = :open ' +
      'REMOVE obsolete, info.zip ' +
      'ADD colours :blue, score :five ' +
      'DELETE sizes :nine',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':one': 1, ':more': ['b', 'c'], ':city': 'Bergen', ':now': 1700000000, ':open': 'open',
      ':blue': new Set(['blue']), ':five': 5, ':nine': new Set([9]),
    },
    ReturnValues: 'ALL_NEW',
  }));
  const expected = {
    ...Key,
    visits: 2,
    tags: ['a', 'b', 'c'],
    info: { city: 'Bergen' },
    createdAt: 1700000000,
    status: 'open',
    colours: new Set(['red', 'blue']),
    score: 5,
    sizes: new Set([8, 10]),
    untouched: 'same',
  };
  assert.deepEqual(out.Attributes, expected);
  assert.deepEqual(await get(table, Key), expected);

  // if_not_exists keeps what is there; list_append can prepend.
  const second = await doc.send(new UpdateCommand({
    TableName: table,
    Key,
    UpdateExpression: 'SET createdAt = if_not_exists(createdAt, :later), tags = list_append(:first, tags), visits = visits - :one',
    ExpressionAttributeValues: { ':later': 1800000000, ':first': ['z'], ':one': 1 },
    ReturnValues: 'ALL_NEW',
  }));
  assert.equal(second.Attributes.createdAt, 1700000000);
  assert.deepEqual(second.Attributes.tags, ['z', 'a', 'b', 'c']);
  assert.equal(second.Attributes.visits, 1);

  // SET on a list index replaces that element.
  const replaced = await doc.send(new UpdateCommand({
    TableName: table, Key, UpdateExpression: 'SET tags[3] = :C', ExpressionAttributeValues: { ':C': 'C' }, ReturnValues: 'ALL_NEW',
  }));
  assert.deepEqual(replaced.Attributes.tags, ['z', 'a', 'b', 'C']);

  // REMOVE of a list element shifts the rest down.
  const third = await doc.send(new UpdateCommand({
    TableName: table, Key, UpdateExpression: 'REMOVE tags[0], tags[2]', ReturnValues: 'ALL_NEW',
  }));
  assert.deepEqual(third.Attributes.tags, ['a', 'C']);
});

test('UpdateCommand with UPDATED_OLD returns only the updated attributes as they were', async () => {
  const table = await createTable('updold', { pk: 'S', sk: 'N' });
  const Key = { pk: 'o', sk: 7 };
  await putAll(table, [{ ...Key, a: 1, b: 'x', c: ['l'], keep: 'k' }]);
  const out = await doc.send(new UpdateCommand({
    TableName: table,
    Key,
    UpdateExpression: 'SET a = :two, fresh = :n REMOVE b ADD hits :one',
    ExpressionAttributeValues: { ':two': 2, ':n': 'new', ':one': 1 },
    ReturnValues: 'UPDATED_OLD',
  }));
  // fresh and hits had no old value; keep and the key were not updated.
  assert.deepEqual(out.Attributes, { a: 1, b: 'x' });

  const allOld = await doc.send(new UpdateCommand({
    TableName: table,
    Key,
    UpdateExpression: 'SET a = a + :one',
    ExpressionAttributeValues: { ':one': 1 },
    ReturnValues: 'ALL_OLD',
  }));
  assert.deepEqual(allOld.Attributes, { ...Key, a: 2, c: ['l'], keep: 'k', fresh: 'new', hits: 1 });
  assert.deepEqual(await get(table, Key), { ...Key, a: 3, c: ['l'], keep: 'k', fresh: 'new', hits: 1 });
});

test('UpdateCommand on a missing key creates the item, ADD counting from 0', async () => {
  const table = await createTable('upsert', { pk: 'S', sk: 'N' });
  const Key = { pk: 'new', sk: -1 };
  const out = await doc.send(new UpdateCommand({
    TableName: table,
    Key,
    UpdateExpression: 'SET label = :l ADD hits :three, members :m',
    ExpressionAttributeValues: { ':l': 'first', ':three': 3, ':m': new Set(['ann']) },
    ReturnValues: 'ALL_NEW',
  }));
  const expected = { ...Key, label: 'first', hits: 3, members: new Set(['ann']) };
  assert.deepEqual(out.Attributes, expected);
  assert.deepEqual(await get(table, Key), expected);
});

// ---------------------------------------------------------------- conditions

test('a failed ConditionExpression is ConditionalCheckFailedException and changes nothing', async () => {
  const table = await createTable('cond', { pk: 'S' });
  const original = { pk: 'c', version: 1, state: 'open', title: 'Widget', tags: ['x', 'y'], score: 5 };
  await putAll(table, [original]);

  const failed = 'The conditional request failed';
  await expectError(
    doc.send(new PutCommand({ TableName: table, Item: { pk: 'c', other: 1 }, ConditionExpression: 'attribute_not_exists(pk)' })),
    'ConditionalCheckFailedException', failed,
  );
  await expectError(
    doc.send(new UpdateCommand({
      TableName: table,
      Key: { pk: 'c' },
      UpdateExpression: 'SET version = :next, title = :t',
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':next': 3, ':t': 'changed', ':expected': 2 },
    })),
    'ConditionalCheckFailedException', failed,
  );
  await expectError(
    doc.send(new DeleteCommand({
      TableName: table,
      Key: { pk: 'c' },
      ConditionExpression: '#s = :closed',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':closed': 'closed' },
    })),
    'ConditionalCheckFailedException', failed,
  );
  // An update with attribute_exists on a missing key does not create the item.
  await expectError(
    doc.send(new UpdateCommand({
      TableName: table,
      Key: { pk: 'ghost' },
      UpdateExpression: 'SET title = :t',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':t': 'boo' },
    })),
    'ConditionalCheckFailedException', failed,
  );
  assert.deepEqual(await get(table, { pk: 'c' }), original);
  assert.equal(await get(table, { pk: 'ghost' }), undefined);

  // The condition functions, all true at once: the update goes through.
  const ok = await doc.send(new UpdateCommand({
    TableName: table,
    Key: { pk: 'c' },
    UpdateExpression: 'SET version = :next',
    ConditionExpression:
      'version = :expected AND size(tags) > :one AND contains(tags, :y) AND begins_with(title, :wid) ' +
      'AND attribute_type(score, :N) AND score BETWEEN :lo AND :hi AND #s IN (:closed, :open) ' +
      'AND NOT attribute_exists(gone) AND title <> :other',
    ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: {
      ':next': 2, ':expected': 1, ':one': 1, ':y': 'y', ':wid': 'Wid', ':N': 'N', ':lo': 5, ':hi': 6,
      ':closed': 'closed', ':open': 'open', ':other': 'Gadget',
    },
    ReturnValues: 'UPDATED_NEW',
  }));
  assert.deepEqual(ok.Attributes, { version: 2 });

  const deleted = await doc.send(new DeleteCommand({
    TableName: table,
    Key: { pk: 'c' },
    ConditionExpression: 'version = :two',
    ExpressionAttributeValues: { ':two': 2 },
    ReturnValues: 'ALL_OLD',
  }));
  assert.equal(deleted.Attributes.version, 2);
  assert.equal(await get(table, { pk: 'c' }), undefined);
});

test('ReturnValuesOnConditionCheckFailure ALL_OLD puts the current item on the error', async () => {
  const table = await createTable('condold', { pk: 'S' });
  await putAll(table, [{ pk: 'k', n: 1, s: 'kept' }]);
  const error = await expectError(
    ddb.send(new PutItemCommand({
      TableName: table,
      Item: { pk: { S: 'k' }, n: { N: '2' } },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })),
    'ConditionalCheckFailedException',
    'The conditional request failed',
  );
  assert.deepEqual(error.Item, { pk: { S: 'k' }, n: { N: '1' }, s: { S: 'kept' } });
});

test('expressions DynamoDB refuses are ValidationExceptions and change nothing', async () => {
  const table = await createTable('badexpr', { pk: 'S', sk: 'N' });
  const Key = { pk: 'v', sk: 1 };
  const original = { ...Key, word: 'text', n: 1 };
  await putAll(table, [original]);
  const update = (input) => doc.send(new UpdateCommand({ TableName: table, Key, ...input }));

  await expectError(
    update({ UpdateExpression: 'SET pk = :p', ExpressionAttributeValues: { ':p': 'other' } }),
    'ValidationException',
    'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key',
  );
  await expectError(
    update({ UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 2, ':unused': 3 } }),
    'ValidationException',
    'Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}',
  );
  await expectError(
    update({ UpdateExpression: 'SET #nope = :n', ExpressionAttributeValues: { ':n': 2 } }),
    'ValidationException',
    /An expression attribute name used in the document path is not defined; attribute name: #nope/,
  );
  await expectError(
    update({ UpdateExpression: 'SET n = :missing' }),
    'ValidationException',
    /An expression attribute value used in expression is not defined; attribute value: :missing/,
  );
  await expectError(
    update({ UpdateExpression: 'SET status = :s', ExpressionAttributeValues: { ':s': 'x' } }),
    'ValidationException',
    /Attribute name is a reserved keyword; reserved keyword: status/i,
  );
  await expectError(
    update({ UpdateExpression: 'SET absent = absent + :one', ExpressionAttributeValues: { ':one': 1 } }),
    'ValidationException',
    /The provided expression refers to an attribute that does not exist in the item/,
  );
  await expectError(
    update({ UpdateExpression: 'ADD word :one', ExpressionAttributeValues: { ':one': 1 } }),
    'ValidationException',
    /An operand in the update expression has an incorrect data type/,
  );
  assert.deepEqual(await get(table, Key), original);
});

// ---------------------------------------------------------------- Query

const SORT_KEYS = [10, -5, 100, 0, 10.5, 2];
const ASCENDING = [-5, 0, 2, 10, 10.5, 100];

async function scoresTable() {
  const table = await createTable('scores', { pk: 'S', sk: 'N' });
  await putAll(table, SORT_KEYS.map((sk) => ({ pk: 'p1', sk, label: `s${sk}`, ...(sk >= 2 ? { tag: 'big' } : {}) })));
  await putAll(table, [{ pk: 'p2', sk: 1 }, { pk: 'p2', sk: 3 }, { pk: 'p10', sk: 0 }]);
  return table;
}

test('QueryCommand reads one partition in numeric sort key order, either way, with key conditions', async () => {
  const table = await scoresTable();
  const query = async (input) => doc.send(new QueryCommand({ TableName: table, ...input }));
  const sks = (out) => out.Items.map((i) => i.sk);

  const all = await query({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'p1' } });
  assert.deepEqual(sks(all), ASCENDING);
  assert.equal(all.Count, 6);
  assert.equal(all.ScannedCount, 6);
  assert.equal(all.LastEvaluatedKey, undefined);
  assert.deepEqual(all.Items[1], { pk: 'p1', sk: 0, label: 's0' });

  const down = await query({
    KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'p1' }, ScanIndexForward: false,
  });
  assert.deepEqual(sks(down), [...ASCENDING].reverse());

  const between = await query({
    KeyConditionExpression: '#k = :p AND #s BETWEEN :lo AND :hi',
    ExpressionAttributeNames: { '#k': 'pk', '#s': 'sk' },
    ExpressionAttributeValues: { ':p': 'p1', ':lo': 0, ':hi': 10 },
  });
  assert.deepEqual(sks(between), [0, 2, 10]);

  const greater = await query({
    KeyConditionExpression: 'pk = :p AND sk > :x', ExpressionAttributeValues: { ':p': 'p1', ':x': 2 },
  });
  assert.deepEqual(sks(greater), [10, 10.5, 100]);

  const atMostDown = await query({
    KeyConditionExpression: 'sk <= :x AND pk = :p',
    ExpressionAttributeValues: { ':p': 'p1', ':x': 10 },
    ScanIndexForward: false,
  });
  assert.deepEqual(sks(atMostDown), [10, 2, 0, -5]);

  const other = await query({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'p2' } });
  assert.deepEqual(other.Items, [{ pk: 'p2', sk: 1 }, { pk: 'p2', sk: 3 }]);

  const none = await query({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'p3' } });
  assert.deepEqual(none.Items, []);
  assert.equal(none.Count, 0);

  const counted = await query({
    KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'p1' }, Select: 'COUNT',
  });
  assert.equal(counted.Count, 6);
  assert.equal(counted.Items, undefined);

  const projected = await query({
    KeyConditionExpression: 'pk = :p AND sk < :zero',
    ExpressionAttributeValues: { ':p': 'p1', ':zero': 0 },
    ProjectionExpression: 'label',
  });
  assert.deepEqual(projected.Items, [{ label: 's-5' }]);

  const filtered = await query({
    KeyConditionExpression: 'pk = :p',
    FilterExpression: 'attribute_not_exists(tag)',
    ExpressionAttributeValues: { ':p': 'p1' },
  });
  assert.deepEqual(sks(filtered), [-5, 0]);
  assert.equal(filtered.Count, 2);
  assert.equal(filtered.ScannedCount, 6);
});

test('QueryCommand pages with Limit and ExclusiveStartKey', async () => {
  const table = await scoresTable();
  const base = { TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'p1' } };
  const sks = (out) => out.Items.map((i) => i.sk);

  const first = await doc.send(new QueryCommand({ ...base, Limit: 4 }));
  assert.deepEqual(sks(first), [-5, 0, 2, 10]);
  assert.equal(first.Count, 4);
  assert.deepEqual(first.LastEvaluatedKey, { pk: 'p1', sk: 10 });
  const second = await doc.send(new QueryCommand({ ...base, Limit: 4, ExclusiveStartKey: first.LastEvaluatedKey }));
  assert.deepEqual(sks(second), [10.5, 100]);
  assert.equal(second.LastEvaluatedKey, undefined);

  // Backwards, in pages of 3: when a page ends exactly on the last item DynamoDB still
  // returns a LastEvaluatedKey, and the page after it is empty and has none.
  const down = { ...base, ScanIndexForward: false, Limit: 3 };
  const d1 = await doc.send(new QueryCommand(down));
  assert.deepEqual(sks(d1), [100, 10.5, 10]);
  assert.deepEqual(d1.LastEvaluatedKey, { pk: 'p1', sk: 10 });
  const d2 = await doc.send(new QueryCommand({ ...down, ExclusiveStartKey: d1.LastEvaluatedKey }));
  assert.deepEqual(sks(d2), [2, 0, -5]);
  assert.deepEqual(d2.LastEvaluatedKey, { pk: 'p1', sk: -5 });
  const d3 = await doc.send(new QueryCommand({ ...down, ExclusiveStartKey: d2.LastEvaluatedKey }));
  assert.deepEqual(d3.Items, []);
  assert.equal(d3.Count, 0);
  assert.equal(d3.LastEvaluatedKey, undefined);

  // A start key between stored values starts after it.
  const mid = await doc.send(new QueryCommand({ ...base, ExclusiveStartKey: { pk: 'p1', sk: 1 } }));
  assert.deepEqual(sks(mid), [2, 10, 10.5, 100]);

  // Limit counts items read, before the filter.
  const limitedFilter = await doc.send(new QueryCommand({
    ...base, Limit: 3, FilterExpression: 'attribute_exists(tag)',
  }));
  assert.deepEqual(sks(limitedFilter), [2]);
  assert.equal(limitedFilter.Count, 1);
  assert.equal(limitedFilter.ScannedCount, 3);
  assert.deepEqual(limitedFilter.LastEvaluatedKey, { pk: 'p1', sk: 2 });

  // The document client's paginator follows LastEvaluatedKey to the end.
  const pages = [];
  for await (const page of paginateQuery({ client: doc, pageSize: 2 }, { ...base })) pages.push(sks(page));
  assert.deepEqual(pages, [[-5, 0], [2, 10], [10.5, 100], []]);
});

test('QueryCommand refuses key conditions without the partition key and ConsistentRead on a GSI', async () => {
  const table = await createTable('qerr', { pk: 'S', sk: 'N' }, {
    attrs: { g: 'S' },
    gsis: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
  });
  await expectError(
    doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'sk = :s', ExpressionAttributeValues: { ':s': 1 } })),
    'ValidationException',
    'Query condition missed key schema element: pk',
  );
  await expectError(
    doc.send(new QueryCommand({
      TableName: table,
      IndexName: 'byG',
      KeyConditionExpression: 'g = :g',
      ExpressionAttributeValues: { ':g': 'x' },
      ConsistentRead: true,
    })),
    'ValidationException',
    'Consistent reads are not supported on global secondary indexes',
  );
  await expectError(
    doc.send(new QueryCommand({
      TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'x', ':extra': 1 },
    })),
    'ValidationException',
    'Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}',
  );
});

// ---------------------------------------------------------------- global secondary indexes

test('QueryCommand on a GSI: index key order, sparse index, keys-only projection, paging and upkeep', async () => {
  const table = await createTable('orders', { orderId: 'S' }, {
    attrs: { customer: 'S', amount: 'N', state: 'S' },
    gsis: [
      {
        IndexName: 'byCustomer',
        KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'amount', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'byState',
        KeySchema: [{ AttributeName: 'state', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  });
  const orders = [
    { orderId: 'o1', customer: 'ann', amount: 30, state: 'open', note: 'first' },
    { orderId: 'o2', customer: 'ann', amount: 5, state: 'closed' },
    { orderId: 'o3', customer: 'ann', amount: 120, state: 'open' },
    { orderId: 'o4', customer: 'bob', amount: 7, state: 'open' },
    { orderId: 'o5', amount: 1, state: 'open' }, // no customer: not in byCustomer
  ];
  await putAll(table, orders);
  const byCustomer = (input) => doc.send(new QueryCommand({
    TableName: table,
    IndexName: 'byCustomer',
    KeyConditionExpression: 'customer = :c',
    ExpressionAttributeValues: { ':c': 'ann' },
    ...input,
  }));
  const ids = (out) => out.Items.map((i) => i.orderId);

  const ann = await eventually(() => byCustomer({}), (out) => assert.deepEqual(ids(out), ['o2', 'o1', 'o3']));
  assert.deepEqual(ann.Items[1], orders[0]);
  assert.equal(ann.Count, 3);

  const bigDown = await byCustomer({
    KeyConditionExpression: 'customer = :c AND amount > :x',
    ExpressionAttributeValues: { ':c': 'ann', ':x': 10 },
    ScanIndexForward: false,
  });
  assert.deepEqual(ids(bigDown), ['o3', 'o1']);

  // An index's LastEvaluatedKey holds the index keys and the table keys.
  const page1 = await byCustomer({ Limit: 2 });
  assert.deepEqual(ids(page1), ['o2', 'o1']);
  assert.deepEqual(page1.LastEvaluatedKey, { orderId: 'o1', customer: 'ann', amount: 30 });
  const page2 = await byCustomer({ Limit: 2, ExclusiveStartKey: page1.LastEvaluatedKey });
  assert.deepEqual(ids(page2), ['o3']);
  assert.equal(page2.LastEvaluatedKey, undefined);

  // KEYS_ONLY: the table key and the index key, nothing else.
  const open = await eventually(
    () => doc.send(new QueryCommand({
      TableName: table,
      IndexName: 'byState',
      KeyConditionExpression: '#s = :open',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':open': 'open' },
    })),
    (out) => assert.equal(out.Count, 4),
  );
  assert.deepEqual(open.Items.sort(byKey('orderId')), [
    { orderId: 'o1', state: 'open' },
    { orderId: 'o3', state: 'open' },
    { orderId: 'o4', state: 'open' },
    { orderId: 'o5', state: 'open' },
  ]);

  // Only items with the index keys are in the index.
  const indexScan = await eventually(
    () => doc.send(new ScanCommand({ TableName: table, IndexName: 'byCustomer' })),
    (out) => assert.equal(out.Count, 4),
  );
  assert.deepEqual(ids(indexScan).sort(), ['o1', 'o2', 'o3', 'o4']);

  // Writes to the table move items within, into and out of the index.
  await doc.send(new UpdateCommand({
    TableName: table, Key: { orderId: 'o4' }, UpdateExpression: 'SET customer = :ann', ExpressionAttributeValues: { ':ann': 'ann' },
  }));
  await doc.send(new UpdateCommand({
    TableName: table, Key: { orderId: 'o5' }, UpdateExpression: 'SET customer = :ann', ExpressionAttributeValues: { ':ann': 'ann' },
  }));
  await doc.send(new UpdateCommand({
    TableName: table, Key: { orderId: 'o3' }, UpdateExpression: 'SET amount = :a', ExpressionAttributeValues: { ':a': 6 },
  }));
  await doc.send(new DeleteCommand({ TableName: table, Key: { orderId: 'o2' } }));
  await doc.send(new UpdateCommand({ TableName: table, Key: { orderId: 'o1' }, UpdateExpression: 'REMOVE customer' }));
  await eventually(() => byCustomer({}), (out) => assert.deepEqual(ids(out), ['o5', 'o3', 'o4']));
});

// ---------------------------------------------------------------- Scan

test('ScanCommand with FilterExpression and ProjectionExpression', async () => {
  const table = await createTable('products', { pk: 'S' });
  const products = [
    { pk: 'p1', name: 'Anvil', category: 'tools', price: 100, tags: ['heavy', 'iron'], info: { color: 'black', kg: 50 } },
    { pk: 'p2', name: 'Apple', category: 'food', price: 1, tags: ['fresh'], info: { color: 'red' } },
    { pk: 'p3', name: 'Axe', category: 'tools', price: 40, tags: ['sharp', 'iron'], info: { color: 'red' }, discontinued: true },
    { pk: 'p4', name: 'Bread', category: 'food', price: 3, tags: [], info: { color: 'brown' } },
    { pk: 'p5', name: 'Brush', category: 'paint', price: 12, tags: ['soft'], info: {} },
    { pk: 'p6', name: 'Chisel', category: 'tools', price: 15, tags: ['sharp'], info: { color: 'red' } },
  ];
  await putAll(table, products);
  const scan = (input) => doc.send(new ScanCommand({ TableName: table, ...input }));
  const ids = (out) => out.Items.map((i) => i.pk).sort();

  const tools = await scan({ FilterExpression: 'category = :c', ExpressionAttributeValues: { ':c': 'tools' } });
  assert.deepEqual(ids(tools), ['p1', 'p3', 'p6']);
  assert.equal(tools.Count, 3);
  assert.equal(tools.ScannedCount, 6);
  assert.deepEqual(tools.Items.sort(byKey('pk'))[0], products[0]);

  const cases = [
    ['contains(tags, :t) AND price BETWEEN :lo AND :hi', { ':t': 'iron', ':lo': 10, ':hi': 50 }, ['p3']],
    ['size(tags) >= :two', { ':two': 2 }, ['p1', 'p3']],
    ['size(#n) = :three', { ':three': 3 }, ['p3']],
    ['begins_with(#n, :a)', { ':a': 'A' }, ['p1', 'p2', 'p3']],
    ['attribute_not_exists(discontinued) AND category IN (:tools, :paint)', { ':tools': 'tools', ':paint': 'paint' }, ['p1', 'p5', 'p6']],
    ['NOT (price < :ten)', { ':ten': 10 }, ['p1', 'p3', 'p5', 'p6']],
    ['info.color = :red', { ':red': 'red' }, ['p2', 'p3', 'p6']],
    ['tags[0] = :sharp', { ':sharp': 'sharp' }, ['p3', 'p6']],
    ['attribute_type(info.kg, :N)', { ':N': 'N' }, ['p1']],
    ['price > :p OR #n > :b', { ':p': 50, ':b': 'Bz' }, ['p1', 'p6']],
    ['category <> :food AND (price < :twenty OR discontinued = :t)', { ':food': 'food', ':twenty': 20, ':t': true }, ['p3', 'p5', 'p6']],
  ];
  for (const [FilterExpression, ExpressionAttributeValues, expected] of cases) {
    const names = FilterExpression.includes('#n') ? { ExpressionAttributeNames: { '#n': 'name' } } : {};
    const out = await scan({ FilterExpression, ExpressionAttributeValues, ...names });
    assert.deepEqual(ids(out), expected, FilterExpression);
    assert.equal(out.ScannedCount, 6, FilterExpression);
  }

  // Projection picks attributes and nested paths; the filter may use what is not projected.
  const projected = await scan({
    FilterExpression: 'category = :c',
    ProjectionExpression: '#n, price, info.color, tags[1]',
    ExpressionAttributeNames: { '#n': 'name' },
    ExpressionAttributeValues: { ':c': 'tools' },
  });
  assert.deepEqual(projected.Items.sort(byKey('name')), [
    { name: 'Anvil', price: 100, info: { color: 'black' }, tags: ['iron'] },
    { name: 'Axe', price: 40, info: { color: 'red' }, tags: ['iron'] },
    { name: 'Chisel', price: 15, info: { color: 'red' } },
  ]);

  const counted = await scan({ Select: 'COUNT', FilterExpression: 'category = :c', ExpressionAttributeValues: { ':c': 'food' } });
  assert.equal(counted.Count, 2);
  assert.equal(counted.ScannedCount, 6);
  assert.equal(counted.Items, undefined);

  // Limit bounds what is read before filtering; pages together see everything once.
  const limited = await scan({ Limit: 2, FilterExpression: 'category = :c', ExpressionAttributeValues: { ':c': 'tools' } });
  assert.equal(limited.ScannedCount, 2);
  assert.ok(limited.LastEvaluatedKey);
  const seen = [];
  let scanned = 0;
  for await (const page of paginateScan({ client: doc, pageSize: 2 }, {
    TableName: table, FilterExpression: 'category = :c', ExpressionAttributeValues: { ':c': 'tools' },
  })) {
    seen.push(...page.Items.map((i) => i.pk));
    scanned += page.ScannedCount;
  }
  assert.deepEqual(seen.sort(), ['p1', 'p3', 'p6']);
  assert.equal(scanned, 6);
});

// ---------------------------------------------------------------- batches

test('BatchWriteCommand and BatchGetCommand across two tables', async () => {
  const people = await createTable('people', { pk: 'S' });
  const events = await createTable('events', { pk: 'S', sk: 'N' });

  const written = await doc.send(new BatchWriteCommand({
    RequestItems: {
      [people]: [
        { PutRequest: { Item: { pk: 'ann', age: 31, langs: new Set(['en', 'no']) } } },
        { PutRequest: { Item: { pk: 'bob', age: 40 } } },
        { PutRequest: { Item: { pk: 'cid', age: 22, pets: [{ kind: 'cat' }] } } },
      ],
      [events]: [
        { PutRequest: { Item: { pk: 'ann', sk: 1, what: 'login' } } },
        { PutRequest: { Item: { pk: 'ann', sk: 2, what: 'logout' } } },
      ],
    },
  }));
  assert.deepEqual(written.UnprocessedItems, {});

  const read = await doc.send(new BatchGetCommand({
    RequestItems: {
      [people]: { Keys: [{ pk: 'ann' }, { pk: 'cid' }, { pk: 'nobody' }] },
      [events]: {
        Keys: [{ pk: 'ann', sk: 2 }, { pk: 'ann', sk: 1 }],
        ProjectionExpression: 'sk, what',
        ConsistentRead: true,
      },
    },
  }));
  assert.deepEqual(read.UnprocessedKeys, {});
  assert.deepEqual(Object.keys(read.Responses).sort(), [people, events].sort());
  assert.deepEqual(read.Responses[people].sort(byKey('pk')), [
    { pk: 'ann', age: 31, langs: new Set(['en', 'no']) },
    { pk: 'cid', age: 22, pets: [{ kind: 'cat' }] },
  ]);
  assert.deepEqual(read.Responses[events].sort(byKey('sk')), [{ sk: 1, what: 'login' }, { sk: 2, what: 'logout' }]);

  // Puts replace whole items; deletes of missing keys are fine.
  const mixed = await doc.send(new BatchWriteCommand({
    RequestItems: {
      [people]: [
        { DeleteRequest: { Key: { pk: 'bob' } } },
        { PutRequest: { Item: { pk: 'ann', age: 32 } } },
        { DeleteRequest: { Key: { pk: 'nobody' } } },
      ],
      [events]: [{ DeleteRequest: { Key: { pk: 'ann', sk: 1 } } }],
    },
  }));
  assert.deepEqual(mixed.UnprocessedItems, {});
  assert.equal(await get(people, { pk: 'bob' }), undefined);
  assert.deepEqual(await get(people, { pk: 'ann' }), { pk: 'ann', age: 32 });
  assert.equal(await get(events, { pk: 'ann', sk: 1 }), undefined);
  assert.deepEqual(await get(events, { pk: 'ann', sk: 2 }), { pk: 'ann', sk: 2, what: 'logout' });

  // One item at most once per request, for reads and writes alike.
  await expectError(
    doc.send(new BatchGetCommand({ RequestItems: { [people]: { Keys: [{ pk: 'ann' }, { pk: 'ann' }] } } })),
    'ValidationException',
    'Provided list of item keys contains duplicates',
  );
  await expectError(
    doc.send(new BatchWriteCommand({
      RequestItems: {
        [people]: [{ PutRequest: { Item: { pk: 'dup', v: 1 } } }, { PutRequest: { Item: { pk: 'dup', v: 2 } } }],
      },
    })),
    'ValidationException',
    'Provided list of item keys contains duplicates',
  );
  await expectError(
    doc.send(new BatchWriteCommand({
      RequestItems: {
        [people]: [{ PutRequest: { Item: { pk: 'dup', v: 1 } } }, { DeleteRequest: { Key: { pk: 'dup' } } }],
      },
    })),
    'ValidationException',
    'Provided list of item keys contains duplicates',
  );
  assert.equal(await get(people, { pk: 'dup' }), undefined);
});

// ---------------------------------------------------------------- transactions

async function transactionTables() {
  const accounts = await createTable('accounts', { pk: 'S' });
  const stock = await createTable('stock', { pk: 'S', sk: 'N' });
  await putAll(accounts, [{ pk: 'alice', balance: 100 }, { pk: 'old', balance: 0 }, { pk: 'guard', locked: false }]);
  await putAll(stock, [{ pk: 'widget', sk: 1, qty: 2 }]);
  return { accounts, stock };
}

test('TransactWriteCommand applies puts, updates, deletes and condition checks across tables together', async () => {
  const { accounts, stock } = await transactionTables();
  const out = await doc.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: accounts, Item: { pk: 'bob', balance: 10, tags: new Set(['new']) }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Update: {
          TableName: stock,
          Key: { pk: 'widget', sk: 1 },
          UpdateExpression: 'SET qty = qty - :one',
          ConditionExpression: 'qty >= :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
      { Delete: { TableName: accounts, Key: { pk: 'old' }, ConditionExpression: 'balance = :zero', ExpressionAttributeValues: { ':zero': 0 } } },
      { ConditionCheck: { TableName: accounts, Key: { pk: 'guard' }, ConditionExpression: 'locked = :f', ExpressionAttributeValues: { ':f': false } } },
    ],
  }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.deepEqual(await get(accounts, { pk: 'bob' }), { pk: 'bob', balance: 10, tags: new Set(['new']) });
  assert.deepEqual(await get(stock, { pk: 'widget', sk: 1 }), { pk: 'widget', sk: 1, qty: 1 });
  assert.equal(await get(accounts, { pk: 'old' }), undefined);
  assert.deepEqual(await get(accounts, { pk: 'guard' }), { pk: 'guard', locked: false });

  const read = await doc.send(new TransactGetCommand({
    TransactItems: [
      { Get: { TableName: stock, Key: { pk: 'widget', sk: 1 } } },
      { Get: { TableName: accounts, Key: { pk: 'nobody' } } },
      { Get: { TableName: accounts, Key: { pk: 'alice' }, ProjectionExpression: 'balance' } },
    ],
  }));
  assert.equal(read.Responses.length, 3);
  assert.deepEqual(read.Responses.map((r) => r.Item), [{ pk: 'widget', sk: 1, qty: 1 }, undefined, { balance: 100 }]);
});

test('a TransactWriteCommand with a failing condition is cancelled whole, with CancellationReasons in order', async () => {
  const { accounts, stock } = await transactionTables();
  const items = [
    { Put: { TableName: accounts, Item: { pk: 'carol', balance: 5 }, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: stock,
        Key: { pk: 'widget', sk: 1 },
        UpdateExpression: 'SET qty = qty - :n',
        ConditionExpression: 'qty >= :n',
        ExpressionAttributeValues: { ':n': 5 },
      },
    },
    { Update: { TableName: accounts, Key: { pk: 'alice' }, UpdateExpression: 'ADD balance :d', ExpressionAttributeValues: { ':d': -5 } } },
  ];
  const error = await expectError(
    doc.send(new TransactWriteCommand({ TransactItems: items })),
    'TransactionCanceledException',
    'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]',
  );
  assert.deepEqual(error.CancellationReasons.map((r) => r.Code), ['None', 'ConditionalCheckFailed', 'None']);
  assert.equal(error.CancellationReasons[0].Message, undefined);
  assert.equal(error.CancellationReasons[1].Message, 'The conditional request failed');
  assert.equal(error.CancellationReasons[1].Item, undefined);
  assert.equal(await get(accounts, { pk: 'carol' }), undefined);
  assert.deepEqual(await get(stock, { pk: 'widget', sk: 1 }), { pk: 'widget', sk: 1, qty: 2 });
  assert.deepEqual(await get(accounts, { pk: 'alice' }), { pk: 'alice', balance: 100 });

  // Several failing conditions are all reported; ALL_OLD adds the current item (low-level form).
  const second = await expectError(
    ddb.send(new TransactWriteItemsCommand({
      TransactItems: [
        {
          ConditionCheck: {
            TableName: accounts,
            Key: { pk: { S: 'alice' } },
            ConditionExpression: 'balance > :b',
            ExpressionAttributeValues: { ':b': { N: '1000' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        { Put: { TableName: accounts, Item: { pk: { S: 'dave' } } } },
        {
          Delete: {
            TableName: stock,
            Key: { pk: { S: 'widget' }, sk: { N: '1' } },
            ConditionExpression: 'attribute_not_exists(qty)',
          },
        },
      ],
    })),
    'TransactionCanceledException',
    'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, ConditionalCheckFailed]',
  );
  assert.deepEqual(second.CancellationReasons, [
    { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: { S: 'alice' }, balance: { N: '100' } } },
    { Code: 'None' },
    { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
  ]);
  assert.equal(await get(accounts, { pk: 'dave' }), undefined);
  assert.deepEqual(await get(stock, { pk: 'widget', sk: 1 }), { pk: 'widget', sk: 1, qty: 2 });

  await expectError(
    doc.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: accounts, Item: { pk: 'alice', balance: 1 } } },
        { Update: { TableName: accounts, Key: { pk: 'alice' }, UpdateExpression: 'SET flag = :t', ExpressionAttributeValues: { ':t': true } } },
      ],
    })),
    'ValidationException',
    'Transaction request cannot include multiple operations on one item',
  );
  assert.deepEqual(await get(accounts, { pk: 'alice' }), { pk: 'alice', balance: 100 });
});
