// DynamoDB Streams driven by the AWS SDK for JavaScript v3 (@aws-sdk/client-dynamodb-streams):
// item writes read back through GetShardIterator/GetRecords with NEW_AND_OLD_IMAGES,
// NextShardIterator chaining, ListStreams and DescribeStream, errors, and a deleted table's
// stream (DISABLED, its shard closed, still readable). Every assertion is what DynamoDB
// Streams answers: the API reference (Record, StreamRecord, DescribeStream, GetRecords,
// ListStreams), the developer guide (Streams.html), and error messages quoted from real
// DynamoDB Streams in public issues.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  PutItemCommand,
  UpdateItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { CLIENT_DEFAULTS, deleteAll, startServer, uniqueName } from './harness.mjs';

let server;
let ddb;
let streams;
const createdTables = [];

before(async () => {
  server = await startServer();
  ddb = server.dynamodb();
  streams = new DynamoDBStreamsClient({ endpoint: server.endpoint, ...CLIENT_DEFAULTS });
});

after(async () => {
  if (!server) return;
  if (server.external) {
    await deleteAll(createdTables, (name) => ddb.send(new DeleteTableCommand({ TableName: name })));
  }
  streams?.destroy();
  await server.stop();
});

// ---------------------------------------------------------------- helpers

/** A PAY_PER_REQUEST table (pk S [+ sk N]) with a stream; returns its CreateTable description. */
async function createStreamTable(tag, viewType, { sortKey = false } = {}) {
  const name = uniqueName('streams', tag);
  const KeySchema = [{ AttributeName: 'pk', KeyType: 'HASH' }];
  const AttributeDefinitions = [{ AttributeName: 'pk', AttributeType: 'S' }];
  if (sortKey) {
    KeySchema.push({ AttributeName: 'sk', KeyType: 'RANGE' });
    AttributeDefinitions.push({ AttributeName: 'sk', AttributeType: 'N' });
  }
  const { TableDescription } = await ddb.send(new CreateTableCommand({
    TableName: name,
    KeySchema,
    AttributeDefinitions,
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
  }));
  createdTables.push(name);
  await waitUntilTableExists({ client: ddb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: name });
  return TableDescription;
}

async function onlyShard(arn) {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  assert.equal(StreamDescription.Shards.length, 1);
  return StreamDescription.Shards[0];
}

async function shardIterator(arn, type = 'TRIM_HORIZON', sequence) {
  const { ShardId } = await onlyShard(arn);
  const { ShardIterator } = await streams.send(new GetShardIteratorCommand({
    StreamArn: arn,
    ShardId,
    ShardIteratorType: type,
    ...(sequence ? { SequenceNumber: sequence } : {}),
  }));
  assert.equal(typeof ShardIterator, 'string');
  return ShardIterator;
}

/** GetRecords until caught up: { records, next } (next is undefined at a closed shard's end). */
async function drain(iterator, limit) {
  const records = [];
  for (let i = 0; i < 1000; i++) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    records.push(...page.Records);
    iterator = page.NextShardIterator;
    if (!iterator || page.Records.length === 0) return { records, next: iterator };
  }
  assert.fail('GetRecords never caught up');
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
  if (!error.$metadata) throw error;
  assert.equal(error.name, name, `${error.name}: ${error.message}`);
  assert.equal(error.$metadata.httpStatusCode, 400);
  if (message instanceof RegExp) assert.match(error.message, message);
  else if (message !== undefined) assert.equal(error.message, message);
  return error;
}

const summary = (records) => records.map((r) => [
  r.eventName, r.dynamodb.Keys, r.dynamodb.OldImage, r.dynamodb.NewImage,
]);

// ---------------------------------------------------------------- tests

test('PutItem, UpdateItem and DeleteItem come back through GetRecords with old and new images', async () => {
  const { TableName, LatestStreamArn: arn } = await createStreamTable('images', 'NEW_AND_OLD_IMAGES', { sortKey: true });
  const key = { pk: { S: 'item' }, sk: { N: '1' } };
  const v1 = { ...key, color: { S: 'red' }, count: { N: '1' } };
  const v2 = { ...v1, count: { N: '2' }, tags: { SS: ['a'] } };
  await ddb.send(new PutItemCommand({ TableName, Item: v1 }));
  await ddb.send(new UpdateItemCommand({
    TableName,
    Key: key,
    UpdateExpression: 'SET #c = #c + :one, tags = :tags',
    ExpressionAttributeNames: { '#c': 'count' },
    ExpressionAttributeValues: { ':one': { N: '1' }, ':tags': { SS: ['a'] } },
  }));
  await ddb.send(new DeleteItemCommand({ TableName, Key: key }));
  await ddb.send(new DeleteItemCommand({ TableName, Key: key })); // nothing there: no record

  const before = Date.now();
  const { records, next } = await drain(await shardIterator(arn));
  assert.ok(next, 'an open shard always has a NextShardIterator');
  assert.deepEqual(summary(records), [
    ['INSERT', key, undefined, v1],
    ['MODIFY', key, v1, v2],
    ['REMOVE', key, v2, undefined],
  ]);
  const sequences = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
  assert.deepEqual([...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), sequences);
  assert.equal(new Set(sequences).size, 3);
  assert.equal(new Set(records.map((r) => r.eventID)).size, 3);
  for (const r of records) {
    assert.equal(r.eventSource, 'aws:dynamodb');
    assert.equal(r.awsRegion, 'us-east-1');
    assert.ok(['1.0', '1.1'].includes(r.eventVersion), r.eventVersion);
    assert.equal(r.userIdentity, undefined);
    assert.equal(r.dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
    assert.match(r.dynamodb.SequenceNumber, /^\d{21,40}$/);
    assert.ok(r.dynamodb.SizeBytes >= 1);
    const created = r.dynamodb.ApproximateCreationDateTime;
    assert.ok(created instanceof Date);
    assert.equal(created.getTime() % 1000, 0); // rounded down to the second
    assert.ok(Math.abs(before - created.getTime()) < 120_000);
  }

  // AFTER_SEQUENCE_NUMBER and AT_SEQUENCE_NUMBER
  const [first, second] = records.map((r) => r.dynamodb.SequenceNumber);
  assert.deepEqual((await drain(await shardIterator(arn, 'AFTER_SEQUENCE_NUMBER', first))).records, records.slice(1));
  assert.deepEqual((await drain(await shardIterator(arn, 'AT_SEQUENCE_NUMBER', second))).records, records.slice(1));
});

test('Limit pages through the records and NextShardIterator follows the stream as it grows', async () => {
  const { TableName, LatestStreamArn: arn } = await createStreamTable('paging', 'KEYS_ONLY');
  const keys = [0, 1, 2, 3, 4].map((i) => ({ pk: { S: `k${i}` } }));
  const latest = await shardIterator(arn, 'LATEST');
  for (const Item of keys) await ddb.send(new PutItemCommand({ TableName, Item }));

  const sizes = [];
  const seen = [];
  let iterator = latest;
  for (;;) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 2 }));
    assert.ok(page.NextShardIterator);
    iterator = page.NextShardIterator;
    if (page.Records.length === 0) break; // caught up
    sizes.push(page.Records.length);
    seen.push(...page.Records);
  }
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.deepEqual(seen.map((r) => r.dynamodb.Keys), keys);
  for (const r of seen) {
    assert.equal(r.dynamodb.NewImage, undefined); // KEYS_ONLY
    assert.equal(r.dynamodb.OldImage, undefined);
  }
  const late = { pk: { S: 'late' } };
  await ddb.send(new PutItemCommand({ TableName, Item: late }));
  const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
  assert.deepEqual(page.Records.map((r) => r.dynamodb.Keys), [late]);

  for (const Limit of [0, 1001]) {
    await expectError(streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit })), 'ValidationException');
  }
});

test('ListStreams filters by table and pages; DescribeStream describes the stream and its shard', async () => {
  const created = [];
  for (const viewType of ['NEW_IMAGE', 'OLD_IMAGE']) created.push(await createStreamTable('list', viewType));
  const [{ TableName, LatestStreamArn: arn, LatestStreamLabel: label, TableArn }] = created;
  assert.equal(arn, `${TableArn}/stream/${label}`);
  assert.match(label, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);

  const { Streams } = await streams.send(new ListStreamsCommand({ TableName }));
  assert.deepEqual(Streams, [{ StreamArn: arn, TableName, StreamLabel: label }]);

  const listed = [];
  let ExclusiveStartStreamArn;
  for (;;) {
    const page = await streams.send(new ListStreamsCommand({ Limit: 1, ExclusiveStartStreamArn }));
    assert.ok(page.Streams.length <= 1);
    listed.push(...page.Streams.map((s) => s.StreamArn));
    if (!page.LastEvaluatedStreamArn) break;
    ExclusiveStartStreamArn = page.LastEvaluatedStreamArn;
  }
  assert.equal(new Set(listed).size, listed.length);
  for (const c of created) assert.ok(listed.includes(c.LatestStreamArn), c.LatestStreamArn);

  const { StreamDescription: d } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  assert.equal(d.StreamArn, arn);
  assert.equal(d.StreamLabel, label);
  assert.equal(d.StreamStatus, 'ENABLED');
  assert.equal(d.StreamViewType, 'NEW_IMAGE');
  assert.equal(d.TableName, TableName);
  assert.deepEqual(d.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
  assert.ok(d.CreationRequestDateTime instanceof Date);
  assert.equal(d.LastEvaluatedShardId, undefined);
  assert.equal(d.Shards.length, 1);
  assert.match(d.Shards[0].ShardId, /^shardId-/);
  assert.match(d.Shards[0].SequenceNumberRange.StartingSequenceNumber, /^\d+$/);
  assert.equal(d.Shards[0].SequenceNumberRange.EndingSequenceNumber, undefined); // open

  const unknown = `${TableArn}/stream/2015-05-11T21:21:33.291`;
  await expectError(
    streams.send(new DescribeStreamCommand({ StreamArn: unknown })),
    'ResourceNotFoundException',
    `Requested resource not found: Stream: ${unknown} not found`,
  );
  await expectError(
    streams.send(new GetShardIteratorCommand({
      StreamArn: arn, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'LATEST',
    })),
    'ResourceNotFoundException',
    'Requested resource not found: Shard does not exist',
  );
  await expectError(streams.send(new ListStreamsCommand({ Limit: 0 })), 'ValidationException');
});

test('DeleteTable leaves the stream DISABLED with a closed shard that is still readable', async () => {
  const { TableName, LatestStreamArn: arn } = await createStreamTable('deleted', 'NEW_IMAGE');
  const item = { pk: { S: 'kept' }, v: { N: '1' } };
  await ddb.send(new PutItemCommand({ TableName, Item: item }));
  const early = await shardIterator(arn);
  await ddb.send(new DeleteTableCommand({ TableName }));
  createdTables.splice(createdTables.indexOf(TableName), 1);

  let d;
  for (let i = 0; i < 60; i++) { // DynamoDB passes DISABLING on the way
    ({ StreamDescription: d } = await streams.send(new DescribeStreamCommand({ StreamArn: arn })));
    if (d.StreamStatus !== 'DISABLING') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.equal(d.StreamStatus, 'DISABLED');
  assert.equal(d.TableName, TableName);
  assert.match(d.Shards[0].SequenceNumberRange.EndingSequenceNumber ?? '', /^\d+$/, 'a closed shard has an end');

  for (const iterator of [early, await shardIterator(arn)]) {
    let { records, next } = await drain(iterator);
    assert.deepEqual(summary(records), [['INSERT', { pk: item.pk }, undefined, item]]);
    if (next) { // at a closed shard's end there is no NextShardIterator
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: next }));
      assert.deepEqual(page.Records, []);
      next = page.NextShardIterator;
    }
    assert.equal(next, undefined);
  }
});
