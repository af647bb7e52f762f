/** Cluster access and workloads rules: one invalid environment -> its exact messages. */
import { describe, expect, it } from "vitest";
import { validateEnvs } from "../../../src/config";
import { namespaceMatches } from "../../../src/config/rules/access";
import { configBase as base, errorsOf, errorsOfAll } from "../../helpers/config";

const fargate2048 = { profiles: { apps: { selectors: [{ namespace: "2048-game" }] } } };
/** A valid 2048 image reference (the rules check its form, not the registry). */
const sample2048Image = `registry.example.com/games/2048@sha256:${"0".repeat(64)}`;

describe("access rules", () => {
  it.each([
    [
      "kubeconfig at ~/.kube/config",
      { ...base, kubeconfig: { path: "~/.kube/config" } },
      [
        'env "test": kubeconfig.path must be a file under kubeconfigs/ of the project, like kubeconfigs/test.yaml; to add the cluster to ~/.kube/config run npm run kubeconfig -- test --merge (got "~/.kube/config")',
      ],
    ],
    [
      "kubeconfig at an absolute path",
      { ...base, kubeconfig: { path: "/etc/kube.yaml" } },
      [
        'env "test": kubeconfig.path must be a file under kubeconfigs/ of the project, like kubeconfigs/test.yaml; to add the cluster to ~/.kube/config run npm run kubeconfig -- test --merge (got "/etc/kube.yaml")',
      ],
    ],
    [
      "kubeconfig outside the project",
      { ...base, kubeconfig: { path: "../x.yaml" } },
      [
        'env "test": kubeconfig.path must be a plain file path under kubeconfigs/ (letters, digits and ._-, no . or .. segments), like kubeconfigs/test.yaml (got "../x.yaml")',
      ],
    ],
    [
      "kubeconfig path that is a folder",
      { ...base, kubeconfig: { path: "kubeconfigs/" } },
      [
        'env "test": kubeconfig.path must be a plain file path under kubeconfigs/ (letters, digits and ._-, no . or .. segments), like kubeconfigs/test.yaml (got "kubeconfigs/")',
      ],
    ],
    [
      "kubeconfig that would overwrite a project file",
      { ...base, kubeconfig: { path: "package.json" } },
      [
        'env "test": kubeconfig.path must be under kubeconfigs/, where nothing else of the project lives, like kubeconfigs/test.yaml (got "package.json")',
      ],
    ],
    [
      "unknown token helper",
      { ...base, kubeconfig: { authenticator: "kubelogin" } },
      ['env "test": kubeconfig.authenticator must be "aws-cli" or "aws-iam-authenticator" (got "kubelogin")'],
    ],
    [
      "the 2048 sample without the load balancer controller",
      { ...base, fargate: fargate2048, workloads: { sample2048: true, sample2048Image } },
      [
        'env "test": workloads.sample2048 needs workloads.loadBalancerController (or eks.autoMode): its Ingress is served by the AWS Load Balancer Controller (got true)',
      ],
    ],
    [
      "the 2048 sample without its image",
      { ...base, fargate: fargate2048, workloads: { sample2048: true, loadBalancerController: true } },
      [
        'env "test": workloads.sample2048Image is required with workloads.sample2048: the sample\'s image, pinned by digest (<repository>@sha256:<digest>) (got nothing)',
      ],
    ],
    [
      "the 2048 sample's image by tag",
      {
        ...base,
        fargate: fargate2048,
        workloads: { sample2048: true, sample2048Image: "public.ecr.aws/l6m2t8p7/docker-2048:latest", loadBalancerController: true },
      },
      [
        'env "test": workloads.sample2048Image must be pinned by digest, <repository>@sha256:<64 hex digits>: a tag can be moved to other content (find the digest with `crane digest <image>:<tag>` or `docker buildx imagetools inspect <image>:<tag>`) (got "public.ecr.aws/l6m2t8p7/docker-2048:latest")',
      ],
    ],
    [
      "the 2048 sample's image with a malformed digest",
      { ...base, workloads: { sample2048Image: "Registry/2048@sha256:abc" } },
      [
        'env "test": workloads.sample2048Image must be an image reference like registry.example.com/team/2048@sha256:<64 lowercase hex digits> (a tag may stand before the @) (got "Registry/2048@sha256:abc")',
      ],
    ],
    [
      "the 2048 sample's image with an uppercase digest",
      { ...base, workloads: { sample2048Image: `registry.example.com/2048@sha256:${"AB".repeat(32)}` } },
      [
        `env "test": workloads.sample2048Image must be an image reference like registry.example.com/team/2048@sha256:<64 lowercase hex digits> (a tag may stand before the @) (got "registry.example.com/2048@sha256:${"AB".repeat(32)}")`,
      ],
    ],
    [
      "the 2048 sample without a Fargate profile for its namespace",
      { ...base, workloads: { sample2048: true, sample2048Image, loadBalancerController: true } },
      [
        'env "test": workloads.sample2048 runs on Fargate: add a Fargate profile whose selector is namespace "2048-game" (without labels) (got true)',
      ],
    ],
    [
      "a profile named like the controller's",
      { ...base, fargate: { profiles: { "aws-lb-controller": { selectors: [{ namespace: "x" }] } } } },
      [
        'env "test": fargate.profiles["aws-lb-controller"] is reserved for the profile the project adds for the load balancer controller; pick another name (got "aws-lb-controller")',
      ],
    ],
    [
      "a workloads role that is not a cluster admin",
      {
        ...base,
        assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deployer" },
        eks: { admins: { platform: "arn:aws:iam::123456789012:role/platform" } },
        fargate: fargate2048,
        workloads: { sample2048: true, sample2048Image, loadBalancerController: true },
      },
      [
        'env "test": assumeRole.roleArn must be one of eks.admins (arn:aws:iam::123456789012:role/platform): the workloads stack talks to the cluster as this role (got "arn:aws:iam::123456789012:role/deployer")',
      ],
    ],
  ])("rejects %s", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it.each([
    `nginx@sha256:${"0".repeat(64)}`,
    `docker.io/alexwhen/docker-2048@sha256:${"1".repeat(64)}`,
    `registry.example.com/games/2048:1.0@sha256:${"ab".repeat(32)}`,
  ])("accepts the 2048 sample's image pinned by digest, with or without a tag before it, on any registry: %s", (image) => {
    expect(
      errorsOf({ ...base, fargate: fargate2048, workloads: { sample2048: true, sample2048Image: image, loadBalancerController: true } }),
    ).toEqual([]);
  });

  it.each([
    [
      "no cluster admin",
      { ...base, eks: { admins: {} } },
      [
        'env "test": eks.admins must name at least one cluster admin (an IAM role or user ARN): the cluster creator gets no admin rights, so nobody could manage the cluster (got {})',
      ],
    ],
    [
      "Karpenter without a role to take the cluster token as (it installs charts in the cluster)",
      { ...base, eks: { admins: { platform: "arn:aws:iam::123456789012:role/platform" } }, karpenter: { controllerOn: "fargate" } },
      [
        'env "test": workloads.roleArn must name the role the workloads stack takes its cluster token as (one of eks.admins); without it and without assumeRole, the kubernetes and helm providers would authenticate as whoever runs Terraform (got nothing)',
      ],
    ],
    [
      "workloads without a role to take the cluster token as",
      {
        ...base,
        eks: { admins: { platform: "arn:aws:iam::123456789012:role/platform" } },
        tables: { t: { hashKey: { name: "id", type: "S" } } },
      },
      [
        'env "test": workloads.roleArn must name the role the workloads stack takes its cluster token as (one of eks.admins); without it and without assumeRole, the kubernetes and helm providers would authenticate as whoever runs Terraform (got nothing)',
      ],
    ],
    [
      "CONFIG_MAP authentication",
      { ...base, eks: { admins: { platform: "arn:aws:iam::123456789012:role/platform" }, authenticationMode: "CONFIG_MAP" } },
      [
        'env "test": eks.authenticationMode must be "API" or "API_AND_CONFIG_MAP" (CONFIG_MAP cannot hold access entries, and EKS refuses it without the cluster creator as admin) (got "CONFIG_MAP")',
      ],
    ],
    [
      "one principal twice among the admins",
      { ...base, eks: { admins: { platform: "arn:aws:iam::123456789012:role/platform", ops: "arn:aws:iam::123456789012:role/platform" } } },
      [
        'env "test": eks.admins.ops names the same principal as eks.admins.platform; EKS gives a principal one access entry: keep it in one place (an admin can already read) (got "arn:aws:iam::123456789012:role/platform")',
      ],
    ],
    [
      "one principal among the admins and the viewers",
      {
        ...base,
        eks: {
          admins: { platform: "arn:aws:iam::123456789012:role/platform" },
          viewers: { audit: "arn:aws:iam::123456789012:role/audit", again: "arn:aws:iam::123456789012:role/platform" },
        },
      },
      [
        'env "test": eks.viewers.again names the same principal as eks.admins.platform; EKS gives a principal one access entry: keep it in one place (an admin can already read) (got "arn:aws:iam::123456789012:role/platform")',
      ],
    ],
  ])("rejects %s (cluster access)", (_label, input, expected) => {
    expect(validateEnvs([{ source: "envs/test.ts", raw: input }]).errors).toEqual(expected);
  });

  it.each([
    [
      "named writers without the role Terraform assumes",
      {
        ...base,
        accountId: "123456789012",
        assumeRole: { roleArn: "arn:aws:iam::123456789012:role/platform" },
        eks: { admins: { platform: "arn:aws:iam::123456789012:role/platform" } },
        backend: { stateWriters: ["arn:aws:iam::123456789012:role/ops"] },
      },
      [
        'env "test": backend.stateWriters leaves out assumeRole.roleArn arn:aws:iam::123456789012:role/platform, which Terraform writes the state as; add it (got ["arn:aws:iam::123456789012:role/ops"])',
      ],
    ],
    [
      "named writers without the CI deploy role, named readers without the CI plan role",
      {
        ...base,
        accountId: "123456789012",
        ci: { github: { repository: "acme/platform" }, githubEnvironment: "test" },
        backend: { stateWriters: ["arn:aws:iam::123456789012:role/ops"], stateReaders: ["arn:aws:iam::123456789012:role/audit"] },
      },
      [
        'env "test": backend.stateWriters leaves out the CI deploy role arn:aws:iam::123456789012:role/fixture-test-ci-deploy, which Terraform writes the state as; add it (got ["arn:aws:iam::123456789012:role/ops"])',
        'env "test": backend.stateReaders leaves out the CI plan role arn:aws:iam::123456789012:role/fixture-test-ci-plan, which reads the state in pull requests; add it (got ["arn:aws:iam::123456789012:role/audit"])',
      ],
    ],
  ])("rejects %s (state access)", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("accepts named state writers and readers that include Terraform's identities", () => {
    const env = {
      ...base,
      accountId: "123456789012",
      ci: { github: { repository: "acme/platform" }, githubEnvironment: "test" },
      backend: {
        stateWriters: ["arn:aws:iam::123456789012:role/fixture-test-ci-deploy", "arn:aws:iam::123456789012:role/ops"],
        stateReaders: ["arn:aws:iam::123456789012:role/fixture-test-ci-plan"],
      },
    };
    expect(errorsOf(env)).toEqual([]);
  });

  it("rejects two environments writing the same kubeconfig file", () => {
    const errors = errorsOfAll([
      { source: "envs/a.ts", raw: { ...base, name: "aa", kubeconfig: { path: "kubeconfigs/kube.yaml" } } },
      { source: "envs/b.ts", raw: { ...base, name: "bb", kubeconfig: { path: "kubeconfigs/kube.yaml" } } },
    ]);
    expect(errors).toEqual([
      'env "bb": kubeconfig.path gives the kubeconfig file "kubeconfigs/kube.yaml", which envs/a.ts also uses; each environment needs its own: change it in envs/b.ts (got "kubeconfigs/kube.yaml")',
    ]);
  });

  it("matches Fargate namespace wildcards as EKS does", () => {
    expect(namespaceMatches("2048-*", "2048-game")).toBe(true);
    expect(namespaceMatches("2048-gam?", "2048-game")).toBe(true);
    expect(namespaceMatches("default", "2048-game")).toBe(false);
    expect(
      errorsOf({
        ...base,
        fargate: { profiles: { apps: { selectors: [{ namespace: "*" }] } } },
        workloads: { sample2048: true, sample2048Image, loadBalancerController: true },
      }),
    ).toEqual([]);
  });
});
