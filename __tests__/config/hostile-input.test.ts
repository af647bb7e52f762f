/**
 * Configurations a hostile (or hurried) user writes that Terraform or AWS would refuse later, or that
 * open more than they say: each is refused before anything is written, with one line naming the
 * environment, the field, the value and what is allowed. The limits come from the EKS, DynamoDB and
 * EC2 quotas, the Kubernetes label rules, the region and zone catalog and Terraform's CIDR parser.
 */
import { describe, expect, it } from "vitest";
import { hasControl } from "../../src/lib/text";
import { configBase as base, errorsOf } from "../helpers/config";

const sm = (g: object) => ({ ...base, nodeGroups: { selfManaged: { app: g } } });
const mg = (g: object) => ({ ...base, nodeGroups: { managed: { sys: g } } });
const pub = (cidrs: string[], extra: object = {}) => ({ ...base, eks: { endpointPublicAccess: true, publicAccessCidrs: cidrs, ...extra } });
const table = (t: object) => ({ ...base, tables: { t: { hashKey: { name: "id", type: "S" }, ...t } } });
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

const cases: [string, unknown][] = [
  ["41 public access CIDRs", pub(many(41, (i) => `198.51.${i}.0/24`))],
  ["31 managed node groups", { ...base, nodeGroups: { managed: Object.fromEntries(many(31, (i) => [`g${i}`, {}])) } }],
  ["a managed group of 451 nodes", mg({ maxSize: 451 })],
  [
    "11 Fargate profiles",
    { ...base, fargate: { profiles: Object.fromEntries(many(11, (i) => [`p${i}`, { selectors: [{ namespace: `ns${i}` }] }])) } },
  ],
  [
    "Fargate profiles that leave no room for the project's",
    {
      ...base,
      workloads: { loadBalancerController: true },
      fargate: { profiles: Object.fromEntries(many(8, (i) => [`p${i}`, { selectors: [{ namespace: `ns${i}` }] }])) },
    },
  ],
  ["6 selectors on a profile", { ...base, fargate: { profiles: { p: { selectors: many(6, (i) => ({ namespace: `n${i}` })) } } } }],
  [
    "a Fargate selector label with a bad key",
    { ...base, fargate: { profiles: { p: { selectors: [{ namespace: "n", labels: { "bad key": "x" } }] } } } },
  ],
  ["a node label the kubelet may not set", sm({ labels: { "node-role.kubernetes.io/worker": "true" } })],
  ["a k8s.io node label", mg({ labels: { "k8s.io/team": "a" } })],
  ["a managed label key over 63 characters", mg({ labels: { [`example.com/${"a".repeat(60)}`]: "x" } })],
  ["an empty managed label value", mg({ labels: { team: "" } })],
  ["a label value over 63 characters", sm({ labels: { team: "a".repeat(64) } })],
  ["a taint key with a space", sm({ taints: [{ key: "bad key", effect: "NO_SCHEDULE" }] })],
  ["a managed taint key over 63 characters", mg({ taints: [{ key: `example.com/${"a".repeat(60)}`, effect: "NO_SCHEDULE" }] })],
  ["a taint value with a slash", mg({ taints: [{ key: "team", value: "a/b", effect: "NO_SCHEDULE" }] })],
  [
    "the same taint twice",
    mg({
      taints: [
        { key: "team", value: "a", effect: "NO_SCHEDULE" },
        { key: "team", value: "b", effect: "NO_SCHEDULE" },
      ],
    }),
  ],
  [
    "21 indexes on a table",
    table({ globalSecondaryIndexes: Object.fromEntries(many(21, (i) => [`idx${i}`, { hashKey: { name: `a${i}`, type: "S" } }])) }),
  ],
  [
    "101 projected attributes",
    table({
      globalSecondaryIndexes: {
        one: { hashKey: { name: "a", type: "S" }, projection: "INCLUDE", nonKeyAttributes: many(60, (i) => `x${i}`) },
        two: { hashKey: { name: "b", type: "S" }, projection: "INCLUDE", nonKeyAttributes: many(41, (i) => `y${i}`) },
      },
    }),
  ],
  [
    "an index keyed twice on one attribute",
    table({ globalSecondaryIndexes: { byA: { hashKey: { name: "a", type: "S" }, rangeKey: { name: "a", type: "S" } } } }),
  ],
  ["45 tags", { ...base, tags: Object.fromEntries(many(45, (i) => [`t${i}`, "v"])) }],
  ["43 tags with a self-managed group", { ...sm({}), tags: Object.fromEntries(many(43, (i) => [`t${i}`, "v"])) }],
  ["a tag differing in case from a project tag", { ...base, tags: { project: "x" } }],
  ["a tag differing in case from Name", { ...base, tags: { NAME: "x" } }],
  ["two tags differing only in case", { ...base, tags: { Owner: "a", owner: "b" } }],
  ["a region that does not exist", { ...base, region: "eu-west-4", availabilityZones: ["eu-west-4a", "eu-west-4b"] }],
  ["a zone the region does not have", { ...base, availabilityZones: ["eu-west-1a", "eu-west-1d"] }],
  ["an admin ARN of another partition", { ...base, eks: { admins: { ops: "arn:aws-cn:iam::444444444444:role/ops" } } }],
  [
    "a China region with commercial ARNs",
    {
      ...base,
      region: "cn-north-1",
      availabilityZones: ["cn-north-1a", "cn-north-1b"],
      assumeRole: { roleArn: "arn:aws:iam::444444444444:role/deployer" },
    },
  ],
  [
    "a role to assume in another account",
    { ...base, accountId: "444444444444", assumeRole: { roleArn: "arn:aws:iam::555555555555:role/deployer" } },
  ],
  ["an ISO-partition ARN", { ...base, kubeconfig: { roleArn: "arn:aws-iso:iam::444444444444:role/x" } }],
  ["a VPC CIDR with leading zeros", { ...base, vpc: { cidr: "010.0.0.0/16" } }],
  ["a prefix with a leading zero", { ...base, vpc: { cidr: "10.0.0.0/016" } }],
  ["a loopback VPC", { ...base, vpc: { cidr: "127.0.0.0/16" } }],
  ["a link-local VPC", { ...base, vpc: { cidr: "169.254.0.0/16" } }],
  ["a multicast VPC", { ...base, vpc: { cidr: "224.1.0.0/16" } }],
  ["a VPC in 0.0.0.0/8", { ...base, vpc: { cidr: "0.1.0.0/16" } }],
  ["a public endpoint open by two halves", pub(["0.0.0.0/1", "128.0.0.0/1"])],
  ["a public endpoint open by union", pub(["1.0.0.0/10", "2.0.0.0/10", "3.0.0.0/10", "4.0.0.0/10", "5.0.0.0/10"])],
  ["a public endpoint open to a /7", pub(["2.0.0.0/7"])],
  ["a loopback client on the public endpoint", pub(["127.0.0.1/32"])],
  ["SSH open by two halves", { ...base, nodeGroups: { ssh: { keyName: "k", allowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } } }],
  ["SSH open by union", { ...base, nodeGroups: { ssh: { keyName: "k", allowedCidrs: ["8.0.0.0/9", "8.128.0.0/9", "9.0.0.0/9"] } } }],
  ["an unknown instance family", sm({ instanceType: "m9.large" })],
  ["an unknown instance size", sm({ instanceType: "t3.lrage" })],
  ["a size the family does not have", sm({ instanceType: "t3.4xlarge" })],
  ["an old Graviton family on x86_64", sm({ instanceType: "a1.large" })],
  ["a Graviton type in a managed x86_64 group", mg({ instanceTypes: ["t3.medium", "t4g.medium"] })],
  ["a Mac instance", sm({ instanceType: "mac2.metal" })],
  [
    "a service CIDR inside the VPC, with a suggestion elsewhere",
    { ...base, vpc: { cidr: "172.20.0.0/16" }, eks: { serviceIpv4Cidr: "172.20.0.0/16" } },
  ],
  ["a kubeconfig path over a project file", { ...base, kubeconfig: { path: "src/app.ts" } }],
  ["a kubeconfig path with a dot segment", { ...base, kubeconfig: { path: "kubeconfigs/./x.yaml" } }],
  ["a name with a newline", { ...base, name: "te\nst" }],
  ["a tag value with a control character", { ...base, tags: { Team: "a\u0007b" } }],
  ["node groups with Auto Mode", { ...sm({}), eks: { autoMode: {} } }],
  ["the Load Balancer Controller with Auto Mode", { ...base, eks: { autoMode: {} }, workloads: { loadBalancerController: true } }],
  ["an unknown Auto Mode node pool", { ...base, eks: { autoMode: { nodePools: ["gpu"] } } }],
  ["HCP Terraform without an organization", { ...base, backend: { kind: "hcp" } }],
  ["an S3 bucket name on HCP Terraform", { ...base, backend: { kind: "hcp", organization: "fixture-org", bucketName: "x-tfstate" } }],
  ["an HCP organization on S3", { ...base, backend: { organization: "fixture-org" } }],
  [
    "a Terraform Enterprise URL instead of a host",
    { ...base, backend: { kind: "hcp", organization: "fixture-org", hostname: "https://tfe.example.com" } },
  ],
  ["an unknown key with a newline", { ...base, "regi\non": "x" }],
];

const expected: Record<string, string[]> = {
  "HCP Terraform without an organization": [
    'env "test": backend.organization is required with backend.kind "hcp": the HCP Terraform organization of the workspaces (got nothing)',
  ],
  "an S3 bucket name on HCP Terraform": [
    'env "test": backend.bucketName only applies with backend.kind "s3"; HCP Terraform keeps and locks the state itself: remove it (got "x-tfstate")',
  ],
  "an HCP organization on S3": [
    'env "test": backend.organization only applies with backend.kind "hcp"; remove it, or set kind: "hcp" (got "fixture-org")',
  ],
  "a Terraform Enterprise URL instead of a host": [
    'env "test": backend.hostname must be a host name like tfe.example.com (no scheme, no path) (got "https://tfe.example.com")',
  ],
  "node groups with Auto Mode": [
    'env "test": nodeGroups.selfManaged must be empty with eks.autoMode: Auto Mode runs the nodes in its node pools; remove the groups or turn Auto Mode off (got ["app"])',
  ],
  "the Load Balancer Controller with Auto Mode": [
    'env "test": workloads.loadBalancerController must not be set with eks.autoMode: Auto Mode runs load balancing itself (the 2048 sample uses its IngressClass); remove it (got true)',
  ],
  "an unknown Auto Mode node pool": ['env "test": eks.autoMode.nodePools[0] must be "general-purpose" or "system" (got "gpu")'],
  "41 public access CIDRs": [
    'env "test": eks.publicAccessCidrs must list at most 40 CIDRs (EKS quota per cluster); merge adjacent ranges (got "41 CIDRs")',
  ],
  "31 managed node groups": [
    'env "test": nodeGroups.managed must have at most 30 groups (EKS quota per cluster; a perZone group counts once per zone) (got "31 groups")',
  ],
  "a managed group of 451 nodes": [
    'env "test": nodeGroups.managed.sys.maxSize must be at most 450 (EKS quota: nodes per managed node group) (got 451)',
  ],
  "11 Fargate profiles": [
    'env "test": fargate.profiles must have at most 8 profiles: EKS allows 10 per cluster and the project adds 2 (coredns, metrics-server) (got "11 profiles")',
  ],
  "Fargate profiles that leave no room for the project's": [
    'env "test": fargate.profiles must have at most 7 profiles: EKS allows 10 per cluster and the project adds 3 (coredns, metrics-server, aws-lb-controller) (got "8 profiles")',
  ],
  "6 selectors on a profile": [
    'env "test": fargate.profiles.p.selectors must have 1-5 selectors (got [{"namespace":"n0"},{"namespace":"n1"},{"namespace":"n2"},{"namespace":"n3"},{"namespace":"n4"},{"namespace":"n5"}])',
  ],
  "a Fargate selector label with a bad key": [
    "env \"test\": fargate.profiles.p.selectors[0].labels[\"bad key\"] has an invalid key: the key must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (plus an optional prefix/) (got \"x\")",
  ],
  "a node label the kubelet may not set": [
    'env "test": nodeGroups.selfManaged.app.labels["node-role.kubernetes.io/worker"] has a key that uses the node-role.kubernetes.io prefix, which a node may not give itself (the kubelet refuses to start); use your own prefix, or node.kubernetes.io/ (got "true")',
  ],
  "a k8s.io node label": [
    'env "test": nodeGroups.managed.sys.labels["k8s.io/team"] has a key that uses the k8s.io prefix, which a node may not give itself (the kubelet refuses to start); use your own prefix, or node.kubernetes.io/ (got "a")',
  ],
  "a managed label key over 63 characters": [
    'env "test": nodeGroups.managed.sys.labels["example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"] has a key longer than 63 characters, which EKS refuses for managed node groups (got "x")',
  ],
  "an empty managed label value": [
    'env "test": nodeGroups.managed.sys.labels.team must not be empty in a managed node group (EKS limit) (got "")',
  ],
  "a label value over 63 characters": [
    "env \"test\": nodeGroups.selfManaged.app.labels.team must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\")",
  ],
  "a taint key with a space": [
    "env \"test\": nodeGroups.selfManaged.app.taints[0].key must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (plus an optional prefix/) (got \"bad key\")",
  ],
  "a managed taint key over 63 characters": [
    'env "test": nodeGroups.managed.sys.taints[0].key must be at most 63 characters in a managed node group (EKS limit) (got "example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")',
  ],
  "a taint value with a slash": [
    "env \"test\": nodeGroups.managed.sys.taints[0].value must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (got \"a/b\")",
  ],
  "the same taint twice": [
    'env "test": nodeGroups.managed.sys.taints[1] repeats the taint team with effect NO_SCHEDULE; a node has each key and effect once (got {"key":"team","value":"b","effect":"NO_SCHEDULE"})',
  ],
  "21 indexes on a table": ['env "test": tables.t.globalSecondaryIndexes must have at most 20 indexes (got "21 indexes")'],
  "101 projected attributes": [
    'env "test": tables.t.globalSecondaryIndexes must project at most 100 non-key attributes over all its indexes (DynamoDB quota); use projection ALL for wide indexes (got "101 projected attributes")',
  ],
  "an index keyed twice on one attribute": [
    'env "test": tables.t.globalSecondaryIndexes.byA.rangeKey.name must differ from the index\'s hash key (got "a")',
  ],
  "45 tags": [
    'env "test": tags would give a subnet 51 tags (yours, the project\'s 3 and its own 3), more than AWS\'s 50 per resource: remove 1 (got "45 tags")',
  ],
  "43 tags with a self-managed group": [
    'env "test": tags would give a self-managed node 51 tags (yours, the project\'s 3 and its own 5), more than AWS\'s 50 per resource: remove 1 (got "43 tags")',
  ],
  "a tag differing in case from a project tag": [
    'env "test": tags.project differs only in case from the tag "Project" the project sets; IAM, EKS and Auto Scaling treat keys case-insensitively and would refuse both: rename or remove it (got "x")',
  ],
  "a tag differing in case from Name": [
    'env "test": tags.NAME differs only in case from the tag "Name" the project sets; IAM, EKS and Auto Scaling treat keys case-insensitively and would refuse both: rename or remove it (got "x")',
  ],
  "two tags differing only in case": [
    'env "test": tags.owner differs only in case from tags.Owner; IAM, EKS and Auto Scaling treat keys case-insensitively and would refuse both: rename or remove it (got "b")',
  ],
  "a region that does not exist": [
    'env "test": region is not an AWS region (did you mean "eu-west-1"?); eu- regions: eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-2, eu-west-3 (got "eu-west-4")',
  ],
  "a zone the region does not have": [
    'env "test": availabilityZones[1] is not a zone of eu-west-1; its zones: eu-west-1a, eu-west-1b, eu-west-1c (got "eu-west-1d")',
  ],
  "an admin ARN of another partition": [
    'env "test": eks.admins.ops is in partition "aws-cn", but region eu-west-1 is in partition "aws": write arn:aws:iam::... (got "arn:aws-cn:iam::444444444444:role/ops")',
  ],
  "a China region with commercial ARNs": [
    'env "test": assumeRole.roleArn is in partition "aws", but region cn-north-1 is in partition "aws-cn": write arn:aws-cn:iam::... (got "arn:aws:iam::444444444444:role/deployer")',
    'env "test": eks.admins.platform is in partition "aws", but region cn-north-1 is in partition "aws-cn": write arn:aws-cn:iam::... (got "arn:aws:iam::123456789012:role/platform-admin")',
  ],
  "a role to assume in another account": [
    'env "test": assumeRole.roleArn must be a role of the environment\'s account 444444444444: the provider\'s allowed_account_ids refuses any other account (got "arn:aws:iam::555555555555:role/deployer")',
  ],
  "an ISO-partition ARN": [
    'env "test": kubeconfig.roleArn must be an IAM role ARN like arn:aws:iam::123456789012:role/deployer (got "arn:aws-iso:iam::444444444444:role/x")',
  ],
  "a VPC CIDR with leading zeros": [
    'env "test": vpc.cidr must be written in canonical dotted decimal, without leading zeros, like 10.0.0.0/16 (got "010.0.0.0/16")',
  ],
  "a prefix with a leading zero": [
    'env "test": vpc.cidr must be written in canonical dotted decimal, without leading zeros, like 10.0.0.0/16 (got "10.0.0.0/016")',
  ],
  "a loopback VPC": [
    'env "test": vpc.cidr is in the loopback range 127.0.0.0/8, which cannot be a VPC; use a private range like 10.0.0.0/16 (got "127.0.0.0/16")',
  ],
  "a link-local VPC": [
    'env "test": vpc.cidr is in the link-local range 169.254.0.0/16, which cannot be a VPC; use a private range like 10.0.0.0/16 (got "169.254.0.0/16")',
  ],
  "a multicast VPC": [
    'env "test": vpc.cidr is in the multicast range 224.0.0.0/4, which cannot be a VPC; use a private range like 10.0.0.0/16 (got "224.1.0.0/16")',
  ],
  "a VPC in 0.0.0.0/8": [
    'env "test": vpc.cidr is in the "this network" range 0.0.0.0/8, which cannot be a VPC; use a private range like 10.0.0.0/16 (got "0.1.0.0/16")',
  ],
  "a public endpoint open by two halves": [
    'env "test": eks.publicAccessCidrs[0] opens the API endpoint to the internet; list your own ranges, or set eks.allowPublicAccessFromAnywhere as an explicit opt-out (got "0.0.0.0/1")',
    'env "test": eks.publicAccessCidrs[1] opens the API endpoint to the internet; list your own ranges, or set eks.allowPublicAccessFromAnywhere as an explicit opt-out (got "128.0.0.0/1")',
  ],
  "a public endpoint open by union": [
    'env "test": eks.publicAccessCidrs together cover 20,971,520 public addresses (a /8 is 16,777,216): that opens the API endpoint to the internet; list your own ranges, or set eks.allowPublicAccessFromAnywhere as an explicit opt-out (got ["1.0.0.0/10","2.0.0.0/10","3.0.0.0/10","4.0.0.0/10","5.0.0.0/10"])',
  ],
  "a public endpoint open to a /7": [
    'env "test": eks.publicAccessCidrs[0] opens the API endpoint to the internet; list your own ranges, or set eks.allowPublicAccessFromAnywhere as an explicit opt-out (got "2.0.0.0/7")',
  ],
  "a loopback client on the public endpoint": [
    'env "test": eks.publicAccessCidrs[0] is in the loopback range 127.0.0.0/8, never a client address (got "127.0.0.1/32")',
  ],
  "SSH open by two halves": [
    'env "test": nodeGroups.ssh.allowedCidrs[0] opens SSH to the internet; list your own ranges (got "0.0.0.0/1")',
    'env "test": nodeGroups.ssh.allowedCidrs[1] opens SSH to the internet; list your own ranges (got "128.0.0.0/1")',
  ],
  "SSH open by union": [
    'env "test": nodeGroups.ssh.allowedCidrs together cover 25,165,824 public addresses (a /8 is 16,777,216): that opens SSH to the internet; list your own ranges (got ["8.0.0.0/9","8.128.0.0/9","9.0.0.0/9"])',
  ],
  "an unknown instance family": [
    'env "test": nodeGroups.selfManaged.app.instanceType is not an EC2 instance type: no family "m9" (did you mean "m1.large"?); run npm run catalog:update if it is new (got "m9.large")',
  ],
  "an unknown instance size": [
    'env "test": nodeGroups.selfManaged.app.instanceType is not an EC2 instance type: t3 comes in 2xlarge, large, medium, micro, nano, small, xlarge (did you mean "t3.large"?) (got "t3.lrage")',
  ],
  "a size the family does not have": [
    'env "test": nodeGroups.selfManaged.app.instanceType is not an EC2 instance type: t3 comes in 2xlarge, large, medium, micro, nano, small, xlarge (did you mean "t3.2xlarge"?) (got "t3.4xlarge")',
  ],
  "an old Graviton family on x86_64": [
    'env "test": nodeGroups.selfManaged.app.instanceType is an arm64 (Graviton) type but the group\'s AMI is x86_64: set architecture: "arm64" (got "a1.large")',
  ],
  "a Graviton type in a managed x86_64 group": [
    'env "test": nodeGroups.managed.sys.instanceTypes[1] is an arm64 (Graviton) type but the group\'s AMI is x86_64: set amiType: "AL2023_ARM_64_STANDARD" (or its Bottlerocket twin) (got "t4g.medium")',
  ],
  "a Mac instance": [
    'env "test": nodeGroups.selfManaged.app.instanceType is a Mac instance, which cannot be an EKS node (got "mac2.metal")',
  ],
  "a service CIDR inside the VPC, with a suggestion elsewhere": [
    'env "test": eks.serviceIpv4Cidr overlaps the VPC 172.20.0.0/16; pick a range outside it, e.g. 10.100.0.0/16 (got "172.20.0.0/16")',
  ],
  "a kubeconfig path over a project file": [
    'env "test": kubeconfig.path must be under kubeconfigs/, where nothing else of the project lives, like kubeconfigs/test.yaml (got "src/app.ts")',
  ],
  "a kubeconfig path with a dot segment": [
    'env "test": kubeconfig.path must be a plain file path under kubeconfigs/ (letters, digits and ._-, no . or .. segments), like kubeconfigs/test.yaml (got "kubeconfigs/./x.yaml")',
  ],
  "a name with a newline": ['env "te\\nst": name must be 2-16 lowercase letters and digits, starting with a letter (got "te\\nst")'],
  "a tag value with a control character": [
    'env "test": tags.Team must be at most 256 letters, digits, spaces and _.:/=+-@ (got "a\\u0007b")',
  ],
  "an unknown key with a newline": [
    'env "test": ["regi\\non"] is not a known setting (did you mean "region"?); allowed: name, project, region, accountId, assumeRole, availabilityZones, tags, backend, tier, ephemeral, logKmsEncryption, vpc, ecr, eks, nodeGroups, fargate, tables, kubeconfig, karpenter, workloads, policy, iam, ci (got "x")',
  ],
};

describe("hostile input", () => {
  it.each(cases)("refuses %s", (label, input) => {
    const errors = errorsOf(input);
    expect(errors).toEqual(expected[label]);
    // One line per problem, whatever the input held.
    for (const e of errors) expect(hasControl(e)).toBe(false);
  });

  it("accepts what sits just inside each limit", () => {
    const inside = [
      pub(many(40, (i) => `198.51.${i}.0/24`)),
      mg({ maxSize: 450 }),
      { ...base, fargate: { profiles: Object.fromEntries(many(8, (i) => [`p${i}`, { selectors: [{ namespace: `ns${i}` }] }])) } },
      { ...base, tags: Object.fromEntries(many(44, (i) => [`t${i}`, "v"])) },
      pub(["1.0.0.0/10", "2.0.0.0/10", "3.0.0.0/10"]),
      pub(["0.0.0.0/0"], { allowPublicAccessFromAnywhere: true }),
      sm({ instanceType: "a1.large", architecture: "arm64", labels: { "node.kubernetes.io/pool": "app" } }),
      {
        ...base,
        region: "cn-north-1",
        availabilityZones: ["cn-north-1a", "cn-north-1b"],
        eks: { admins: { ops: "arn:aws-cn:iam::444444444444:role/ops" } },
      },
    ];
    for (const input of inside) {
      expect(errorsOf(input)).toEqual([]);
    }
  });
});
