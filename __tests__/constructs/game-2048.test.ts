import { describe, expect, it } from "vitest";
import { Game2048 } from "../../src/constructs/game-2048";
import { PropsError } from "../../src/lib/validation";
import { onlyResource, synthConstruct } from "../helpers/synth";

describe("Game2048", () => {
  const json = synthConstruct((s) => new Game2048(s, "game"));

  it("deploys two replicas on port 80 into the 2048-game namespace, by reference", () => {
    expect(onlyResource(json, "kubernetes_namespace_v1").metadata).toMatchObject({ name: "2048-game" });
    const deployment = onlyResource(json, "kubernetes_deployment_v1") as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    expect(deployment.metadata.namespace).toBe("${kubernetes_namespace_v1.game_namespace.metadata[0].name}");
    expect(deployment.spec.replicas).toBe("2");
    expect(JSON.stringify(deployment.spec)).toContain('"container_port":80');
  });

  it("exposes it through an internet-facing ALB Ingress (networking.k8s.io/v1) with IP targets", () => {
    const ingress = onlyResource(json, "kubernetes_ingress_v1") as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    expect(ingress.metadata.annotations).toEqual({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
    });
    expect(ingress.spec.ingress_class_name).toBe("alb");
    expect(JSON.stringify(ingress.spec)).toContain('"name":"${kubernetes_service_v1.game_service.metadata[0].name}"');
  });

  it("rejects zero replicas", () => {
    expect(() => synthConstruct((s) => new Game2048(s, "game", { replicas: 0 }))).toThrow(PropsError);
  });
});
