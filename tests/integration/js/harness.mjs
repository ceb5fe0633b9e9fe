// Test harness: starts the Stratus binary on a free port with a temporary data
// directory, waits for it to be healthy, hands out SDK clients, and stops it.
//
// Environment:
//   STRATUS_BIN            path of the server binary (default: <repo>/build/stratus)
//   STRATUS_TEST_ENDPOINT  use an already running server instead of starting one
//                          (e.g. moto: `python3 -m moto.server -p 5998`,
//                          STRATUS_TEST_ENDPOINT=http://127.0.0.1:5998)
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

// The SDK warns once per process that it will require node >= 22 from 2027;
// that is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..', '..');
export const DEFAULT_BIN = path.join(REPO_ROOT, 'build', 'stratus');

const HEALTH_POLL_MS = 20;
const HEALTH_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

export const CLIENT_DEFAULTS = Object.freeze({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
  maxAttempts: 1,
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ask the kernel for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function healthy(endpoint) {
  try {
    const res = await fetch(`${endpoint}/_stratus/health`, {
      signal: AbortSignal.timeout(1000),
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** SDK clients for one endpoint, all destroyed together when the server stops. */
function clientPool(endpoint) {
  const clients = [];
  const maker = (Client) => (extra = {}) => {
    const c = new Client({ endpoint, ...CLIENT_DEFAULTS, ...extra });
    clients.push(c);
    return c;
  };
  return {
    sqs: maker(SQSClient),
    sns: maker(SNSClient),
    lambda: maker(LambdaClient),
    dynamodb: maker(DynamoDBClient),
    destroyAll() {
      for (const c of clients) c.destroy();
    },
  };
}

/**
 * Start a server (or attach to STRATUS_TEST_ENDPOINT).
 * Returns { endpoint, external, sqs(), sns(), lambda(), dynamodb(), stop() }.
 */
export async function startServer() {
  const external = process.env.STRATUS_TEST_ENDPOINT;
  if (external) {
    const endpoint = external.replace(/\/+$/, '');
    const pool = clientPool(endpoint);
    return {
      endpoint,
      external: true,
      sqs: pool.sqs,
      sns: pool.sns,
      lambda: pool.lambda,
      dynamodb: pool.dynamodb,
      async stop() {
        pool.destroyAll();
      },
    };
  }

  const bin = process.env.STRATUS_BIN || DEFAULT_BIN;
  if (!existsSync(bin)) {
    throw new Error(
      `Stratus binary not found at ${bin}: build it first, or set STRATUS_BIN ` +
        'or STRATUS_TEST_ENDPOINT',
    );
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stratus-js-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const args = ['--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir,
    '--log-level', 'warn'];
  // stdout is captured too: anything the server prints must not interleave
  // with the test runner's own output. Both go into one buffer, shown on failure.
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  let stderr = '';
  const collect = (chunk) => {
    stderr += chunk;
    if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000);
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', collect);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', collect);
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  let spawnError = null;
  child.on('error', (err) => {
    spawnError = err;
  });
  // Never leave a server behind if the test process dies without calling stop().
  const killOnExit = () => {
    if (!exitInfo) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));

  const cleanup = async () => {
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (spawnError || exitInfo) {
      await cleanup();
      throw new Error(
        `stratus exited before becoming healthy (${spawnError ? spawnError.message
          : `code ${exitInfo.code}, signal ${exitInfo.signal}`}); stderr:\n${stderr}`,
      );
    }
    if (await healthy(endpoint)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      await cleanup();
      throw new Error(
        `stratus did not answer 200 on ${endpoint}/_stratus/health within ` +
          `${HEALTH_TIMEOUT_MS} ms; stderr:\n${stderr}`,
      );
    }
    await sleep(HEALTH_POLL_MS);
  }

  const pool = clientPool(endpoint);
  return {
    endpoint,
    external: false,
    dataDir,
    get stderr() {
      return stderr;
    },
    sqs: pool.sqs,
    sns: pool.sns,
    lambda: pool.lambda,
    dynamodb: pool.dynamodb,
    async stop() {
      pool.destroyAll();
      if (!exitInfo) child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        await exited;
        await cleanup();
        assert.fail(`stratus did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM; ` +
          `stderr:\n${stderr}`);
      }
      await cleanup();
      assert.deepEqual(
        { code: result.code, signal: result.signal },
        { code: 0, signal: null },
        `stratus did not exit cleanly on SIGTERM; stderr:\n${stderr}`,
      );
    },
  };
}

// ---------------------------------------------------------------- shared test helpers

export { sleep };

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
let nameSeq = 0;
/** A resource name unique to this run: `<prefix>-<tag>-<run>-<n>` (letters, digits, hyphens). */
export const uniqueName = (prefix, tag) => `${prefix}-${tag}-${RUN}-${++nameSeq}`;

/** Deletes what a test file made on a shared server; what is already gone is fine. */
export async function deleteAll(items, remove) {
  for (const item of items) {
    try {
      await remove(item);
    } catch {
      // already deleted
    }
  }
}
