// SQS integration tests driven by the AWS SDK for JavaScript v3 (awsJson1.0,
// awsQueryCompatible). The assertions are what real AWS SQS returns: the
// botocore model (data/sqs/2012-11-05) and the AWS documentation decide.
//
// The SDK itself verifies MD5OfMessageBody on SendMessage, SendMessageBatch and
// ReceiveMessage (that check stays on: the clients are built with defaults).
// It does not verify MD5OfMessageAttributes / MD5OfMessageSystemAttributes, so
// these tests compute them with AWS's documented algorithm and compare.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { deleteAll, sleep, startServer, uniqueName } from './harness.mjs';

let server;
let sqs;
const createdQueues = [];

before(async () => {
  server = await startServer();
  sqs = server.sqs();
});

after(async () => {
  if (!server) return;
  if (server.external) {
    // Leave a shared server (e.g. moto) as we found it.
    await deleteAll(createdQueues, (url) => sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
  }
  await server.stop();
});

// ---------------------------------------------------------------- helpers

/** A queue name unique to this run (letters, digits, hyphens; <= 80 chars). */
const qname = (tag) => uniqueName('js', tag);

async function createQueue(name, Attributes) {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  createdQueues.push(out.QueueUrl);
  return out.QueueUrl;
}

async function queueArn(url) {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return out.Attributes.QueueArn;
}

async function queueAttrs(url, names = ['All']) {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }));
  return out.Attributes ?? {};
}

const md5hex = (data) => createHash('md5').update(data).digest('hex');

/**
 * MD5OfMessageAttributes / MD5OfMessageSystemAttributes as AWS computes it:
 * attributes sorted by name; for each: name, data type (each as 4-byte
 * big-endian length + UTF-8 bytes), one transport byte (1 = String/Number,
 * 2 = Binary), then the value (4-byte length + bytes).
 */
function md5OfAttributes(attrs) {
  const parts = [];
  const lenPrefixed = (buf) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(buf.length);
    parts.push(len, buf);
  };
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name];
    lenPrefixed(Buffer.from(name, 'utf8'));
    lenPrefixed(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lenPrefixed(Buffer.from(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      lenPrefixed(Buffer.from(a.StringValue, 'utf8'));
    }
  }
  return md5hex(Buffer.concat(parts));
}

/** Compare received message attributes with what was sent, value by value. */
function assertAttributesEqual(actual, expected) {
  assert.deepEqual(Object.keys(actual ?? {}).sort(), Object.keys(expected).sort());
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    assert.equal(got.DataType, want.DataType, `DataType of ${name}`);
    if (want.BinaryValue !== undefined) {
      assert.ok(got.BinaryValue instanceof Uint8Array, `BinaryValue of ${name} is bytes`);
      assert.deepEqual(Buffer.from(got.BinaryValue), Buffer.from(want.BinaryValue));
      assert.equal(got.StringValue, undefined);
    } else {
      assert.equal(got.StringValue, want.StringValue, `StringValue of ${name}`);
      assert.equal(got.BinaryValue, undefined);
    }
  }
}

/** Await a promise that must reject with an SQS error; returns the error. */
async function rejectsWith(promise, { name, code, type = 'Sender', status = 400 }) {
  const err = await promise.then(
    (out) => assert.fail(`expected ${name}, got success: ${JSON.stringify(out)}`),
    (e) => e,
  );
  if (err instanceof assert.AssertionError) throw err;
  assert.equal(err.name, name, `error name (message: ${err.message})`);
  assert.equal(err.$metadata?.httpStatusCode, status, `HTTP status of ${name}`);
  assert.equal(err.$fault, 'client');
  // awsQueryCompatible: the SDK takes Code and Type from x-amzn-query-error.
  assert.equal(err.Code, code ?? name, `query-compatible error code of ${name}`);
  assert.equal(err.Type, type, `query-compatible error type of ${name}`);
  assert.ok(err.message && err.message !== 'UnknownError', `${name} carries a message`);
  return err;
}

/** Record the raw HTTP exchanges of a client (after the SDK signs, before it parses). */
function captureWire(client) {
  const log = [];
  client.middlewareStack.addRelativeTo(
    (next) => async (args) => {
      const out = await next(args);
      const res = out.response;
      const chunks = [];
      if (res.body && typeof res.body[Symbol.asyncIterator] === 'function') {
        for await (const c of res.body) chunks.push(Buffer.from(c));
      } else if (res.body) {
        chunks.push(Buffer.from(res.body));
      }
      const body = Buffer.concat(chunks);
      res.body = new Uint8Array(body);
      log.push({
        request: args.request,
        status: res.statusCode,
        headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), v])),
        body: body.toString('utf8'),
      });
      return out;
    },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'wireCapture', override: true },
  );
  return log;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function assertEpochMillisNear(value, label) {
  assert.match(value, /^\d{13}$/, `${label} is epoch milliseconds`);
  assert.ok(Math.abs(Number(value) - Date.now()) < 120_000, `${label} is about now`);
}

function assertEpochSecondsNear(value, label) {
  assert.match(value, /^\d{10}$/, `${label} is epoch seconds`);
  assert.ok(Math.abs(Number(value) - Date.now() / 1000) < 120, `${label} is about now`);
}

async function receive(url, extra = {}) {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, ...extra }));
  return out.Messages ?? [];
}

// ------------------------------------------------------------------ tests

test('queue lifecycle: create, idempotent create, get-url, list, delete', async () => {
  const name = qname('life');
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  createdQueues.push(created.QueueUrl);
  assert.equal(created.$metadata.httpStatusCode, 200);
  assert.ok(created.$metadata.requestId, 'x-amzn-RequestId header on success');
  const url = created.QueueUrl;
  const m = /^https?:\/\/[^/]+\/(\d{12})\/([^/]+)$/.exec(url);
  assert.ok(m, `queue URL has the AWS shape <endpoint>/<account>/<name>: ${url}`);
  assert.equal(m[2], name);
  const account = m[1];
  if (!server.external) {
    // A non-12-digit access key id maps to account 000000000000.
    assert.equal(account, '000000000000');
  }

  // CreateQueue with the same name and attributes returns the existing URL.
  const again = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  assert.equal(again.QueueUrl, url);

  const got = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  assert.equal(got.QueueUrl, url);

  assert.equal(await queueArn(url), `arn:aws:sqs:us-east-1:${account}:${name}`);

  // A second queue sharing the prefix, then paginate with MaxResults 1.
  const prefix = name.slice(0, name.lastIndexOf('-') + 1);
  const other = await createQueue(`${prefix}x`);
  const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
  assert.deepEqual(listed.QueueUrls, [url]);
  const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  assert.deepEqual([...all.QueueUrls].sort(), [url, other].sort());

  const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1 }));
  assert.equal(page1.QueueUrls.length, 1);
  assert.ok(page1.NextToken, 'NextToken when more queues match than MaxResults');
  const page2 = await sqs.send(new ListQueuesCommand({
    QueueNamePrefix: prefix, MaxResults: 1, NextToken: page1.NextToken,
  }));
  assert.equal(page2.QueueUrls.length, 1);
  assert.deepEqual([page1.QueueUrls[0], page2.QueueUrls[0]].sort(), [url, other].sort());
  assert.equal(page2.NextToken, undefined);

  await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: other }));
  await rejectsWith(sqs.send(new GetQueueUrlCommand({ QueueName: name })), {
    name: 'QueueDoesNotExist', code: 'AWS.SimpleQueueService.NonExistentQueue',
  });
  const after = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  assert.deepEqual(after.QueueUrls ?? [], []);
});

test('CreateQueue errors: different attributes for an existing name, bad values', async () => {
  const name = qname('exists');
  await createQueue(name, { VisibilityTimeout: '30' });
  await rejectsWith(
    sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '60' } })),
    { name: 'QueueNameExists', code: 'QueueAlreadyExists' },
  );
  await rejectsWith(
    sqs.send(new CreateQueueCommand({
      QueueName: qname('badattr'), Attributes: { VisibilityTimeout: '43201' },
    })),
    { name: 'InvalidAttributeValue' },
  );
  await rejectsWith(
    sqs.send(new CreateQueueCommand({ QueueName: 'bad name!' })),
    { name: 'InvalidParameterValue' },
  );
});

test('GetQueueAttributes All on a new standard queue, SetQueueAttributes', async () => {
  const name = qname('attrs');
  const url = await createQueue(name);
  const attrs = await queueAttrs(url, ['All']);
  assert.deepEqual(Object.keys(attrs).sort(), [
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesDelayed',
    'ApproximateNumberOfMessagesNotVisible',
    'CreatedTimestamp',
    'DelaySeconds',
    'LastModifiedTimestamp',
    'MaximumMessageSize',
    'MessageRetentionPeriod',
    'QueueArn',
    'ReceiveMessageWaitTimeSeconds',
    'SqsManagedSseEnabled',
    'VisibilityTimeout',
  ]);
  assert.match(attrs.QueueArn, new RegExp(`^arn:aws:sqs:us-east-1:\\d{12}:${name}$`));
  assert.equal(attrs.ApproximateNumberOfMessages, '0');
  assert.equal(attrs.ApproximateNumberOfMessagesNotVisible, '0');
  assert.equal(attrs.ApproximateNumberOfMessagesDelayed, '0');
  assert.equal(attrs.VisibilityTimeout, '30');
  assert.equal(attrs.MaximumMessageSize, '1048576'); // 1 MiB default since 2025
  assert.equal(attrs.MessageRetentionPeriod, '345600');
  assert.equal(attrs.DelaySeconds, '0');
  assert.equal(attrs.ReceiveMessageWaitTimeSeconds, '0');
  assert.equal(attrs.SqsManagedSseEnabled, 'true'); // SSE-SQS is on by default
  assertEpochSecondsNear(attrs.CreatedTimestamp, 'CreatedTimestamp');
  assertEpochSecondsNear(attrs.LastModifiedTimestamp, 'LastModifiedTimestamp');

  await sqs.send(new SetQueueAttributesCommand({
    QueueUrl: url, Attributes: { VisibilityTimeout: '45', DelaySeconds: '2' },
  }));
  const some = await queueAttrs(url, ['VisibilityTimeout', 'DelaySeconds']);
  assert.deepEqual(some, { VisibilityTimeout: '45', DelaySeconds: '2' });

  await rejectsWith(
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['NoSuchAttribute'] })),
    { name: 'InvalidAttributeName' },
  );
});

test('send, receive (All attributes) and delete with String, Number, Binary attributes', async () => {
  const url = await createQueue(qname('msg'));
  const body = 'héllo ✓ wörld 😀\n\ttabbed <xml & "quotes">';
  const messageAttributes = {
    Str: { DataType: 'String', StringValue: 'välue ✓' },
    Num: { DataType: 'Number', StringValue: '3.14159' },
    Bin: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 127, 128, 254, 255]) },
    'Custom.Label': { DataType: 'String.custom', StringValue: 'x' },
    IntCount: { DataType: 'Number.int', StringValue: '-42' },
  };
  const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  const systemAttributes = { AWSTraceHeader: { DataType: 'String', StringValue: trace } };

  const sent = await sqs.send(new SendMessageCommand({
    QueueUrl: url,
    MessageBody: body,
    MessageAttributes: messageAttributes,
    MessageSystemAttributes: systemAttributes,
  }));
  // The SDK already checked MD5OfMessageBody against the body it sent.
  assert.equal(sent.MD5OfMessageBody, md5hex(Buffer.from(body, 'utf8')));
  assert.match(sent.MessageId, UUID_RE);
  assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(messageAttributes));
  assert.equal(sent.MD5OfMessageSystemAttributes, md5OfAttributes(systemAttributes));
  assert.equal(sent.SequenceNumber, undefined, 'no SequenceNumber on a standard queue');

  // Without attribute names, neither message nor system attributes come back.
  const plain = await receive(url, { WaitTimeSeconds: 1, VisibilityTimeout: 0 });
  assert.equal(plain.length, 1);
  assert.equal(plain[0].Body, body);
  assert.equal(plain[0].MessageAttributes, undefined);
  assert.equal(plain[0].MD5OfMessageAttributes, undefined);
  assert.equal(plain[0].Attributes, undefined);

  const msgs = await receive(url, {
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 1,
    MessageAttributeNames: ['All'],
    MessageSystemAttributeNames: ['All'],
  });
  assert.equal(msgs.length, 1);
  const m = msgs[0];
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.Body, body);
  assert.equal(m.MD5OfBody, sent.MD5OfMessageBody);
  assert.ok(m.ReceiptHandle && m.ReceiptHandle.length > 0);
  assertAttributesEqual(m.MessageAttributes, messageAttributes);
  assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(messageAttributes));

  const a = m.Attributes;
  assert.ok(a, 'system attributes returned for All');
  assert.ok(a.SenderId && a.SenderId.length > 0, 'SenderId');
  assertEpochMillisNear(a.SentTimestamp, 'SentTimestamp');
  assertEpochMillisNear(a.ApproximateFirstReceiveTimestamp, 'ApproximateFirstReceiveTimestamp');
  assert.ok(Number(a.ApproximateFirstReceiveTimestamp) >= Number(a.SentTimestamp));
  assert.equal(a.ApproximateReceiveCount, '2'); // the plain receive above was the first
  assert.equal(a.AWSTraceHeader, trace);
  for (const fifoOnly of ['MessageGroupId', 'MessageDeduplicationId', 'SequenceNumber']) {
    assert.equal(a[fifoOnly], undefined, `${fifoOnly} is FIFO-only`);
  }

  // Asking for some attributes by name returns only those, with the MD5 of that subset.
  await sqs.send(new ChangeMessageVisibilityCommand({
    QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0,
  }));
  const subset = await receive(url, {
    WaitTimeSeconds: 1,
    MessageAttributeNames: ['Str', 'Bin', 'Missing'],
    MessageSystemAttributeNames: ['ApproximateReceiveCount', 'AWSTraceHeader'],
  });
  assert.equal(subset.length, 1);
  const want = { Str: messageAttributes.Str, Bin: messageAttributes.Bin };
  assertAttributesEqual(subset[0].MessageAttributes, want);
  assert.equal(subset[0].MD5OfMessageAttributes, md5OfAttributes(want));
  assert.deepEqual(subset[0].Attributes, { ApproximateReceiveCount: '3', AWSTraceHeader: trace });

  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: subset[0].ReceiptHandle }));
  const attrs = await queueAttrs(url, [
    'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible',
  ]);
  assert.deepEqual(attrs, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  assert.deepEqual(await receive(url, { WaitTimeSeconds: 0 }), []);
});

test('SendMessageBatch with attributes: per-entry MD5s, receive, DeleteMessageBatch', async () => {
  const url = await createQueue(qname('batch'));
  const trace = 'Root=1-65f0c0de-0123456789abcdef01234567;Sampled=0';
  const entries = [
    {
      Id: 'e1',
      MessageBody: 'first ✓',
      MessageAttributes: { Color: { DataType: 'String', StringValue: 'blue' } },
    },
    {
      Id: 'e-2_B',
      MessageBody: 'second',
      MessageAttributes: {
        Blob: { DataType: 'Binary', BinaryValue: randomBytes(32) },
        Price: { DataType: 'Number', StringValue: '10.50' },
      },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
    },
    { Id: 'e3', MessageBody: 'third, no attributes', DelaySeconds: 0 },
  ];
  const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
  assert.deepEqual(out.Failed ?? [], []);
  assert.equal(out.Successful.length, 3);
  const byId = Object.fromEntries(out.Successful.map((s) => [s.Id, s]));
  for (const e of entries) {
    const s = byId[e.Id];
    assert.ok(s, `result for ${e.Id}`);
    assert.match(s.MessageId, UUID_RE);
    assert.equal(s.MD5OfMessageBody, md5hex(Buffer.from(e.MessageBody, 'utf8')));
    assert.equal(
      s.MD5OfMessageAttributes,
      e.MessageAttributes ? md5OfAttributes(e.MessageAttributes) : undefined,
      `MD5OfMessageAttributes of ${e.Id}`,
    );
    assert.equal(
      s.MD5OfMessageSystemAttributes,
      e.MessageSystemAttributes ? md5OfAttributes(e.MessageSystemAttributes) : undefined,
      `MD5OfMessageSystemAttributes of ${e.Id}`,
    );
  }
  assert.equal(new Set(out.Successful.map((s) => s.MessageId)).size, 3);

  const got = new Map();
  for (let i = 0; i < 5 && got.size < 3; i++) {
    for (const m of await receive(url, {
      MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['AWSTraceHeader'],
    })) got.set(m.MessageId, m);
  }
  assert.equal(got.size, 3);
  for (const e of entries) {
    const m = got.get(byId[e.Id].MessageId);
    assert.equal(m.Body, e.MessageBody);
    if (e.MessageAttributes) {
      assertAttributesEqual(m.MessageAttributes, e.MessageAttributes);
      assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(e.MessageAttributes));
    } else {
      assert.equal(m.MessageAttributes, undefined);
      assert.equal(m.MD5OfMessageAttributes, undefined);
    }
    if (e.MessageSystemAttributes) assert.deepEqual(m.Attributes, { AWSTraceHeader: trace });
  }

  const del = await sqs.send(new DeleteMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      ...[...got.values()].map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      { Id: 'bogus', ReceiptHandle: 'not-a-receipt-handle' },
    ],
  }));
  assert.deepEqual(del.Successful.map((s) => s.Id).sort(), ['d0', 'd1', 'd2']);
  assert.equal(del.Failed.length, 1);
  assert.equal(del.Failed[0].Id, 'bogus');
  assert.equal(del.Failed[0].Code, 'ReceiptHandleIsInvalid');
  assert.equal(del.Failed[0].SenderFault, true);
  assert.deepEqual(await receive(url, { WaitTimeSeconds: 0 }), []);
});

test('batch request errors: too many, duplicate ids, empty, invalid id, too long', async () => {
  const url = await createQueue(qname('batcherr'));
  const entry = (i) => ({ Id: `m${i}`, MessageBody: `body ${i}` });

  await rejectsWith(
    sqs.send(new SendMessageBatchCommand({
      QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => entry(i)),
    })),
    { name: 'TooManyEntriesInBatchRequest', code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' },
  );
  await rejectsWith(
    sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [entry(1), entry(1)] })),
    { name: 'BatchEntryIdsNotDistinct', code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' },
  );
  await rejectsWith(
    sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })),
    { name: 'EmptyBatchRequest', code: 'AWS.SimpleQueueService.EmptyBatchRequest' },
  );
  await rejectsWith(
    sqs.send(new SendMessageBatchCommand({
      QueueUrl: url, Entries: [{ Id: 'bad id!', MessageBody: 'x' }],
    })),
    { name: 'InvalidBatchEntryId', code: 'AWS.SimpleQueueService.InvalidBatchEntryId' },
  );
  // The sum of all messages in a batch may not exceed 1 MiB.
  const big = 'a'.repeat(600 * 1024);
  await rejectsWith(
    sqs.send(new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [{ Id: 'a', MessageBody: big }, { Id: 'b', MessageBody: big }],
    })),
    { name: 'BatchRequestTooLong', code: 'AWS.SimpleQueueService.BatchRequestTooLong' },
  );
  // The same checks apply to DeleteMessageBatch.
  await rejectsWith(
    sqs.send(new DeleteMessageBatchCommand({
      QueueUrl: url,
      Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `d${i}`, ReceiptHandle: `handle-${i}` })),
    })),
    { name: 'TooManyEntriesInBatchRequest', code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' },
  );
  await rejectsWith(
    sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [] })),
    { name: 'EmptyBatchRequest', code: 'AWS.SimpleQueueService.EmptyBatchRequest' },
  );
  // Nothing was enqueued by the rejected requests.
  assert.equal((await queueAttrs(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages, '0');
});

test('long polling returns as soon as a message arrives; empty poll waits', async () => {
  const url = await createQueue(qname('poll'));

  const t0 = Date.now();
  const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
  const emptyElapsed = Date.now() - t0;
  // "If no messages are available and the wait time expires, the call does not
  // return a message list."
  assert.equal(empty.Messages, undefined);
  assert.ok(emptyElapsed >= 900, `empty long poll waited ${emptyElapsed} ms (>= ~1 s)`);
  assert.ok(emptyElapsed < 3000, `empty long poll returned after ${emptyElapsed} ms`);

  const sender = server.sqs();
  const start = Date.now();
  const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
  await sleep(300);
  const sent = await sender.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
  const out = await polling;
  const elapsed = Date.now() - start;
  assert.equal(out.Messages?.length, 1);
  assert.equal(out.Messages[0].MessageId, sent.MessageId);
  assert.equal(out.Messages[0].Body, 'wake up');
  assert.ok(elapsed < 2000, `long poll returned after ${elapsed} ms (< 2 s)`);
});

test('DelaySeconds hides a message until the delay has passed', async () => {
  const url = await createQueue(qname('delay'));
  const sent = await sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: 'later', DelaySeconds: 1,
  }));
  const start = Date.now();
  assert.equal(
    (await queueAttrs(url, ['ApproximateNumberOfMessagesDelayed'])).ApproximateNumberOfMessagesDelayed,
    '1',
  );
  assert.deepEqual(await receive(url, { WaitTimeSeconds: 0 }), []);
  const msgs = await receive(url, { WaitTimeSeconds: 4 });
  const elapsed = Date.now() - start;
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0].MessageId, sent.MessageId);
  assert.ok(elapsed >= 700, `delayed message arrived after ${elapsed} ms`);
  assert.ok(elapsed < 3500, `delayed message arrived after ${elapsed} ms`);
});

test('visibility timeout hides a received message, then it is redelivered', async () => {
  const url = await createQueue(qname('vis'));
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));

  const first = await receive(url, {
    WaitTimeSeconds: 1, VisibilityTimeout: 1, MessageSystemAttributeNames: ['All'],
  });
  assert.equal(first.length, 1);
  assert.equal(first[0].Attributes.ApproximateReceiveCount, '1');
  const firstReceive = first[0].Attributes.ApproximateFirstReceiveTimestamp;

  // While in flight it is invisible to other consumers.
  assert.deepEqual(await receive(url, { WaitTimeSeconds: 0 }), []);
  assert.deepEqual(
    await queueAttrs(url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']),
    { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' },
  );

  await sleep(1300);
  const second = await receive(url, {
    WaitTimeSeconds: 2, VisibilityTimeout: 30, MessageSystemAttributeNames: ['All'],
  });
  assert.equal(second.length, 1);
  assert.equal(second[0].MessageId, sent.MessageId);
  assert.equal(second[0].Attributes.ApproximateReceiveCount, '2');
  assert.equal(second[0].Attributes.ApproximateFirstReceiveTimestamp, firstReceive);
  assert.notEqual(second[0].ReceiptHandle, first[0].ReceiptHandle);

  // ChangeMessageVisibility to 0 makes it visible at once; the deprecated
  // AttributeNames parameter still selects system attributes.
  await sqs.send(new ChangeMessageVisibilityCommand({
    QueueUrl: url, ReceiptHandle: second[0].ReceiptHandle, VisibilityTimeout: 0,
  }));
  const third = await receive(url, { WaitTimeSeconds: 1, AttributeNames: ['ApproximateReceiveCount'] });
  assert.equal(third.length, 1);
  assert.deepEqual(third[0].Attributes, { ApproximateReceiveCount: '3' });

  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: third[0].ReceiptHandle }));
  assert.deepEqual(await receive(url, { WaitTimeSeconds: 0 }), []);

  await rejectsWith(
    sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
    { name: 'ReceiptHandleIsInvalid', status: 404 },
  );
});

test('dead-letter queue: message moves after maxReceiveCount receives', async () => {
  const dlqUrl = await createQueue(qname('dlq'));
  const dlqArn = await queueArn(dlqUrl);
  const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 });
  const srcUrl = await createQueue(qname('src'), { RedrivePolicy: redrive });
  const srcArn = await queueArn(srcUrl);

  const policy = JSON.parse((await queueAttrs(srcUrl, ['RedrivePolicy'])).RedrivePolicy);
  assert.equal(policy.deadLetterTargetArn, dlqArn);
  assert.equal(Number(policy.maxReceiveCount), 2);

  const attrs = { Kind: { DataType: 'String', StringValue: 'poison' } };
  const sent = await sqs.send(new SendMessageCommand({
    QueueUrl: srcUrl, MessageBody: 'poison pill', MessageAttributes: attrs,
  }));

  for (const n of ['1', '2']) {
    const got = await receive(srcUrl, {
      WaitTimeSeconds: 1, VisibilityTimeout: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    assert.equal(got.length, 1, `receive #${n} from the source queue`);
    assert.equal(got[0].MessageId, sent.MessageId);
    assert.equal(got[0].Attributes.ApproximateReceiveCount, n);
  }
  // The third receive exceeds maxReceiveCount: the message goes to the DLQ instead.
  assert.deepEqual(await receive(srcUrl, { WaitTimeSeconds: 0, VisibilityTimeout: 0 }), []);

  const dead = await receive(dlqUrl, {
    WaitTimeSeconds: 2, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
  });
  assert.equal(dead.length, 1);
  assert.equal(dead[0].MessageId, sent.MessageId);
  assert.equal(dead[0].Body, 'poison pill');
  assertAttributesEqual(dead[0].MessageAttributes, attrs);
  assert.equal(dead[0].MD5OfMessageAttributes, md5OfAttributes(attrs));
  if (dead[0].Attributes.DeadLetterQueueSourceArn !== undefined) {
    assert.equal(dead[0].Attributes.DeadLetterQueueSourceArn, srcArn);
  }
  assert.deepEqual(await receive(srcUrl, { WaitTimeSeconds: 0 }), []);

  const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
  assert.deepEqual(sources.queueUrls, [srcUrl]);
});

test('FIFO queue: attributes, group ordering, group locking, deduplication', async () => {
  const name = `${qname('fifo')}.fifo`;
  const url = await createQueue(name, { FifoQueue: 'true' });
  const attrs = await queueAttrs(url, ['All']);
  assert.equal(attrs.FifoQueue, 'true');
  assert.equal(attrs.ContentBasedDeduplication, 'false');
  assert.equal(attrs.DeduplicationScope, 'queue');
  assert.equal(attrs.FifoThroughputLimit, 'perQueue');

  // Without content-based deduplication a MessageDeduplicationId is required.
  await rejectsWith(
    sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })),
    { name: 'InvalidParameterValue' },
  );
  // MessageGroupId is required on a FIFO queue.
  await rejectsWith(
    sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })),
    { name: 'MissingParameter' },
  );

  const order = [['A', 'a1'], ['B', 'b1'], ['A', 'a2'], ['B', 'b2'], ['A', 'a3']];
  const ids = {};
  const lastSeq = {};
  for (const [group, body] of order) {
    const out = await sqs.send(new SendMessageCommand({
      QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: `dedup-${body}`,
    }));
    assert.match(out.SequenceNumber, /^\d+$/);
    // "SequenceNumber continues to increase for a particular MessageGroupId."
    const n = BigInt(out.SequenceNumber);
    assert.ok(lastSeq[group] === undefined || n > lastSeq[group],
      `SequenceNumber increases within group ${group}`);
    lastSeq[group] = n;
    ids[body] = out.MessageId;
  }
  // A resend with the same deduplication id is accepted but not enqueued again.
  const dup = await sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: 'a1', MessageGroupId: 'A', MessageDeduplicationId: 'dedup-a1',
  }));
  assert.match(dup.MessageId, UUID_RE);
  assert.equal(
    (await queueAttrs(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages,
    '5',
  );

  // The first receive gets the head of a group.
  const first = await receive(url, {
    MaxNumberOfMessages: 1, VisibilityTimeout: 30, MessageSystemAttributeNames: ['All'],
  });
  assert.equal(first.length, 1);
  assert.ok(['a1', 'b1'].includes(first[0].Body), `head of a group, got ${first[0].Body}`);
  const lockedGroup = first[0].Attributes.MessageGroupId;
  assert.equal(lockedGroup, first[0].Body === 'a1' ? 'A' : 'B');
  assert.equal(first[0].Attributes.MessageDeduplicationId, `dedup-${first[0].Body}`);
  assert.match(first[0].Attributes.SequenceNumber, /^\d+$/);
  const bodiesOf = (g) => order.filter(([grp]) => grp === g).map(([, b]) => b);
  const otherGroup = lockedGroup === 'A' ? 'B' : 'A';

  // While that message is in flight its group is locked; the other group flows, in order.
  const second = await receive(url, { MaxNumberOfMessages: 10, VisibilityTimeout: 30 });
  assert.deepEqual(second.map((m) => m.Body), bodiesOf(otherGroup));

  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0].ReceiptHandle }));
  const third = await receive(url, { MaxNumberOfMessages: 10, VisibilityTimeout: 30 });
  assert.deepEqual(third.map((m) => m.Body), bodiesOf(lockedGroup).slice(1));
  for (const m of [...second, ...third]) assert.equal(m.MessageId, ids[m.Body]);

  await sqs.send(new DeleteMessageBatchCommand({
    QueueUrl: url,
    Entries: [...second, ...third].map((m, i) => ({ Id: `x${i}`, ReceiptHandle: m.ReceiptHandle })),
  }));
  assert.deepEqual(await receive(url, { WaitTimeSeconds: 0 }), []);
});

test('FIFO queue with content-based deduplication', async () => {
  const url = await createQueue(`${qname('cbd')}.fifo`, {
    FifoQueue: 'true', ContentBasedDeduplication: 'true',
  });
  const body = 'same body twice';
  const one = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g' }));
  await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: 'dup', MessageBody: body, MessageGroupId: 'g' },
      { Id: 'new', MessageBody: 'different', MessageGroupId: 'g' },
    ],
  }));
  const msgs = await receive(url, { MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] });
  assert.deepEqual(msgs.map((m) => m.Body), [body, 'different']);
  assert.equal(msgs[0].MessageId, one.MessageId);
  // The deduplication id is the SHA-256 of the body.
  assert.equal(
    msgs[0].Attributes.MessageDeduplicationId,
    createHash('sha256').update(body, 'utf8').digest('hex'),
  );
});

test('missing queue: QueueDoesNotExist over awsJson1.0 with x-amzn-query-error', async () => {
  const client = server.sqs();
  const wire = captureWire(client);
  const err = await rejectsWith(
    client.send(new GetQueueUrlCommand({ QueueName: uniqueName('js', 'missing') })),
    { name: 'QueueDoesNotExist', code: 'AWS.SimpleQueueService.NonExistentQueue' },
  );
  assert.ok(err.$metadata.requestId, 'x-amzn-RequestId on errors too');

  const ex = wire.at(-1);
  assert.equal(ex.request.headers['content-type'], 'application/x-amz-json-1.0');
  assert.equal(ex.request.headers['x-amz-target'], 'AmazonSQS.GetQueueUrl');
  assert.equal(ex.status, 400);
  assert.match(ex.headers['content-type'] ?? '', /^application\/x-amz-json-1\.0/);
  assert.equal(ex.headers['x-amzn-query-error'], 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  const payload = JSON.parse(ex.body);
  assert.equal(payload.__type, 'com.amazonaws.sqs#QueueDoesNotExist');
  assert.equal(typeof payload.message, 'string');

  // Operations on a queue URL that does not exist fail the same way.
  const base = (await sqs.send(new CreateQueueCommand({ QueueName: qname('probe') }))).QueueUrl;
  createdQueues.push(base);
  const missingUrl = base.replace(/[^/]+$/, uniqueName('js', 'missing'));
  for (const cmd of [
    new SendMessageCommand({ QueueUrl: missingUrl, MessageBody: 'x' }),
    new ReceiveMessageCommand({ QueueUrl: missingUrl }),
    new GetQueueAttributesCommand({ QueueUrl: missingUrl, AttributeNames: ['All'] }),
    new DeleteQueueCommand({ QueueUrl: missingUrl }),
  ]) {
    await rejectsWith(client.send(cmd), {
      name: 'QueueDoesNotExist', code: 'AWS.SimpleQueueService.NonExistentQueue',
    });
  }
});

test('the SDK body-MD5 check is active: a corrupted MD5OfMessageBody is rejected', async () => {
  // Guards the premise of this suite: if the check were off, the passing
  // send/receive tests would not prove the server's MD5s right.
  const url = await createQueue(qname('md5'));
  const client = server.sqs();
  client.middlewareStack.addRelativeTo(
    (next) => async (args) => {
      const out = await next(args);
      const chunks = [];
      for await (const c of out.response.body) chunks.push(Buffer.from(c));
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (doc.MD5OfMessageBody) doc.MD5OfMessageBody = '0'.repeat(32);
      out.response.body = new Uint8Array(Buffer.from(JSON.stringify(doc)));
      return out;
    },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'corruptMd5' },
  );
  await assert.rejects(
    client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'checked' })),
    /InvalidChecksumError/,
  );
});
