import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { addresses, fixtureEnv, karpenterFixture, synthEnv, testEnv } from "../helpers/synth";

/** Fargate only, its workloads stack authenticating as a cluster admin of its own (workloads.roleArn). */
const alphaEnv = await fixtureEnv("alpha");
/** Node groups, and a role to assume that is a cluster admin; in API_AND_CONFIG_MAP mode here, to cover both modes. */
const bravoEnv = await fixtureEnv("bravo");
const bravoConfigMap = { ...bravoEnv, eks: { ...bravoEnv.eks, authenticationMode: "API_AND_CONFIG_MAP" as const } };
const alpha = synthEnv(alphaEnv).json;
const bravo = synthEnv(bravoConfigMap).json;
/** EKS Auto Mode. */
const charlie = synthEnv(await fixtureEnv("charlie")).json;

type Release = { chart: string; version: string; namespace: string; values: string[]; depends_on?: string[] };
const release = (json: typeof alpha, name: string) => json.workloads.resource?.helm_release[name] as unknown as Release;
const values = (r: Release) => parse(r.values[0]) as Record<string, unknown>;

describe("WorkloadsStack", () => {
  it("configures the kubernetes and helm providers from the platform's outputs and a token as an admin role", () => {
    const kubernetes = alpha.workloads.provider?.kubernetes[0] as Record<string, unknown>;
    expect(kubernetes.host).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-alpha-platform\.outputs\.cross-stack-output-aws_eks_cluster_eks_endpoint\}$/,
    );
    expect(kubernetes.cluster_ca_certificate).toMatch(/^\$\{base64decode\(data\.terraform_remote_state\./);
    const token = {
      api_version: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: [
        "eks",
        "get-token",
        "--cluster-name",
        "fixture-alpha-eks",
        "--region",
        "eu-west-1",
        "--role-arn",
        alphaEnv.workloads.roleArn,
        "--output",
        "json",
      ],
    };
    expect(kubernetes.exec).toEqual([token]);
    expect(kubernetes).not.toHaveProperty("config_path");
    const helm = alpha.workloads.provider?.helm[0] as { kubernetes: Record<string, unknown> };
    expect(helm.kubernetes).toEqual({ host: kubernetes.host, cluster_ca_certificate: kubernetes.cluster_ca_certificate, exec: token });
    // The role is one of the cluster admins (an access entry with AmazonEKSClusterAdminPolicy).
    expect(Object.values(alphaEnv.eks.admins)).toContain(alphaEnv.workloads.roleArn);
    expect(alpha.workloads.data?.terraform_remote_state["cross-stack-reference-input-alpha-platform"]).toMatchObject({
      backend: "s3",
      config: { bucket: "fixture-alpha-tfstate", key: "alpha/alpha-platform.tfstate" },
    });
  });

  it("takes the token as the environment's deploy role when workloads.roleArn is not set", () => {
    const exec = (bravo.workloads.provider?.kubernetes[0] as { exec: { args: string[] }[] }).exec[0];
    expect(exec.args).toEqual(expect.arrayContaining(["--role-arn", "arn:aws:iam::555555555555:role/fixture-bravo-deployer"]));
  });

  it("installs the load balancer controller from the workloads stack and the 2048 sample after it, with its ALB as an output", () => {
    expect(addresses(alpha.workloads)).toEqual([
      "data.terraform_remote_state.cross-stack-reference-input-alpha-platform",
      "helm_release.lb_controller_crd_release",
      "helm_release.lb_controller_release",
      "kubernetes_config_map_v1.game_2048_nginx_config",
      "kubernetes_deployment_v1.game_2048_deployment",
      "kubernetes_ingress_v1.game_2048_ingress",
      "kubernetes_namespace_v1.game_2048_namespace",
      "kubernetes_service_account_v1.app_service_account",
      "kubernetes_service_v1.game_2048_service",
    ]);
    const lbc = release(alpha, "lb_controller_release");
    expect(values(lbc)).toMatchObject({
      clusterName: "fixture-alpha-eks",
      region: "eu-west-1",
      serviceAccount: { create: true, name: "aws-load-balancer-controller" },
    });
    expect(values(lbc).vpcId).toMatch(/^\$\{data\.terraform_remote_state\./);
    const ingress = alpha.workloads.resource?.kubernetes_ingress_v1.game_2048_ingress as Record<string, unknown>;
    expect(ingress).toMatchObject({ wait_for_load_balancer: true });
    expect(ingress.depends_on).toEqual(expect.arrayContaining(["helm_release.lb_controller_release"]));
    // The Service too: the controller's Service webhook fails closed until the controller answers.
    const service = alpha.workloads.resource?.kubernetes_service_v1.game_2048_service as { depends_on: string[] };
    expect(service.depends_on).toEqual(expect.arrayContaining(["helm_release.lb_controller_release"]));
    const deployment = alpha.workloads.resource?.kubernetes_deployment_v1.game_2048_deployment as {
      spec: { template: { spec: { container: { image: string }[] } } };
    };
    expect(deployment.spec.template.spec.container[0].image).toBe(alphaEnv.workloads.sample2048Image);
    expect(alphaEnv.workloads.sample2048Image).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(alpha.workloads.output?.sample_2048_url.value).toBe(
      "http://${kubernetes_ingress_v1.game_2048_ingress.status[0].load_balancer[0].ingress[0].hostname}",
    );
    // Fargate-only: the controller and metrics-server get Fargate profiles in the platform.
    expect(alpha.platform.resource?.aws_eks_fargate_profile["fargate_profile_aws-lb-controller"]).toMatchObject({
      selector: [{ namespace: "kube-system", labels: { "app.kubernetes.io/name": "aws-load-balancer-controller" } }],
    });
    expect(alpha.platform.resource?.aws_eks_fargate_profile["fargate_profile_metrics-server"]).toMatchObject({
      selector: [{ namespace: "kube-system", labels: { "app.kubernetes.io/name": "metrics-server" } }],
    });
  });

  it("with node groups, installs the cluster autoscaler for the cluster's minor, the termination handler and a gp3 class", () => {
    expect(Object.keys(bravo.workloads.resource?.helm_release ?? {}).sort()).toEqual([
      "cluster_autoscaler_release",
      "lb_controller_crd_release",
      "lb_controller_release",
      "node_termination_handler_release",
    ]);
    const autoscaler = release(bravo, "cluster_autoscaler_release");
    expect(autoscaler).toMatchObject({ chart: "cluster-autoscaler", version: "9.59.0", namespace: "kube-system" });
    expect(values(autoscaler)).toMatchObject({
      awsRegion: "us-east-2",
      autoDiscovery: { clusterName: "fixture-bravo-eks" },
      image: { tag: "v1.35.2" },
      rbac: { serviceAccount: { create: true, name: "cluster-autoscaler" } },
      // Per-zone groups (perZone) are kept at similar sizes; EBS volumes are no local storage, so the
      // default skip-nodes-with-local-storage stays.
      extraArgs: { "balance-similar-node-groups": true },
    });
    expect(values(autoscaler).extraArgs).not.toHaveProperty("skip-nodes-with-local-storage");
    const nth = release(bravo, "node_termination_handler_release");
    expect(values(nth)).toMatchObject({
      enableSqsTerminationDraining: true,
      awsRegion: "us-east-2",
      checkTagBeforeDraining: true,
      managedTag: "aws-node-termination-handler/fixture-bravo-eks",
    });
    expect(values(nth).queueURL).toMatch(/^\$\{data\.terraform_remote_state\./);
    expect(bravo.workloads.resource?.kubernetes_storage_class_v1.gp3_storage_class).toMatchObject({
      storage_provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
    });
    for (const r of ["cluster_autoscaler_release", "node_termination_handler_release"])
      expect(release(bravo, r).depends_on).toEqual(["helm_release.lb_controller_release"]);
  });

  it("gives the app's pods a service account whose IRSA role may use exactly the app's tables", () => {
    const sa = alpha.workloads.resource?.kubernetes_service_account_v1.app_service_account as { metadata: Record<string, unknown> };
    expect(sa.metadata).toMatchObject({ name: "app", namespace: "default" });
    expect((sa.metadata.annotations as Record<string, string>)["eks.amazonaws.com/role-arn"]).toMatch(
      /^\$\{data\.terraform_remote_state\./,
    );
    const custom = synthEnv(
      testEnv({
        eks: { admins: { a: "arn:aws:iam::123456789012:role/a" } },
        workloads: { roleArn: "arn:aws:iam::123456789012:role/a", app: { namespace: "shop", serviceAccount: "web" } },
        tables: { t: { hashKey: { name: "id", type: "S" } } },
      }),
    ).json;
    expect(custom.workloads.resource?.kubernetes_namespace_v1.app_namespace).toMatchObject({ metadata: { name: "shop" } });
  });

  it("never creates or edits kube-system/aws-auth, in either authentication mode", () => {
    for (const json of [alpha, bravo]) {
      for (const [type, byName] of Object.entries(json.workloads.resource ?? {})) {
        if (!/config_map/.test(type)) continue;
        // The only ConfigMap is the 2048 sample's nginx configuration, in its own namespace.
        expect(Object.keys(byName)).toEqual(["game_2048_nginx_config"]);
        const metadata = byName.game_2048_nginx_config.metadata as Record<string, unknown>;
        expect(metadata.name).toBe("nginx-2048");
        expect(metadata.namespace).toBe("${kubernetes_namespace_v1.game_2048_namespace.metadata[0].name}");
      }
      expect(JSON.stringify(json.workloads)).not.toContain("aws-auth");
    }
    expect(alphaEnv.eks.authenticationMode).toBe("API");
    expect(bravoConfigMap.eks.authenticationMode).toBe("API_AND_CONFIG_MAP");
  });
});

describe("WorkloadsStack on EKS Auto Mode", () => {
  const resources = charlie.workloads.resource ?? {};

  it("installs Auto Mode's IngressClass and storage class, and none of the project's own controllers", () => {
    expect(resources.helm_release).toBeUndefined();
    const ingressClass = resources.kubernetes_ingress_class_v1.auto_mode_ingress_class as {
      spec: { controller: string; parameters: object[] };
    };
    expect(ingressClass.spec.controller).toBe("eks.amazonaws.com/alb");
    expect(ingressClass.spec.parameters).toEqual([{ api_group: "eks.amazonaws.com", kind: "IngressClassParams", name: "alb" }]);
    const params = resources.kubernetes_manifest.auto_mode_ingress_class_params as { manifest: { spec: object } };
    expect(params.manifest.spec).toEqual({ scheme: "internet-facing" });
    const storage = resources.kubernetes_storage_class_v1.gp3_storage_class as { storage_provisioner: string };
    expect(storage.storage_provisioner).toBe("ebs.csi.eks.amazonaws.com");
    // The 2048 sample's Ingress uses the class, after it exists.
    const ingress = resources.kubernetes_ingress_v1.game_2048_ingress as { spec: { ingress_class_name: string }; depends_on: string[] };
    expect(ingress.spec.ingress_class_name).toBe("alb");
    expect(ingress.depends_on).toContain("kubernetes_ingress_class_v1.auto_mode_ingress_class");
  });
});

/** Karpenter on its node group (delta) and on Fargate (echo), both from alpha. */
const delta = synthEnv(await karpenterFixture("nodeGroup")).json;
const echo = synthEnv(await karpenterFixture("fargate")).json;

describe("WorkloadsStack with Karpenter", () => {
  const names = (json: typeof delta) => Object.keys(json.workloads.resource?.helm_release ?? {}).sort();

  it("installs Karpenter after the load balancer controller's webhook, and no cluster autoscaler", () => {
    for (const json of [delta, echo]) {
      expect(names(json)).toEqual([
        "karpenter_crd_release",
        "karpenter_node_class",
        "karpenter_node_pool",
        "karpenter_release",
        "lb_controller_crd_release",
        "lb_controller_release",
      ]);
      expect(release(json, "karpenter_crd_release").depends_on).toEqual(["helm_release.lb_controller_release"]);
    }
  });

  it("reads the controller's role and the cluster from the platform, the queue and node role by their names", () => {
    const controller = values(release(delta, "karpenter_release")) as {
      settings: Record<string, string>;
      serviceAccount: { annotations: Record<string, string> };
    };
    expect(controller.settings.clusterName).toBe("fixture-delta-eks");
    expect(controller.settings.interruptionQueue).toBe("fixture-delta-eks-karpenter");
    expect(controller.settings.clusterEndpoint).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-delta-platform\./);
    expect(controller.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(/karpenter_controller_role_arn\}$/);
    const nodeClass = (values(release(delta, "karpenter_node_class")) as { manifest: { spec: Record<string, unknown> } }).manifest.spec;
    expect(nodeClass.role).toBe("fixture-delta-eks-karpenter-node");
    expect(nodeClass.subnetSelectorTerms).toEqual([
      {
        id: "${data.terraform_remote_state.cross-stack-reference-input-delta-platform.outputs.cross-stack-output-aws_subnet_vpc_private_a_id}",
      },
      {
        id: "${data.terraform_remote_state.cross-stack-reference-input-delta-platform.outputs.cross-stack-output-aws_subnet_vpc_private_b_id}",
      },
    ]);
    // The cluster's primary security group, as the managed node groups' nodes have.
    expect(nodeClass.securityGroupSelectorTerms).toEqual([
      {
        id: "${data.terraform_remote_state.cross-stack-reference-input-delta-platform.outputs.cross-stack-output-aws_eks_cluster_eks_vpc_config_0__cluster_security_group_id}",
      },
    ]);
    expect(nodeClass.tags).toEqual({ Project: "fixture", Environment: "delta", ManagedBy: "cdktf", CostCenter: "fixture-delta" });
  });

  it("keeps the controller on its node group, or leaves it to its Fargate profile", () => {
    expect(values(release(delta, "karpenter_release")).nodeSelector).toEqual({
      "kubernetes.io/os": "linux",
      "eks.amazonaws.com/nodegroup": "karpenter",
    });
    expect(values(release(echo, "karpenter_release"))).not.toHaveProperty("nodeSelector");
    // With its node group the cluster has EC2 nodes before Karpenter: the gp3 class is installed.
    expect(delta.workloads.resource?.kubernetes_storage_class_v1).toHaveProperty("gp3_storage_class");
    expect(echo.workloads.resource?.kubernetes_storage_class_v1).toBeUndefined();
  });

  it("keeps the cluster autoscaler off node groups that say so", () => {
    const bravoWithout = { ...bravoEnv, workloads: { ...bravoEnv.workloads, clusterAutoscaler: false } };
    const json = synthEnv(bravoWithout).json;
    expect(Object.keys(json.workloads.resource?.helm_release ?? {})).not.toContain("cluster_autoscaler_release");
    expect(json.platform.resource?.aws_iam_role).not.toHaveProperty("cluster_autoscaler_role");
  });
});
