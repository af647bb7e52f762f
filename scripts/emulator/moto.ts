/**
 * A moto server (an AWS API emulator, `python3 -m moto.server`) on 127.0.0.1, for deploying the
 * stacks without an AWS account: started on a free port, waited for with a bounded loop, and
 * stopped by the PID of its process group. Used by `npm run deploy:emulated` and the apply tests.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { CliError } from "../common/cli";
import { freePort } from "../common/ports";
import { trackProcess } from "../../src/lib/interrupts";
import type { Statement } from "../../src/lib/iam";

/** The moto release the emulated deploy is written against (its gaps are listed per release). */
export const MOTO_VERSION = "5.2.1";

/**
 * Defects of moto 5.2.1 itself, fixed in the server process before it starts (never in what is
 * deployed), each with what it breaks.
 */
export const MOTO_PATCHES = [
  {
    patch: "moto.s3.models.FakeDeleteMarker.dispose = lambda self, garbage=False: None",
    reason:
      "emptying a versioned bucket that holds delete markers (S3 lock files leave one per release of the lock) fails with a 500: moto disposes every version of a removed key and a delete marker has no dispose(); the patch gives it one that does nothing (a marker holds no data)",
  },
] as const;

/** Services whose requests moto 5.2.1 checks against the resource's ARN (S3 buckets and objects, SQS queues, STS roles). */
export const MOTO_RESOURCE_SERVICES = ["s3", "sqs", "sts"] as const;

/**
 * A policy as moto can check it, actions unchanged. moto 5.2.1 checks a request against the
 * resource's ARN only for the services of `MOTO_RESOURCE_SERVICES` (SQS once the queue exists, and
 * IAM calls on an existing role); every other request it checks against the resource `*`, which only a statement on `*`
 * matches. It also evaluates no request context (`iam:PassedToService`, `kms:ResourceAliases`...), so
 * a statement with a condition would deny. So: allows keep their resources for those services and
 * are on `*` for the others, without conditions; denies stay as they are; `s3:ListBucket` comes with
 * `s3:HeadBucket`, the name moto checks HeadBucket by. What this gives up (resource scoping and
 * conditions) is checked on the generated policies by unit tests.
 */
export function asMotoChecks(statements: readonly Statement[]): Statement[] {
  // moto checks a queue's ARN only once the queue exists: creating one is checked against `*`.
  const scoped = (action: string) =>
    (MOTO_RESOURCE_SERVICES as readonly string[]).includes(action.split(":")[0]) && action !== "sqs:CreateQueue";
  return statements.flatMap((s): Statement[] => {
    // Statement ids are dropped: split statements would repeat them.
    const { Sid: _sid, Condition: condition, ...bare } = s;
    if (s.Effect === "Deny") return [{ ...bare, ...(condition ? { Condition: condition } : {}) }];
    const given = ([] as string[]).concat(s.Action);
    // moto 5.2.1 authorizes HeadBucket as "s3:HeadBucket", an action IAM does not have: AWS checks s3:ListBucket.
    const actions = given.includes("s3:ListBucket") ? [...given, "s3:HeadBucket"] : given;
    return [
      ...(actions.some(scoped) ? [{ ...bare, Action: actions.filter(scoped) }] : []),
      ...(actions.some((a) => !scoped(a)) ? [{ ...bare, Action: actions.filter((a) => !scoped(a)), Resource: ["*"] }] : []),
    ];
  });
}

/**
 * What changes in the server process when it enforces IAM (`startMoto({ iam: true })`): every
 * authorization it makes is written to its log (`AUTHZ ALLOW|DENY <principal> <action> <resource>`),
 * and request signatures are not verified. moto 5.2.1 verifies them wrongly for body-less REST
 * calls (EKS GET and DELETE) and for percent-encoded query strings, denying requests AWS accepts;
 * who makes a request is still taken from its access key, which is what the policies are checked
 * against.
 */
export const MOTO_IAM_PATCHES = [
  "import moto.iam.access_control as _ac, sys as _sys",
  "_ac.IAMRequestBase.check_signature = lambda self: None",
  "_permitted = _ac.IAMRequestBase.check_action_permitted",
  "def _logged(self, resource):",
  "    try:",
  "        _permitted(self, resource)",
  "    except Exception:",
  '        _sys.stderr.write("AUTHZ DENY %s %s %s\\n" % (self._access_key.arn, self._action, resource))',
  "        raise",
  '    _sys.stderr.write("AUTHZ ALLOW %s %s %s\\n" % (self._access_key.arn, self._action, resource))',
  "_ac.IAMRequestBase.check_action_permitted = _logged",
] as const;

/** `python3 -c` code that applies {@link MOTO_PATCHES} (and the IAM ones) and runs moto's server with `argv`. */
/**
 * AWS's public SSM parameters (`/aws/service/...`) moto does not ship, from MOTO_PUBLIC_PARAMETERS
 * (a JSON list of `{ Name, Value }`): loaded into every account and region on first use, as moto
 * loads the ones it ships. They cannot be put: like AWS, moto refuses names under /aws.
 */
const PUBLIC_PARAMETERS_PATCH = `
import datetime, json, os
from moto.ssm import models as _ssm
_public = json.loads(os.environ.get("MOTO_PUBLIC_PARAMETERS", "[]"))
_check = _ssm.ParameterDict._check_loading_status
def _check_with_public(self, key):
    _check(self, key)
    if _public and not getattr(self, "public_parameters_loaded", False):
        self.public_parameters_loaded = True
        for p in _public:
            super(_ssm.ParameterDict, self).__getitem__(p["Name"]).append(_ssm.Parameter(
                account_id=self.account_id, name=p["Name"], value=p["Value"], parameter_type="String",
                description=None, allowed_pattern=None, keyid=None,
                last_modified_date=datetime.datetime.now(datetime.timezone.utc), version=1, data_type="text"))
_ssm.ParameterDict._check_loading_status = _check_with_public
`;

function serverCode(argv: readonly string[], iam: boolean): string {
  return [
    "import moto.s3.models",
    ...MOTO_PATCHES.map((p) => p.patch),
    ...(iam ? MOTO_IAM_PATCHES : []),
    PUBLIC_PARAMETERS_PATCH,
    "from moto.server import main",
    `main(${JSON.stringify(argv)})`,
  ].join("\n");
}

/** One authorization moto made while enforcing IAM. */
export interface Authorization {
  readonly allowed: boolean;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
}

/** The authorizations a moto server enforcing IAM wrote to its log. */
export function authorizations(logFile: string): Authorization[] {
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
  return [...text.matchAll(/^AUTHZ (ALLOW|DENY) (\S+) (\S+) (\S+)$/gm)].map((m) => ({
    allowed: m[1] === "ALLOW",
    principal: m[2],
    action: m[3],
    resource: m[4],
  }));
}

/** A running moto server. */
export interface MotoServer {
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>`: the endpoint of every emulated service. */
  readonly endpoint: string;
  /** The account every request lands in (`MOTO_ACCOUNT_ID`). */
  readonly accountId: string;
  readonly logFile: string;
  /** From now on, check every request against the caller's IAM policies (the server must have been started with `iam`). */
  enforceIam(): Promise<void>;
  /** Stops the server's process group: SIGTERM, then SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
}

/** The moto version installed for `python3`, or undefined when moto's server cannot be imported. */
export function installedMotoVersion(python = "python3"): string | undefined {
  const probe = spawnSync(python, ["-c", "import moto, moto.server, flask; print(moto.__version__)"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/moto-api/data.json", timeout: 2_000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig); // the whole group: the server and anything it started
    } catch {
      // already gone
    }
  };
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal("SIGTERM");
    const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
    if (!stopped) {
      signal("SIGKILL");
      await exited;
    }
  };
}

/**
 * Starts moto's server on a free loopback port with every request in `accountId` and AWS managed
 * policies loaded (IAM attachments of managed policies must resolve). Fails with the end of its log
 * when it exits early or does not answer within `timeoutMs`.
 */
export async function startMoto(opts: {
  accountId: string;
  logFile: string;
  timeoutMs?: number;
  python?: string;
  /** Able to enforce IAM (`enforceIam()`), logging every authorization. @default false */
  iam?: boolean;
  /** AWS public SSM parameters to serve (moto ships few, and refuses to put any). @default [] */
  publicParameters?: readonly { readonly Name: string; readonly Value: string }[];
}): Promise<MotoServer> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const port = await freePort();
  const log = fs.openSync(opts.logFile, "a");
  const child = spawn(opts.python ?? "python3", ["-c", serverCode(["-H", "127.0.0.1", "-p", String(port)], opts.iam ?? false)], {
    env: {
      ...process.env,
      MOTO_ACCOUNT_ID: opts.accountId,
      MOTO_IAM_LOAD_MANAGED_POLICIES: "true",
      MOTO_PUBLIC_PARAMETERS: JSON.stringify(opts.publicParameters ?? []),
      PYTHONUNBUFFERED: "1",
    },
    stdio: ["ignore", log, log],
    detached: true, // its own process group, so stop() reaches everything it runs
  });
  fs.closeSync(log);
  // Ctrl-C, SIGTERM or an exit stop it too, like every other child of the program.
  const forget = child.pid === undefined ? () => undefined : trackProcess(child.pid, { group: true, label: "moto" });
  const stopServer = stopper(child);
  const stop = async () => {
    await stopServer();
    forget();
  };
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const failed = await Promise.race([
      spawnError,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), Math.min(100 * 2 ** attempt, 1_000))),
    ]);
    if (failed)
      throw new CliError(
        `moto server could not be started: ${failed.message} (install it with: pip install "moto[server]==${MOTO_VERSION}")`,
      );
    if (await answers(port)) {
      const endpoint = `http://127.0.0.1:${port}`;
      const enforceIam = async () => {
        if (!opts.iam) throw new Error("this moto server was started without iam: true");
        // The count of unchecked requests is reset to 0: every request from now on is checked.
        const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: "POST", body: "0", signal: AbortSignal.timeout(10_000) });
        if (!res.ok) throw new Error(`moto's reset-auth answered ${res.status}`);
      };
      return { pid: child.pid!, port, endpoint, accountId: opts.accountId, logFile: opts.logFile, enforceIam, stop };
    }
  }
  await stop();
  const tail = fs.readFileSync(opts.logFile, "utf8").trim().split("\n").slice(-5).join("\n");
  throw new CliError(
    `moto server on 127.0.0.1:${port} did not answer within ${timeoutMs} ms (exit ${child.exitCode ?? child.signalCode ?? "none"}); its log ends:\n${tail}`,
  );
}
