// SNS integration tests driven by the AWS SDK for JavaScript v3 (awsQuery).
// The assertions are what real AWS SNS does: the botocore model
// (data/sns/2010-03-31) and the AWS documentation decide.
//
// Deliveries to SQS are read back through the SQS client. Every queue gets the
// policy AWS requires before a topic may send to it. HTTP deliveries go to a
// node:http server inside this process; their signatures are verified with the
// certificate fetched from SigningCertURL, as a real subscriber would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createVerify, randomBytes } from 'node:crypto';
import http from 'node:http';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { deleteAll, sleep, startServer, uniqueName } from './harness.mjs';

let server;
let sns;
let sqs;
const createdTopics = [];
const createdQueues = [];

before(async () => {
  server = await startServer();
  sns = server.sns();
  sqs = server.sqs();
});

after(async () => {
  if (!server) return;
  if (server.external) {
    // Leave a shared server as we found it.
    await deleteAll(createdTopics, (arn) => sns.send(new DeleteTopicCommand({ TopicArn: arn })));
    await deleteAll(createdQueues, (url) => sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
  }
  await server.stop();
});

// ---------------------------------------------------------------- helpers

/** A topic or queue name unique to this run (letters, digits, hyphens). */
const uname = (tag) => uniqueName('js-sns', tag);

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MILLIS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

async function createTopic(name, Attributes) {
  const out = await sns.send(new CreateTopicCommand({ Name: name, Attributes }));
  createdTopics.push(out.TopicArn);
  return out.TopicArn;
}

async function topicAttrs(arn) {
  const out = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
  return out.Attributes ?? {};
}

async function subscriptionAttrs(arn) {
  const out = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }));
  return out.Attributes ?? {};
}

async function listAllTopics() {
  const arns = [];
  let NextToken;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken }));
    for (const t of page.Topics ?? []) arns.push(t.TopicArn);
    NextToken = page.NextToken;
  } while (NextToken);
  return arns;
}

async function listSubscriptions(topicArn) {
  const subs = [];
  let NextToken;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    subs.push(...(page.Subscriptions ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return subs;
}

async function queueArn(url) {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return out.Attributes.QueueArn;
}

/**
 * A queue the topic may send to (AWS requires the queue policy), subscribed to
 * the topic with the given subscription attributes.
 */
async function subscribedQueue(topicArn, tag, { fifo = false, attributes } = {}) {
  const name = fifo ? `${uname(tag)}.fifo` : uname(tag);
  const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({
    QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : undefined,
  }));
  createdQueues.push(url);
  const arn = await queueArn(url);
  await sqs.send(new SetQueueAttributesCommand({
    QueueUrl: url,
    Attributes: {
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'topic-may-send',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arn,
          Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
        }],
      }),
    },
  }));
  const sub = await sns.send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn, Attributes: attributes,
  }));
  // SQS subscriptions need no confirmation: Subscribe returns the ARN at once.
  assert.ok(sub.SubscriptionArn.startsWith(`${topicArn}:`),
    `subscription ARN under the topic: ${sub.SubscriptionArn}`);
  return { url, arn, subscriptionArn: sub.SubscriptionArn };
}

/**
 * Receive (and delete) messages until `expected` have arrived or the deadline
 * passes, then look once more for any that should not be there.
 */
async function drain(url, expected, { timeoutMs = 3000, extra = {} } = {}) {
  const got = [];
  const deadline = Date.now() + timeoutMs;
  const take = async (wait) => {
    const out = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, VisibilityTimeout: 30, ...extra,
    }));
    const msgs = out.Messages ?? [];
    if (msgs.length) {
      got.push(...msgs);
      await sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: msgs.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })),
      }));
    }
    return msgs.length;
  };
  while (got.length < expected && Date.now() < deadline) await take(1);
  await take(0);
  return got;
}

/** The SNS JSON envelope of a message delivered to SQS without raw delivery. */
const envelope = (sqsMessage) => JSON.parse(sqsMessage.Body);

/** Await a promise that must reject with an SNS error; returns the error. */
async function rejectsWith(promise, { name, code, status = 400, type = 'Sender' }) {
  const err = await promise.then(
    (out) => assert.fail(`expected ${name}, got success: ${JSON.stringify(out)}`),
    (e) => e,
  );
  if (err instanceof assert.AssertionError) throw err;
  assert.equal(err.name, name, `error name (message: ${err.message})`);
  assert.equal(err.$metadata?.httpStatusCode, status, `HTTP status of ${name}`);
  assert.equal(err.$fault, type === 'Sender' ? 'client' : 'server');
  // awsQuery: <ErrorResponse><Error><Type/><Code/><Message/></Error>.
  assert.equal(err.Code, code, `query error code of ${name}`);
  assert.equal(err.Type, type, `query error type of ${name}`);
  assert.ok(err.message && err.message !== 'UnknownError', `${name} carries a message`);
  assert.ok(err.$metadata.requestId, `${name} carries a RequestId`);
  return err;
}

// ---- message signatures

const certificates = new Map();

/** The signing certificate, fetched from SigningCertURL as a subscriber would. */
async function certificateAt(url) {
  if (!certificates.has(url)) {
    const res = await fetch(url);
    assert.equal(res.status, 200, `GET ${url}`);
    const pem = await res.text();
    assert.match(pem, /^-----BEGIN CERTIFICATE-----\r?\n/);
    certificates.set(url, new X509Certificate(pem));
  }
  return certificates.get(url);
}

/** AWS's string to sign: "Name\nvalue\n" for each signed field, in this order. */
function stringToSign(doc) {
  const fields = doc.Type === 'Notification'
    ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  let text = '';
  for (const f of fields) {
    if (f === 'Subject' && doc.Subject === undefined) continue;
    text += `${f}\n${doc[f]}\n`;
  }
  return text;
}

function signatureValid(doc, cert) {
  const algorithm = { 1: 'RSA-SHA1', 2: 'RSA-SHA256' }[doc.SignatureVersion];
  assert.ok(algorithm, `SignatureVersion ${doc.SignatureVersion} is 1 or 2`);
  const verifier = createVerify(algorithm);
  verifier.update(stringToSign(doc), 'utf8');
  return verifier.verify(cert.publicKey, doc.Signature, 'base64');
}

/** Verifies a message's signature, and that a changed message fails verification. */
async function assertSigned(doc) {
  assert.match(doc.Signature, BASE64_RE);
  const certUrl = new URL(doc.SigningCertURL);
  assert.ok(['http:', 'https:'].includes(certUrl.protocol), `SigningCertURL ${doc.SigningCertURL}`);
  assert.match(certUrl.pathname, /\.pem$/, 'SigningCertURL names a .pem file');
  const cert = await certificateAt(doc.SigningCertURL);
  assert.ok(signatureValid(doc, cert), `signature of the ${doc.Type} verifies`);
  assert.equal(signatureValid({ ...doc, Message: `${doc.Message}!` }, cert), false,
    'a changed message does not verify');
}

function assertTimestampNear(value, label) {
  assert.match(value, ISO_MILLIS_RE, `${label} is ISO-8601 UTC with milliseconds`);
  assert.ok(Math.abs(Date.parse(value) - Date.now()) < 120_000, `${label} is about now`);
}

// ---- an HTTP subscriber

/** A local HTTP endpoint that records every request and answers 200. */
async function httpSubscriber() {
  const requests = [];
  let wake = () => {};
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      requests.push({
        method: req.method,
        path: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      wake();
    });
  });
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  return {
    url: `http://127.0.0.1:${port}/sns-hook`,
    requests,
    /** The next request of the given x-amz-sns-message-type. */
    async next(type, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = requests.findIndex((r) => r.headers['x-amz-sns-message-type'] === type);
        if (i >= 0) return requests.splice(i, 1)[0];
        const left = deadline - Date.now();
        if (left <= 0) assert.fail(`no ${type} request within ${timeoutMs} ms`);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    close() {
      srv.closeAllConnections();
      return new Promise((resolve) => srv.close(resolve));
    },
  };
}

// ------------------------------------------------------------------ tests

test('topics: CreateTopic (idempotent), ListTopics, Get/SetTopicAttributes, DeleteTopic', async () => {
  const name = uname('topic');
  const created = await sns.send(new CreateTopicCommand({ Name: name }));
  createdTopics.push(created.TopicArn);
  assert.equal(created.$metadata.httpStatusCode, 200);
  assert.ok(created.$metadata.requestId, 'RequestId on success');
  const arn = created.TopicArn;
  const m = /^arn:aws:sns:us-east-1:(\d{12}):(.+)$/.exec(arn);
  assert.ok(m, `topic ARN has the AWS shape: ${arn}`);
  assert.equal(m[2], name);
  const account = m[1];
  if (!server.external) assert.equal(account, '000000000000');

  // CreateTopic with an existing name (and no conflicting attributes) returns its ARN.
  assert.equal((await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn, arn);

  const attrs = await topicAttrs(arn);
  assert.deepEqual(Object.keys(attrs).sort(), [
    'DisplayName',
    'EffectiveDeliveryPolicy',
    'Owner',
    'Policy',
    'SubscriptionsConfirmed',
    'SubscriptionsDeleted',
    'SubscriptionsPending',
    'TopicArn',
  ]);
  assert.equal(attrs.TopicArn, arn);
  assert.equal(attrs.Owner, account);
  assert.equal(attrs.DisplayName, '');
  assert.equal(attrs.SubscriptionsConfirmed, '0');
  assert.equal(attrs.SubscriptionsPending, '0');
  assert.equal(attrs.SubscriptionsDeleted, '0');
  const policy = JSON.parse(attrs.Policy);
  assert.equal(policy.Statement.length, 1);
  assert.equal(policy.Statement[0].Effect, 'Allow');
  assert.equal(policy.Statement[0].Resource, arn);
  assert.ok(policy.Statement[0].Action.includes('SNS:Publish'), 'default policy allows SNS:Publish');
  assert.deepEqual(policy.Statement[0].Condition, { StringEquals: { 'AWS:SourceOwner': account } });
  const delivery = JSON.parse(attrs.EffectiveDeliveryPolicy);
  assert.deepEqual(delivery.http.defaultHealthyRetryPolicy, {
    minDelayTarget: 20,
    maxDelayTarget: 20,
    numRetries: 3,
    numMaxDelayRetries: 0,
    numNoDelayRetries: 0,
    numMinDelayRetries: 0,
    backoffFunction: 'linear',
  });

  // Attributes given at creation; a second create must not conflict with them.
  const other = await createTopic(uname('topic'), { DisplayName: 'Shown Name' });
  assert.equal((await topicAttrs(other)).DisplayName, 'Shown Name');
  await rejectsWith(
    sns.send(new CreateTopicCommand({ Name: other.split(':').pop(), Attributes: { DisplayName: 'Other' } })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );
  await sns.send(new SetTopicAttributesCommand({
    TopicArn: other, AttributeName: 'DisplayName', AttributeValue: 'Renamed',
  }));
  assert.equal((await topicAttrs(other)).DisplayName, 'Renamed');

  const listed = await listAllTopics();
  assert.ok(listed.includes(arn), 'ListTopics lists the first topic');
  assert.ok(listed.includes(other), 'ListTopics lists the second topic');

  await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
  await rejectsWith(sns.send(new GetTopicAttributesCommand({ TopicArn: arn })), {
    name: 'NotFoundException', code: 'NotFound', status: 404,
  });
  assert.ok(!(await listAllTopics()).includes(arn), 'a deleted topic is not listed');
  // Deleting a topic that does not exist is not an error.
  await sns.send(new DeleteTopicCommand({ TopicArn: arn }));

  await rejectsWith(sns.send(new CreateTopicCommand({ Name: 'bad name!' })), {
    name: 'InvalidParameterException', code: 'InvalidParameter',
  });
});

test('fan-out to three SQS queues: no filter, attribute FilterPolicy, MessageBody scope', async () => {
  const topic = await createTopic(uname('fan'));
  const attributePolicy = { color: ['red', { prefix: 'gr' }], size: [{ numeric: ['>=', 10] }] };
  const bodyPolicy = { order: { kind: ['book'] } };
  const all = await subscribedQueue(topic, 'all');
  const byAttr = await subscribedQueue(topic, 'attr', {
    attributes: { FilterPolicy: JSON.stringify(attributePolicy) },
  });
  const byBody = await subscribedQueue(topic, 'body', {
    attributes: { FilterPolicyScope: 'MessageBody', FilterPolicy: JSON.stringify(bodyPolicy) },
  });

  const subs = await listSubscriptions(topic);
  assert.deepEqual(
    subs.map((s) => [s.SubscriptionArn, s.Protocol, s.Endpoint, s.TopicArn]).sort(),
    [all, byAttr, byBody].map((q) => [q.subscriptionArn, 'sqs', q.arn, topic]).sort(),
  );
  // Subscribing the same endpoint again with the same attributes returns the same subscription.
  const again = await sns.send(new SubscribeCommand({
    TopicArn: topic, Protocol: 'sqs', Endpoint: byAttr.arn,
    Attributes: { FilterPolicy: JSON.stringify(attributePolicy) },
  }));
  assert.equal(again.SubscriptionArn, byAttr.subscriptionArn);

  const str = (v) => ({ DataType: 'String', StringValue: v });
  const num = (v) => ({ DataType: 'Number', StringValue: String(v) });
  const messages = {
    // matches both filters
    both: { body: { order: { kind: 'book', qty: 1 } }, attrs: { color: str('red'), size: num(12) } },
    // prefix "gr" and size >= 10; the body's kind is not "book"
    attrOnly: { body: { order: { kind: 'pen' } }, attrs: { color: str('green'), size: num(10) } },
    // size 9 fails the numeric condition; the body matches
    bodyOnly: { body: { order: { kind: 'book' } }, attrs: { color: str('red'), size: num(9) } },
    // color fails; kind is at the wrong depth for the body policy
    neither: { body: { kind: 'book' }, attrs: { color: str('blue'), size: num(50) } },
    // no attributes, and a body that is not JSON
    plain: { body: 'not json at all', attrs: undefined },
  };
  const ids = {};
  for (const [tag, { body, attrs }] of Object.entries(messages)) {
    const out = await sns.send(new PublishCommand({
      TopicArn: topic,
      Message: typeof body === 'string' ? body : JSON.stringify(body),
      MessageAttributes: attrs,
    }));
    assert.match(out.MessageId, UUID_RE);
    assert.equal(out.SequenceNumber, undefined, 'no SequenceNumber on a standard topic');
    ids[out.MessageId] = tag;
  }

  const tagsIn = async (queue, expected) => {
    const got = await drain(queue.url, expected.length);
    return got.map((m) => {
      const doc = envelope(m);
      assert.equal(doc.TopicArn, topic);
      assert.ok(ids[doc.MessageId], `delivered MessageId ${doc.MessageId} was published`);
      const sent = messages[ids[doc.MessageId]].body;
      assert.equal(doc.Message, typeof sent === 'string' ? sent : JSON.stringify(sent));
      return ids[doc.MessageId];
    }).sort();
  };
  const everything = Object.keys(messages).sort();
  assert.deepEqual(await tagsIn(all, everything), everything);
  assert.deepEqual(await tagsIn(byAttr, ['attrOnly', 'both']), ['attrOnly', 'both']);
  assert.deepEqual(await tagsIn(byBody, ['bodyOnly', 'both']), ['bodyOnly', 'both']);

  // The subscriptions report their filter policies and scopes.
  const attrSub = await subscriptionAttrs(byAttr.subscriptionArn);
  assert.deepEqual(JSON.parse(attrSub.FilterPolicy), attributePolicy);
  assert.equal(attrSub.FilterPolicyScope, 'MessageAttributes'); // the default scope
  assert.equal(attrSub.Protocol, 'sqs');
  assert.equal(attrSub.Endpoint, byAttr.arn);
  assert.equal(attrSub.TopicArn, topic);
  assert.equal(attrSub.SubscriptionArn, byAttr.subscriptionArn);
  assert.equal(attrSub.PendingConfirmation, 'false');
  assert.equal(attrSub.RawMessageDelivery, 'false');
  const bodySub = await subscriptionAttrs(byBody.subscriptionArn);
  assert.deepEqual(JSON.parse(bodySub.FilterPolicy), bodyPolicy);
  assert.equal(bodySub.FilterPolicyScope, 'MessageBody');
  assert.equal((await subscriptionAttrs(all.subscriptionArn)).FilterPolicy, undefined);
});

test('Subscribe takes FilterPolicy and FilterPolicyScope together, in either order', async () => {
  // The attributes form one map: a nested (MessageBody-only) policy is valid
  // with FilterPolicyScope MessageBody whichever entry comes first on the wire.
  const topic = await createTopic(uname('order'));
  const bodyPolicy = JSON.stringify({ order: { kind: ['book'] } });
  const first = await subscribedQueue(topic, 'scope-last', {
    attributes: { FilterPolicy: bodyPolicy, FilterPolicyScope: 'MessageBody' },
  });
  const second = await subscribedQueue(topic, 'scope-first', {
    attributes: { FilterPolicyScope: 'MessageBody', FilterPolicy: bodyPolicy },
  });
  for (const q of [first, second]) {
    const attrs = await subscriptionAttrs(q.subscriptionArn);
    assert.equal(attrs.FilterPolicyScope, 'MessageBody');
    assert.deepEqual(JSON.parse(attrs.FilterPolicy), JSON.parse(bodyPolicy));
  }
  // Without the scope, a nested policy is invalid for the default MessageAttributes scope.
  await rejectsWith(
    sns.send(new SubscribeCommand({
      TopicArn: topic, Protocol: 'sqs', Endpoint: first.arn.replace(/[^:]+$/, uname('noscope')),
      Attributes: { FilterPolicy: bodyPolicy },
    })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );
});

test('SQS delivery: the JSON envelope, its MessageAttributes and signature (versions 1 and 2)', async () => {
  const topic = await createTopic(uname('env'));
  const queue = await subscribedQueue(topic, 'env');
  const message = 'héllo ✓ "quoted"\nsecond line';
  const subject = 'A subject line';
  const published = await sns.send(new PublishCommand({
    TopicArn: topic,
    Message: message,
    Subject: subject,
    MessageAttributes: {
      Str: { DataType: 'String', StringValue: 'välue' },
      Num: { DataType: 'Number', StringValue: '3.14' },
      Bin: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 254, 255]) },
      List: { DataType: 'String.Array', StringValue: '["a", 1, true]' },
    },
  }));

  const [m, ...rest] = await drain(queue.url, 1, { extra: { MessageAttributeNames: ['All'] } });
  assert.ok(m, 'the queue got the notification');
  assert.equal(rest.length, 0);
  // Without raw delivery the attributes travel inside the envelope only.
  assert.equal(m.MessageAttributes, undefined);
  const doc = envelope(m);
  assert.deepEqual(Object.keys(doc).sort(), [
    'Message',
    'MessageAttributes',
    'MessageId',
    'Signature',
    'SignatureVersion',
    'SigningCertURL',
    'Subject',
    'Timestamp',
    'TopicArn',
    'Type',
    'UnsubscribeURL',
  ]);
  assert.equal(doc.Type, 'Notification');
  assert.equal(doc.MessageId, published.MessageId);
  assert.equal(doc.TopicArn, topic);
  assert.equal(doc.Subject, subject);
  assert.equal(doc.Message, message);
  assertTimestampNear(doc.Timestamp, 'Timestamp');
  assert.equal(doc.SignatureVersion, '1');
  assert.deepEqual(doc.MessageAttributes, {
    Str: { Type: 'String', Value: 'välue' },
    Num: { Type: 'Number', Value: '3.14' },
    Bin: { Type: 'Binary', Value: Buffer.from([0, 1, 2, 254, 255]).toString('base64') },
    List: { Type: 'String.Array', Value: '["a", 1, true]' },
  });
  const unsubscribe = new URL(doc.UnsubscribeURL);
  assert.equal(unsubscribe.searchParams.get('Action'), 'Unsubscribe');
  assert.equal(unsubscribe.searchParams.get('SubscriptionArn'), queue.subscriptionArn);
  await assertSigned(doc);

  // SignatureVersion 2 signs with SHA256withRSA; a message without Subject
  // leaves Subject out of the envelope and out of the string to sign.
  await sns.send(new SetTopicAttributesCommand({
    TopicArn: topic, AttributeName: 'SignatureVersion', AttributeValue: '2',
  }));
  assert.equal((await topicAttrs(topic)).SignatureVersion, '2');
  const second = await sns.send(new PublishCommand({ TopicArn: topic, Message: 'no subject here' }));
  const [m2] = await drain(queue.url, 1);
  const doc2 = envelope(m2);
  assert.equal(doc2.MessageId, second.MessageId);
  assert.equal(doc2.SignatureVersion, '2');
  assert.equal(doc2.Message, 'no subject here');
  assert.ok(!('MessageAttributes' in doc2), 'no MessageAttributes when none were published');
  await assertSigned(doc2);
  // The same signature does not verify as version 1.
  const cert = await certificateAt(doc2.SigningCertURL);
  assert.equal(signatureValid({ ...doc2, SignatureVersion: '1' }, cert), false);
});

test('RawMessageDelivery=true: the bare message with SQS message attributes', async () => {
  const topic = await createTopic(uname('raw'));
  const queue = await subscribedQueue(topic, 'raw', { attributes: { RawMessageDelivery: 'true' } });
  assert.equal((await subscriptionAttrs(queue.subscriptionArn)).RawMessageDelivery, 'true');

  const body = '{"not":"an envelope"} ✓';
  const attrs = {
    Str: { DataType: 'String', StringValue: 'välue' },
    Num: { DataType: 'Number', StringValue: '-42' },
    Bin: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 128, 255]) },
  };
  await sns.send(new PublishCommand({ TopicArn: topic, Message: body, MessageAttributes: attrs }));
  const [m, ...rest] = await drain(queue.url, 1, { extra: { MessageAttributeNames: ['All'] } });
  assert.ok(m, 'the queue got the message');
  assert.equal(rest.length, 0);
  assert.equal(m.Body, body);
  assert.deepEqual(Object.keys(m.MessageAttributes ?? {}).sort(), ['Bin', 'Num', 'Str']);
  assert.equal(m.MessageAttributes.Str.DataType, 'String');
  assert.equal(m.MessageAttributes.Str.StringValue, 'välue');
  assert.equal(m.MessageAttributes.Num.DataType, 'Number');
  assert.equal(m.MessageAttributes.Num.StringValue, '-42');
  assert.equal(m.MessageAttributes.Bin.DataType, 'Binary');
  assert.deepEqual(Buffer.from(m.MessageAttributes.Bin.BinaryValue), Buffer.from([0, 128, 255]));

  // Turning raw delivery off brings the envelope back.
  await sns.send(new SetSubscriptionAttributesCommand({
    SubscriptionArn: queue.subscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'false',
  }));
  assert.equal((await subscriptionAttrs(queue.subscriptionArn)).RawMessageDelivery, 'false');
  const out = await sns.send(new PublishCommand({ TopicArn: topic, Message: body }));
  const [wrapped] = await drain(queue.url, 1);
  const doc = envelope(wrapped);
  assert.equal(doc.Type, 'Notification');
  assert.equal(doc.MessageId, out.MessageId);
  assert.equal(doc.Message, body);
});

test('PublishBatch: Successful and Failed entries; batch-level errors', async () => {
  const topic = await createTopic(uname('batch'));
  const queue = await subscribedQueue(topic, 'batch');
  const out = await sns.send(new PublishBatchCommand({
    TopicArn: topic,
    PublishBatchRequestEntries: [
      { Id: 'first', Message: 'one', MessageAttributes: { K: { DataType: 'String', StringValue: 'v' } } },
      { Id: 'empty', Message: '' },
      { Id: 'third_3', Message: 'three', Subject: 'S' },
    ],
  }));
  assert.deepEqual(out.Successful.map((e) => e.Id).sort(), ['first', 'third_3']);
  for (const e of out.Successful) {
    assert.match(e.MessageId, UUID_RE);
    assert.equal(e.SequenceNumber, undefined);
  }
  assert.equal(out.Failed.length, 1);
  assert.equal(out.Failed[0].Id, 'empty');
  assert.equal(out.Failed[0].Code, 'InvalidParameter');
  assert.equal(out.Failed[0].SenderFault, true);
  assert.ok(out.Failed[0].Message, 'a failed entry says why');

  const idOf = Object.fromEntries(out.Successful.map((e) => [e.Id, e.MessageId]));
  const got = (await drain(queue.url, 2)).map(envelope);
  assert.deepEqual(
    got.map((d) => [d.MessageId, d.Message, d.Subject ?? null]).sort(),
    [[idOf.first, 'one', null], [idOf.third_3, 'three', 'S']].sort(),
  );
  const first = got.find((d) => d.MessageId === idOf.first);
  assert.deepEqual(first.MessageAttributes, { K: { Type: 'String', Value: 'v' } });

  const entries = (n) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, Message: `m${i}` }));
  await rejectsWith(
    sns.send(new PublishBatchCommand({
      TopicArn: topic,
      PublishBatchRequestEntries: [{ Id: 'same', Message: 'a' }, { Id: 'same', Message: 'b' }],
    })),
    { name: 'BatchEntryIdsNotDistinctException', code: 'BatchEntryIdsNotDistinct' },
  );
  await rejectsWith(
    sns.send(new PublishBatchCommand({ TopicArn: topic, PublishBatchRequestEntries: entries(11) })),
    { name: 'TooManyEntriesInBatchRequestException', code: 'TooManyEntriesInBatchRequest' },
  );
  await rejectsWith(
    sns.send(new PublishBatchCommand({ TopicArn: topic, PublishBatchRequestEntries: [] })),
    { name: 'EmptyBatchRequestException', code: 'EmptyBatchRequest' },
  );
  await rejectsWith(
    sns.send(new PublishBatchCommand({
      TopicArn: topic, PublishBatchRequestEntries: [{ Id: 'bad id!', Message: 'a' }],
    })),
    { name: 'InvalidBatchEntryIdException', code: 'InvalidBatchEntryId' },
  );
  // Nothing was published by the rejected batches.
  assert.deepEqual(await drain(queue.url, 0), []);
});

test('FIFO topic to FIFO queue: order within a message group, group and deduplication ids', async () => {
  // A FIFO queue may only subscribe to a FIFO topic.
  const standard = await createTopic(uname('std'));
  const { QueueUrl: fifoUrl } = await sqs.send(new CreateQueueCommand({
    QueueName: `${uname('lone')}.fifo`, Attributes: { FifoQueue: 'true' },
  }));
  createdQueues.push(fifoUrl);
  await rejectsWith(
    sns.send(new SubscribeCommand({
      TopicArn: standard, Protocol: 'sqs', Endpoint: await queueArn(fifoUrl),
    })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );
  // A FIFO topic's name ends in .fifo.
  await rejectsWith(
    sns.send(new CreateTopicCommand({ Name: uname('nofifo'), Attributes: { FifoTopic: 'true' } })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );

  const topic = await createTopic(`${uname('fifo')}.fifo`, { FifoTopic: 'true' });
  const attrs = await topicAttrs(topic);
  assert.equal(attrs.FifoTopic, 'true');
  assert.equal(attrs.ContentBasedDeduplication, 'false');
  const queue = await subscribedQueue(topic, 'fifo', { fifo: true });

  // A FIFO topic needs a MessageGroupId and (without content-based
  // deduplication) a MessageDeduplicationId.
  await rejectsWith(
    sns.send(new PublishCommand({ TopicArn: topic, Message: 'x', MessageDeduplicationId: 'd' })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );
  await rejectsWith(
    sns.send(new PublishCommand({ TopicArn: topic, Message: 'x', MessageGroupId: 'g' })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );

  const order = [['A', 'a1'], ['B', 'b1'], ['A', 'a2'], ['B', 'b2'], ['A', 'a3'], ['B', 'b3']];
  const sent = {};
  let last = -1n;
  for (const [group, body] of order) {
    const out = await sns.send(new PublishCommand({
      TopicArn: topic, Message: body, MessageGroupId: group, MessageDeduplicationId: `dedup-${body}`,
    }));
    assert.match(out.MessageId, UUID_RE);
    assert.match(out.SequenceNumber ?? '', /^\d+$/, 'FIFO Publish returns a SequenceNumber');
    const n = BigInt(out.SequenceNumber);
    assert.ok(n > last, 'SequenceNumber increases');
    last = n;
    sent[body] = { group, ...out };
  }
  // A resend with a deduplication id already used in the last 5 minutes is
  // accepted but not delivered again.
  await sns.send(new PublishCommand({
    TopicArn: topic, Message: 'a1', MessageGroupId: 'A', MessageDeduplicationId: 'dedup-a1',
  }));

  const got = await drain(queue.url, order.length, {
    extra: { MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'] },
  });
  const docs = got.map((m) => ({ m, doc: envelope(m) }));
  assert.deepEqual(docs.map(({ doc }) => doc.Message).sort(), order.map(([, b]) => b).sort(),
    'each message exactly once');
  for (const group of ['A', 'B']) {
    assert.deepEqual(
      docs.filter(({ m }) => m.Attributes.MessageGroupId === group).map(({ doc }) => doc.Message),
      order.filter(([g]) => g === group).map(([, b]) => b),
      `group ${group} in publish order`,
    );
  }
  for (const { m, doc } of docs) {
    const s = sent[doc.Message];
    assert.equal(doc.MessageId, s.MessageId);
    assert.equal(doc.SequenceNumber, s.SequenceNumber, 'the envelope carries the SequenceNumber');
    assert.equal(doc.TopicArn, topic);
    assert.equal(m.Attributes.MessageGroupId, s.group);
    assert.equal(m.Attributes.MessageDeduplicationId, `dedup-${doc.Message}`);
  }
});

test('HTTP subscriber: confirmation by GET of SubscribeURL, signed Notifications', async () => {
  const endpoint = await httpSubscriber();
  try {
    const topic = await createTopic(uname('http'));
    const sub = await sns.send(new SubscribeCommand({
      TopicArn: topic, Protocol: 'http', Endpoint: endpoint.url,
    }));
    assert.equal(sub.SubscriptionArn, 'pending confirmation');
    const pending = await listSubscriptions(topic);
    assert.deepEqual(pending.map((s) => [s.SubscriptionArn, s.Protocol, s.Endpoint]),
      [['PendingConfirmation', 'http', endpoint.url]]);

    const confirmation = await endpoint.next('SubscriptionConfirmation');
    assert.equal(confirmation.method, 'POST');
    assert.equal(confirmation.path, '/sns-hook');
    assert.match(confirmation.headers['content-type'] ?? '', /^text\/plain; charset=UTF-8$/i);
    assert.equal(confirmation.headers['x-amz-sns-topic-arn'], topic);
    const c = JSON.parse(confirmation.body);
    assert.equal(confirmation.headers['x-amz-sns-message-id'], c.MessageId);
    assert.equal(c.Type, 'SubscriptionConfirmation');
    assert.match(c.MessageId, UUID_RE);
    assert.equal(c.TopicArn, topic);
    assert.ok(typeof c.Token === 'string' && c.Token.length > 0, 'a Token');
    assert.equal(c.Message, `You have chosen to subscribe to the topic ${topic}.\n` +
      'To confirm the subscription, visit the SubscribeURL included in this message.');
    assertTimestampNear(c.Timestamp, 'Timestamp');
    assert.equal(c.SignatureVersion, '1');
    const subscribeUrl = new URL(c.SubscribeURL);
    assert.equal(subscribeUrl.searchParams.get('Action'), 'ConfirmSubscription');
    assert.equal(subscribeUrl.searchParams.get('TopicArn'), topic);
    assert.equal(subscribeUrl.searchParams.get('Token'), c.Token);
    await assertSigned(c);

    // Visiting the SubscribeURL (a plain, unsigned GET) confirms the subscription.
    const visit = await fetch(c.SubscribeURL);
    assert.equal(visit.status, 200);
    const xml = await visit.text();
    const arnMatch = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(xml);
    assert.ok(arnMatch, `ConfirmSubscriptionResponse carries the SubscriptionArn: ${xml}`);
    const subscriptionArn = arnMatch[1];
    assert.ok(subscriptionArn.startsWith(`${topic}:`), subscriptionArn);
    const confirmed = await listSubscriptions(topic);
    assert.deepEqual(confirmed.map((s) => s.SubscriptionArn), [subscriptionArn]);
    const subAttrs = await subscriptionAttrs(subscriptionArn);
    assert.equal(subAttrs.PendingConfirmation, 'false');
    assert.equal(subAttrs.Endpoint, endpoint.url);
    // Confirming again with the same token returns the same subscription.
    const twice = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topic, Token: c.Token }));
    assert.equal(twice.SubscriptionArn, subscriptionArn);

    for (const subject of ['Greetings', undefined]) {
      const published = await sns.send(new PublishCommand({
        TopicArn: topic,
        Message: `hello over http ✓ (${subject ?? 'no subject'})`,
        Subject: subject,
        MessageAttributes: { Kind: { DataType: 'String', StringValue: 'test' } },
      }));
      const note = await endpoint.next('Notification');
      assert.equal(note.method, 'POST');
      assert.match(note.headers['content-type'] ?? '', /^text\/plain; charset=UTF-8$/i);
      assert.equal(note.headers['x-amz-sns-message-id'], published.MessageId);
      assert.equal(note.headers['x-amz-sns-topic-arn'], topic);
      assert.equal(note.headers['x-amz-sns-subscription-arn'], subscriptionArn);
      const doc = JSON.parse(note.body);
      assert.equal(doc.Type, 'Notification');
      assert.equal(doc.MessageId, published.MessageId);
      assert.equal(doc.TopicArn, topic);
      assert.equal(doc.Message, `hello over http ✓ (${subject ?? 'no subject'})`);
      if (subject) assert.equal(doc.Subject, subject);
      else assert.ok(doc.Subject === undefined || doc.Subject === null, 'no Subject');
      assertTimestampNear(doc.Timestamp, 'Timestamp');
      assert.equal(doc.SignatureVersion, '1');
      assert.deepEqual(doc.MessageAttributes, { Kind: { Type: 'String', Value: 'test' } });
      assert.equal(new URL(doc.UnsubscribeURL).searchParams.get('SubscriptionArn'), subscriptionArn);
      await assertSigned(doc);

      if (!subject) {
        // Visiting the UnsubscribeURL ends the subscription.
        const gone = await fetch(doc.UnsubscribeURL);
        assert.equal(gone.status, 200);
        assert.match(await gone.text(), /<UnsubscribeResponse/);
      }
    }
    assert.deepEqual(await listSubscriptions(topic), []);
    await sns.send(new PublishCommand({ TopicArn: topic, Message: 'after unsubscribe' }));
    await sleep(500);
    // Unsubscribing tells the endpoint once (UnsubscribeConfirmation, signed); no
    // Notification follows.
    const after = endpoint.requests.map((r) => JSON.parse(r.body));
    assert.deepEqual(after.map((d) => d.Type), ['UnsubscribeConfirmation'], 'only the unsubscribe confirmation');
    assert.equal(after[0].TopicArn, topic);
    assert.match(after[0].Message, new RegExp(`deactivate subscription ${subscriptionArn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await assertSigned(after[0]);
  } finally {
    await endpoint.close();
  }
});

test('errors: NotFound for a missing topic or subscription, InvalidParameter for bad input', async () => {
  const topic = await createTopic(uname('err'));
  const missing = `${topic}-missing`;
  for (const cmd of [
    new GetTopicAttributesCommand({ TopicArn: missing }),
    new PublishCommand({ TopicArn: missing, Message: 'x' }),
    new SubscribeCommand({
      TopicArn: missing, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q',
    }),
    new ListSubscriptionsByTopicCommand({ TopicArn: missing }),
    new SetTopicAttributesCommand({ TopicArn: missing, AttributeName: 'DisplayName', AttributeValue: 'x' }),
    new PublishBatchCommand({ TopicArn: missing, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x' }] }),
  ]) {
    await rejectsWith(sns.send(cmd), { name: 'NotFoundException', code: 'NotFound', status: 404 });
  }
  await rejectsWith(
    sns.send(new GetSubscriptionAttributesCommand({
      SubscriptionArn: `${topic}:00000000-0000-0000-0000-000000000000`,
    })),
    { name: 'NotFoundException', code: 'NotFound', status: 404 },
  );

  await rejectsWith(
    sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'carrier-pigeon', Endpoint: 'coop 7' })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );
  await rejectsWith(
    sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'http', Endpoint: 'ftp://127.0.0.1/x' })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );
  await rejectsWith(
    sns.send(new ConfirmSubscriptionCommand({ TopicArn: topic, Token: 'no-such-token' })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );
  await rejectsWith(
    sns.send(new PublishCommand({ TopicArn: topic, Message: 'x', Subject: 'two\nlines' })),
    { name: 'InvalidParameterException', code: 'InvalidParameter' },
  );
  // Nothing was subscribed by the rejected requests.
  assert.deepEqual(await listSubscriptions(topic), []);
});
