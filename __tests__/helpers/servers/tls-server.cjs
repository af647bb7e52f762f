#!/usr/bin/env node
// A test server on 127.0.0.1 (run as its own process so tests stop it by PID).
//   tls <port> <key.pem> <chain.pem>   TLS server presenting exactly the certificates of chain.pem
//   silent <port>                      accepts TCP connections and never answers (handshake timeout)
//   close <port>                       accepts TCP connections and closes them at once
//   http-tls <port> <key.pem> <chain.pem> <log>   HTTPS server answering Kubernetes-style JSON and
//                                      logging each request's method, path and Authorization header
"use strict";
const fs = require("node:fs");
const net = require("node:net");
const tls = require("node:tls");
const https = require("node:https");

const [mode, portText, keyFile, certFile, logFile] = process.argv.slice(2);
const port = Number(portText);
let server;
if (mode === "tls") {
  server = tls.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (socket) => socket.end());
} else if (mode === "silent") {
  server = net.createServer(() => {});
} else if (mode === "close") {
  server = net.createServer((socket) => socket.destroy());
} else if (mode === "http-tls") {
  server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (req, res) => {
    fs.appendFileSync(
      logFile,
      `${JSON.stringify({ method: req.method, path: req.url, authorization: req.headers.authorization ?? null })}\n`,
    );
    res.setHeader("Content-Type", "application/json");
    if (req.url && req.url.startsWith("/version")) {
      res.end(JSON.stringify({ major: "1", minor: "35", gitVersion: "v1.35.0-eks-test", platform: "linux/amd64" }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
    }
  });
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
server.listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
