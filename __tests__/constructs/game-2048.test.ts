import { describe, expect, it } from "vitest";
import { Game2048, SAMPLE_2048_NGINX_CONF, SAMPLE_2048_RUN_DIR } from "../../src/constructs/game-2048";
import { onlyResource, synthConstruct } from "../helpers/synth";

const IMAGE = `registry.example.com/games/2048:1.0@sha256:${"ab".repeat(32)}`;

type Container = {
  image: string;
  image_pull_policy: string;
  command: string[];
  port: { container_port: number; name: string }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  security_context: Record<string, unknown>;
  volume_mount: { name: string; mount_path: string; read_only?: boolean }[];
};
type PodSpec = {
  automount_service_account_token: boolean;
  container: Container[];
  volume: { name: string; config_map?: Record<string, unknown>; empty_dir?: Record<string, unknown> }[];
};

describe("Game2048", () => {
  const json = synthConstruct((s) => new Game2048(s, "game", { image: IMAGE }));
  const deployment = onlyResource(json, "kubernetes_deployment_v1") as {
    metadata: Record<string, unknown>;
    spec: { replicas: string; template: { metadata: { annotations: Record<string, string> }; spec: PodSpec } };
  };
  const pod = deployment.spec.template.spec;
  const container = pod.container[0];

  it("deploys two replicas into the 2048-game namespace, by reference", () => {
    expect(onlyResource(json, "kubernetes_namespace_v1").metadata).toMatchObject({ name: "2048-game" });
    expect(deployment.metadata.namespace).toBe("${kubernetes_namespace_v1.game_namespace.metadata[0].name}");
    expect(deployment.spec.replicas).toBe("2");
  });

  it("labels its namespace to enforce, audit and warn at the restricted Pod Security Standard", () => {
    expect((onlyResource(json, "kubernetes_namespace_v1").metadata as { labels: object }).labels).toEqual({
      app: "2048",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
  });

  it("runs the image by digest, pulled only when absent", () => {
    expect(container.image).toBe(IMAGE);
    expect(container.image_pull_policy).toBe("IfNotPresent");
  });

  it("hardens the container as the restricted standard requires, with a read-only root filesystem", () => {
    expect(container.security_context).toEqual({
      run_as_non_root: true,
      run_as_user: "101",
      run_as_group: "101",
      read_only_root_filesystem: true,
      allow_privilege_escalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccomp_profile: { type: "RuntimeDefault" },
    });
    // No capability is added back: not even NET_BIND_SERVICE, which a non-root process could not use.
    expect(JSON.stringify(pod)).not.toContain("NET_BIND_SERVICE");
    expect(pod.automount_service_account_token).toBe(false);
    expect(container.resources).toEqual({
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    });
  });

  it("serves on 8080 as non-root, with nginx writing only to an emptyDir and reading the project's configuration", () => {
    expect(container.port).toEqual([{ container_port: 8080, name: "http" }]);
    expect(container.command).toEqual(["nginx", "-c", "/etc/nginx-2048/nginx.conf"]);
    expect(container.volume_mount).toEqual([
      { name: "nginx-config", mount_path: "/etc/nginx-2048", read_only: true },
      { name: "nginx-run", mount_path: "/run/nginx-2048" },
    ]);
    expect(pod.volume).toEqual([
      {
        name: "nginx-config",
        config_map: { name: "${kubernetes_config_map_v1.game_nginx_config.metadata[0].name}", default_mode: "0444" },
      },
      { name: "nginx-run", empty_dir: { size_limit: "64Mi" } },
    ]);
    const config = onlyResource(json, "kubernetes_config_map_v1") as { metadata: Record<string, unknown>; data: Record<string, string> };
    expect(config.metadata.namespace).toBe("${kubernetes_namespace_v1.game_namespace.metadata[0].name}");
    expect(config.data["nginx.conf"]).toBe(SAMPLE_2048_NGINX_CONF);
    expect(SAMPLE_2048_NGINX_CONF).toContain("listen 8080;");
    expect(SAMPLE_2048_NGINX_CONF).toContain("root /usr/share/nginx/html;");
    expect(SAMPLE_2048_NGINX_CONF).not.toMatch(/^\s*user\s/m);
    // Every path nginx writes to is in the emptyDir (logs go to the container's output).
    expect(SAMPLE_2048_RUN_DIR).toBe("/run/nginx-2048");
    const written = [...SAMPLE_2048_NGINX_CONF.matchAll(/^\s*(?:pid|\w+_temp_path)\s+(\S+);/gm)].map((m) => m[1]);
    expect(written).toHaveLength(6);
    for (const p of written) expect(p.startsWith(`${SAMPLE_2048_RUN_DIR}/`)).toBe(true);
    // A configuration change rolls the pods.
    expect(deployment.spec.template.metadata.annotations["checksum/nginx-config"]).toMatch(/^[a-f0-9]{64}$/);
  });

  it("exposes it through an internet-facing ALB Ingress (networking.k8s.io/v1) with IP targets, on the pods' 8080", () => {
    const service = onlyResource(json, "kubernetes_service_v1") as { spec: { port: object[] } };
    expect(service.spec.port).toEqual([{ port: 80, target_port: "http", protocol: "TCP" }]);
    const ingress = onlyResource(json, "kubernetes_ingress_v1") as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    expect(ingress.metadata.annotations).toEqual({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
    });
    expect(ingress.spec.ingress_class_name).toBe("alb");
    expect(JSON.stringify(ingress.spec)).toContain('"name":"${kubernetes_service_v1.game_service.metadata[0].name}"');
  });
});
