/**
 * A program for the signal tests: starts `sh` in a process group of its own (through runProcess,
 * as Terraform is started) with a grandchild, both ignoring SIGINT and SIGTERM, registers a work
 * folder for removal, prints "ready <pgid>" and waits. Only the interrupt handler's SIGKILL after
 * the grace period (argv[3] ms) can stop that group.
 *
 * usage: node --import tsx interruptible.ts <work folder> <grace ms>
 */
import * as fs from "node:fs";
import { runProcess } from "../../scripts/common/process";
import { installSignalHandlers, removeOnInterrupt, setInterruptGrace } from "../../src/lib/interrupts";

const [work, grace] = process.argv.slice(2);
installSignalHandlers();
setInterruptGrace(Number(grace));
fs.mkdirSync(work, { recursive: true });
removeOnInterrupt(work);
void runProcess("sh", ["-c", "trap '' INT TERM; sleep 60 & echo $$ > pgid; wait"], { cwd: work, env: process.env, timeoutMs: 60_000 });
const started = Date.now();
const poll = setInterval(() => {
  const file = `${work}/pgid`;
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8").trim()) {
    clearInterval(poll);
    process.stdout.write(`ready ${fs.readFileSync(file, "utf8").trim()}\n`);
  } else if (Date.now() - started > 10_000) {
    clearInterval(poll);
    process.stdout.write("never ready\n");
  }
}, 20);
