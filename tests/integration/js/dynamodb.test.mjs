// DynamoDB table tests driven by the AWS SDK for JavaScript v3 (awsJson1.0). The SDK
// checks each answer's x-amz-crc32 header against its body, so every call here also
// checks the checksum. Items come next (see NOTES.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
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
