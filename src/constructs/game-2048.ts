import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { SAMPLE_2048_NAMESPACE } from "../lib/naming";

/** Props of {@link Game2048}. */
export interface Game2048Props {
  /**
   * The container image, pinned by digest (`<repository>@sha256:<digest>`): an nginx image that
   * serves the game from `/usr/share/nginx/html` (the Fargate post's `docker-2048` and most 2048
   * images). Its nginx runs with this construct's configuration ({@link SAMPLE_2048_NGINX_CONF}).
   */
  readonly image: string;
  /** What must exist first (the load balancer controller's release). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Pods of the sample: a fixed two (the config does not size the sample). */
const REPLICAS = 2;

/**
 * The port the sample listens on. Not 80: binding a port below 1024 needs root or
 * CAP_NET_BIND_SERVICE, and a capability added to a non-root container stays out of its effective
 * set (Kubernetes sets no ambient capabilities), so nginx runs as a user on 8080 instead.
 */
export const SAMPLE_2048_PORT = 8080;

/** The non-root user and group nginx runs as (nginx's own in the official images; any non-root id works here). */
export const SAMPLE_2048_USER = 101;

/** Where the configuration is mounted, read-only. */
const CONF_DIR = "/etc/nginx-2048";

/** The one writable directory (an emptyDir): nginx's pid and temporary files. */
export const SAMPLE_2048_RUN_DIR = "/run/nginx-2048";

/**
 * The sample's nginx configuration: port 8080, every file nginx writes (pid, temporary files) in
 * {@link SAMPLE_2048_RUN_DIR} (an emptyDir), logs to the container's output, the image's game files
 * served read-only.
 * Nothing depends on the image's own configuration, user or writable paths.
 */
export const SAMPLE_2048_NGINX_CONF = `# The 2048 sample's nginx (written by the Game2048 construct): unprivileged, read-only root filesystem.
worker_processes 1;
daemon off;
pid ${SAMPLE_2048_RUN_DIR}/nginx.pid;
error_log stderr warn;

events {
  worker_connections 256;
}

http {
  access_log /dev/stdout;
  server_tokens off;
  client_body_temp_path ${SAMPLE_2048_RUN_DIR}/client_body;
  proxy_temp_path ${SAMPLE_2048_RUN_DIR}/proxy;
  fastcgi_temp_path ${SAMPLE_2048_RUN_DIR}/fastcgi;
  uwsgi_temp_path ${SAMPLE_2048_RUN_DIR}/uwsgi;
  scgi_temp_path ${SAMPLE_2048_RUN_DIR}/scgi;
  types {
    text/html html;
    text/css css;
    application/javascript js;
    application/json json;
    image/png png;
    image/x-icon ico;
    image/svg+xml svg;
    font/ttf ttf;
    font/woff woff;
    font/woff2 woff2;
    application/vnd.ms-fontobject eot;
  }
  default_type application/octet-stream;

  server {
    listen ${SAMPLE_2048_PORT};
    root /usr/share/nginx/html;
    index index.html;
  }
}
`;

const APP_LABELS = { "app.kubernetes.io/name": "app-2048" };

/** Pod Security Standards: the namespace admits, audits and warns at `restricted`. */
const POD_SECURITY_LABELS = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
};

/**
 * Defines the Fargate post's sample, hardened: namespace `2048-game` (selected by a Fargate
 * profile) enforcing the `restricted` Pod Security Standard, a deployment of two replicas of an
 * image pinned by digest, run by nginx as a non-root user on port 8080 with a read-only root
 * filesystem (an emptyDir for what nginx writes), no privilege escalation, every capability
 * dropped and the runtime's default seccomp profile, a service, and a `networking.k8s.io/v1`
 * Ingress for the AWS Load Balancer Controller (internet-facing ALB, IP targets, which Fargate pods
 * require).
 * References replace the post's hard-coded namespace strings, so the order is always right.
 */
export class Game2048 extends Construct {
  readonly namespace: NamespaceV1;
  readonly ingress: IngressV1;
  /** The DNS name of the ALB in front of the sample (known once the controller created it). */
  readonly loadBalancerHostname: string;

  constructor(scope: Construct, id: string, props: Game2048Props) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: { name: SAMPLE_2048_NAMESPACE, labels: { app: "2048", ...POD_SECURITY_LABELS } },
    });
    const namespace = this.namespace.metadata.name;
    const config = new ConfigMapV1(this, "nginx_config", {
      metadata: { name: "nginx-2048", namespace, labels: APP_LABELS },
      data: { "nginx.conf": SAMPLE_2048_NGINX_CONF },
    });
    const deployment = new DeploymentV1(this, "deployment", {
      metadata: { name: "deployment-2048", namespace, labels: APP_LABELS },
      spec: {
        replicas: String(REPLICAS),
        selector: { matchLabels: APP_LABELS },
        template: {
          metadata: {
            labels: APP_LABELS,
            // A new configuration rolls the pods (nginx reads it at start only).
            annotations: { "checksum/nginx-config": createHash("sha256").update(SAMPLE_2048_NGINX_CONF).digest("hex") },
          },
          spec: {
            automountServiceAccountToken: false,
            container: [
              {
                name: "app-2048",
                image: props.image,
                imagePullPolicy: "IfNotPresent",
                command: ["nginx", "-c", `${CONF_DIR}/nginx.conf`],
                port: [{ containerPort: SAMPLE_2048_PORT, name: "http" }],
                resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 10 },
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: String(SAMPLE_2048_USER),
                  runAsGroup: String(SAMPLE_2048_USER),
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMount: [
                  { name: "nginx-config", mountPath: CONF_DIR, readOnly: true },
                  { name: "nginx-run", mountPath: SAMPLE_2048_RUN_DIR },
                ],
              },
            ],
            volume: [
              { name: "nginx-config", configMap: { name: config.metadata.name, defaultMode: "0444" } },
              { name: "nginx-run", emptyDir: { sizeLimit: "64Mi" } },
            ],
          },
        },
      },
      timeouts: { create: "15m", update: "15m" },
    });
    const service = new ServiceV1(this, "service", {
      metadata: { name: "service-2048", namespace, labels: APP_LABELS },
      spec: { selector: APP_LABELS, port: [{ port: 80, targetPort: "http", protocol: "TCP" }], type: "ClusterIP" },
      // The load balancer controller's Service webhook (failurePolicy Fail) must answer first: a
      // Service created before the controller is ready fails with "no endpoints available".
      dependsOn: [deployment, ...(props.dependsOn ?? [])],
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
