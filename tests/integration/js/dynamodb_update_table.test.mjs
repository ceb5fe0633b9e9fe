// DynamoDB UpdateTable and time to live driven by the AWS SDK for JavaScript v3 low-level
// client: a global secondary index created on a table that already has items (backfilled,
// queryable once ACTIVE), waitUntilTableExists after UpdateTable (billing switch, stream),
// and an expired item deleted by time to live. Every assertion is what real DynamoDB
// answers: the API reference (UpdateTable, UpdateTimeToLive, DescribeTimeToLive) and the
// developer guide ("Managing global secondary indexes", "Time to Live (TTL)").
//
// UpdateTable is asynchronous: the answer says UPDATING, and the table_exists waiter only
// looks at TableStatus, which DynamoDB sets back to ACTIVE while a new index is still
// backfilling; so index readiness is polled on IndexStatus. DynamoDB deletes expired items
// "typically within two days"; Stratus sweeps every second, so the expiry is polled for up
// to 10 s rather than slept for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { deleteAll, sleep, startServer, uniqueName } from './harness.mjs';

let server;
let ddb;
const createdTables = [];

before(async () => {
  server = await startServer();
  ddb = server.dynamodb();
});

after(async () => {
  if (!server) return;
  if (server.external) {
    await deleteAll(createdTables, (name) => ddb.send(new DeleteTableCommand({ TableName: name })));
  }
  await server.stop();
});

// ---------------------------------------------------------------- helpers

const WAITER = { maxWaitTime: 120, minDelay: 1, maxDelay: 5 };

/** A PAY_PER_REQUEST table keyed on pk (S), waited for; returns its name. */
async function createTable(tag) {
  const name = uniqueName('update', tag);
  await ddb.send(new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  createdTables.push(name);
  await waitUntilTableExists({ client: ddb, ...WAITER }, { TableName: name });
  return name;
}

const describe = async (name) => (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;

/** Calls fn until check(result) is truthy, at most timeoutMs; returns that result. */
async function poll(fn, check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await fn();
    if (check(result)) return result;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(result)})`);
    await sleep(200);
  }
}

const getItem = async (TableName, Key) =>
  (await ddb.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;

// ---------------------------------------------------------------- tests

test('UpdateTable creates a global secondary index that is backfilled and queryable once ACTIVE', async () => {
  const table = await createTable('gsi');
  const items = [
    { pk: { S: 'a' }, team: { S: 'red' }, score: { N: '3' } },
    { pk: { S: 'b' }, team: { S: 'red' }, score: { N: '1' } },
    { pk: { S: 'c' }, team: { S: 'blue' }, score: { N: '2' } },
    { pk: { S: 'd' }, score: { N: '9' } }, // no team: not in the index
  ];
  for (const Item of items) await ddb.send(new PutItemCommand({ TableName: table, Item }));

  const { TableDescription } = await ddb.send(new UpdateTableCommand({
    TableName: table,
    AttributeDefinitions: [{ AttributeName: 'team', AttributeType: 'S' }, { AttributeName: 'score', AttributeType: 'N' }],
    GlobalSecondaryIndexUpdates: [{
      Create: {
        IndexName: 'byTeam',
        KeySchema: [{ AttributeName: 'team', KeyType: 'HASH' }, { AttributeName: 'score', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    }],
  }));
  assert.equal(TableDescription.TableStatus, 'UPDATING');
  const [created] = TableDescription.GlobalSecondaryIndexes;
  assert.equal(created.IndexName, 'byTeam');
  assert.equal(created.IndexStatus, 'CREATING');
  assert.equal(created.IndexArn, `${TableDescription.TableArn}/index/byTeam`);

  await waitUntilTableExists({ client: ddb, ...WAITER }, { TableName: table });
  const described = await poll(() => describe(table),
    (t) => t.TableStatus === 'ACTIVE' && t.GlobalSecondaryIndexes.every((g) => g.IndexStatus === 'ACTIVE'),
    'the index ACTIVE', 60_000);
  assert.deepEqual(described.GlobalSecondaryIndexes.map((g) => g.IndexName), ['byTeam']);
  assert.deepEqual(
    [...described.AttributeDefinitions].sort((x, y) => x.AttributeName.localeCompare(y.AttributeName)),
    [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'score', AttributeType: 'N' },
      { AttributeName: 'team', AttributeType: 'S' },
    ],
  );

  // backfilled: the items that were there, in score order, keys only
  const { Items } = await ddb.send(new QueryCommand({
    TableName: table,
    IndexName: 'byTeam',
    KeyConditionExpression: 'team = :t',
    ExpressionAttributeValues: { ':t': { S: 'red' } },
  }));
  assert.deepEqual(Items, [
    { pk: { S: 'b' }, team: { S: 'red' }, score: { N: '1' } },
    { pk: { S: 'a' }, team: { S: 'red' }, score: { N: '3' } },
  ]);
  // and new writes reach it (an index is eventually consistent)
  await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'e' }, team: { S: 'blue' }, score: { N: '0' } } }));
  const blue = await poll(async () => (await ddb.send(new QueryCommand({
    TableName: table,
    IndexName: 'byTeam',
    KeyConditionExpression: 'team = :t',
    ExpressionAttributeValues: { ':t': { S: 'blue' } },
  }))).Items, (found) => found.length === 2, 'the new item in the index');
  assert.deepEqual(blue.map((i) => i.pk.S), ['e', 'c']);
});

test('waitUntilTableExists after UpdateTable: a billing switch and a new stream', async () => {
  const table = await createTable('billing');
  const switched = await ddb.send(new UpdateTableCommand({
    TableName: table,
    BillingMode: 'PROVISIONED',
    ProvisionedThroughput: { ReadCapacityUnits: 4, WriteCapacityUnits: 2 },
  }));
  assert.equal(switched.TableDescription.TableStatus, 'UPDATING');
  await waitUntilTableExists({ client: ddb, ...WAITER }, { TableName: table });
  let t = await describe(table);
  assert.equal(t.TableStatus, 'ACTIVE');
  assert.equal(t.ProvisionedThroughput.ReadCapacityUnits, 4);
  assert.equal(t.ProvisionedThroughput.WriteCapacityUnits, 2);
  if (t.BillingModeSummary) assert.equal(t.BillingModeSummary.BillingMode, 'PROVISIONED');

  const streamed = await ddb.send(new UpdateTableCommand({
    TableName: table,
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  }));
  assert.equal(streamed.TableDescription.TableStatus, 'UPDATING');
  assert.deepEqual(streamed.TableDescription.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  assert.match(streamed.TableDescription.LatestStreamLabel, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  await waitUntilTableExists({ client: ddb, ...WAITER }, { TableName: table });
  t = await describe(table);
  assert.equal(t.TableStatus, 'ACTIVE');
  assert.equal(t.LatestStreamArn, `${t.TableArn}/stream/${streamed.TableDescription.LatestStreamLabel}`);

  // back to on-demand
  await ddb.send(new UpdateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST' }));
  await waitUntilTableExists({ client: ddb, ...WAITER }, { TableName: table });
  t = await describe(table);
  assert.equal(t.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
  assert.ok(t.BillingModeSummary.LastUpdateToPayPerRequestDateTime instanceof Date);
  assert.equal(t.ProvisionedThroughput.ReadCapacityUnits, 0);
});

test('time to live deletes an expired item (polled) and keeps one that has not expired', async () => {
  const table = await createTable('ttl');
  const { TimeToLiveSpecification } = await ddb.send(new UpdateTimeToLiveCommand({
    TableName: table,
    TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' },
  }));
  assert.deepEqual(TimeToLiveSpecification, { Enabled: true, AttributeName: 'expires' });
  const { TimeToLiveDescription } = await ddb.send(new DescribeTimeToLiveCommand({ TableName: table }));
  assert.deepEqual(TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });

  const now = Math.floor(Date.now() / 1000);
  const expired = { pk: { S: 'expired' }, expires: { N: String(now - 60) } };
  const future = { pk: { S: 'future' }, expires: { N: String(now + 3600) } };
  const asText = { pk: { S: 'text' }, expires: { S: String(now - 60) } }; // not a number: never expires
  for (const Item of [future, asText, expired]) await ddb.send(new PutItemCommand({ TableName: table, Item }));

  await poll(() => getItem(table, { pk: { S: 'expired' } }), (item) => item === undefined, 'the expired item deleted');
  assert.deepEqual(await getItem(table, { pk: { S: 'future' } }), future);
  assert.deepEqual(await getItem(table, { pk: { S: 'text' } }), asText);
});
