// Target for `scripts/bench --elb`: a plain node:http server on 127.0.0.1:<port>
// (first argument) that answers every request with 200 and a small fixed body, with
// HTTP/1.1 keep-alive. wrk hits it straight, and through a Stratus ELBv2 listener.
//
// GET /__bench/stats answers {"requests":N,"connections":M,"node":"v20..."} (not itself
// counted): the requests and the TCP connections this server has seen, so that
// bench/run.py can check that the listener really forwarded what wrk counted, over
// reused connections.
import http from "node:http";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node elb_target.mjs PORT");
  process.exit(2);
}

const body = Buffer.from("hello from the bench target\n");
const headers = {
  "Content-Type": "text/plain",
  "Content-Length": String(body.length),
};
let requests = 0;
let connections = 0;

const server = http.createServer((req, res) => {
  if (req.url === "/__bench/stats") {
    const stats = JSON.stringify({ requests, connections, node: process.version });
    res.writeHead(200, { "Content-Type": "application/json",
                         "Content-Length": String(Buffer.byteLength(stats)) });
    res.end(stats);
    return;
  }
  requests++;
  req.resume(); // drain any request body
  res.writeHead(200, headers);
  res.end(body);
});
server.on("connection", () => { connections++; });
// Idle keep-alive connections stay open longer than a load balancer keeps its own
// (AWS's advice for targets behind an ALB, whose idle timeout is 60 s): otherwise
// the target may close a pooled connection just as the balancer reuses it.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0; // no limit

for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => process.exit(0));
}
server.listen(port, "127.0.0.1");
