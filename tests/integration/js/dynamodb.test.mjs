// DynamoDB table tests driven by the AWS SDK for JavaScript v3 (awsJson1.0). This SDK
// does not check x-amz-crc32; dynamodb_documents.test.mjs checks it on every answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { startServer, uniqueName } from './harness.mjs';

let server;
let ddb;

before(async () => {
  server = await startServer();
  ddb = server.dynamodb();
});

after(async () => {
  await server?.stop();
});

const keyed = (name) => ({
  TableName: name,
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  BillingMode: 'PAY_PER_REQUEST',
});

test('a table is created, becomes ACTIVE, is listed and deleted', async () => {
  const name = uniqueName('orders', 'ddb');
  const created = await ddb.send(new CreateTableCommand(keyed(name)));
  assert.equal(created.TableDescription.TableStatus, 'CREATING');
  assert.equal(created.TableDescription.TableArn, `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`);
  await waitUntilTableExists({ client: ddb, maxWaitTime: 20, minDelay: 1 }, { TableName: name });
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
  assert.equal(Table.TableStatus, 'ACTIVE');
  assert.deepEqual(Table.KeySchema, keyed(name).KeySchema);
  assert.equal(Table.ItemCount, 0);
  const { TableNames } = await ddb.send(new ListTablesCommand({}));
  assert.ok(TableNames.includes(name));
  const deleted = await ddb.send(new DeleteTableCommand({ TableName: name }));
  assert.equal(deleted.TableDescription.TableStatus, 'DELETING');
  await assert.rejects(ddb.send(new DescribeTableCommand({ TableName: name })), (error) => {
    assert.equal(error.name, 'ResourceNotFoundException');
    assert.equal(error.$metadata.httpStatusCode, 400);
    return true;
  });
});

test('CreateTable refuses what DynamoDB refuses, with its messages', async () => {
  const name = uniqueName('bad', 'ddb');
  await assert.rejects(
    ddb.send(new CreateTableCommand({ ...keyed(name), AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] })),
    (error) => {
      assert.equal(error.name, 'ValidationException');
      assert.match(error.message, /Some index key attributes are not defined in AttributeDefinitions/);
      return true;
    });
  await ddb.send(new CreateTableCommand(keyed(name)));
  await assert.rejects(ddb.send(new CreateTableCommand(keyed(name))), { name: 'ResourceInUseException' });
});

test('items are put, read, scanned and deleted', async () => {
  const name = uniqueName('items', 'ddb');
  await ddb.send(new CreateTableCommand(keyed(name)));
  for (let i = 0; i < 3; i++) {
    await ddb.send(new PutItemCommand({
      TableName: name,
      Item: { pk: { S: 'p' }, sk: { N: String(i) }, v: { M: { n: { N: '1.50' }, ok: { BOOL: true } } } },
    }));
  }
  const { Item } = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'p' }, sk: { N: '1' } } }));
  assert.deepEqual(Item, { pk: { S: 'p' }, sk: { N: '1' }, v: { M: { n: { N: '1.5' }, ok: { BOOL: true } } } });
  const scan = await ddb.send(new ScanCommand({ TableName: name, Limit: 2 }));
  assert.equal(scan.Count, 2);
  assert.deepEqual(scan.LastEvaluatedKey, { pk: { S: 'p' }, sk: { N: '1' } });
  const old = await ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'p' }, sk: { N: '0' } }, ReturnValues: 'ALL_OLD' }));
  assert.equal(old.Attributes.sk.N, '0');
  const rest = await ddb.send(new ScanCommand({ TableName: name }));
  assert.equal(rest.Count, 2);
  await assert.rejects(
    ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { N: '1' }, sk: { N: '1' } } })),
    (error) => {
      assert.equal(error.name, 'ValidationException');
      assert.match(error.message, /Type mismatch for key pk expected: S actual: N/);
      return true;
    });
});
