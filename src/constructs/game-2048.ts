import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { SAMPLE_2048_NAMESPACE } from "../lib/naming";
import { requireValidProps } from "../lib/validation";

/** Props of {@link Game2048}. */
export interface Game2048Props {
  /** Container image. @default "public.ecr.aws/l6m2t8p7/docker-2048:latest" (AWS's copy of the post's image) */
  readonly image?: string;
  /** @default 2 */
  readonly replicas?: number;
  /** What must exist first (the load balancer controller's release). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const APP_LABELS = { "app.kubernetes.io/name": "app-2048" };

/**
 * Defines the Fargate post's sample: namespace `2048-game` (selected by a Fargate profile), a
 * deployment of two replicas on port 80, a service, and a `networking.k8s.io/v1` Ingress for the
 * AWS Load Balancer Controller (internet-facing ALB, IP targets, which Fargate pods require).
 * References replace the post's hard-coded namespace strings, so the order is always right.
 */
export class Game2048 extends Construct {
  readonly namespace: NamespaceV1;
  readonly ingress: IngressV1;
  /** The DNS name of the ALB in front of the sample (known once the controller created it). */
  readonly loadBalancerHostname: string;

  constructor(scope: Construct, id: string, props: Game2048Props = {}) {
    super(scope, id);
    const replicas = props.replicas ?? 2;
    requireValidProps("Game2048", [
      ["replicas", replicas, (!Number.isInteger(replicas) || replicas < 1) && "must be a whole number of at least 1"],
    ]);
    this.namespace = new NamespaceV1(this, "namespace", { metadata: { name: SAMPLE_2048_NAMESPACE, labels: { app: "2048" } } });
    const namespace = this.namespace.metadata.name;
    const deployment = new DeploymentV1(this, "deployment", {
      metadata: { name: "deployment-2048", namespace, labels: APP_LABELS },
      spec: {
        replicas: String(replicas),
        selector: { matchLabels: APP_LABELS },
        template: {
          metadata: { labels: APP_LABELS },
          spec: {
            automountServiceAccountToken: false,
            container: [
              {
                name: "app-2048",
                image: props.image ?? "public.ecr.aws/l6m2t8p7/docker-2048:latest",
                imagePullPolicy: "Always",
                port: [{ containerPort: 80, name: "http" }],
                resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 10 },
                securityContext: { allowPrivilegeEscalation: false },
              },
            ],
          },
        },
      },
      timeouts: { create: "15m", update: "15m" },
    });
    const service = new ServiceV1(this, "service", {
      metadata: { name: "service-2048", namespace, labels: APP_LABELS },
      spec: { selector: APP_LABELS, port: [{ port: 80, targetPort: "http", protocol: "TCP" }], type: "ClusterIP" },
      dependsOn: [deployment],
    });
    this.ingress = new IngressV1(this, "ingress", {
      metadata: {
        name: "ingress-2048",
        namespace,
        annotations: {
          "alb.ingress.kubernetes.io/scheme": "internet-facing",
          "alb.ingress.kubernetes.io/target-type": "ip",
        },
      },
      spec: {
        ingressClassName: "alb",
        rule: [
          {
            http: {
              path: [{ path: "/", pathType: "Prefix", backend: { service: { name: service.metadata.name, port: { number: 80 } } } }],
            },
          },
        ],
      },
      // A deploy that gets no ALB fails here, loudly, instead of leaving an Ingress without address.
      waitForLoadBalancer: true,
      timeouts: { create: "10m" },
      dependsOn: [service, ...(props.dependsOn ?? [])],
    });
    this.loadBalancerHostname = this.ingress.status.get(0).loadBalancer.get(0).ingress.get(0).hostname;
  }
}
