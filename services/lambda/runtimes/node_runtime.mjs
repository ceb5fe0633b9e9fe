// Stratus's runtime client for Node.js functions.
//
// Loads the handler named by _HANDLER ("path/module.function", the module relative to
// LAMBDA_TASK_ROOT, CommonJS or ES module), then asks the Runtime API at
// AWS_LAMBDA_RUNTIME_API for work, calls the handler (async, or with a callback) with
// the event and a context object, and posts the result or the error.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const API_PREFIX = "/2018-06-01/runtime";
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const request = http.request(
      { host, port, method, path: API_PREFIX + urlPath, agent,
        headers: data ? { ...headers, "Content-Length": data.length } : headers },
      (response) => {
        const chunks = [];
        response.on("data", (c) => chunks.push(c));
        response.on("end", () => resolve({ headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
      });
    request.on("error", reject);
    if (data) request.write(data);
    request.end();
  });
}

function errorDocument(error, errorType) {
  const isError = error instanceof Error;
  return {
    errorType: errorType || (isError ? error.name : "Error"),
    errorMessage: isError ? error.message : String(error),
    trace: isError && error.stack ? error.stack.split("\n") : [],
  };
}

async function failInit(document) {
  console.error(`${document.errorType}: ${document.errorMessage}`);
  await call("POST", "/init/error", JSON.stringify(document),
    { "Lambda-Runtime-Function-Error-Type": document.errorType });
  process.exit(1);
}

function isModule(file, root) {
  if (file.endsWith(".mjs")) return true;
  if (file.endsWith(".cjs")) return false;
  try {
    return JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).type === "module";
  } catch {
    return false;
  }
}

async function loadHandler() {
  const handler = process.env._HANDLER || "";
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const dot = handler.lastIndexOf(".");
  const moduleName = handler.slice(0, dot);
  const functionName = handler.slice(dot + 1);
  const candidates = [".js", ".mjs", ".cjs"].map((ext) => path.join(root, moduleName + ext));
  const file = candidates.find((f) => fs.existsSync(f));
  let loaded;
  try {
    if (dot < 1 || !file) {
      const error = new Error(`Cannot find module '${moduleName}'`);
      error.name = "Runtime.ImportModuleError";
      throw error;
    }
    loaded = isModule(file, root) ? await import(pathToFileURL(file).href) : createRequire(file)(file);
  } catch (error) {
    const document = errorDocument(error, "Runtime.ImportModuleError");
    document.errorMessage = `Error: ${error.message}`;
    await failInit(document);
  }
  const fn = loaded[functionName] ?? loaded.default?.[functionName];
  if (typeof fn !== "function") {
    await failInit({ errorType: "Runtime.HandlerNotFound",
      errorMessage: `${moduleName}.${functionName} is undefined or not exported`, trace: [] });
  }
  return fn;
}

function contextFor(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"] || 0);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: headers["lambda-runtime-client-context"]
      ? JSON.parse(headers["lambda-runtime-client-context"]) : undefined,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

// Async handlers return a promise; older ones call back.
function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === "function") returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

const handler = await loadHandler();
for (;;) {
  const next = await call("GET", "/invocation/next");
  const requestId = next.headers["lambda-runtime-aws-request-id"];
  process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"] || "";
  try {
    const event = next.body ? JSON.parse(next.body) : {};
    const result = await run(handler, event, contextFor(next.headers));
    await call("POST", `/invocation/${requestId}/response`, JSON.stringify(result === undefined ? null : result));
  } catch (error) {
    const document = errorDocument(error);
    console.error(`${requestId}\tERROR\t${document.errorType}: ${document.errorMessage}`);
    await call("POST", `/invocation/${requestId}/error`, JSON.stringify(document),
      { "Lambda-Runtime-Function-Error-Type": "Unhandled" });
  }
}
