/**
 * The platform rules: one invalid environment -> its exact messages.
 */
import { describe, expect, it } from "vitest";
import { configBase as base, errorsOf } from "../../helpers/config";
import { existingVpcInput, type ExistingVpcInput } from "../../helpers/synth";

const sm = (g: object) => ({ ...base, nodeGroups: { selfManaged: { app: g } } });
const mg = (g: object) => ({ ...base, nodeGroups: { managed: { sys: g } } });
const subnets = (pub: string[], priv: string[]) => ({ ...base, vpc: { publicSubnetCidrs: pub, privateSubnetCidrs: priv } });
const table = (t: object) => ({ ...base, tables: { t: { hashKey: { name: "id", type: "S" }, ...t } } });

describe("platform rules", () => {
  const cases: [string, unknown, string[]][] = [
    [
      "VPC CIDR malformed",
      { ...base, vpc: { cidr: "10.0.0/16" } },
      ['env "test": vpc.cidr must be an IPv4 CIDR like 10.0.0.0/16 (got "10.0.0/16")'],
    ],
    [
      "VPC CIDR with host bits set",
      { ...base, vpc: { cidr: "10.0.1.0/16" } },
      ['env "test": vpc.cidr has host bits set; the network address is 10.0.0.0/16 (got "10.0.1.0/16")'],
    ],
    [
      "VPC larger than /16",
      { ...base, vpc: { cidr: "10.0.0.0/8" } },
      ['env "test": vpc.cidr must be between /16 and /28 (AWS\'s VPC size limits) (got "10.0.0.0/8")'],
    ],
    [
      "VPC too small for the computed layout",
      { ...base, vpc: { cidr: "10.0.0.0/24" } },
      [
        'env "test": vpc.cidr is too small for the computed subnet layout (/16-/22); give vpc.publicSubnetCidrs and vpc.privateSubnetCidrs (got "10.0.0.0/24")',
      ],
    ],
    [
      "public subnets without private ones",
      { ...base, vpc: { publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24"] } },
      [
        'env "test": vpc.publicSubnetCidrs is set but vpc.privateSubnetCidrs is not: give both, or neither to have them computed (got ["10.0.0.0/24","10.0.1.0/24"])',
      ],
    ],
    [
      "subnet outside the VPC",
      subnets(["10.0.0.0/24", "10.1.1.0/24"], ["10.0.16.0/20", "10.0.32.0/20"]),
      ['env "test": vpc.publicSubnetCidrs[1] is outside the VPC 10.0.0.0/16 (got "10.1.1.0/24")'],
    ],
    [
      "overlapping subnets",
      subnets(["10.0.0.0/24", "10.0.1.0/24"], ["10.0.0.0/20", "10.0.32.0/20"]),
      [
        'env "test": vpc.privateSubnetCidrs[0] overlaps vpc.publicSubnetCidrs[0] 10.0.0.0/24 (got "10.0.0.0/20")',
        'env "test": vpc.privateSubnetCidrs[0] overlaps vpc.publicSubnetCidrs[1] 10.0.1.0/24 (got "10.0.0.0/20")',
      ],
    ],
    [
      "subnet smaller than /28",
      subnets(["10.0.0.0/24", "10.0.1.0/29"], ["10.0.16.0/20", "10.0.32.0/20"]),
      ['env "test": vpc.publicSubnetCidrs[1] must be between /16 and /28 (AWS\'s subnet size limits) (got "10.0.1.0/29")'],
    ],
    [
      "fewer subnets than zones",
      subnets(["10.0.0.0/24"], ["10.0.16.0/20", "10.0.32.0/20"]),
      ['env "test": vpc.publicSubnetCidrs must list one subnet per availability zone (2), in zone order (got ["10.0.0.0/24"])'],
    ],
    [
      "service CIDR overlapping the VPC",
      { ...base, eks: { serviceIpv4Cidr: "10.0.0.0/16" } },
      ['env "test": eks.serviceIpv4Cidr overlaps the VPC 10.0.0.0/16; pick a range outside it, e.g. 172.20.0.0/16 (got "10.0.0.0/16")'],
    ],
    [
      "service CIDR outside RFC 1918",
      { ...base, eks: { serviceIpv4Cidr: "100.64.0.0/16" } },
      ['env "test": eks.serviceIpv4Cidr must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (got "100.64.0.0/16")'],
    ],
    [
      "service CIDR larger than /12",
      { ...base, eks: { serviceIpv4Cidr: "10.0.0.0/8" } },
      ['env "test": eks.serviceIpv4Cidr must be between /12 and /24 (got "10.0.0.0/8")'],
    ],
    [
      "unsupported Kubernetes version",
      { ...base, eks: { kubernetesVersion: "1.29" } },
      ['env "test": eks.kubernetesVersion is not a supported EKS version; use one of 1.32, 1.33, 1.34, 1.35 (got "1.29")'],
    ],
    [
      "public endpoint without an allow-list",
      { ...base, eks: { endpointPublicAccess: true } },
      [
        'env "test": eks.publicAccessCidrs must list who may reach the public endpoint (an empty list means 0.0.0.0/0); or keep eks.endpointPublicAccess false (got [])',
      ],
    ],
    [
      "public endpoint open to 0.0.0.0/0",
      { ...base, eks: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } },
      [
        'env "test": eks.publicAccessCidrs[0] opens the API endpoint to the internet; list your own ranges, or set eks.allowPublicAccessFromAnywhere as an explicit opt-out (got "0.0.0.0/0")',
      ],
    ],
    [
      "private range on the public endpoint",
      { ...base, eks: { endpointPublicAccess: true, publicAccessCidrs: ["10.1.0.0/16"] } },
      [
        'env "test": eks.publicAccessCidrs[0] is a private range; the public endpoint only sees public addresses (private clients use the private endpoint) (got "10.1.0.0/16")',
      ],
    ],
    [
      "allow-list without the public endpoint",
      { ...base, eks: { publicAccessCidrs: ["203.0.113.0/24"] } },
      [
        'env "test": eks.publicAccessCidrs only applies when eks.endpointPublicAccess is true; remove it or turn the public endpoint on (got ["203.0.113.0/24"])',
      ],
    ],
    [
      "malformed add-on version",
      { ...base, eks: { addonVersions: { coredns: "1.11" } } },
      ['env "test": eks.addonVersions.coredns must be an EKS add-on version like "v1.19.2-eksbuild.1" (got "1.11")'],
    ],
    [
      "public range opening the private endpoint",
      { ...base, eks: { apiAccess: { cidrs: ["203.0.113.0/24"] } } },
      [
        'env "test": eks.apiAccess.cidrs[0] must be a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16): it opens the private endpoint; public clients use eks.publicAccessCidrs (got "203.0.113.0/24")',
      ],
    ],
    [
      "API access from something that is not a security group",
      { ...base, eks: { apiAccess: { securityGroupIds: ["bastion"] } } },
      ['env "test": eks.apiAccess.securityGroupIds[0] must be a security group id like sg-0123456789abcdef0 (got "bastion")'],
    ],
    [
      "a public CIDR twice",
      { ...base, eks: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24", "203.0.113.0/24"] } },
      ['env "test": eks.publicAccessCidrs[2] is listed twice (got "203.0.113.0/24")'],
    ],
    [
      "an API access CIDR and security group twice (AWS refuses a duplicate rule)",
      {
        ...base,
        eks: {
          apiAccess: { cidrs: ["10.99.0.0/24", "10.99.0.0/24"], securityGroupIds: ["sg-0123456789abcdef0", "sg-0123456789abcdef0"] },
        },
      },
      [
        'env "test": eks.apiAccess.cidrs[1] is listed twice (got "10.99.0.0/24")',
        'env "test": eks.apiAccess.securityGroupIds[1] is listed twice (got "sg-0123456789abcdef0")',
      ],
    ],
    [
      "an SSH CIDR twice",
      { ...base, nodeGroups: { ssh: { keyName: "ops", allowedCidrs: ["10.9.0.0/24", "10.9.0.0/24"] }, managed: { sys: {} } } },
      ['env "test": nodeGroups.ssh.allowedCidrs[1] is listed twice (got "10.9.0.0/24")'],
    ],
    [
      "node group newer than the control plane",
      { ...base, eks: { kubernetesVersion: "1.34" }, nodeGroups: { managed: { sys: { kubernetesVersion: "1.35" } } } },
      [
        'env "test": nodeGroups.managed.sys.kubernetesVersion is newer than the control plane (eks.kubernetesVersion 1.34); upgrade the control plane first (got "1.35")',
      ],
    ],
    [
      "self-managed group on an unsupported version",
      { ...base, nodeGroups: { selfManaged: { app: { kubernetesVersion: "1.29" } } } },
      [
        'env "test": nodeGroups.selfManaged.app.kubernetesVersion is not a supported EKS version; use one of 1.32, 1.33, 1.34, 1.35 (got "1.29")',
      ],
    ],
    [
      "admin that is not an IAM principal ARN",
      { ...base, eks: { admins: { ops: "arn:aws:iam::123:role/x" } } },
      [
        'env "test": eks.admins.ops must be an IAM role or user ARN like arn:aws:iam::123456789012:role/admin (got "arn:aws:iam::123:role/x")',
      ],
    ],
    [
      "log retention not in CloudWatch's list",
      { ...base, eks: { logRetentionDays: 100 } },
      [
        'env "test": eks.logRetentionDays must be one of CloudWatch\'s retention values: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0 = never expire) (got 100)',
      ],
    ],
    [
      "flow-log retention not in CloudWatch's list",
      { ...base, vpc: { flowLogs: { retentionDays: 2 } } },
      [
        'env "test": vpc.flowLogs.retentionDays must be one of CloudWatch\'s retention values: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0 = never expire) (got 2)',
      ],
    ],
    [
      "log KMS encryption without an account id",
      { ...base, logKmsEncryption: true },
      ["env \"test\": logKmsEncryption needs accountId: the log key's policy names the account's CloudWatch Logs service (got true)"],
    ],
    [
      "min > desired",
      sm({ minSize: 3, desiredSize: 2, maxSize: 4 }),
      ['env "test": nodeGroups.selfManaged.app.minSize must not exceed desiredSize (2) (got 3)'],
    ],
    [
      "desired > max",
      mg({ minSize: 1, desiredSize: 5, maxSize: 4 }),
      ['env "test": nodeGroups.managed.sys.desiredSize must not exceed maxSize (4) (got 5)'],
    ],
    [
      "both maxUnavailable settings",
      mg({ maxUnavailable: 1, maxUnavailablePercentage: 20 }),
      ['env "test": nodeGroups.managed.sys.maxUnavailablePercentage cannot be set together with maxUnavailable; pick one (got 20)'],
    ],
    [
      "image release of another Kubernetes minor",
      mg({ imageRelease: "1.34.7-20260512" }),
      [
        'env "test": nodeGroups.managed.sys.imageRelease is a release for Kubernetes 1.34, but the group\'s nodes run 1.35; use a 1.35.x release (got "1.34.7-20260512")',
      ],
    ],
    [
      "image release that is no release",
      sm({ imageRelease: "v20260512" }),
      [
        'env "test": nodeGroups.selfManaged.app.imageRelease must be an AL2023 EKS AMI release like "1.35.4-20260512" (kubelet version, then the release date) (got "v20260512")',
      ],
    ],
    [
      "image release on Bottlerocket",
      mg({ amiType: "BOTTLEROCKET_x86_64", imageRelease: "1.35.4-20260512" }),
      [
        'env "test": nodeGroups.managed.sys.imageRelease pins AL2023 images only; a Bottlerocket group runs the newest Bottlerocket release when it is created: remove imageRelease or use an AL2023 amiType (got "1.35.4-20260512")',
      ],
    ],
    [
      "perZone that is no boolean",
      sm({ perZone: "yes" }),
      ['env "test": nodeGroups.selfManaged.app.perZone must be true or false (got "yes")'],
    ],
    [
      "per-zone managed groups over EKS's 30 per cluster, one per zone each",
      { ...base, nodeGroups: { managed: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`g${i}`, { perZone: true }])) } },
      [
        'env "test": nodeGroups.managed must have at most 30 groups (EKS quota per cluster; a perZone group counts once per zone) (got "32 groups")',
      ],
    ],
    [
      "instance type without family.size",
      sm({ instanceType: "m5large" }),
      ['env "test": nodeGroups.selfManaged.app.instanceType must be an EC2 instance type like "m5.large" (family.size) (got "m5large")'],
    ],
    [
      "arm64 type on an x86_64 AMI",
      sm({ instanceType: "m7g.large" }),
      [
        'env "test": nodeGroups.selfManaged.app.instanceType is an arm64 (Graviton) type but the group\'s AMI is x86_64: set architecture: "arm64" (got "m7g.large")',
      ],
    ],
    [
      "x86_64 type on an arm64 AMI type",
      mg({ amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["m5.large"] }),
      [
        'env "test": nodeGroups.managed.sys.instanceTypes[0] is an x86_64 type but the group\'s AMI is arm64: set amiType: "AL2023_x86_64_STANDARD" (or its Bottlerocket twin) (got "m5.large")',
      ],
    ],
    [
      "no instance types",
      mg({ instanceTypes: [] }),
      ['env "test": nodeGroups.managed.sys.instanceTypes must list 1-20 instance types (got [])'],
    ],
    [
      "taint effect in kubectl spelling",
      mg({ taints: [{ key: "a", effect: "NoSchedule" }] }),
      [
        'env "test": nodeGroups.managed.sys.taints[0].effect must be "NO_SCHEDULE", "NO_EXECUTE" or "PREFER_NO_SCHEDULE" (got "NoSchedule")',
      ],
    ],
    [
      "taint key not a label key",
      mg({ taints: [{ key: "-bad", effect: "NO_SCHEDULE" }] }),
      [
        "env \"test\": nodeGroups.managed.sys.taints[0].key must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (plus an optional prefix/) (got \"-bad\")",
      ],
    ],
    [
      "label value over 63 characters",
      sm({ labels: { team: "x".repeat(64) } }),
      [
        "env \"test\": nodeGroups.selfManaged.app.labels.team must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (got \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\")",
      ],
    ],
    [
      "IMDS hop limit of 3",
      sm({ metadataHopLimit: 3 }),
      ['env "test": nodeGroups.selfManaged.app.metadataHopLimit must be 1 or 2 (got 3)'],
    ],
    [
      "node group name with uppercase",
      { ...base, nodeGroups: { managed: { Sys: {} } } },
      [
        'env "test": nodeGroups.managed.Sys has an invalid name: must be 1-40 lowercase letters, digits and hyphens, starting with a letter (got "Sys")',
      ],
    ],
    [
      "duplicate node group name",
      { ...base, nodeGroups: { managed: { app: {} }, selfManaged: { app: {} } } },
      ['env "test": nodeGroups.managed.app is also the name of a self-managed group; node group names must be unique (got "app")'],
    ],
    [
      "SSH open to 0.0.0.0/0",
      { ...base, nodeGroups: { ssh: { keyName: "k", allowedCidrs: ["0.0.0.0/0"] } } },
      ['env "test": nodeGroups.ssh.allowedCidrs[0] opens SSH to the internet; list your own ranges (got "0.0.0.0/0")'],
    ],
    [
      "SSH without an allow-list",
      { ...base, nodeGroups: { ssh: { keyName: "k", allowedCidrs: [] } } },
      ['env "test": nodeGroups.ssh.allowedCidrs must list who may reach port 22; SSH is never open to all (got [])'],
    ],
    [
      "Fargate profile without selectors",
      { ...base, fargate: { profiles: { apps: { selectors: [] } } } },
      ['env "test": fargate.profiles.apps.selectors must have 1-5 selectors (got [])'],
    ],
    [
      "Fargate profile with six selectors",
      { ...base, fargate: { profiles: { apps: { selectors: ["a", "b", "c", "d", "e", "f"].map((n) => ({ namespace: n })) } } } },
      [
        'env "test": fargate.profiles.apps.selectors must have 1-5 selectors (got [{"namespace":"a"},{"namespace":"b"},{"namespace":"c"},{"namespace":"d"},{"namespace":"e"},{"namespace":"f"}])',
      ],
    ],
    [
      "Fargate selector without a namespace",
      { ...base, fargate: { profiles: { apps: { selectors: [{ labels: { a: "b" } }] } } } },
      [
        'env "test": fargate.profiles.apps.selectors[0].namespace is required: the namespace whose pods run on Fargate (`*` and `?` wildcards allowed) (got nothing)',
      ],
    ],
    [
      "Fargate selector with an invalid namespace",
      { ...base, fargate: { profiles: { apps: { selectors: [{ namespace: "My_Ns" }] } } } },
      [
        "env \"test\": fargate.profiles.apps.selectors[0].namespace must be a Kubernetes namespace name (lowercase, digits, '-'; '*' and '?' wildcards) (got \"My_Ns\")",
      ],
    ],
    [
      "Fargate profile name with uppercase",
      { ...base, fargate: { profiles: { Apps: { selectors: [{ namespace: "apps" }] } } } },
      [
        'env "test": fargate.profiles.Apps has an invalid name: must be 1-40 lowercase letters, digits and hyphens, starting with a letter (got "Apps")',
      ],
    ],
    [
      "Fargate selector with an empty namespace",
      { ...base, fargate: { profiles: { apps: { selectors: [{ namespace: "" }] } } } },
      ['env "test": fargate.profiles.apps.selectors[0].namespace must not be empty (got "")'],
    ],
    [
      "Fargate selector with six labels",
      {
        ...base,
        fargate: { profiles: { apps: { selectors: [{ namespace: "apps", labels: { a: "1", b: "1", c: "1", d: "1", e: "1", f: "1" } }] } } },
      },
      [
        'env "test": fargate.profiles.apps.selectors[0].labels must have at most 5 labels (got {"a":"1","b":"1","c":"1","d":"1","e":"1","f":"1"})',
      ],
    ],
    [
      "Fargate profile named like the CoreDNS one",
      { ...base, fargate: { profiles: { coredns: { selectors: [{ namespace: "x" }] } } } },
      [
        'env "test": fargate.profiles.coredns is reserved for the CoreDNS profile the project adds to clusters without node groups; pick another name (got "coredns")',
      ],
    ],
    [
      "ECR repository name with uppercase",
      { ...base, ecr: { repositories: ["Team/App"] } },
      [
        "env \"test\": ecr.repositories[0] makes the repository name \"fixture-test/Team/App\" invalid: ECR repository names are lowercase letters and digits separated by single '.', '_', '-' or '/' (got \"Team/App\")",
      ],
    ],
    [
      "duplicate ECR repository",
      { ...base, ecr: { repositories: ["app", "app"] } },
      ['env "test": ecr.repositories[1] is listed twice (got "app")'],
    ],
    ["ECR keeping no images", { ...base, ecr: { keepLastImages: 0 } }, ['env "test": ecr.keepLastImages must be 1-10000 images (got 0)']],
    [
      "ECR untagged expiry in part days",
      { ...base, ecr: { untaggedExpireDays: 1.5 } },
      ['env "test": ecr.untaggedExpireDays must be a whole number of days (got 1.5)'],
    ],
    [
      "provisioned table whose index has no capacity",
      table({
        billingMode: "PROVISIONED",
        readCapacity: 5,
        writeCapacity: 5,
        globalSecondaryIndexes: { byg: { hashKey: { name: "g", type: "S" } } },
      }),
      ['env "test": tables.t.globalSecondaryIndexes.byg.readCapacity is required with billingMode PROVISIONED (got nothing)'],
    ],
    [
      "provisioned table without capacity",
      table({ billingMode: "PROVISIONED" }),
      ['env "test": tables.t.readCapacity is required with billingMode PROVISIONED (got nothing)'],
    ],
    [
      "on-demand table with capacity",
      table({ readCapacity: 5 }),
      ['env "test": tables.t.readCapacity only applies with billingMode PROVISIONED; remove it for PAY_PER_REQUEST (got 5)'],
    ],
    [
      "INCLUDE index without attributes",
      table({ globalSecondaryIndexes: { byg: { hashKey: { name: "g", type: "S" }, projection: "INCLUDE" } } }),
      [
        'env "test": tables.t.globalSecondaryIndexes.byg.nonKeyAttributes must list the attributes an INCLUDE projection copies (got nothing)',
      ],
    ],
    [
      "key attribute declared with two types",
      table({ globalSecondaryIndexes: { byid: { hashKey: { name: "id", type: "N" } } } }),
      [
        'env "test": tables.t.globalSecondaryIndexes.byid.hashKey.type conflicts with tables.t.hashKey, which declares attribute "id" as S (got "N")',
      ],
    ],
    [
      "table name key with underscore",
      { ...base, tables: { user_data: { hashKey: { name: "id", type: "S" } } } },
      [
        'env "test": tables.user_data has an invalid name: must be 1-40 lowercase letters, digits and hyphens, starting with a letter (got "user_data")',
      ],
    ],
    [
      "self-managed nodes whose labels make the user data too large for EC2",
      {
        ...base,
        nodeGroups: {
          selfManaged: {
            app: { labels: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`team.example.com/l${i}`, "v".repeat(63)])) },
          },
        },
      },
      [
        'env "test": nodeGroups.selfManaged.app.labels make the nodes\' user data 19617 bytes with the cluster\'s endpoint and CA, over EC2\'s limit of 16384: use fewer or shorter labels and taints (got "200 labels, 0 taints")',
      ],
    ],
    [
      "a table named like the state lock table",
      { ...base, tables: { tflock: { hashKey: { name: "id", type: "S" } } } },
      [
        'env "test": tables.tflock makes the table "fixture-test-tflock", the state lock table\'s name; give the table another name (got "tflock")',
      ],
    ],
    [
      "NAT mode misspelled",
      { ...base, vpc: { natGateways: "two" } },
      ['env "test": vpc.natGateways must be "single" or "perAz" (got "two")'],
    ],
    ["unknown tier", { ...base, tier: "prod" }, ['env "test": tier must be "development" or "production" (got "prod")']],
    [
      "delete timeout in words",
      { ...base, eks: { deleteTimeout: "30 minutes" } },
      ['env "test": eks.deleteTimeout must be a duration like "30m" or "1h" (got "30 minutes")'],
    ],
  ];

  it.each(cases)("rejects %s", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("covers at least 40 distinct invalid inputs", () => {
    expect(new Set(cases.map(([, , messages]) => messages[0])).size).toBeGreaterThanOrEqual(40);
  });

  it("accepts what each rule allows at its boundary", () => {
    const ok = [
      { ...base, vpc: { cidr: "10.0.0.0/22" } },
      { ...base, eks: { serviceIpv4Cidr: "192.168.0.0/24" } },
      { ...base, eks: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], allowPublicAccessFromAnywhere: true } },
      sm({ minSize: 0, desiredSize: 0, maxSize: 1 }),
      mg({ amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["m7g.large", "c6gn.xlarge", "t4g.medium"] }),
      { ...base, fargate: { profiles: { apps: { selectors: ["a", "b", "c", "d", "e"].map((n) => ({ namespace: n })) } } } },
      { ...base, fargate: { profiles: { apps: { selectors: [{ namespace: "team-*" }] } } } },
      table({ billingMode: "PROVISIONED", readCapacity: 1, writeCapacity: 1 }),
      { ...base, accountId: "123456789012", logKmsEncryption: true },
    ];
    for (const input of ok) expect(errorsOf(input), JSON.stringify(input)).toEqual([]);
  });
});

describe("Karpenter rules", () => {
  const karpenter = (k: object, rest: object = {}) => ({ ...base, karpenter: k, ...rest });
  const cases: [string, unknown, string[]][] = [
    [
      "Karpenter with Auto Mode",
      karpenter({}, { eks: { autoMode: {} } }),
      [
        'env "test": eks.autoMode cannot be used with karpenter: Auto Mode scales its nodes with a Karpenter of its own, run by EKS; remove eks.autoMode or karpenter (got {"nodePools":["general-purpose","system"]})',
      ],
    ],
    [
      "Karpenter with the cluster autoscaler",
      karpenter({}, { nodeGroups: { managed: { system: {} } }, workloads: { clusterAutoscaler: true } }),
      [
        'env "test": workloads.clusterAutoscaler cannot be used with karpenter: both would add nodes for the same pending pods; remove workloads.clusterAutoscaler (Karpenter scales the cluster) or karpenter (got true)',
      ],
    ],
    [
      "the cluster autoscaler with nothing to scale",
      { ...base, workloads: { clusterAutoscaler: true } },
      [
        'env "test": workloads.clusterAutoscaler needs node groups to scale: add nodeGroups.selfManaged or nodeGroups.managed, or remove it (got true)',
      ],
    ],
    [
      "an AMI that is not pinned",
      karpenter({ amiAlias: "al2023@latest" }),
      [
        'env "test": karpenter.amiAlias must pin an Amazon Linux 2023 EKS AMI release like "al2023@v20260714" (al2023@latest would roll new images out unasked) (got "al2023@latest")',
      ],
    ],
    [
      "a controller instance type on Fargate",
      karpenter({ controllerOn: "fargate", controllerInstanceType: "t3.large" }),
      ['env "test": karpenter.controllerInstanceType only applies with karpenter.controllerOn "nodeGroup"; remove it (got "t3.large")'],
    ],
    [
      "an arm64 controller instance type",
      karpenter({ controllerInstanceType: "t4g.medium" }),
      [
        'env "test": karpenter.controllerInstanceType is an arm64 (Graviton) type but the group\'s AMI is x86_64: pick an x86_64 type such as t3.medium (got "t4g.medium")',
      ],
    ],
    [
      "a node group named like the controller's",
      karpenter({}, { nodeGroups: { managed: { karpenter: {} } } }),
      [
        'env "test": nodeGroups.managed.karpenter is reserved for the Karpenter controller\'s node group (karpenter.controllerOn "nodeGroup"); pick another name (got "karpenter")',
      ],
    ],
    [
      "a Fargate profile named like the controller's",
      { ...base, fargate: { profiles: { karpenter: { selectors: [{ namespace: "default" }] } } } },
      [
        'env "test": fargate.profiles.karpenter is reserved for the profile the project adds for the Karpenter controller (karpenter.controllerOn "fargate"); pick another name (got "karpenter")',
      ],
    ],
    [
      "unknown, Mac and repeated instance categories",
      karpenter({ nodePool: { instanceCategories: ["m", "q", "mac", "m"] } }),
      [
        'env "test": karpenter.nodePool.instanceCategories[1] is not an EC2 instance category (did you mean "a"?); categories: a, c, d, dl, f, g, gr, h, hpc, i, im, inf, is, m, mac, p, r, t, trn, u, vt, x, z (got "q")',
        'env "test": karpenter.nodePool.instanceCategories[2] names Mac instances, which cannot be EKS nodes (got "mac")',
        'env "test": karpenter.nodePool.instanceCategories[3] is listed twice (got "m")',
      ],
    ],
    [
      "no capacity type",
      karpenter({ nodePool: { capacityTypes: [] } }),
      ['env "test": karpenter.nodePool.capacityTypes must name at least one capacity type (got [])'],
    ],
    [
      "a CPU limit of zero",
      karpenter({ nodePool: { cpuLimit: 0 } }),
      ['env "test": karpenter.nodePool.cpuLimit must be 1-1000000 vCPUs (got 0)'],
    ],
    [
      "a CPU limit in words",
      karpenter({ nodePool: { cpuLimit: "unlimited" } }),
      ['env "test": karpenter.nodePool.cpuLimit must be a whole number of vCPUs (1-1000000), or "none" for no limit (got "unlimited")'],
    ],
    [
      "a consolidation delay in words",
      karpenter({ nodePool: { consolidateAfter: "5 minutes" } }),
      [
        'env "test": karpenter.nodePool.consolidateAfter must be a duration like "30s", "5m" or "720h" (digits and s, m or h), or "Never" (got "5 minutes")',
      ],
    ],
    [
      "rule names past EventBridge's limit",
      karpenter({}, { project: "a-very-long-project-name-here" }),
      [
        'env "test": project makes the longest Karpenter EventBridge rule name "a-very-long-project-name-here-test-eks-karpenter-spot-interruption" invalid: EventBridge rule names are 1-64 characters, this one has 66 (got "a-very-long-project-name-here")',
      ],
    ],
  ];

  it.each(cases)("rejects %s", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("accepts Karpenter on either compute, with spot, no limit, and no consolidation or expiry (the policy pack judges those)", () => {
    const ok = [
      karpenter({}),
      karpenter({ controllerOn: "fargate" }),
      karpenter(
        { controllerInstanceType: "m7i.large" },
        { nodeGroups: { selfManaged: { app: {} } }, workloads: { clusterAutoscaler: false } },
      ),
      karpenter({ nodePool: { capacityTypes: ["spot", "on-demand"], cpuLimit: "none", consolidateAfter: "Never", expireAfter: "Never" } }),
      karpenter({ nodePool: { instanceCategories: ["inf", "trn"], architectures: ["arm64", "amd64"], expireAfter: "1h30m" } }),
    ];
    for (const input of ok) expect(errorsOf(input), JSON.stringify(input)).toEqual([]);
  });
});

describe("platform rules: an existing VPC (vpc.existing)", () => {
  const existing = (e: Partial<ExistingVpcInput> = {}, rest: object = {}) => ({ ...base, vpc: { existing: existingVpcInput(e) }, ...rest });
  const [privA, privB] = existingVpcInput().privateSubnets;
  const [pubA] = existingVpcInput().publicSubnets;
  const cases: [string, unknown, string[]][] = [
    [
      "a VPC id of another format",
      existing({ vpcId: "vpc-12345" }),
      ['env "test": vpc.existing.vpcId must be a VPC id like vpc-0123456789abcdef0 (vpc- and 8 or 17 hex digits) (got "vpc-12345")'],
    ],
    [
      "a subnet id that is a VPC id",
      existing({ privateSubnets: [privA, { ...privB, id: "vpc-0a000000000000002" }] }),
      [
        'env "test": vpc.existing.privateSubnets[1].id must be a subnet id like subnet-0123456789abcdef0 (subnet- and 8 or 17 hex digits) (got "vpc-0a000000000000002")',
      ],
    ],
    [
      "a subnet listed twice",
      existing({ privateSubnets: [privA, privB, { ...privA, cidr: "10.70.64.0/19" }] }),
      [
        'env "test": vpc.existing.privateSubnets[2].id is listed twice (also as vpc.existing.privateSubnets[0]) (got "subnet-0a000000000000001")',
      ],
    ],
    [
      "a subnet both private and public",
      existing({ publicSubnets: [{ ...pubA, id: privB.id }] }),
      [
        'env "test": vpc.existing.publicSubnets[0].id is also listed as vpc.existing.privateSubnets[1]: a subnet is private or public, not both (got "subnet-0a000000000000002")',
      ],
    ],
    [
      "a subnet in a zone the environment does not list",
      existing({ publicSubnets: [{ ...pubA, zone: "eu-west-1c" }] }),
      [
        'env "test": vpc.existing.publicSubnets[0].zone is not one of availabilityZones (eu-west-1a, eu-west-1b): correct it, or add the zone to availabilityZones (got "eu-west-1c")',
      ],
    ],
    [
      "a subnet outside the VPC",
      existing({ privateSubnets: [privA, { ...privB, cidr: "10.71.32.0/19" }] }),
      ['env "test": vpc.existing.privateSubnets[1].cidr is outside the VPC 10.70.0.0/16 (got "10.71.32.0/19")'],
    ],
    [
      "overlapping subnets",
      existing({ publicSubnets: [{ ...pubA, cidr: "10.70.16.0/22" }] }),
      ['env "test": vpc.existing.publicSubnets[0].cidr overlaps vpc.existing.privateSubnets[0] 10.70.0.0/19 (got "10.70.16.0/22")'],
    ],
    [
      "a subnet smaller than /28",
      existing({ publicSubnets: [{ ...pubA, cidr: "10.70.224.0/29" }] }),
      ['env "test": vpc.existing.publicSubnets[0].cidr must be between /16 and /28 (AWS\'s subnet size limits) (got "10.70.224.0/29")'],
    ],
    [
      "a subnet CIDR that is not one",
      existing({ publicSubnets: [{ ...pubA, cidr: "10.70.224.1/22" }] }),
      ['env "test": vpc.existing.publicSubnets[0].cidr has host bits set; the network address is 10.70.224.0/22 (got "10.70.224.1/22")'],
    ],
    [
      "private subnets in one zone",
      existing({ privateSubnets: [privA, { ...privB, zone: "eu-west-1a" }] }),
      [
        'env "test": vpc.existing.privateSubnets must be in at least two availability zones: EKS puts the control plane\'s network interfaces in two, and nodes and Fargate pods run only in private subnets (got ["eu-west-1a"])',
      ],
    ],
    [
      "no private subnets",
      existing({ privateSubnets: [] }),
      [
        'env "test": vpc.existing.privateSubnets must be in at least two availability zones: EKS puts the control plane\'s network interfaces in two, and nodes and Fargate pods run only in private subnets (got [])',
      ],
    ],
    [
      "a VPC CIDR larger than AWS allows",
      existing({ cidr: "10.0.0.0/8" }),
      ['env "test": vpc.existing.cidr must be between /16 and /28 (AWS\'s VPC size limits) (got "10.0.0.0/8")'],
    ],
    [
      "the VPC CIDR of a VPC to create as well",
      { ...base, vpc: { cidr: "10.70.0.0/16", existing: existingVpcInput() } },
      [
        'env "test": vpc.cidr cannot be set together with vpc.existing: the VPC\'s CIDR is vpc.existing.cidr; remove vpc.cidr (got "10.70.0.0/16")',
      ],
    ],
    [
      "NAT gateways in a VPC the project does not own",
      { ...base, vpc: { natGateways: "perAz", existing: existingVpcInput() } },
      [
        'env "test": vpc.natGateways cannot be set together with vpc.existing: the project creates no NAT gateway in a VPC it does not own (the VPC\'s owner routes the private subnets); remove vpc.natGateways (got "perAz")',
      ],
    ],
    [
      "subnet CIDRs of a VPC to create as well",
      { ...base, vpc: { publicSubnetCidrs: ["10.70.224.0/22"], privateSubnetCidrs: ["10.70.0.0/19"], existing: existingVpcInput() } },
      [
        'env "test": vpc.publicSubnetCidrs cannot be set together with vpc.existing: the public subnets are vpc.existing.publicSubnets; remove vpc.publicSubnetCidrs (got ["10.70.224.0/22"])',
        'env "test": vpc.privateSubnetCidrs cannot be set together with vpc.existing: the private subnets are vpc.existing.privateSubnets; remove vpc.privateSubnetCidrs (got ["10.70.0.0/19"])',
      ],
    ],
    [
      "no word on the discovery tags",
      { ...base, vpc: { existing: { ...existingVpcInput(), discoveryTags: undefined } } },
      [
        'env "test": vpc.existing.discoveryTags must be "add" (the platform stack tags the subnets) or "present" (the subnets already carry the EKS discovery tags) (got nothing)',
      ],
    ],
    [
      "discovery tags neither added nor present",
      existing({ discoveryTags: "yes" as "add" }),
      [
        'env "test": vpc.existing.discoveryTags must be "add" (the platform stack tags the subnets) or "present" (the subnets already carry the EKS discovery tags) (got "yes")',
      ],
    ],
    [
      "no VPC CIDR",
      { ...base, vpc: { existing: { ...existingVpcInput(), cidr: undefined } } },
      ['env "test": vpc.existing.cidr is required: the existing VPC\'s primary IPv4 CIDR, e.g. 10.70.0.0/16 (got nothing)'],
    ],
    [
      "a misspelled field",
      { ...base, vpc: { existing: { ...existingVpcInput(), privateSubnet: [] } } },
      [
        'env "test": vpc.existing.privateSubnet is not a known setting (did you mean "privateSubnets"?); allowed: vpcId, cidr, privateSubnets, publicSubnets, discoveryTags (got [])',
      ],
    ],
    [
      "the 2048 sample without public subnets in two zones",
      existing(
        { publicSubnets: [pubA] },
        {
          fargate: { profiles: { game: { selectors: [{ namespace: "2048-game" }] } } },
          workloads: { sample2048: true, sample2048Image: `nginx@sha256:${"a".repeat(64)}`, loadBalancerController: true },
        },
      ),
      [
        'env "test": vpc.existing.publicSubnets must be in at least two availability zones with workloads.sample2048: its internet-facing ALB needs public subnets in two (got ["eu-west-1a"])',
      ],
    ],
    [
      "a service CIDR overlapping the existing VPC",
      existing({}, { eks: { serviceIpv4Cidr: "10.70.0.0/16" } }),
      ['env "test": eks.serviceIpv4Cidr overlaps the VPC 10.70.0.0/16; pick a range outside it, e.g. 172.20.0.0/16 (got "10.70.0.0/16")'],
    ],
  ];

  it.each(cases)("rejects %s", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("accepts what the rules allow: 8-digit ids, several subnets per zone, no public subnets, tags present", () => {
    const ok = [
      existing(),
      existing({
        vpcId: "vpc-0a1b2c3d",
        privateSubnets: [privA, privB, { id: "subnet-1a2b3c4d", zone: "eu-west-1b", cidr: "10.70.64.0/28" }],
      }),
      existing({ publicSubnets: [], discoveryTags: "present" }),
      existing({}, { tier: "production", vpc: { existing: existingVpcInput(), flowLogs: { enabled: false } } }),
    ];
    for (const input of ok) expect(errorsOf(input), JSON.stringify(input)).toEqual([]);
  });
});
