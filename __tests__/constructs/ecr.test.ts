import { describe, expect, it } from "vitest";
import { Ecr, type EcrProps } from "../../src/constructs/ecr";
import { onlyResource, resourcesOf, synthConstruct } from "../helpers/synth";

const props: EcrProps = {
  namePrefix: "fixture-alpha",
  repositories: ["karimarttila/debian-openjdk11", "web"],
  imageTagMutability: "IMMUTABLE",
  keepLastImages: 30,
  untaggedExpireDays: 7,
  forceDelete: false,
};

describe("Ecr", () => {
  it("defines one scanned, immutable, KMS-encrypted repository per image", () => {
    const repos = resourcesOf(
      synthConstruct((s) => new Ecr(s, "ecr", props)),
      "aws_ecr_repository",
    );
    expect(Object.keys(repos).sort()).toEqual(["ecr_karimarttila_debian-openjdk11", "ecr_web"]);
    for (const [image, repo] of [
      ["karimarttila/debian-openjdk11", repos["ecr_karimarttila_debian-openjdk11"]],
      ["web", repos.ecr_web],
    ] as const) {
      expect(repo).toMatchObject({
        name: `fixture-alpha/${image}`,
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: "KMS", kms_key: "${aws_kms_key.ecr_key.arn}" }],
        force_delete: false,
      });
    }
  });

  it("deletes repositories with their images on destroy only when told (ephemeral environments)", () => {
    const json = synthConstruct((s) => new Ecr(s, "ecr", { ...props, repositories: ["web"], forceDelete: true }));
    expect(onlyResource(json, "aws_ecr_repository").force_delete).toBe(true);
  });

  it("expires untagged images and keeps the newest N", () => {
    const json = synthConstruct((s) => new Ecr(s, "ecr", { ...props, repositories: ["web"], keepLastImages: 12, untaggedExpireDays: 3 }));
    const lifecycle = onlyResource(json, "aws_ecr_lifecycle_policy");
    expect(lifecycle.repository).toBe("${aws_ecr_repository.ecr_web.name}");
    expect((JSON.parse(lifecycle.policy as string) as { rules: unknown[] }).rules).toEqual([
      expect.objectContaining({
        rulePriority: 1,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 },
      }),
      expect.objectContaining({ rulePriority: 2, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 12 } }),
    ]);
  });

  it("allows mutable tags when asked and exposes repository URLs", () => {
    let ecr!: Ecr;
    const json = synthConstruct((s) => (ecr = new Ecr(s, "ecr", { ...props, repositories: ["web"], imageTagMutability: "MUTABLE" })));
    expect(onlyResource(json, "aws_ecr_repository").image_tag_mutability).toBe("MUTABLE");
    expect(Object.keys(ecr.repositoryUrls)).toEqual(["web"]);
    expect(ecr.repositoryUrls.web).toMatch(/TfToken/);
  });

  it("creates nothing without repositories", () => {
    const json = synthConstruct((s) => new Ecr(s, "ecr", { ...props, repositories: [] }));
    expect(json.resource ?? {}).toEqual({});
  });
});
