/**
 * What `npm run env:new` decides and writes, without I/O: the project, the VPC CIDR and the text of
 * the environment file. What it knows of the existing environments comes from their files' exports
 * (`loadEnvSources`), read section by section, so an invalid environment still counts.
 */
import { EnvSchema, overlapMessage, overlappingVpcs, vpcClaimOfSource, type EnvSource, type VpcClaim } from "../../src/config";
import { partitionOf } from "../../src/lib/aws-catalog";
import { overlaps, parseCidr, type Cidr } from "../../src/lib/cidr";
import { DEFAULT_KUBERNETES_VERSION } from "../../src/lib/eks-versions";
import { CliError } from "../common/cli";
import { refusal, type Capacity, type EnvNewRequest } from "./options";

/** What the existing environments claim that a new one must not collide with. */
export interface ExistingEnvs {
  /** Each file's environment name (when it has a string name), for refusing a name in use. */
  readonly names: readonly { readonly source: string; readonly name: string }[];
  /** Their valid `project` values, one per environment. */
  readonly projects: readonly string[];
  /** Their VPCs (of invalid environments too, when their region and VPC sections are valid). */
  readonly vpcs: readonly VpcClaim[];
  /** Other networks that reach their clusters (`eks.apiAccess.cidrs`: a VPN, a peered runner VPC). */
  readonly apiNetworks: readonly { readonly source: string; readonly cidr: string }[];
}

/** What the environment files export, read leniently. */
export function existingEnvs(sources: readonly EnvSource[]): ExistingEnvs {
  const names: { source: string; name: string }[] = [];
  const projects: string[] = [];
  const vpcs: VpcClaim[] = [];
  const apiNetworks: { source: string; cidr: string }[] = [];
  for (const source of sources) {
    const raw = isRecord(source.raw) ? source.raw : {};
    if (typeof raw.name === "string") names.push({ source: source.source, name: raw.name });
    const project = EnvSchema.shape.project.safeParse(raw.project);
    if (project.success) projects.push(project.data);
    const claim = vpcClaimOfSource(source);
    if (claim) vpcs.push(claim);
    const eks = EnvSchema.shape.eks.safeParse(raw.eks);
    if (eks.success) apiNetworks.push(...eks.data.apiAccess.cidrs.map((cidr) => ({ source: source.source, cidr })));
  }
  return { names, projects, vpcs, apiNetworks };
}

/** The file that already names an environment `name`, if any. */
export function sourceNaming(name: string, existing: ExistingEnvs): string | undefined {
  return existing.names.find((n) => n.name === name)?.source;
}

/** The project of a new environment: the one asked for, else the one every existing environment uses. */
export function chooseProject(requested: string | undefined, existing: ExistingEnvs): string {
  if (requested !== undefined) return requested;
  const projects = [...new Set(existing.projects)].sort();
  if (projects.length === 1) return projects[0];
  throw new CliError(
    projects.length === 0
      ? "--project is required: there is no existing environment to take it from"
      : `--project is required: the existing environments use several projects (${projects.join(", ")})`,
    2,
  );
}

/** The CIDRs `npm run env:new` tries, in order: 10.0.0.0/16, 10.1.0.0/16, ... 10.255.0.0/16. */
export const CIDR_SEQUENCE: readonly string[] = Array.from({ length: 256 }, (_, i) => `10.${i}.0.0/16`);

/** A chosen VPC CIDR, and how it was chosen (for the file's comment and the notes printed). */
export interface CidrChoice {
  readonly cidr: string;
  /**
   * "unused": the first of the sequence no environment uses (any account or region, API networks
   * included); "free-here": the first no environment of the same account and region uses (every
   * /16 is used somewhere); "requested": given with --cidr.
   */
  readonly how: "unused" | "free-here" | "requested";
  /** What the choice shares with environments elsewhere (another account or region), one line each. */
  readonly notes: readonly string[];
}

/**
 * The VPC CIDR of a new environment in `target`'s account and region. A requested CIDR is refused
 * when it overlaps a VPC of the same account and region (the overlap validation warns about),
 * and allowed with a note when it overlaps one elsewhere. Otherwise the first of `CIDR_SEQUENCE`
 * that no environment uses at all, else the first free in the account and region.
 */
export function chooseCidr(
  target: Pick<VpcClaim, "accountId" | "region">,
  requested: string | undefined,
  existing: ExistingEnvs,
): CidrChoice {
  if (requested !== undefined) {
    const clash = overlappingVpcs({ ...target, cidr: requested }, existing.vpcs)[0];
    if (clash) throw refusal("--cidr", `${overlapMessage(clash)}; leave --cidr out to have a free one picked`, requested);
    return { cidr: requested, how: "requested", notes: sharedElsewhere(requested, existing) };
  }
  const used = [...existing.vpcs, ...existing.apiNetworks].map((n) => parseCidr(n.cidr)).filter((c): c is Cidr => typeof c !== "string");
  const unused = CIDR_SEQUENCE.find((c) => !used.some((u) => overlaps(u, parsed(c))));
  if (unused) return { cidr: unused, how: "unused", notes: [] };
  const freeHere = CIDR_SEQUENCE.find((cidr) => overlappingVpcs({ ...target, cidr }, existing.vpcs).length === 0);
  if (freeHere) return { cidr: freeHere, how: "free-here", notes: sharedElsewhere(freeHere, existing) };
  throw new CliError(
    `every /16 of 10.0.0.0/8 overlaps a VPC of account ${target.accountId} in ${target.region}; give a CIDR with --cidr`,
    1,
  );
}

/** Notes on the environments elsewhere whose VPC (or API network) a CIDR overlaps. */
function sharedElsewhere(cidr: string, existing: ExistingEnvs): string[] {
  const mine = parsed(cidr);
  const notes: string[] = [];
  for (const vpc of existing.vpcs) {
    const theirs = parseCidr(vpc.cidr);
    if (typeof theirs !== "string" && overlaps(mine, theirs)) {
      const where = vpc.accountId ? `account ${vpc.accountId} region ${vpc.region}` : `region ${vpc.region}, no account named`;
      notes.push(`${cidr} overlaps the VPC ${vpc.cidr} of ${vpc.source} (${where}): allowed elsewhere, but the two can never be peered`);
    }
  }
  for (const net of existing.apiNetworks) {
    const theirs = parseCidr(net.cidr);
    if (typeof theirs !== "string" && overlaps(mine, theirs)) {
      notes.push(`${cidr} overlaps ${net.cidr}, which ${net.source} lets reach its cluster (eks.apiAccess.cidrs)`);
    }
  }
  return notes;
}

function parsed(cidr: string): Cidr {
  const c = parseCidr(cidr);
  if (typeof c === "string") throw new Error(`${cidr} ${c}`);
  return c;
}

/** Everything the environment file says that was decided. */
export interface EnvFileSpec {
  readonly request: EnvNewRequest;
  readonly project: string;
  readonly zones: readonly string[];
  readonly cidr: CidrChoice;
  /** The module the file imports its type from, relative to the file. @default "../src/config" */
  readonly configImport?: string;
}

/** The managed node group of `--capacity managed`. */
export const MANAGED_GROUP = { name: "general", instanceType: "m6i.large", minSize: 2, desiredSize: 2, maxSize: 4 } as const;

/** The Fargate profile of `--capacity fargate`, and the namespaces it selects. */
export const FARGATE_PROFILE = { name: "apps", namespaces: ["default"] } as const;

/** The command that writes this file, for its header. */
export function commandOf(request: EnvNewRequest): string {
  const options = [
    `--account ${request.accountId}`,
    `--region ${request.region}`,
    `--capacity ${request.capacity}`,
    ...(request.project !== undefined ? [`--project ${request.project}`] : []),
    ...(request.cidr !== undefined ? [`--cidr ${request.cidr}`] : []),
  ];
  return `npm run env:new -- ${request.name} ${options.join(" ")}`;
}

const CAPACITY_SUMMARY: Record<Capacity, string> = {
  fargate: "Fargate only (CoreDNS and metrics-server get Fargate profiles of their own)",
  managed: "one EKS managed node group",
  auto: "EKS Auto Mode (EKS runs the nodes, block storage and load balancing)",
};

/** What the capacity option means, for the summary printed after writing. */
export function capacitySummary(capacity: Capacity): string {
  return CAPACITY_SUMMARY[capacity];
}

/**
 * The text of `envs/<name>.ts`: typed (`satisfies EnvInput`), the project's secure defaults spelled
 * out (a private API endpoint, API authentication, a year of control-plane logs), placeholder ARNs
 * in the environment's account marked TODO, and commented hints for what teams usually add. It is
 * already formatted as prettier formats the project (printWidth 140).
 */
export function renderEnvFile(spec: EnvFileSpec): string {
  const { request, project, zones, cidr } = spec;
  const { name, accountId, region, capacity } = request;
  const iam = `arn:${partitionOf(region) ?? "aws"}:iam::${accountId}:role`;
  const admin = `${iam}/platform-admin`;
  const q = (s: string) => JSON.stringify(s);
  const list = (items: readonly string[]) => `[${items.map(q).join(", ")}]`;
  const cidrComment = {
    unused: `The first of 10.0.0.0/16, 10.1.0.0/16, ... that no other environment uses (chosen by npm run env:new).`,
    "free-here": `The first of 10.0.0.0/16, 10.1.0.0/16, ... free in account ${accountId} ${region} (every /16 is used somewhere).`,
    requested: `Given with --cidr; no other environment of account ${accountId} in ${region} overlaps it.`,
  }[cidr.how];

  const compute: Record<Capacity, string[]> = {
    fargate: [
      "  fargate: {",
      "    profiles: {",
      "      // Pods of these namespaces run on Fargate: add your apps' namespaces (at most five selectors a",
      "      // profile, * and ? wildcards allowed; labels narrow a selector to some pods).",
      `      ${FARGATE_PROFILE.name}: { selectors: [${FARGATE_PROFILE.namespaces.map((n) => `{ namespace: ${q(n)} }`).join(", ")}] },`,
      "    },",
      "  },",
    ],
    managed: [
      "  nodeGroups: {",
      "    managed: {",
      "      // Spread over the zones; the cluster autoscaler keeps it between minSize and maxSize.",
      `      ${MANAGED_GROUP.name}: {`,
      `        instanceTypes: [${q(MANAGED_GROUP.instanceType)}],`,
      `        minSize: ${MANAGED_GROUP.minSize},`,
      `        desiredSize: ${MANAGED_GROUP.desiredSize},`,
      `        maxSize: ${MANAGED_GROUP.maxSize},`,
      "      },",
      "    },",
      "  },",
    ],
    auto: [],
  };
  const loadBalancerHint =
    capacity === "auto"
      ? []
      : ["    // The AWS Load Balancer Controller, for Ingresses and LoadBalancer services:", "    // loadBalancerController: true,"];

  const lines = [
    `import type { EnvInput } from ${q(spec.configImport ?? "../src/config")};`,
    "",
    "/**",
    ` * ${name}: ${CAPACITY_SUMMARY[capacity]},`,
    " * a private API endpoint and the project's secure defaults.",
    ` * Written by \`${commandOf(request)}\`.`,
    " *",
    " * Fill in every TODO, then run `npm run synth` (it validates every environment) and",
    ` * \`npm run addresses:update\`; deploy with \`npm run bootstrap -- ${name}\`.`,
    " * Every field, its default and the rules between fields: docs/configuration.md.",
    " */",
    "export default {",
    `  name: ${q(name)},`,
    `  project: ${q(project)},`,
    `  region: ${q(region)},`,
    `  accountId: ${q(accountId)},`,
    `  // Zones of ${region} from the catalog (src/lib/aws-catalog.generated.ts).`,
    `  availabilityZones: ${list(zones)},`,
    "  // Cost-allocation tags on every resource, next to Project, Environment and ManagedBy:",
    '  // tags: { CostCenter: "...", Owner: "..." },',
    '  // "production" gives each zone its own NAT gateway (availability over cost).',
    '  tier: "development",',
    `  // ${cidrComment}`,
    `  vpc: { cidr: ${q(cidr.cidr)} },`,
    "  // Container images, one ECR repository each (<project>-<env>/<image>):",
    '  // ecr: { repositories: ["my-team/api"] },',
    "  eks: {",
    `    kubernetesVersion: ${q(DEFAULT_KUBERNETES_VERSION)},`,
    ...(capacity === "auto"
      ? ["    // EKS Auto Mode: EKS runs the nodes in these built-in pools.", '    autoMode: { nodePools: ["general-purpose", "system"] },']
      : []),
    "    // The API endpoint is private: only the nodes reach it, and what apiAccess lets in, e.g. a VPN or",
    "    // the subnet of self-hosted CI runners (needed to deploy the workloads stack from CI):",
    '    // apiAccess: { cidrs: ["10.99.0.0/24"] },',
    "    // A public endpoint is an explicit opt-in, open to your own ranges only:",
    "    // endpointPublicAccess: true,",
    '    // publicAccessCidrs: ["203.0.113.0/24"],',
    "    endpointPublicAccess: false,",
    '    authenticationMode: "API",',
    "    admins: {",
    "      // TODO: the IAM role (or user) that administers the cluster; the cluster creator gets no admin rights.",
    `      platform: ${q(admin)},`,
    "    },",
    "    logRetentionDays: 365,",
    "  },",
    ...compute[capacity],
    "  // Application tables (DynamoDB), by name; the app's service account gets access to exactly these:",
    '  // tables: { orders: { hashKey: { name: "id", type: "S" } } },',
    `  // TODO: the role kubeconfigs/${name}.yaml takes its token as (one of eks.admins).`,
    `  kubeconfig: { roleArn: ${q(admin)} },`,
    "  workloads: {",
    "    // TODO: the role the workloads stack takes its cluster token as (one of eks.admins).",
    `    roleArn: ${q(admin)},`,
    ...loadBalancerHint,
    "  },",
    "  // Plans in pull requests and deploys on merge (docs/ci.md); a private endpoint needs runners in the VPC:",
    "  // ci: {",
    `  //   planRoleArn: ${q(`${iam}/${project}-${name}-ci-plan`)},`,
    `  //   deployRoleArn: ${q(`${iam}/${project}-${name}-ci-deploy`)},`,
    `  //   runsOn: ["self-hosted", ${q(`${project}-${name}-vpc`)}],`,
    "  // },",
    "} satisfies EnvInput;",
    "",
  ];
  return lines.join("\n");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
