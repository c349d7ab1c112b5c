import { IAspect, TerraformResource } from "cdktn";
import { IConstruct } from "constructs";

/**
 * Adds the `sid` tag to every taggable resource below a construct. The provider's default tags carry the
 * environment-wide tags; the product id is per construct, and an aspect keeps a new resource from forgetting it.
 */
export class SidTags implements IAspect {
  constructor(private readonly sid: string) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const taggable = node as TerraformResource & { tags?: Record<string, string>; tagsInput?: Record<string, string> };
    if (!("tagsInput" in taggable)) return;
    taggable.tags = { ...(taggable.tagsInput ?? {}), sid: this.sid };
  }
}
