/**
 * An environment in an existing VPC (`vpc.existing`), deployed on an emulated AWS that enforces
 * IAM. The VPC, its subnets, an internet gateway and the public route table are created outside
 * the project's stacks, with the AWS CLI against the emulator, as a network team would; their ids
 * are written into a fixture-like environment (alpha's shape: Fargate, the load balancer controller,
 * the 2048 sample, tables; plus a managed node group), which `npm run bootstrap` then deploys
 * (backend and platform) acting as an identity holding exactly the generated deploy policy.
 *
 * Proven: no VPC, subnet, gateway, route or NAT resource is in the state; the cluster, the node
 * group and the Fargate profiles use the given private subnets; the subnets carry the EKS discovery
 * tags the platform added; `npm run plan` as the plan identity shows no changes; nothing was denied;
 * and `npm run teardown` removes the tags again and leaves the VPC and its subnets as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertValidEnvs, type EnvConfig, type EnvInput } from "../../src/config";
import { policyDocument } from "../../src/lib/iam";
import type { DeployResult } from "../../scripts/deploy/bootstrap";
import type { EmulatedEnvironment } from "../../scripts/emulator/emulated-deploy";
import type { DeployObservations } from "../../scripts/emulator/emulated-workflow";
import { authorizations, type Authorization } from "../../scripts/emulator/moto";
import type { PlanSummary } from "../../scripts/plan/plan-summary";
import { runProcess } from "../../scripts/common/process";
import { existingVpcInput, fixtureSources, type ExistingVpcInput } from "../helpers/synth";
import { testOutputDir } from "../helpers/terraform";
import { deployAsCi, emulatorToolchain, planAgainstState, runScenario, Steps } from "./emulated";

const enabled = await emulatorToolchain();
const out = testOutputDir("existing-vpc");
const alpha = (await fixtureSources()).find((s) => (s.raw as EnvInput).name === "alpha")!.raw as EnvInput;

/** The network the "network team" creates: a VPC, a private and a public subnet in two zones. */
const NETWORK = {
  cidr: "10.80.0.0/16",
  private: [
    { zone: "eu-west-1a", cidr: "10.80.0.0/19" },
    { zone: "eu-west-1b", cidr: "10.80.32.0/19" },
  ],
  public: [
    { zone: "eu-west-1a", cidr: "10.80.224.0/22" },
    { zone: "eu-west-1b", cidr: "10.80.228.0/22" },
  ],
};

/** Alpha's shape in a VPC it does not own, with a managed node group too; ephemeral, so it can be torn down. */
function byoEnv(existing: ExistingVpcInput): EnvConfig {
  const input: EnvInput = {
    ...(JSON.parse(JSON.stringify(alpha)) as EnvInput),
    name: "byo",
    ephemeral: true,
    vpc: { existing },
    nodeGroups: { managed: { sys: { minSize: 1, desiredSize: 1, maxSize: 2 } } },
  };
  return assertValidEnvs([{ source: "__tests__/e2e/existing-vpc.test.ts", raw: input }])[0];
}

type Json = Record<string, unknown>;

/** `aws <args> --output json` against the emulator, with the given credentials (the environment's by default). */
async function aws(emu: EmulatedEnvironment, args: string[], keys?: { id: string; secret: string }): Promise<Json> {
  const env = keys ? { ...emu.processEnv, AWS_ACCESS_KEY_ID: keys.id, AWS_SECRET_ACCESS_KEY: keys.secret } : emu.processEnv;
  const run = await runProcess("aws", [...args, "--output", "json"], { cwd: emu.options.root, env, timeoutMs: 60_000 });
  if (run.code !== 0) throw new Error(`aws ${args.slice(0, 2).join(" ")} failed on the emulator: ${run.stderr.trim()}`);
  return run.stdout.trim() ? (JSON.parse(run.stdout) as Json) : {};
}

/** Creates the network outside the project's stacks; returns it as `vpc.existing` says it. */
async function createNetwork(emu: EmulatedEnvironment): Promise<Required<ExistingVpcInput>> {
  const vpcId = ((await aws(emu, ["ec2", "create-vpc", "--cidr-block", NETWORK.cidr])).Vpc as Json).VpcId as string;
  await aws(emu, ["ec2", "modify-vpc-attribute", "--vpc-id", vpcId, "--enable-dns-hostnames", '{"Value":true}']);
  const subnet = async (s: { zone: string; cidr: string }) => {
    const created = await aws(emu, ["ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", s.cidr, "--availability-zone", s.zone]);
    return { id: (created.Subnet as Json).SubnetId as string, zone: s.zone, cidr: s.cidr };
  };
  const privateSubnets = [await subnet(NETWORK.private[0]), await subnet(NETWORK.private[1])];
  const publicSubnets = [await subnet(NETWORK.public[0]), await subnet(NETWORK.public[1])];
  // The public subnets route to an internet gateway, as the owner's would.
  const igw = ((await aws(emu, ["ec2", "create-internet-gateway"])).InternetGateway as Json).InternetGatewayId as string;
  await aws(emu, ["ec2", "attach-internet-gateway", "--vpc-id", vpcId, "--internet-gateway-id", igw]);
  const table = ((await aws(emu, ["ec2", "create-route-table", "--vpc-id", vpcId])).RouteTable as Json).RouteTableId as string;
  await aws(emu, ["ec2", "create-route", "--route-table-id", table, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", igw]);
  for (const s of publicSubnets) await aws(emu, ["ec2", "associate-route-table", "--route-table-id", table, "--subnet-id", s.id]);
  return existingVpcInput({ vpcId, cidr: NETWORK.cidr, privateSubnets, publicSubnets, discoveryTags: "add" });
}

/** An identity of the test's own, allowed everything, for looking at the result (created before IAM is enforced). */
async function observer(emu: EmulatedEnvironment): Promise<{ id: string; secret: string }> {
  await aws(emu, ["iam", "create-user", "--user-name", "e2e-observer"]);
  const doc = policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]);
  await aws(emu, ["iam", "put-user-policy", "--user-name", "e2e-observer", "--policy-name", "all", "--policy-document", doc]);
  const key = (await aws(emu, ["iam", "create-access-key", "--user-name", "e2e-observer"])).AccessKey as Json;
  return { id: key.AccessKeyId as string, secret: key.SecretAccessKey as string };
}

/** The tags of the given subnets, as `key=value` per subnet id. */
async function subnetTags(emu: EmulatedEnvironment, ids: readonly string[], keys: { id: string; secret: string }) {
  const found = await aws(emu, ["ec2", "describe-tags", "--filters", `Name=resource-id,Values=${ids.join(",")}`], keys);
  const out: Record<string, string[]> = Object.fromEntries(ids.map((id) => [id, []]));
  for (const t of found.Tags as { ResourceId: string; Key: string; Value: string }[]) out[t.ResourceId].push(`${t.Key}=${t.Value}`);
  for (const list of Object.values(out)) list.sort();
  return out;
}

interface Run {
  readonly steps: Steps;
  emu?: EmulatedEnvironment;
  existing?: Required<ExistingVpcInput>;
  env?: EnvConfig;
  deploy?: DeployObservations;
  state?: string[];
  cluster?: { vpcId: string; subnetIds: string[]; nodegroupSubnets: string[]; fargateSubnets: Record<string, string[]> };
  tagsAfterDeploy?: Record<string, string[]>;
  planned?: PlanSummary;
  authz?: Authorization[];
  teardown?: { result: DeployResult; tags: Record<string, string[]>; vpcs: string[]; subnets: string[] };
}

async function scenario(): Promise<Run> {
  const run: Run = { steps: new Steps("byo") };
  const step = <T>(name: string, fn: () => Promise<T>) => run.steps.step(name, fn);
  const log = (line: string) => console.info(`[existing-vpc byo] ${line}`);
  try {
    let keys!: Awaited<ReturnType<typeof observer>>;
    run.deploy = await deployAsCi(out, existingVpcPlaceholder(), run, {
      log,
      // The emulator starts for the environment's account and region; the network, and so the ids, come after.
      prepare: async (emu) => {
        const existing = (run.existing = await step("network, outside the stacks", () => createNetwork(emu)));
        keys = await step("observer", () => observer(emu));
        return (run.env = byoEnv(existing));
      },
    });
    const emu = run.emu!;
    const existing = run.existing!;
    run.state = await step("state", async () =>
      (await emu.terraformOk("platform", ["state", "list"])).stdout.split("\n").filter((l) => l.trim() !== ""),
    );
    run.cluster = await step("cluster", async () => {
      const name = emu.clusterName;
      const cluster = (await aws(emu, ["eks", "describe-cluster", "--name", name], keys)).cluster as Json;
      const { subnetIds } = cluster.resourcesVpcConfig as { subnetIds: string[] };
      // moto's DescribeCluster leaves out the VPC id: the cluster's security group says where it is.
      const groupId = String((await emu.outputs("platform")).cluster_security_group_id);
      const groups = (await aws(emu, ["ec2", "describe-security-groups", "--group-ids", groupId], keys)).SecurityGroups as {
        VpcId: string;
      }[];
      const nodegroup = (await aws(emu, ["eks", "describe-nodegroup", "--cluster-name", name, "--nodegroup-name", "sys"], keys)).nodegroup;
      const profiles = (await aws(emu, ["eks", "list-fargate-profiles", "--cluster-name", name], keys)).fargateProfileNames as string[];
      const fargateSubnets: Record<string, string[]> = {};
      for (const p of profiles) {
        const profile = (await aws(emu, ["eks", "describe-fargate-profile", "--cluster-name", name, "--fargate-profile-name", p], keys))
          .fargateProfile as { subnets: string[] };
        fargateSubnets[p] = profile.subnets;
      }
      return { vpcId: groups[0].VpcId, subnetIds, nodegroupSubnets: (nodegroup as { subnets: string[] }).subnets, fargateSubnets };
    });
    const subnetIds = [...existing.privateSubnets, ...existing.publicSubnets].map((s) => s.id);
    run.tagsAfterDeploy = await step("tags", () => subnetTags(emu, subnetIds, keys));
    run.planned = await step("npm run plan", () => planAgainstState(emu, "plans", ["backend", "platform"], { asPlanRole: true }));
    run.authz = authorizations(emu.moto.logFile);
    run.teardown = await step("teardown", async () => {
      // Torn down by the test's own identity: what is proven here is what destroy leaves behind.
      emu.processEnv.AWS_ACCESS_KEY_ID = keys.id;
      emu.processEnv.AWS_SECRET_ACCESS_KEY = keys.secret;
      const result = await emu.teardown();
      const vpcs = (await aws(emu, ["ec2", "describe-vpcs", "--vpc-ids", existing.vpcId], keys)).Vpcs as { VpcId: string }[];
      const subnets = (await aws(emu, ["ec2", "describe-subnets", "--subnet-ids", ...subnetIds], keys)).Subnets as { SubnetId: string }[];
      return {
        result,
        tags: await subnetTags(emu, subnetIds, keys),
        vpcs: vpcs.map((v) => v.VpcId),
        subnets: subnets.map((s) => s.SubnetId).sort(),
      };
    });
  } catch {
    // recorded in steps.failed; the tests name the step
  } finally {
    await run.emu?.stop();
    console.info(`[existing-vpc byo] ${run.steps.summary()}`);
  }
  return run;
}

/** Ids of the right form for the emulator's start, which needs a valid environment before the network exists. */
function existingVpcPlaceholder(): EnvConfig {
  return byoEnv(
    existingVpcInput({
      cidr: NETWORK.cidr,
      privateSubnets: placeholderSubnets("0a", NETWORK.private),
      publicSubnets: placeholderSubnets("0b", NETWORK.public),
    }),
  );
}

function placeholderSubnets(prefix: string, subnets: readonly { zone: string; cidr: string }[]) {
  return subnets.map((s, i) => ({ id: `subnet-${prefix}${String(i).padStart(15, "0")}`, ...s }));
}

describe.runIf(enabled)("an environment in an existing VPC, on the emulator", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runScenario(scenario);
  });
  afterAll(async () => {
    await run?.emu?.stop();
  });

  it("bootstraps backend and platform as the CI deploy identity, applying everything that is not an emulator gap", () => {
    const d = run.steps.need(run.deploy, "deploy");
    expect(d.run.backendState).toBe("created");
    for (const s of [d.backend, d.platform]) expect(s.resources, s.stack).toBe(s.total - s.excluded);
  });

  it("creates no VPC, subnet, gateway, route, NAT or default security group: the state holds the subnets' tags instead", () => {
    const state = run.steps.need(run.state, "state");
    const network = /^aws_(vpc|subnet|internet_gateway|nat_gateway|eip|route_table|route_table_association|route|default_security_group)\./;
    expect(state.filter((a) => network.test(a))).toEqual([]);
    expect(state.filter((a) => a.startsWith("aws_ec2_tag."))).toHaveLength(8);
    expect(state).toEqual(expect.arrayContaining(["aws_eks_cluster.eks", "aws_flow_log.vpc_flow_log"]));
  });

  it("puts the cluster (and its security group), the node group and every Fargate profile in the given VPC's private subnets", () => {
    const c = run.steps.need(run.cluster, "cluster");
    const existing = run.existing!;
    const privateIds = existing.privateSubnets.map((s) => s.id);
    expect(c.vpcId).toBe(existing.vpcId);
    expect([...c.subnetIds].sort()).toEqual([...privateIds].sort());
    expect([...c.nodegroupSubnets].sort()).toEqual([...privateIds].sort());
    expect(Object.keys(c.fargateSubnets).length).toBeGreaterThan(0);
    for (const subnets of Object.values(c.fargateSubnets)) expect([...subnets].sort()).toEqual([...privateIds].sort());
  });

  it("tags the subnets for EKS: the cluster on each, internal-elb on private and elb on public ones", () => {
    const tags = run.steps.need(run.tagsAfterDeploy, "tags");
    const cluster = `kubernetes.io/cluster/${run.emu!.clusterName}=shared`;
    for (const s of run.existing!.privateSubnets) expect(tags[s.id]).toEqual([cluster, "kubernetes.io/role/internal-elb=1"]);
    for (const s of run.existing!.publicSubnets) expect(tags[s.id]).toEqual([cluster, "kubernetes.io/role/elb=1"]);
  });

  it("plans no change afterwards, as the CI plan identity", () => {
    const planned = run.steps.need(run.planned, "npm run plan");
    expect(planned.totals).toMatchObject({ create: 0, update: 0, replace: 0, destroy: 0 });
    expect(planned.stacks.map((s) => s.stack)).toEqual(["byo-backend", "byo-platform"]);
  });

  it("deploys and plans with exactly the generated CI policies: nothing is denied", () => {
    const authz = run.steps.need(run.authz, "authorizations");
    const denied = authz.filter((a) => !a.allowed && a.action !== "iam:GetUser").map((a) => `${a.principal} ${a.action} ${a.resource}`);
    expect(denied).toEqual([]);
    const byDeploy = authz.filter((a) => a.principal.endsWith(":user/ci-deploy")).map((a) => a.action);
    expect(byDeploy).toEqual(expect.arrayContaining(["ec2:CreateTags", "ec2:DescribeTags"]));
    expect(authz.filter((a) => a.principal.endsWith(":user/ci-plan")).map((a) => a.action)).toContain("ec2:DescribeTags");
  });

  it("tears down what it created and removes the tags it added, leaving the VPC and its subnets", () => {
    const t = run.steps.need(run.teardown, "teardown");
    const destroyed = Object.fromEntries(t.result.steps.filter((s) => s.step === "destroy").map((s) => [s.stack, s.changes?.destroyed]));
    expect(destroyed["byo-platform"]).toBe(run.steps.need(run.deploy, "deploy").platform.resources);
    const existing = run.existing!;
    expect(t.vpcs).toEqual([existing.vpcId]);
    expect(t.subnets).toEqual([...existing.privateSubnets, ...existing.publicSubnets].map((s) => s.id).sort());
    for (const tags of Object.values(t.tags)) expect(tags).toEqual([]);
  });
});
