import { describe, expect, it } from "vitest";
import { ManagedGroupSchema, resolveEnv, type EnvInput } from "../../src/config";
import { EKS_ADDON_VERSIONS } from "../../src/lib/eks-addons";
import { configBase as base, errorsOfAll } from "../helpers/config";
import { testEnv } from "../helpers/synth";

const managed = { nodeGroups: { managed: { sys: { minSize: 1, desiredSize: 1, maxSize: 2 } } } };
const autoMode = { eks: { autoMode: {} } };

describe("resolveEnv: what is derived once", () => {
  // label, input, capacity kind, has node groups, the project's Fargate profiles, add-ons (name:identity)
  const cases: [string, Partial<EnvInput>, string, boolean, string[], string[]][] = [
    ["Fargate only", {}, "fargate", false, ["coredns", "metrics-server"], ["vpc-cni:vpcCni", "kube-proxy", "coredns", "metrics-server"]],
    [
      "Fargate only, with the Load Balancer Controller",
      { workloads: { loadBalancerController: true } },
      "fargate",
      false,
      ["coredns", "metrics-server", "aws-lb-controller"],
      ["vpc-cni:vpcCni", "kube-proxy", "coredns", "metrics-server"],
    ],
    [
      "managed node groups",
      managed,
      "nodeGroups",
      true,
      [],
      ["vpc-cni:vpcCni", "kube-proxy", "eks-pod-identity-agent", "coredns", "metrics-server", "aws-ebs-csi-driver:ebsCsiDriver"],
    ],
    ["EKS Auto Mode", autoMode, "autoMode", false, [], ["metrics-server"]],
    [
      "Karpenter with its controller on a node group",
      { karpenter: { controllerOn: "nodeGroup" } },
      "karpenter",
      true,
      [],
      ["vpc-cni:vpcCni", "kube-proxy", "eks-pod-identity-agent", "coredns", "metrics-server", "aws-ebs-csi-driver:ebsCsiDriver"],
    ],
    [
      "Karpenter with its controller on Fargate",
      { karpenter: { controllerOn: "fargate" } },
      "karpenter",
      false,
      ["coredns", "metrics-server", "karpenter"],
      ["vpc-cni:vpcCni", "kube-proxy", "coredns", "metrics-server"],
    ],
  ];

  it.each(cases)("%s", (_label, input, kind, hasNodeGroups, profiles, addons) => {
    const { derived } = testEnv(input);
    expect(derived.capacity).toEqual({ kind, hasNodeGroups });
    expect(Object.keys(derived.fargateProfiles)).toEqual(profiles);
    expect(derived.addons.map((a) => (a.identity ? `${a.name}:${a.identity}` : a.name))).toEqual(addons);
  });

  it("runs CoreDNS on Fargate only where there are no nodes, and pins every add-on to the cluster version's", () => {
    const fargate = testEnv().derived.addons;
    const nodes = testEnv(managed).derived.addons;
    expect(fargate.find((a) => a.name === "coredns")!.configurationValues).toEqual({ computeType: "fargate" });
    expect(nodes.find((a) => a.name === "coredns")!.configurationValues).toBeUndefined();
    const env = testEnv(managed);
    for (const a of nodes) expect(a.version).toBe(EKS_ADDON_VERSIONS[env.eks.kubernetesVersion][a.name]);
  });

  it("takes an add-on version override", () => {
    const { derived } = testEnv({ eks: { addonVersions: { coredns: "v1.99.0-eksbuild.1" } } });
    expect(derived.addons.find((a) => a.name === "coredns")!.version).toBe("v1.99.0-eksbuild.1");
  });

  it("decides again when an edited config is resolved again", () => {
    const env = testEnv();
    const versions = Object.keys(EKS_ADDON_VERSIONS).sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
    const older = versions[versions.indexOf(env.eks.kubernetesVersion) - 1];
    const edited = resolveEnv({
      ...env,
      eks: { ...env.eks, kubernetesVersion: older },
      nodeGroups: { ...env.nodeGroups, managed: { sys: ManagedGroupSchema.parse(managed.nodeGroups.managed.sys) } },
    });
    expect(edited.derived.capacity).toEqual({ kind: "nodeGroups", hasNodeGroups: true });
    expect(edited.derived.addons.find((a) => a.name === "kube-proxy")!.version).toBe(EKS_ADDON_VERSIONS[older]["kube-proxy"]);
    expect(edited.derived.fargateProfiles).toEqual({});
  });

  it("derives every name from the project and environment, per zone where a group is per zone", () => {
    const env = testEnv({
      logKmsEncryption: true,
      accountId: "123456789012",
      tables: { orders: { hashKey: { name: "id", type: "S" } } },
      ecr: { repositories: ["shop/api"] },
      nodeGroups: { selfManaged: { app: { minSize: 1, maxSize: 2, perZone: true } }, managed: { sys: { minSize: 1, maxSize: 2 } } },
    });
    const n = env.derived.names;
    expect({ ...n, roles: undefined }).toEqual({
      prefix: "fixture-test",
      cluster: "fixture-test-eks",
      roles: undefined,
      stateBucket: "fixture-test-tfstate",
      lockTable: "fixture-test-tflock",
      stateKeyAlias: "alias/fixture-test-tfstate",
      logKeyAlias: "alias/fixture-test-logs",
      clusterLogGroup: "/aws/eks/fixture-test-eks/cluster",
      flowLogGroup: "/aws/vpc/fixture-test/flow-logs",
      terminationQueue: "fixture-test-eks-node-termination",
      karpenterQueue: undefined,
      nodeGroups: {
        app: { kind: "selfManaged", launchTemplate: "fixture-test-eks-app", groups: ["fixture-test-eks-app-a", "fixture-test-eks-app-b"] },
        sys: { kind: "managed", launchTemplate: "fixture-test-eks-mng-sys", groups: ["sys"] },
      },
      tables: { orders: "fixture-test-orders" },
      ecrRepositories: { "shop/api": "fixture-test/shop/api" },
      kubeconfigPath: "kubeconfigs/test.yaml",
    });
    expect(n.roles.cluster).toBe("fixture-test-eks-cluster");
    expect(n.roles.app).toBe("fixture-test-app");
  });

  it("derives who may touch the state and what CI plans from the config", () => {
    const plan = "arn:aws:iam::123456789012:role/ci-plan";
    const deploy = "arn:aws:iam::123456789012:role/ci-deploy";
    const { derived } = testEnv({ ci: { planRoleArn: plan, deployRoleArn: deploy, planStacks: ["platform"] } });
    const admin = "arn:aws:iam::123456789012:role/platform-admin";
    expect(derived.ciRoles).toEqual({ plan, deploy, generated: false });
    expect(derived.planStacks).toEqual(["platform"]);
    expect(derived.workloadsPrincipal).toBe(admin);
    expect(derived.stateWriters).toEqual([deploy, admin]);
    expect(derived.stateReaders).toEqual([deploy, admin, plan]);
  });
});

describe("names two environments of one account and region would both create", () => {
  const at = (file: string, fields: Partial<EnvInput>) => ({
    source: `envs/${file}.ts`,
    raw: { ...base, accountId: "777777777777", ...fields },
  });
  const table = { hashKey: { name: "id", type: "S" as const } };
  // team-north's table "eks-orders" and team-north-eks's table "orders" are both "team-north-eks-orders".
  const north = (fields: Partial<EnvInput> = {}) =>
    at("north", { project: "team", name: "north", tables: { "eks-orders": table }, ...fields });
  const eks = (fields: Partial<EnvInput> = {}) => at("eks", { project: "team-north", name: "eks", tables: { orders: table }, ...fields });
  const group = { minSize: 1, maxSize: 2 };

  const cases: [string, ReturnType<typeof at>[], string[]][] = [
    [
      "a table",
      [north(), eks()],
      [
        'env "eks": tables.orders makes the table name "team-north-eks-orders", which envs/north.ts also makes in account 777777777777 in eu-west-1; AWS refuses the second: change tables.orders in envs/eks.ts (got "orders")',
      ],
    ],
    [
      "a self-managed group's launch template and autoscaling group, one line",
      [
        at("north", { project: "team", name: "north", nodeGroups: { selfManaged: { "eks-app": group } } }),
        at("eks", { project: "team-north", name: "eks", nodeGroups: { selfManaged: { app: group } } }),
      ],
      [
        'env "eks": nodeGroups.selfManaged.app makes the launch template name "team-north-eks-eks-app", which envs/north.ts also makes in account 777777777777 in eu-west-1; AWS refuses the second: change nodeGroups.selfManaged.app in envs/eks.ts (got "app")',
      ],
    ],
    [
      "a launch template of a group named like another environment's cluster",
      [
        at("north", { project: "team", name: "north", nodeGroups: { selfManaged: { "xy-eks-app": group } } }),
        at("xy", { project: "team-north-eks", name: "xy", nodeGroups: { selfManaged: { app: group } } }),
      ],
      [
        'env "xy": nodeGroups.selfManaged.app makes the launch template name "team-north-eks-xy-eks-app", which envs/north.ts also makes in account 777777777777 in eu-west-1; AWS refuses the second: change nodeGroups.selfManaged.app in envs/xy.ts (got "app")',
      ],
    ],
    [
      "the same table in another region",
      [north(), eks({ region: "eu-central-1", availabilityZones: ["eu-central-1a", "eu-central-1b"] })],
      [],
    ],
    ["the same table in another account", [north(), eks({ accountId: "222222222222" })], []],
    ["the same table where one names no account", [north(), eks({ accountId: undefined })], []],
    [
      "a table named like another environment's queue (another type)",
      [north({ karpenter: {} }), eks({ tables: { karpenter: table } })],
      [],
    ],
  ];

  it.each(cases)("%s", (_label, sources, expected) => {
    expect(errorsOfAll(sources)).toEqual(expected);
  });
});
